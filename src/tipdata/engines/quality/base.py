"""The parts every quality check is made of, and the registry of checks.

A check is a small class (after frictionless-py's checks): a ``slug``, the ``issue_types``
it can raise (each in one quality dimension), its ``parameters`` with defaults, and two
hooks: :meth:`Check.validate_row`, called once per record, and
:meth:`Check.validate_dataset`, called once with all records (for patterns no single
record shows, such as the same value in nearly every record). A deployment adds its own
check by subclassing :class:`Check` and decorating it with :func:`register_check`; an
organisation then enables and tunes it in its spec like a built-in one.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

from tipdata.engines.standard import Dictionary

from .conditions import Condition
from .errors import QualitySpecError
from .schema import COLUMNS, Row, is_sealed_field

# The four dimensions of data quality the engine scores (see docs/quality.md).
DIMENSIONS = ("completeness", "validity", "consistency", "timeliness")

_SLUG = re.compile(r"[a-z][a-z0-9_]{2,63}")


@dataclass(frozen=True)
class IssueType:
    """One kind of issue a check raises, in one dimension."""

    code: str
    dimension: str
    description: str

    def to_dict(self) -> dict[str, str]:
        return {"code": self.code, "dimension": self.dimension, "description": self.description}


@dataclass(frozen=True)
class Parameter:
    """A setting of a check: its name, default, the JSON types it takes and a description.

    ``validate`` (optional) returns an error message for a value of the right type that is
    still not allowed (a negative number of months), or ``None``.
    """

    name: str
    default: Any
    types: tuple[type, ...]
    description: str
    validate: Callable[[Any], str | None] | None = None

    def check(self, value: Any, where: str) -> Any:
        ok_type = isinstance(value, self.types) and not (isinstance(value, bool) and bool not in self.types)
        if value is None and type(None) in self.types:
            ok_type = True
        if not ok_type:
            names = " or ".join("null" if t is type(None) else t.__name__ for t in self.types)
            raise QualitySpecError(where, f"{value!r} is not allowed; expected {names} ({self.description})")
        if self.validate is not None and value is not None:
            problem = self.validate(value)
            if problem:
                raise QualitySpecError(where, f"{value!r} is not allowed: {problem}")
        return value


def at_least(minimum: float) -> Callable[[Any], str | None]:
    return lambda v: None if v >= minimum else f"must be at least {minimum}"


def share() -> Callable[[Any], str | None]:
    return lambda v: None if 0 < v <= 1 else "must be a share above 0 and at most 1"


@dataclass(frozen=True)
class ExpectedField:
    """A field every record should fill, perhaps only when a condition holds."""

    name: str
    core: bool
    entity: str
    sealed: bool
    when: tuple[Condition, ...] = ()

    def applies(self, row: Row) -> bool:
        if self.sealed and row.erased:
            return False  # erasure removed it on purpose
        return all(c.evaluate(row) is True for c in self.when)

    def to_spec(self) -> str | dict[str, Any]:
        if not self.when:
            return self.name
        return {"field": self.name, "when": [c.to_dict() for c in self.when]}


@dataclass
class RunContext:
    """What every check may consult: the dictionary, the reference date and the run's settings."""

    dictionary: Dictionary
    as_of: dt.date
    enabled: frozenset[str]
    expected_fields: tuple[ExpectedField, ...]
    params: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)  # slug -> parameters


@dataclass(frozen=True)
class Issue:
    """One problem found. ``record_id`` is ``None`` for an issue about the dataset as a whole.

    ``value`` is shown only when it cannot identify anyone: never for encrypted fields
    (names, narratives) nor for free text, where a caseworker may have typed anything
    (``value_withheld`` is then true).
    """

    record_id: str | None
    check: str
    type: str
    dimension: str
    field: str | None
    value: Any
    message: str
    organisation: str = ""
    caseworker: str = ""
    case_id: str = ""
    value_withheld: bool = False

    def to_dict(self) -> dict[str, Any]:
        value = self.value
        if isinstance(value, dt.date):
            value = value.isoformat()
        elif isinstance(value, tuple):
            value = [v.isoformat() if isinstance(v, dt.date) else v for v in value]
        return {
            "record_id": self.record_id, "case_id": self.case_id or None, "check": self.check, "type": self.type,
            "dimension": self.dimension, "field": self.field, "value": value,
            "value_withheld": self.value_withheld, "message": self.message,
            "organisation": self.organisation or None, "caseworker": self.caseworker or None,
        }


_NOT_GIVEN: Any = object()


