"""Khmer script to Latin, the way Cambodian names are conventionally romanised.

ICU 72 has no Khmer transliterator. Cambodian names are romanised on French-influenced
conventions close to the UNGEGN system: សុខ "Sok", សុភា "Sophea", ស្រី "Srey",
ចាន់ "Chan", វណ្ណា "Vanna". A Khmer vowel sign sounds differently after a consonant of
the first series (a-series) and the second (o-series); the tables below carry both
values. Syllables are read as initial (with subscript consonants) + vowel + final.
"""

from __future__ import annotations

# consonant -> (Latin, series) ; series 1 = a-series, 2 = o-series
_CONS: dict[str, tuple[str, int]] = {
    "ក": ("k", 1), "ខ": ("kh", 1), "គ": ("k", 2), "ឃ": ("kh", 2), "ង": ("ng", 2),
    "ច": ("ch", 1), "ឆ": ("chh", 1), "ជ": ("ch", 2), "ឈ": ("chh", 2), "ញ": ("nh", 2),
    "ដ": ("d", 1), "ឋ": ("th", 1), "ឌ": ("d", 2), "ឍ": ("th", 2), "ណ": ("n", 1),
    "ត": ("t", 1), "ថ": ("th", 1), "ទ": ("t", 2), "ធ": ("th", 2), "ន": ("n", 2),
    "ប": ("b", 1), "ផ": ("ph", 1), "ព": ("p", 2), "ភ": ("ph", 2), "ម": ("m", 2),
    "យ": ("y", 2), "រ": ("r", 2), "ល": ("l", 2), "វ": ("v", 2), "ស": ("s", 1),
    "ហ": ("h", 1), "ឡ": ("l", 1), "អ": ("", 1),
}
_INDEPENDENT: dict[str, str] = {
    "ឥ": "e", "ឦ": "ei", "ឧ": "o", "ឩ": "ou", "ឪ": "ov", "ឫ": "rue", "ឬ": "rue",
    "ឭ": "lue", "ឮ": "lue", "ឯ": "ae", "ឰ": "ai", "ឱ": "ao", "ឲ": "ao", "ឳ": "au",
}
# vowel sign(s) -> (a-series value, o-series value)
_VOWELS: dict[str, tuple[str, str]] = {
    # ឹ after a second-series consonant is "ue" in UNGEGN, but names write it "i":
    # លឹម Lim, យឹម Yim, ញឹម Nhim, ជឹម Chhim (as in the names of public figures).
    "ា": ("a", "ea"), "ិ": ("e", "i"), "ី": ("ei", "i"), "ឹ": ("oe", "i"),
    "ឺ": ("oe", "ue"), "ុ": ("o", "u"), "ូ": ("ou", "ou"), "ួ": ("uo", "uo"),
    "ើ": ("aeu", "eu"), "ឿ": ("oea", "oea"), "ៀ": ("ie", "ie"), "េ": ("e", "e"),
    "ែ": ("ae", "e"), "ៃ": ("ai", "ey"), "ោ": ("ao", "o"), "ៅ": ("au", "ov"),
    "ំ": ("am", "um"), "ាំ": ("am", "oam"), "ុំ": ("om", "um"), "ះ": ("ah", "eah"),
    "ុះ": ("oh", "uh"), "េះ": ("eh", "eh"), "ោះ": ("aoh", "uoh"),
}
# Inherent vowel before a final consonant, and in an open syllable.
_INHERENT_CLOSED = ("a", "o")
_INHERENT_OPEN = ("a", "o")
_COENG = "្"
_TO_A = "៉"  # musakatoan: second-series consonant read as first series
_TO_O = "៊"  # triisap: first-series consonant read as second series
_BANTOC = "់"
_SILENT = "៍"  # toandakhiat: the letter under it is silent
_IGNORED = set("៎៏័៌៑៝")


def is_khmer(ch: str) -> bool:
    return "\u1780" <= ch <= "\u17ff" or "\u19e0" <= ch <= "\u19ff"


def _strip_silent(chars: list[str]) -> list[str]:
    out: list[str] = []
    for c in chars:
        if c == _SILENT:
            while out and out[-1] in ("ិ", "ុ"):
                out.pop()
            if out:
                out.pop()
            continue
        if c in _IGNORED:
            continue
        out.append(c)
    return out


def romanise_khmer(text: str) -> list[str]:
    """Romanise Khmer script (words separated by spaces) into lower-case tokens.

    >>> romanise_khmer("សុខ សុភា")
    ['sok', 'sophea']
    """
    return [t for t in (_word(w) for w in text.split()) if t]


_VOWEL_SIGNS = set("ាិីឹឺុូួើឿៀេែៃោៅំះ")


def _is_bare(chars: list[str], j: int) -> bool:
    """chars[j] is a consonant with nothing written on it."""
    n = len(chars)
    if j >= n or chars[j] not in _CONS:
        return False
    return j + 1 >= n or (
        chars[j + 1] not in _VOWEL_SIGNS and chars[j + 1] not in (_COENG, _TO_A, _TO_O, _BANTOC)
    )


