"""Names of Southeast Asia: transliteration, normalisation, phonetic keys and comparison.

Pure Python (PyICU for scripts without rules of our own, rapidfuzz for string
similarity), no Django. Used by the deduplication model and the privacy-preserving
encoder in :mod:`tipdata.engines.linkage`, so that both see the same names.

Public API:

- :func:`normalise_name` -> :class:`NormalisedName`
- :func:`transliterate_tokens`, :func:`phonetic_key`
- :func:`compare_names` -> :class:`NameComparison` (levels :data:`NAME_LEVELS`)
- :class:`TokenFrequencies`
- :func:`parse_birth_date`, :func:`compare_birth_dates` (levels :data:`DATE_LEVELS`)
"""

from .compare import NAME_LEVEL_SLUGS, NAME_LEVELS, NameComparison, TokenPair, compare_names
from .dates import (
    DATE_LEVEL_SLUGS,
    DATE_LEVELS,
    BirthDate,
    BirthDateError,
    DateComparison,
    birth_date_from_age,
    compare_birth_dates,
    parse_birth_date,
)
from .frequency import TokenFrequencies
from .normalise import NormalisedName, normalise_name
from .phonetic import phonetic_key
from .transliterate import detect_scripts, icu_version, transliterate_tokens

NORMALISER_VERSION = "2"  # 2: Khmer ឹ after a second-series consonant is "i"

__all__ = [
    "DATE_LEVELS",
    "DATE_LEVEL_SLUGS",
    "NAME_LEVELS",
    "NAME_LEVEL_SLUGS",
    "NORMALISER_VERSION",
    "BirthDate",
    "BirthDateError",
    "DateComparison",
    "NameComparison",
    "NormalisedName",
    "TokenFrequencies",
    "TokenPair",
    "birth_date_from_age",
    "compare_birth_dates",
    "compare_names",
    "detect_scripts",
    "icu_version",
    "normalise_name",
    "parse_birth_date",
    "phonetic_key",
    "transliterate_tokens",
]
