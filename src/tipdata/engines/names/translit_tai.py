"""Thai and Lao script to Latin, close to the Royal Thai General System (RTGS).

ICU's ``Thai-Latin`` is a letter transliteration (ISO 11940: สมชาย -> "smchay") that
leaves out the vowels Thai does not write, so it never meets a romanised "Somchai";
ICU 72 has no Lao transliterator at all. Names need a romanisation, so this module
parses Thai syllables (preposed vowels, consonant clusters, unwritten vowels, final
consonants reduced to k/t/p/n/m/ng, silent letters under the karan) and writes them in
RTGS. Lao is mapped letter for letter onto its Thai counterpart first and then takes the
same path, because the two scripts share their structure.

Thai spelling cannot always be read without a dictionary (an unwritten "a" or "o"); the
rules below take the common reading. The phonetic keys in :mod:`.phonetic` and the fuzzy
levels of the comparison absorb what remains, so a missed vowel costs a little
similarity, not the match.
"""

from __future__ import annotations

from dataclasses import dataclass

_INITIAL: dict[str, str] = {
    "ก": "k", "ข": "kh", "ฃ": "kh", "ค": "kh", "ฅ": "kh", "ฆ": "kh", "ง": "ng", "จ": "ch",
    "ฉ": "ch", "ช": "ch", "ซ": "s", "ฌ": "ch", "ญ": "y", "ฎ": "d", "ฏ": "t", "ฐ": "th",
    "ฑ": "th", "ฒ": "th", "ณ": "n", "ด": "d", "ต": "t", "ถ": "th", "ท": "th", "ธ": "th",
    "น": "n", "บ": "b", "ป": "p", "ผ": "ph", "ฝ": "f", "พ": "ph", "ฟ": "f", "ภ": "ph",
    "ม": "m", "ย": "y", "ร": "r", "ล": "l", "ว": "w", "ศ": "s", "ษ": "s", "ส": "s",
    "ห": "h", "ฬ": "l", "อ": "", "ฮ": "h",
}
_FINAL: dict[str, str] = {
    "ก": "k", "ข": "k", "ค": "k", "ฆ": "k", "ง": "ng", "จ": "t", "ช": "t", "ซ": "t",
    "ฌ": "t", "ญ": "n", "ฎ": "t", "ฏ": "t", "ฐ": "t", "ฑ": "t", "ฒ": "t", "ณ": "n",
    "ด": "t", "ต": "t", "ถ": "t", "ท": "t", "ธ": "t", "น": "n", "บ": "p", "ป": "p",
    "พ": "p", "ฟ": "p", "ภ": "p", "ม": "m", "ย": "i", "ร": "n", "ล": "n", "ว": "o",
    "ศ": "t", "ษ": "t", "ส": "t", "ฬ": "n",
}
_PREPOSED = set("เแโใไ")
_POST_VOWELS = set("ะัาำิีึืุู็")
_TONES = set("่้๊๋")
_KARAN = "์"
_CLUSTER_FIRST = set("กขคตปผพ")
_CLUSTER_SECOND = set("รลว")
_SONORANT = set("งญนมยรลว")

# Lao letters and their Thai counterparts, so one parser serves both scripts.
_LAO_TO_THAI: dict[str, str] = {
    "ກ": "ก", "ຂ": "ข", "ຄ": "ค", "ງ": "ง", "ຈ": "จ", "ສ": "ส", "ຊ": "ซ", "ຍ": "ย",
    "ດ": "ด", "ຕ": "ต", "ຖ": "ถ", "ທ": "ท", "ນ": "น", "ບ": "บ", "ປ": "ป", "ຜ": "ผ",
    "ຝ": "ฝ", "ພ": "พ", "ຟ": "ฟ", "ມ": "ม", "ຢ": "ย", "ຣ": "ร", "ລ": "ล", "ວ": "ว",
    "ຫ": "ห", "ອ": "อ", "ຮ": "ฮ", "ະ": "ะ", "ັ": "ั", "າ": "า", "ຳ": "ำ", "ິ": "ิ",
    "ີ": "ี", "ຶ": "ึ", "ື": "ื", "ຸ": "ุ", "ູ": "ู", "ເ": "เ", "ແ": "แ", "ໂ": "โ",
    "ໃ": "ใ", "ໄ": "ไ", "່": "่", "້": "้", "໊": "๊", "໋": "๋", "໌": "์", "ຼ": "ล",
    "ໆ": "ๆ",
}
_LAO_MULTI: dict[str, str] = {"ໜ": "หน", "ໝ": "หม", "ົວ": "ัว", "ົ": "", "ຽ": "ีย", "ໍ": "อ"}