def _final_at(chars: list[str], i: int) -> tuple[bool, int, bool]:
    """Is chars[i] the final of the syllable before it? Returns (final, next index,
    vowel shortened by a bantoc)."""
    n = len(chars)
    if i >= n or chars[i] not in _CONS:
        return False, i, False
    j = i + 1
    if j < n and chars[j] == _BANTOC:
        return True, j + 1, True
    if j < n and (chars[j] in _VOWEL_SIGNS or chars[j] in (_TO_A, _TO_O)):
        return False, i, False
    if j + 1 < n and chars[j] == _COENG:
        k = j + 2
        if k < n and (chars[k] in _VOWEL_SIGNS or chars[k] in (_TO_A, _TO_O, _COENG)):
            return False, i, False
        # a subscript under a word-final letter is silent (ពេជ្រ "Pech")
        return True, k, False
    if j >= n:
        return True, j, False
    # C1 C2 at the end of the word: C1 starts a syllable that C2 closes (សុផល "So-phal");
    # C1 before a subscript group: C1 starts a syllable (សុគន្ធា "So-kon-thea").
    if _is_bare(chars, j) and j == n - 1:
        return False, i, False
    if j + 1 < n and chars[j] in _CONS and chars[j + 1] == _COENG:
        return False, i, False
    return True, j, False


def _word(word: str) -> str:
    chars = _strip_silent([c for c in word if is_khmer(c)])
    out: list[str] = []
    i, n = 0, len(chars)
    last_open = False  # the previous syllable is inherent-vowel only and has no final
    prev_closable = False  # the previous syllable has no final consonant yet
    while i < n:
        c = chars[i]
        if c in _INDEPENDENT:
            syllable = _INDEPENDENT[c]
            i += 1
            is_final, i2, _ = _final_at(chars, i)
            if is_final:
                syllable += _final_latin(chars[i])
                i = i2
            out.append(syllable)
            last_open = False
            prev_closable = not is_final
            continue
        if c not in _CONS:
            i += 1
            continue
        latin, series = _CONS[c]
        i += 1
        while i < n and chars[i] in (_TO_A, _TO_O):
            series = 1 if chars[i] == _TO_A else 2
            i += 1
        subs: list[str] = []
        while i + 1 < n and chars[i] == _COENG and chars[i + 1] in _CONS:
            subs.append(chars[i + 1])
            i += 2
        if subs and out and (last_open or (prev_closable and subs[0] not in "រលវយ")):
            # After an open inherent-vowel syllable the base letter closes it and the
            # subscript begins this one (ចន្ទា "Chan-thea", ផល្លា "Phal-la").
            out[-1] += _final_latin(c)
            latin, series = _CONS[subs[0]]
            cluster = latin + "".join(_CONS[x][0] for x in subs[1:])
        elif subs and subs[0] == c:
            cluster = latin  # a doubled letter is one sound
        else:
            cluster = latin + "".join(_CONS[x][0] for x in subs)
        vowel_chars = ""
        while i < n and (chars[i] in _VOWEL_SIGNS or chars[i] in (_TO_A, _TO_O)):
            if chars[i] in (_TO_A, _TO_O):
                series = 1 if chars[i] == _TO_A else 2
            else:
                vowel_chars += chars[i]
            i += 1
        shortened = False
        if i < n and chars[i] == _BANTOC:
            shortened = True
            i += 1
        final = ""
        if not vowel_chars.endswith("ះ"):
            is_final, i2, short2 = _final_at(chars, i)
            if is_final:
                final = _final_latin(chars[i])
                i = i2
                shortened = shortened or short2
        if vowel_chars:
            vowel = _vowel_value(vowel_chars, series, shortened)
        else:
            vowel = _INHERENT_CLOSED[series - 1] if final else _INHERENT_OPEN[series - 1]
        out.append(cluster + vowel + final)
        last_open = not final and not vowel_chars
        prev_closable = not final and not vowel_chars.endswith(("ះ", "ំ"))
    return "".join(out)


def _final_latin(c: str) -> str:
    latin = _CONS.get(c, ("", 1))[0]
    # Finals are unreleased: ក់ "k", ច "ch", ញ "nh", រ final is silent (ពេជ្រ).
    return {"r": "", "chh": "ch", "kh": "k", "ph": "p", "th": "t"}.get(latin, latin)


def _vowel_value(vowel_chars: str, series: int, shortened: bool) -> str:
    if not vowel_chars:
        return ""
    if vowel_chars in _VOWELS:
        value = _VOWELS[vowel_chars][series - 1]
    else:
        value = "".join(_VOWELS.get(v, ("", ""))[series - 1] for v in vowel_chars)
    if shortened and vowel_chars == "ា":
        value = "a" if series == 1 else "oa"
    return value
