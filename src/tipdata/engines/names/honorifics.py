"""Honorifics, titles and name particles of Southeast Asia, removed before comparison.

A Burmese record may say "U Kyaw Thein", "Ko Kyaw Thein" or "Mg Kyaw Thein" for the same
man depending on his age and the writer; Thai forms put นาย/นาง/นางสาว (Nai/Nang/Nangsao)
in front; Filipino and Indonesian records carry Gng./Bb./Bapak/Ibu. None of these is part
of the person's name, so they are removed - but only at the start of the name (where
titles stand) and never down to nothing (a man may be named "Maung Maung").
"""

from __future__ import annotations

# Script-level prefixes, stripped from the raw text before transliteration because these
# scripts write the title joined to the name (นายสมชาย). Burmese needs no entry here: its
# romaniser yields one token per syllable, so ဦး becomes the token "u" and goes through
# the same rule as a romanised "U".
SCRIPT_TITLES: tuple[str, ...] = tuple(
    sorted(
        {
            # Thai
            "นางสาว", "นาย", "นาง", "น.ส.", "ด.ช.", "ด.ญ.", "เด็กชาย", "เด็กหญิง", "คุณ",
            "ว่าที่ร้อยตรี", "ดร.",
            # Lao
            "ທ້າວ", "ທ່ານ", "ນາງ", "ນາງສາວ", "ທ.", "ນ.",
            # Khmer
            "លោកស្រី", "លោក", "អ្នកស្រី", "អ្នក", "កញ្ញា", "នាង", "ឧកញ៉ា", "សម្តេច", "បណ្ឌិត",
        },
        key=len,
        reverse=True,
    )
)

# Latin-script titles (after transliteration and lower-casing; a trailing "." removed).
LATIN_TITLES: frozenset[str] = frozenset(
    {
        # international
        "mr", "mrs", "ms", "miss", "mx", "dr", "prof", "sir", "madam", "mdm", "mme", "rev",
        "fr", "sra", "srta", "dona",
        # Burmese (romanised); "mg" is the common abbreviation of Maung
        "u", "daw", "ko", "ma", "maung", "mg", "naw", "saw", "sao", "sai", "nang", "mahn",
        "nai", "mi", "thra", "saya", "sayama", "dw", "dauk", "dauk ta", "hsaya",
        # Thai
        "nangsao", "nangsaw", "nangsau", "khun", "dekchai", "dekying", "ns", "dch", "dy",
        # Lao
        "thao",
        # Khmer
        "lok", "loksrei", "loksrey", "neak", "neaksrei", "kanha", "neang", "oknha",
        "samdech",
        # Vietnamese (only the unambiguous ones: "Anh" is also a given name)
        "ong", "ba",
        # Filipino
        "gng", "bb", "gg", "atty", "engr", "hon", "kagawad", "kap", "brgy",
        # Indonesian / Malay
        "bapak", "pak", "ibu", "bu", "sdr", "sdri", "saudara", "saudari", "nn", "ny", "tn",
        "tuan", "nyonya", "nona", "haji", "hajjah", "hj", "encik", "cik", "puan", "datuk",
        "dato", "raden", "ir", "drs",
    }
)

# Titles that are also names or name syllables ("Saw" is a Karen title and a Burmese
# syllable, "Ma" a Burmese title and a name, "Ong" a Vietnamese title and a Chinese
# surname): stripped only when at least two tokens follow, so "Saw Htoo" stays whole.
AMBIGUOUS_TITLES: frozenset[str] = frozenset(
    {"sai", "ba", "mi", "ma", "ong", "nang", "saw", "sao", "nai", "ko", "maung"}
)

# Particles that join names but are not names: Malay/Indonesian patronymic links,
# Spanish/Filipino "de", "dela", generation suffixes, placeholders for "no name".
PARTICLES: frozenset[str] = frozenset(
    {"bin", "binti", "bte", "bt", "al", "jr", "sr", "ii", "iii", "iv", "de", "del", "dela",
     "delos", "los", "von", "der", "dos", "das"}
)
# ("van" is a Vietnamese middle name as well as a Dutch particle, "la" and "da" are name
# syllables in the region: they are kept.)
PLACEHOLDERS: frozenset[str] = frozenset(
    {"fnu", "lnu", "nfn", "nln", "unknown", "unk", "none", "xxx", "nil", "noname", "null"}
)


def strip_script_titles(text: str) -> tuple[str, list[str]]:
    """Remove leading titles written in Thai, Lao, Khmer or Burmese script.

    Returns the remaining text and the titles removed, in order.
    """
    removed: list[str] = []
    rest = text.strip()
    changed = True
    while changed and rest:
        changed = False
        for title in SCRIPT_TITLES:
            if rest.startswith(title) and len(rest) > len(title):
                tail = rest[len(title):]
                # The title must end on a letter boundary, not inside a syllable.
                if tail and _is_dependent_mark(tail[0]):
                    continue
                removed.append(title)
                rest = tail.lstrip(" .")
                changed = True
                break
    return rest, removed


def _is_dependent_mark(ch: str) -> bool:
    import unicodedata

    return unicodedata.category(ch) in ("Mn", "Mc")


def strip_latin_titles(tokens: list[str]) -> tuple[list[str], list[str]]:
    """Remove leading title tokens, keeping at least one token.

    >>> strip_latin_titles(["u", "kyaw", "thein"])
    (['kyaw', 'thein'], ['u'])
    >>> strip_latin_titles(["maung", "maung"])  # "Maung" is also a name
    (['maung', 'maung'], [])
    """
    removed: list[str] = []
    rest = list(tokens)
    while len(rest) > 1:
        head = rest[0].rstrip(".")
        if head not in LATIN_TITLES:
            break
        if head in AMBIGUOUS_TITLES and len(rest) <= 2:
            break
        removed.append(head)
        rest = rest[1:]
    return rest, removed