def is_thai(ch: str) -> bool:
    return "\u0e00" <= ch <= "\u0e7f"


def is_lao(ch: str) -> bool:
    return "\u0e80" <= ch <= "\u0eff"


def lao_to_thai(text: str) -> str:
    """Rewrite Lao letters as the Thai letters with the same role."""
    for lao, thai in _LAO_MULTI.items():
        text = text.replace(lao, thai)
    out = []
    for ch in text:
        out.append(_LAO_TO_THAI.get(ch, ch))
    return "".join(out)


@dataclass
class _Unit:
    """A consonant (cluster) with the vowel written on it, or a bare consonant."""

    initial: str  # the consonant letters, e.g. "ปร"
    vowel: str | None  # romanised vowel, None for a bare consonant
    takes_final: bool = True
    closed: bool = False  # vowel already ends the syllable (e.g. ำ "am")
    short: bool = False  # a short vowel that must be closed by a final (ั)


def _clean(word: str) -> str:
    chars = [c for c in word if c not in _TONES and c not in "ๆฯ"]
    # Letters under the karan (์) are silent, with the vowel written on them (ศักดิ์).
    out: list[str] = []
    for c in chars:
        if c == _KARAN:
            while out and out[-1] in "ิุ":
                out.pop()
            if out:
                out.pop()
            # ทร์ / ตร์ after a consonant: both letters are silent (จันทร์ "Chan").
            if len(out) >= 2 and out[-1] in "ทตด" and out[-2] in _INITIAL:
                out.pop()
            continue
        out.append(c)
    return "".join(out)


def _read_initial(s: str, i: int) -> tuple[str, int]:
    """Read an initial consonant or cluster at s[i]; returns (letters, next index)."""
    c = s[i]
    j = i + 1
    if j < len(s) and s[j] in _INITIAL:
        nxt = s[j]
        after = s[j + 1] if j + 1 < len(s) else ""
        has_vowel_after = after in _POST_VOWELS or after == "อ" and j + 2 < len(s)
        if c in _CLUSTER_FIRST and nxt in _CLUSTER_SECOND and has_vowel_after:
            return c + nxt, j + 1
        if c in "สศท" and nxt == "ร" and (has_vowel_after or (after in _INITIAL and c == "ท")):
            return ("ซ" if c == "ท" else c), j + 1  # ศรี "Si", ทราย "Sai": ร is silent
        if c == "ห" and nxt in _SONORANT and has_vowel_after:
            return nxt, j + 1  # ห before a sonorant only sets the tone
        if c == "อ" and nxt == "ย" and has_vowel_after:
            return nxt, j + 1
    return c, j


def _units(s: str) -> list[_Unit]:
    units: list[_Unit] = []
    i, n = 0, len(s)
    while i < n:
        c = s[i]
        if c in _PREPOSED:
            if i + 1 >= n or s[i + 1] not in _INITIAL:
                i += 1
                continue
            init, j = _read_initial(s, i + 1)
            rest = s[j:j + 3]
            vowel, takes_final, consumed = _preposed_vowel(c, rest)
            units.append(_Unit(init, vowel, takes_final))
            i = j + consumed
            continue
        if c == "ฤ":
            units.append(_Unit("ร", "ue"))
            i += 1
            continue
        if c not in _INITIAL:
            i += 1
            continue
        init, j = _read_initial(s, i)
        nxt = s[j] if j < n else ""
        nxt2 = s[j + 1] if j + 1 < n else ""
        if nxt == "ั" and nxt2 == "ว":
            units.append(_Unit(init, "ua"))
            i = j + 2
        elif nxt == "ื" and nxt2 == "อ":
            units.append(_Unit(init, "ue"))
            i = j + 2
        elif nxt in _POST_VOWELS:
            vowel = {"ะ": "a", "ั": "a", "า": "a", "ำ": "am", "ิ": "i", "ี": "i", "ึ": "ue",
                     "ื": "ue", "ุ": "u", "ู": "u", "็": "o"}[nxt]
            k = j + 1
            if nxt in "ิีุู" and k < n and s[k] == "า":
                k += 1  # rare vowel pairs, keep the first
            if nxt != "ะ" and k < n and s[k] == "ะ":
                k += 1
            units.append(_Unit(init, vowel, takes_final=nxt not in "ะำ", closed=nxt == "ำ",
                               short=nxt in "ั็"))
            i = k
        elif nxt == "อ" and (nxt2 in _INITIAL or nxt2 == "" or nxt2 not in _POST_VOWELS):
            units.append(_Unit(init, "o"))
            i = j + 1
        elif nxt == "ว" and nxt2 in _INITIAL and (j + 2 >= n or s[j + 2] not in _POST_VOWELS):
            units.append(_Unit(init, "ua"))
            i = j + 1
        elif nxt == "ร" and nxt2 == "ร":
            units.append(_Unit(init, "an"))  # รร: กรรณ "kan"
            i = j + 2
        else:
            units.append(_Unit(init, None))
            i = j
    return units