class Check:
    """Base class of a quality check. Subclasses set the class attributes and override hooks."""

    slug: ClassVar[str]
    title: ClassVar[str]
    description: ClassVar[str]
    issue_types: ClassVar[tuple[IssueType, ...]]
    parameters: ClassVar[tuple[Parameter, ...]] = ()
    enabled_by_default: ClassVar[bool] = True

    def __init__(self, params: Mapping[str, Any], context: RunContext) -> None:
        self.params = dict(params)
        self.context = context
        self._types = {t.code: t for t in self.issue_types}

    # --- hooks -----------------------------------------------------------------------
    def validate_row(self, row: Row) -> Iterable[Issue]:
        """Issues of one record (row-level hook)."""
        return ()

    def validate_dataset(self, rows: Sequence[Row]) -> Iterable[Issue]:
        """Issues visible only across records (dataset-level hook), after every row was seen."""
        return ()

    # --- helpers ---------------------------------------------------------------------
    @classmethod
    def parse_params(cls, given: Mapping[str, Any], dictionary: Dictionary, where: str) -> dict[str, Any]:
        """Defaults overlaid with ``given``; unknown names and wrong types are errors."""
        known = {p.name: p for p in cls.parameters}
        unknown = set(given) - set(known)
        if unknown:
            allowed = ", ".join(["enabled", *known]) or "enabled"
            raise QualitySpecError(f"{where}.{sorted(unknown)[0]}", f"check {cls.slug!r} has no such parameter; allowed: {allowed}")
        out: dict[str, Any] = {}
        for name, param in known.items():
            value = given.get(name, param.default)
            out[name] = param.check(value, f"{where}.{name}")
        return cls.check_params(out, dictionary, where)

    @classmethod
    def check_params(cls, params: dict[str, Any], dictionary: Dictionary, where: str) -> dict[str, Any]:
        """Cross-parameter and dictionary checks of a subclass (field names, codes); default none."""
        return params

    def issue(self, row: Row | None, type_code: str, message: str, *, field: str | None = None,
              value: Any = _NOT_GIVEN, organisation: str = "") -> Issue:
        """Make an issue of one of this check's types; withholds values that could identify."""
        kind = self._types[type_code]  # KeyError here is a bug in the check: undeclared type
        withheld = False
        if value is _NOT_GIVEN:
            value = None
        elif field is not None and field not in COLUMNS:
            fld = self.context.dictionary.find_field(field)
            if fld is not None and is_sealed_field(fld):
                value, withheld = None, True
        return Issue(
            record_id=row.record_id if row else None, check=self.slug, type=type_code, dimension=kind.dimension,
            field=field, value=value, message=message,
            organisation=row.organisation if row else organisation, caseworker=row.caseworker if row else "",
            case_id=row.case_id if row else "", value_withheld=withheld,
        )

    def withheld_issue(self, row: Row, type_code: str, message: str, *, field: str) -> Issue:
        """An issue whose value is free text: never repeated, whatever the field."""
        kind = self._types[type_code]
        return Issue(record_id=row.record_id, check=self.slug, type=type_code, dimension=kind.dimension,
                     field=field, value=None, message=message, organisation=row.organisation,
                     caseworker=row.caseworker, case_id=row.case_id, value_withheld=True)

    @classmethod
    def describe(cls) -> dict[str, Any]:
        return {
            "slug": cls.slug, "title": cls.title, "description": cls.description,
            "enabled_by_default": cls.enabled_by_default,
            "issue_types": [t.to_dict() for t in cls.issue_types],
            "parameters": [{"name": p.name, "default": p.default, "description": p.description} for p in cls.parameters],
        }


CHECKS: dict[str, type[Check]] = {}


def register_check(cls: type[Check]) -> type[Check]:
    """Add a check class to the registry (a class decorator); its slug must be new."""
    slug = getattr(cls, "slug", None)
    if not isinstance(slug, str) or not _SLUG.fullmatch(slug):
        raise ValueError(f"check {cls.__name__}: slug {slug!r} must be 3-64 lower-case letters, digits or _")
    if slug in CHECKS and CHECKS[slug] is not cls:
        raise ValueError(f"a check with slug {slug!r} is already registered ({CHECKS[slug].__name__})")
    types = getattr(cls, "issue_types", ())
    if not types:
        raise ValueError(f"check {slug!r} declares no issue types")
    for t in types:
        if t.dimension not in DIMENSIONS:
            raise ValueError(f"check {slug!r}: issue type {t.code!r} has dimension {t.dimension!r}; "
                             f"allowed: {', '.join(DIMENSIONS)}")
    for attr in ("title", "description"):
        if not getattr(cls, attr, ""):
            raise ValueError(f"check {slug!r} needs a {attr}")
    CHECKS[slug] = cls
    return cls


def unregister_check(slug: str) -> None:
    """Remove a check (for tests and for deployments replacing a built-in)."""
    CHECKS.pop(slug, None)
