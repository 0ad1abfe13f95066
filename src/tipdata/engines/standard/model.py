"""The data dictionary's building blocks: entities, fields, choice lists and values.

All are frozen dataclasses holding plain data, so they can be shared, hashed and compared.
Each item can give its label in another language through ``label_for(lang)``; the
translations come from the dictionary that loaded it (English otherwise).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from .errors import ValueNotAllowedError

if TYPE_CHECKING:
    from .i18n import Translation

# The tipdata field types. Each has one validator in ``validation.py``.
FIELD_TYPES = (
    "text",
    "long_text",
    "number",
    "date",
    "boolean",
    "select_one",
    "select_multiple",
    "lookup",
)
STATUSES = ("draft", "release", "deprecated", "retired")
CATEGORIES = ("data", "process")
PRIVACY_CLASSES = ("direct_identifier", "quasi_identifier", "sensitive", "operational")


class LabelSource(Protocol):
    """What an item asks for its label in another language (the loaded dictionary)."""

    def label(self, item: Entity | Field | Value | ChoiceList, lang: str | None) -> str: ...

    def translation(
        self, item: Entity | Field | Value | ChoiceList, lang: str
    ) -> Translation | None: ...


def _catalog_field() -> Any:
    # Not part of the item's identity: two dictionaries with different translations still
    # hold equal fields.
    return field(default=None, compare=False, repr=False, hash=False)


class _Localised:
    """Mixin giving ``label_for`` / ``translation_for`` to items that carry a catalog."""

    label: str
    _catalog: LabelSource | None

    def label_for(self, lang: str | None) -> str:
        """The label in ``lang`` if a translation exists, else the English label."""
        if self._catalog is None or not lang:
            return self.label
        return self._catalog.label(self, lang)  # type: ignore[arg-type]

    def translation_for(self, lang: str) -> Translation | None:
        """The translation entry for ``lang`` (with its ``needs_review`` flag), if any."""
        if self._catalog is None:
            return None
        return self._catalog.translation(self, lang)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Value(_Localised):
    """One allowed value of a choice list."""

    code: str
    label: str
    list_name: str
    definition: str | None = None
    definition_source: str | None = None
    iso_alpha2: str | None = None
    iso_alpha3: str | None = None
    iso_numeric: str | None = None
    aliases: tuple[str, ...] = ()
    parent: str | None = None
    code_generated: bool = False
    _catalog: LabelSource | None = _catalog_field()

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"code": self.code, "label": self.label}
        for key in (
            "definition",
            "definition_source",
            "iso_alpha2",
            "iso_alpha3",
            "iso_numeric",
            "parent",
        ):
            value = getattr(self, key)
            if value is not None:
                out[key] = value
        if self.aliases:
            out["aliases"] = list(self.aliases)
        if self.code_generated:
            out["code_generated"] = True
        return out


@dataclass(frozen=True)
class ChoiceList(_Localised):
    """A named list of values (an XLSForm choice list, a spreadsheet picklist or an ISO list).

    ``used_by`` names the fields that take their values from it; lists no field uses (the
    optional industry subdivisions, the migration classifications) are kept all the same.
    """

    name: str
    label: str
    source: str
    values: tuple[Value, ...]
    used_by: tuple[str, ...] = ()
    description: str | None = None
    extends: str | None = None
    _catalog: LabelSource | None = _catalog_field()

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(v.code for v in self.values)

    def value(self, code: str) -> Value:
        """The value with this code (exact match); ``KeyError`` otherwise."""
        for v in self.values:
            if v.code == code:
                return v
        raise KeyError(f"list {self.name!r} has no value {code!r}")

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name, "label": self.label, "source": self.source}
        if self.description is not None:
            out["description"] = self.description
        if self.extends is not None:
            out["extends"] = self.extends
        out["used_by"] = list(self.used_by)
        out["values"] = [v.to_dict() for v in self.values]
        return out


@dataclass(frozen=True)
class Field(_Localised):
    """One HTCDS field with its tipdata annotations.

    ``name`` is the dictionary name (``vic_methods_of_control``), ``htcds_name`` the name in
    the standard's spreadsheet (``vic_MethodsOfControl``), ``xlsform_name`` the question name
    in the HTCDS XLSForm when it differs. ``type`` is one of ``FIELD_TYPES``; ``source_type``
    is the spreadsheet's own wording. ``privacy_class``, ``purposes`` and ``category`` are
    tipdata's additions from the overlay file, with ``privacy_reason`` saying why.
    """

    name: str
    htcds_name: str
    entity: str
    label: str
    type: str
    source_type: str
    core: bool
    status: str
    category: str
    privacy_class: str
    purposes: tuple[str, ...]
    privacy_reason: str
    description: str | None = None
    notes: str | None = None
    definition: str | None = None
    definition_source: str | None = None
    salesforce: str | None = None
    choice_list: str | None = None
    values: tuple[Value, ...] = ()
    lookup_target: str | None = None
    pattern: str | None = None
    minimum: float | None = None
    maximum: float | None = None
    integer: bool = False
    xlsform_name: str | None = None
    xlsform_type: str | None = None
    aliases: tuple[str, ...] = ()
    source_row: int | None = None
    build_notes: tuple[str, ...] = ()
    _catalog: LabelSource | None = _catalog_field()

    @property
    def purpose(self) -> str:
        """The primary purpose (the first of ``purposes``)."""
        return self.purposes[0]

    @property
    def multiple(self) -> bool:
        return self.type == "select_multiple"

    @property
    def is_picklist(self) -> bool:
        return self.type in ("select_one", "select_multiple")

    @property
    def allowed_codes(self) -> tuple[str, ...]:
        return tuple(v.code for v in self.values)

    @property
    def names(self) -> tuple[str, ...]:
        """Every spelling this field is known by, dictionary name first."""
        out = [self.name, self.htcds_name]
        if self.xlsform_name:
            out.append(self.xlsform_name)
        out.extend(self.aliases)
        return tuple(dict.fromkeys(out))

    def value(self, code: str) -> Value:
        """The value for ``code`` (case-insensitive, ISO aliases accepted)."""
        from .validation import match_code

        found = match_code(self, code)
        if found is None:
            raise ValueNotAllowedError(
                self.name, code, "not a code of this field", self.allowed_codes, self.htcds_name
            )
        return found

    def validate(self, value: Any) -> Any:
        """Check ``value`` for this field and return it normalised.

        Missing values (``None``, ``""``, empty list) return ``None``; whether a field is
        required is a form's business, not the dictionary's. Picklists return the canonical
        code (``select_multiple``: a tuple of codes) and accept a list of codes or a string of
        codes separated by spaces (as XLSForm stores them) or semicolons (as Salesforce does);
        dates return ``datetime.date``, numbers ``int``/``float``, booleans ``bool``.
        Raises ``ValueNotAllowedError`` naming the field, the value and what is allowed.
        """
        from .validation import validate_field_value

        return validate_field_value(self, value)

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "htcds_name": self.htcds_name,
            "entity": self.entity,
            "label": self.label,
            "type": self.type,
            "source_type": self.source_type,
            "core": self.core,
            "status": self.status,
            "category": self.category,
            "privacy_class": self.privacy_class,
            "purpose": self.purpose,
            "purposes": list(self.purposes),
            "privacy_reason": self.privacy_reason,
            "description": self.description,
            "notes": self.notes,
            "definition": self.definition,
            "definition_source": self.definition_source,
            "salesforce": self.salesforce,
            "choice_list": self.choice_list,
            "lookup_target": self.lookup_target,
            "pattern": self.pattern,
            "minimum": self.minimum,
            "maximum": self.maximum,
            "integer": self.integer,
            "xlsform_name": self.xlsform_name,
            "xlsform_type": self.xlsform_type,
            "aliases": list(self.aliases),
            "source_row": self.source_row,
            "build_notes": list(self.build_notes),
            "values": [v.to_dict() for v in self.values],
        }


@dataclass(frozen=True)
class Entity(_Localised):
    """A table of the standard (a spreadsheet section), e.g. ``victim_context`` (``vic_``).

    The three risk-and-vulnerability assessment entities have no fields in HTCDS 2.0, only
    ``example_questions``; they are kept so the standard's structure is complete.
    """

    key: str
    label: str
    section: str
    prefix: str | None
    fields: tuple[Field, ...]
    description: str | None = None
    notes: str | None = None
    definition: str | None = None
    example_questions: tuple[str, ...] = ()
    _catalog: LabelSource | None = _catalog_field()

    def field_names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "label": self.label,
            "section": self.section,
            "prefix": self.prefix,
            "description": self.description,
            "notes": self.notes,
            "definition": self.definition,
            "example_questions": list(self.example_questions),
            "fields": [f.to_dict() for f in self.fields],
        }


@dataclass(frozen=True)
class StandardInfo:
    """Which standard this is, and the attribution its licence (CC BY 4.0) requires."""

    name: str
    abbreviation: str
    version: str
    publisher: str
    license: str
    license_url: str
    source_url: str
    attribution: str
    changes: str
    notice: str
    column_reference: Mapping[str, str] = field(default_factory=dict, compare=False, hash=False)

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "abbreviation": self.abbreviation,
            "version": self.version,
            "publisher": self.publisher,
            "license": self.license,
            "license_url": self.license_url,
            "source_url": self.source_url,
            "attribution": self.attribution,
            "changes": self.changes,
            "notice": self.notice,
            "column_reference": dict(self.column_reference),
        }