def _preposed_vowel(pre: str, rest: str) -> tuple[str, bool, int]:
    """The vowel of a syllable spelled with a preposed vowel, given what follows the
    initial; returns (vowel, takes a final, letters consumed after the initial)."""
    if pre == "เ":
        if rest.startswith("าะ"):
            return "o", False, 2
        if rest.startswith("า"):
            return "ao", False, 1
        if rest.startswith("ีย"):
            return "ia", True, 2
        if rest.startswith("ือ"):
            return "uea", True, 2
        if rest.startswith("ิ"):
            return "oe", True, 1
        if rest.startswith("อ"):
            return "oe", True, 1
        if rest.startswith("ะ"):
            return "e", False, 1
        if rest.startswith("็"):
            return "e", True, 1
        return "e", True, 0
    if pre == "แ":
        if rest.startswith("ะ") or rest.startswith("็"):
            return "ae", rest.startswith("็"), 1
        return "ae", True, 0
    if pre == "โ":
        if rest.startswith("ะ"):
            return "o", False, 1
        return "o", True, 0
    # ใ ไ: "ai"; a following ย (ไชย "Chai") is silent.
    if rest.startswith("ย"):
        return "ai", False, 1
    return "ai", False, 0


def _initial_latin(letters: str) -> str:
    return "".join(_INITIAL.get(c, "") for c in letters)


def romanise_thai(text: str) -> list[str]:
    """Romanise Thai script (words separated by spaces) into lower-case RTGS tokens.

    >>> romanise_thai("สมชาย ใจดี")
    ['somchai', 'chaidi']
    """
    tokens: list[str] = []
    for word in text.split():
        word = _clean("".join(c for c in word if is_thai(c)))
        if not word:
            continue
        tokens.append(_romanise_word(word))
    return [t for t in tokens if t]


def romanise_lao(text: str) -> list[str]:
    """Romanise Lao script through its Thai counterpart (ບຸນມີ -> "bunmi")."""
    thai = lao_to_thai("".join(c if is_lao(c) or c.isspace() else " " for c in text))
    return romanise_thai(thai)


def _romanise_word(word: str) -> str:
    units = _units(word)
    out: list[str] = []
    k = 0
    prev_open = False  # the last syllable written can still take a final
    prev_short = False
    while k < len(units):
        u = units[k]
        if u.vowel is not None:
            out.append(_initial_latin(u.initial) + u.vowel)
            prev_open = u.takes_final and not u.closed
            prev_short = u.short
            k += 1
            continue
        # A run of bare consonants: some close the previous syllable, the rest make
        # syllables with an unwritten vowel ("o" when closed, "a" when open).
        run: list[str] = []
        while k < len(units) and units[k].vowel is None:
            run.append(units[k].initial)
            k += 1
        at_end = k >= len(units)
        just_closed = False
        if prev_open and run and not (at_end and len(run) == 2 and len(out) > 0 and _ends_long(out[-1]) and not prev_short):
            out[-1] += _FINAL.get(run[0][-1], "")
            run = run[1:]
            just_closed = True
        prev_open = False
        if len(run) == 1 and at_end and out and not prev_open and just_closed:
            run = []  # a trailing letter after a closed syllable is silent (ลักษณ์ "lak")
        if len(run) == 1 and at_end:
            # A single leftover letter ends the word: read it with "o" (บ "bo").
            out.append(_initial_latin(run[0]) + "o")
            run = []
        # Odd runs: pairs first, then one open syllable before the last pair
        # (พงศธร "Phong-sa-thon", สกล "Sa-kon").
        while len(run) >= 2:
            if len(run) == 3 or len(run) == 1:
                out.append(_initial_latin(run[0]) + "a")
                run = run[1:]
                continue
            a, b = run[0], run[1]
            out.append(_initial_latin(a) + "o" + _FINAL.get(b[-1], ""))
            run = run[2:]
        if run:
            out.append(_initial_latin(run[0]) + "a")
    return "".join(out)


def _ends_long(syllable: str) -> bool:
    # After a long open vowel two bare consonants at the end make their own syllable
    # (มานพ "Manop"), after a short one the first closes it (ชัยพร "Chaiphon").
    return syllable.endswith(("a", "i", "u", "e", "o")) and not syllable.endswith("ai")
