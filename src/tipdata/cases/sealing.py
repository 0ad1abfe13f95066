"""Which HTCDS fields are sealed (encrypted) and how a record's values are sealed and opened.

The privacy class in the dictionary decides: every ``direct_identifier`` field and every
free-text narrative (``long_text``) is sealed; nothing else is.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from tipdata.engines.standard import load_dictionary
from tipdata.keys import envelope
from tipdata.keys.services import DataKey

# Free-text fields tipdata adds beside the standard's own (the comment body is HTCDS cco_CaseComment).
EXTRA_SEALED = frozenset({"narrative", "comment", "details"})


@lru_cache(maxsize=1)
def sealed_field_names() -> frozenset[str]:
    names: set[str] = set(EXTRA_SEALED)
    for entity in load_dictionary().entities:
        for fld in entity.fields:
            if fld.privacy_class == "direct_identifier" or fld.type == "long_text":
                names.add(fld.name)
    return frozenset(names)


def is_sealed(field_name: str) -> bool:
    return canonical_name(field_name) in sealed_field_names()


def canonical_name(field_name: str) -> str:
    """The dictionary name of a field given by either its dictionary or HTCDS name."""
    if field_name in EXTRA_SEALED:
        return field_name
    return str(load_dictionary().field(field_name).name)


def seal_values(values: dict[str, str], *, key: DataKey, record_ref: str) -> dict[str, str]:
    return {
        name: envelope.encrypt_text(str(text), key.key, key.key_id, f"{record_ref}|{name}")
        for name, text in values.items()
        if text not in (None, "")
    }


def open_values(sealed: dict[str, str], *, key: DataKey, record_ref: str) -> dict[str, Any]:
    return {name: envelope.decrypt_text(token, key.key, f"{record_ref}|{name}") for name, token in sealed.items()}
