"""Phonetic keys for romanised Southeast Asian names.

Soundex and Metaphone are built for English spelling. The variation in this region comes
from romanisation: aspirated and plain consonants written alike or not (Phongsathorn /
Pongsatorn, Htun / Tun, Khin / Kin), vowels spelled several ways (oo/u, ee/i, ai/ay/ei,
ou/u from French-based Lao and Khmer spellings), final consonants that the script
writes but nobody pronounces (Thai -rn/-l read as -n), Indonesian pre-1972 spelling
(oe/u, tj/c, dj/j) and doubled letters. The key maps each group to one spelling, so the
variants meet; the comparison also checks the unkeyed form, so an exact spelling still
counts for more than a keyed match.
"""

from __future__ import annotations

import functools
import re

# Applied in order; each (pattern, replacement) is a regular expression on a lower-case
# ASCII token.
_RULES: tuple[tuple[str, str], ...] = (
    (r"[^a-z]", ""),
    (r"oe$", "o"),  # Burmese Soe, Moe
    # Affricates: ch, chh, j, tch, c(h) all one symbol C (upper case = internal symbol).
    (r"tch", "C"),
    (r"chh", "C"),
    (r"ch", "C"),
    (r"j", "C"),
    (r"c(?=[ei])", "s"),  # Cecilia, Vicente: Spanish soft c
    (r"c", "k"),
    (r"q", "k"),
    (r"x", "s"),  # Lao French-style Xay = Sai; Vietnamese x is an s
    # Aspiration is written inconsistently: ph/p, th/t, kh/k, bh/b, dh/d, gh/g; Burmese
    # "ht" and "hs" put the h first.
    (r"ph", "p"),
    (r"th", "t"),
    (r"kh", "k"),
    (r"gh", "g"),
    (r"bh", "b"),
    (r"dh", "d"),
    (r"^h(?=[tsmnlwy])", ""),
    (r"(?<=[aeiou])h(?=[tsmnlwy])", ""),
    (r"sh", "s"),
    (r"v", "w"),
    (r"f", "p"),
    # Voiced and voiceless stops are confused across romanisations (Burmese sandhi:
    # Thandar / Thanta; Khmer d/t).
    (r"d", "t"),
    (r"b", "p"),
    (r"(?<!n)g(?!$)", "k"),
    # Vowels.
    (r"ane$", "en"),  # English-style silent e: Thane = Thein
    (r"^([^aeiou]+)(ea|ia)$", r"\1a"),  # Khmer Chea / Chia
    (r"ea", "a"),
    (r"ou", "u"),
    (r"oo", "u"),
    (r"uu", "u"),
    (r"ee", "i"),
    (r"ii", "i"),
    (r"aa", "a"),
    (r"(ay|ai|ey|ei|ae)", "e"),
    (r"(ao|au)", "o"),
    (r"(aw|ow)(?![aeiou])", "o"),
    (r"(ew|eo)", "eo"),
    (r"y$", "i"),
    (r"(?<=[aeiou])r(?=[^aeiou]|$)", ""),  # non-rhotic r before a consonant or at the end
    (r"(?<=[aeiou])h$", ""),  # Lao Chanh, Khmer Sokh: a written, silent h
    (r"nh$", "n"),
    (r"(?<=[aeiou])l$", "n"),  # Thai final l is read n: Kamol / Kamon
    (r"(?<=[aeiou])m$", "m"),
    (r"(?<=[aeiou])te$", "t"),
    (r"(?<=n)e$", ""),  # Lao Somphone / Somphon
    (r"([a-zC])\1+", r"\1"),  # doubled letters
    (r"h", ""),  # any remaining h is not heard reliably
)
_COMPILED = tuple((re.compile(p), r) for p, r in _RULES)


_OLD_SPELLING = re.compile(r"tj|dj|oe(?=[a-z])")


def _modern_indonesian(token: str) -> str:
    """Indonesian spelling before 1972 (Soekarno, Djoko, Tjahjadi) in today's spelling
    (Sukarno, Joko, Cahyadi); only for tokens that show an old-spelling digraph, since
    "j" alone is a "y" in the old spelling but a "j" everywhere else."""
    if not _OLD_SPELLING.search(token):
        return token
    token = token.replace("tj", "c").replace("dj", "J").replace("j", "y").replace("J", "j")
    return re.sub(r"oe(?=[a-z])", "u", token)


@functools.lru_cache(maxsize=200_000)
def phonetic_key(token: str) -> str:
    """The phonetic key of one lower-case ASCII name token.

    >>> phonetic_key("phongsathorn") == phonetic_key("pongsatorn")
    True
    >>> phonetic_key("htoon") == phonetic_key("tun")
    True
    >>> phonetic_key("bounmy") == phonetic_key("bunmi")
    True
    """
    key = _modern_indonesian(token.lower())
    for pattern, repl in _COMPILED:
        key = pattern.sub(repl, key)
    return key.lower() or token.lower()
