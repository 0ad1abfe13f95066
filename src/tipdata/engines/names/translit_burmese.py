"""Burmese (Myanmar script) to Latin, the way Burmese names are conventionally romanised.

ICU's ``Myanmar-Latin`` transliterator follows a letter-by-letter scheme (သိန်း -> "sein",
သန်း -> "saann") that no agency uses for names. Names are romanised syllable by syllable
in the conventional (MLCTS-derived, popular) way: သိန်း "Thein", ထွန်း "Htun",
မြင့် "Myint", အောင် "Aung". This module parses each syllable into onset, medials, vowel
and final and romanises it with that convention, one Latin token per syllable, because
romanised Burmese names are written with a space between syllables ("Kyaw Thein").
"""

from __future__ import annotations

# Onsets. ရ is "y" in modern pronunciation (ရဲ "Ye"); သ is "th" (သိန်း "Thein").
_ONSET: dict[str, str] = {
    "က": "k", "ခ": "kh", "ဂ": "g", "ဃ": "g", "င": "ng", "စ": "s", "ဆ": "hs", "ဇ": "z",
    "ဈ": "z", "ည": "ny", "ဉ": "ny", "ဋ": "t", "ဌ": "ht", "ဍ": "d", "ဎ": "d", "ဏ": "n",
    "တ": "t", "ထ": "ht", "ဒ": "d", "ဓ": "d", "န": "n", "ပ": "p", "ဖ": "ph", "ဗ": "b",
    "ဘ": "b", "မ": "m", "ယ": "y", "ရ": "y", "လ": "l", "ဝ": "w", "သ": "th", "ဟ": "h",
    "ဠ": "l", "အ": "",
}
_INDEPENDENT_VOWEL: dict[str, str] = {
    "ဣ": "i", "ဤ": "i", "ဥ": "u", "ဦ": "u", "ဧ": "e", "ဩ": "aw", "ဪ": "aw",
}
# The consonant a final (asat-killed) consonant is reduced to.
_FINAL_CLASS: dict[str, str] = {
    "က": "k", "ဂ": "k", "င": "ng", "စ": "t", "ဇ": "t", "ည": "i", "ဉ": "n", "ဋ": "t",
    "ဍ": "t", "ဏ": "n", "တ": "t", "ထ": "t", "ဒ": "t", "ဓ": "t", "န": "n", "ပ": "t",
    "ဗ": "t", "ဘ": "t", "မ": "n", "ယ": "e", "လ": "n",
}
# (vowel quality, final class) -> rhyme.  Vowel qualities: "a" (inherent or ာ),
# "i" (ိ ီ), "u" (ု ူ), "e" (ေ), "ai" (ဲ), "aw" (ော), "o" (ို), "w" (medial ွ, no vowel).
_RHYME: dict[tuple[str, str], str] = {
    ("a", ""): "a", ("i", ""): "i", ("u", ""): "u", ("e", ""): "e", ("ai", ""): "e",
    ("aw", ""): "aw", ("o", ""): "o", ("w", ""): "wa",
    ("a", "k"): "et", ("i", "k"): "eik", ("u", "k"): "ok", ("aw", "k"): "auk",
    ("o", "k"): "aik", ("w", "k"): "wet",
    ("a", "ng"): "in", ("i", "ng"): "in", ("u", "ng"): "ung", ("aw", "ng"): "aung",
    ("o", "ng"): "aing", ("w", "ng"): "win",
    ("a", "t"): "at", ("i", "t"): "eik", ("u", "t"): "ok", ("w", "t"): "ut",
    ("aw", "t"): "auk", ("o", "t"): "aik",
    ("a", "n"): "an", ("i", "n"): "ein", ("u", "n"): "on", ("w", "n"): "un",
    ("aw", "n"): "aun", ("o", "n"): "ain",
    ("a", "i"): "i", ("w", "i"): "wi", ("i", "i"): "i",
    ("a", "e"): "e", ("w", "e"): "we",
}
_MEDIAL_Y = {"ျ", "ြ"}
_MEDIAL_W = "ွ"
_MEDIAL_H = "ှ"
_ASAT = "်"
_VIRAMA = "္"
_DOT = "့"
_VISARGA = "း"
_ANUSVARA = "ံ"
_VOWEL_SIGNS = {"ါ", "ာ", "ိ", "ီ", "ု", "ူ", "ေ", "ဲ"}
_TONE_OR_MARK = {_DOT, _VISARGA, _ASAT, "ဿ"}


