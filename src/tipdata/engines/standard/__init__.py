"""The HTCDS 2.0 standard as data: a checked data dictionary with privacy classes.

Pure Python (no Django). Typical use::

    from tipdata.engines.standard import load_dictionary

    d = load_dictionary()                       # packaged HTCDS 2.0, cached
    f = d.field("vic_MethodsOfControl")         # any spelling: vic_methods_of_control, ...
    f.validate("DebtBondage WithholdsDocuments")  # -> ("DebtBondage", "WithholdsDocuments")
    f.privacy_class, f.purpose                  # ("sensitive", "case_management")
    d.to_json()                                 # list of entities with fields and values

The standard is by IOM under CC BY 4.0; ``d.standard.attribution`` is the credit line any
export must carry.
"""

from .dictionary import (
    DATA_DIR,
    DEFAULT_DICTIONARY_FILE,
    DEFAULT_OVERLAY_FILE,
    DEFAULT_TRANSLATIONS_DIR,
    ROW_COLUMNS,
    Dictionary,
    load_dictionary,
)
from .errors import (
    DictionaryFileError,
    StandardError,
    UnknownCodeError,
    UnknownEntityError,
    UnknownFieldError,
    ValueNotAllowedError,
)
from .i18n import COUNTRY_LIST, LANGUAGE_LIST, Translation, country_name, language_name
from .model import (
    CATEGORIES,
    FIELD_TYPES,
    PRIVACY_CLASSES,
    STATUSES,
    ChoiceList,
    Entity,
    Field,
    StandardInfo,
    Value,
)

__all__ = [
    "CATEGORIES",
    "COUNTRY_LIST",
    "DATA_DIR",
    "DEFAULT_DICTIONARY_FILE",
    "DEFAULT_OVERLAY_FILE",
    "DEFAULT_TRANSLATIONS_DIR",
    "FIELD_TYPES",
    "LANGUAGE_LIST",
    "PRIVACY_CLASSES",
    "ROW_COLUMNS",
    "STATUSES",
    "ChoiceList",
    "Dictionary",
    "DictionaryFileError",
    "Entity",
    "Field",
    "StandardError",
    "StandardInfo",
    "Translation",
    "UnknownCodeError",
    "UnknownEntityError",
    "UnknownFieldError",
    "Value",
    "ValueNotAllowedError",
    "country_name",
    "language_name",
    "load_dictionary",
    "validate_value",
]


def validate_value(
    field: Field | str, value: object, dictionary: Dictionary | None = None
) -> object:
    """Validate ``value`` for ``field`` (a ``Field`` or any of its names) and return it
    normalised; raises ``ValueNotAllowedError`` naming field, value and allowed codes."""
    if isinstance(field, Field):
        return field.validate(value)
    return (dictionary or load_dictionary()).field(field).validate(value)
