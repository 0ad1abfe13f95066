"""Any script to lower-case ASCII Latin tokens, with conventional romanisations for the
scripts of Southeast Asia.

Runs of Thai, Lao, Khmer and Burmese script go to this package's own rule tables
(:mod:`.translit_tai`, :mod:`.translit_khmer`, :mod:`.translit_burmese`), because ICU's
transliterators are letter-level for Thai and Burmese and missing for Khmer and Lao (see
docs/decisions/0003-name-transliteration.md). Everything else (Latin with diacritics,
Vietnamese, Chinese, Cyrillic, Arabic, ...) goes through ICU's ``Any-Latin; Latin-ASCII``.
"""

from __future__ import annotations

import functools
import unicodedata

from .translit_burmese import is_burmese, romanise_burmese
from .translit_khmer import is_khmer, romanise_khmer
from .translit_tai import is_lao, is_thai, romanise_lao, romanise_thai

_SCRIPT_ROMANISERS = {
    "thai": romanise_thai,
    "lao": romanise_lao,
    "khmer": romanise_khmer,
    "burmese": romanise_burmese,
}


def script_of(ch: str) -> str:
    """The script bucket a character belongs to: thai, lao, khmer, burmese or other."""
    if is_thai(ch):
        return "thai"
    if is_lao(ch):
        return "lao"
    if is_khmer(ch):
        return "khmer"
    if is_burmese(ch):
        return "burmese"
    return "other"


@functools.lru_cache(maxsize=1)
def _icu_transliterator() -> object:
    import icu  # PyICU; imported lazily so that importing the package stays cheap

    return icu.Transliterator.createInstance("Any-Latin; Latin-ASCII; Lower")


def icu_version() -> str:
    """Version of the ICU library used for the scripts without rules of our own."""
    import icu

    return str(icu.ICU_VERSION)


def _other_to_ascii(text: str) -> str:
    # Vietnamese đ/Đ has no decomposition; ICU maps it, the fallback needs it spelled out.
    text = text.replace("đ", "d").replace("Đ", "D")
    translit = _icu_transliterator()
    out: str = translit.transliterate(text)  # type: ignore[attr-defined]
    # Whatever ICU could not map (rare symbols) is dropped rather than kept as non-ASCII.
    return "".join(c for c in unicodedata.normalize("NFKD", out) if c.isascii())


def detect_scripts(text: str) -> list[str]:
    """The scripts used in a name, in order of first appearance (``other`` for Latin etc.)."""
    seen: list[str] = []
    for ch in text:
        if ch.isspace() or not (ch.isalpha() or unicodedata.category(ch).startswith("M")):
            continue
        s = script_of(ch)
        if s not in seen:
            seen.append(s)
    return seen


@functools.lru_cache(maxsize=200_000)
def transliterate_tokens(text: str) -> tuple[str, ...]:
    """Transliterate a name in any script to lower-case ASCII tokens.

    Text is cut into runs of one script; each run goes to its romaniser. Burmese yields
    one token per syllable, Thai/Lao/Khmer one per space-separated word.

    >>> transliterate_tokens("ဦးကျော်သိန်း")
    ('u', 'kyaw', 'thein')
    >>> transliterate_tokens("Nguyễn Thị Hương")
    ('nguyen', 'thi', 'huong')
    """
    text = unicodedata.normalize("NFC", text)
    runs: list[tuple[str, str]] = []
    for ch in text:
        s = script_of(ch) if not ch.isspace() else "space"
        if s == "space":
            runs.append(("space", " "))
        elif runs and runs[-1][0] == s:
            runs[-1] = (s, runs[-1][1] + ch)
        else:
            runs.append((s, ch))
    tokens: list[str] = []
    for script, chunk in runs:
        if script == "space":
            continue
        if script in _SCRIPT_ROMANISERS:
            tokens.extend(_SCRIPT_ROMANISERS[script](chunk))
        else:
            ascii_text = _other_to_ascii(chunk)
            tokens.extend(_split_latin(ascii_text))
    return tuple(t for t in tokens if t)


def _split_latin(text: str) -> list[str]:
    # Apostrophes join parts of one name (D'Souza); hyphens and other punctuation separate
    # tokens, so that "Santos-Reyes" can meet a record that kept only "Reyes".
    out: list[str] = []
    current: list[str] = []
    for ch in text.lower():
        if ch.isalnum():
            current.append(ch)
        elif ch in "'`":
            continue
        elif ch == ".":
            current.append(".")  # kept so that initials ("A.") can be told apart
            out.append("".join(current))
            current = []
        else:
            if current:
                out.append("".join(current))
            current = []
    if current:
        out.append("".join(current))
    return [t for t in out if t and t != "."]