def is_burmese(ch: str) -> bool:
    """True for characters of the Myanmar block (U+1000-U+109F)."""
    return "\u1000" <= ch <= "\u109f"


def _onset(base: str, medials: set[str]) -> str:
    onset = _ONSET.get(base, "")
    if medials & _MEDIAL_Y:
        # ကျ/ကြ "ky", ချ/ခြ "ch", ဂျ "gy": the palatalised velars have their own spellings.
        onset = {"k": "ky", "kh": "ch", "g": "gy"}.get(onset, onset + "y")
    if _MEDIAL_H in medials:
        # ှ devoices sonorants: လှ "Hla", မှ "Hm", but ရှ/ယှ is "sh".
        onset = "sh" if onset in ("y", "yy") else "h" + onset
    return onset


def _vowel_quality(signs: list[str], has_w: bool) -> str:
    s = set(signs)
    if "ေ" in s and ({"ာ", "ါ"} & s):
        return "aw"
    if "ိ" in s and "ု" in s:
        return "o"
    if "ေ" in s:
        return "e"
    if "ဲ" in s:
        return "ai"
    if {"ိ", "ီ"} & s:
        return "i"
    if {"ု", "ူ"} & s:
        return "u"
    if {"ာ", "ါ"} & s:
        return "a"
    return "w" if has_w else "a"


def romanise_burmese(text: str) -> list[str]:
    """Romanise a run of Burmese script into one lower-case token per syllable.

    >>> romanise_burmese("ကျော်သိန်း")
    ['kyaw', 'thein']
    >>> romanise_burmese("ဦးအောင်မြင့်")
    ['u', 'aung', 'myint']
    """
    tokens: list[str] = []
    chars = [c for c in text if is_burmese(c)]
    i, n = 0, len(chars)
    while i < n:
        ch = chars[i]
        if ch in _INDEPENDENT_VOWEL:
            token = _INDEPENDENT_VOWEL[ch]
            i += 1
            while i < n and (chars[i] in _TONE_OR_MARK or chars[i] in _VOWEL_SIGNS):
                i += 1
            # An independent vowel can take a final too (ဥက္ကဋ္ဌ), rare in names: skip it.
            tokens.append(token)
            continue
        if ch not in _ONSET:
            i += 1  # digits, punctuation, marks without a base
            continue
        base = ch
        i += 1
        medials: set[str] = set()
        signs: list[str] = []
        anusvara = False
        dot = False
        while i < n and chars[i] in (_MEDIAL_Y | {_MEDIAL_W, _MEDIAL_H}):
            medials.add(chars[i])
            i += 1
        while i < n and (chars[i] in _VOWEL_SIGNS or chars[i] in _TONE_OR_MARK or chars[i] == _ANUSVARA):
            c = chars[i]
            if c in _VOWEL_SIGNS:
                signs.append(c)
            elif c == _ANUSVARA:
                anusvara = True
            elif c == _DOT:
                dot = True
            i += 1
        final = ""
        # A final consonant is a consonant killed by asat (်) or stacked under the next
        # one with virama (္, as in သန္တာ "Thandar").
        if i + 1 < n and chars[i] in _ONSET and chars[i] != "အ":
            j = i + 1
            marks: set[str] = set()
            while j < n and chars[j] in (_TONE_OR_MARK | {_VIRAMA}):
                marks.add(chars[j])
                j += 1
            if _ASAT in marks or _VIRAMA in marks:
                final = _FINAL_CLASS.get(chars[i], "t")
                dot = dot or _DOT in marks
                # With virama the stacked consonant starts the next syllable: step past
                # the killed consonant and the virama only.
                i = i + 2 if _VIRAMA in marks and chars[i + 1] == _VIRAMA else j
        if anusvara and not final:
            final = "n"
        has_w = _MEDIAL_W in medials
        quality = _vowel_quality(signs, has_w)
        onset = _onset(base, medials - {_MEDIAL_W})
        if has_w and quality != "w":
            onset += "w"
        if has_w and quality == "w" and final in ("", "ng", "k", "i", "e"):
            onset += ""  # the rhyme table carries the w
        rhyme = _RHYME.get((quality, final))
        if rhyme is None:
            rhyme = _RHYME.get((quality, "")) or "a"
            rhyme += {"k": "k", "t": "t", "n": "n", "ng": "ng"}.get(final, "")
        # Creaky tone on a nasal final is conventionally written with a t: မြင့် "Myint".
        if dot and final in ("n", "ng") and rhyme.endswith("n"):
            rhyme += "t"
        tokens.append(onset + rhyme)
    return [t for t in tokens if t]
