"""The quality spec: which checks run with which parameters, which fields are expected, how
scores are weighted, and an organisation's own rules. Plain JSON in, plain JSON out.

A spec may give only what differs from :func:`default_spec`; :func:`parse_spec` fills in
the rest and the result (:meth:`QualitySpec.to_dict`) is complete, including the report
date, so a stored result says exactly how it was produced. Example::

    {
      "as_of": "2026-06-30",
      "checks": {"stale_open_record": {"months": 3},
                 "suspicious_default": {"enabled": false}},
      "custom": [{
        "slug": "child_needs_guardian_consent",
        "title": "A child's case needs the guardian recorded",
        "when": [{"field": "vic_age_when_trafficked", "operator": "lt", "value": 18}],
        "require": [{"field": "prs_birthdate", "operator": "present"}],
        "dimension": "completeness"
      }]
    }
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from tipdata.engines.standard import Dictionary

from .base import CHECKS, DIMENSIONS, Check, ExpectedField, Issue, IssueType, RunContext
from .conditions import Condition, parse_condition, resolve_name
from .errors import QualitySpecError
from .schema import COLUMNS, Row, is_sealed_field

SPEC_VERSION = 1

_FORCED_LABOUR = {"field": "vic_type_of_exploitation", "operator": "contains", "value": "ForcedLabour"}
_SEXUAL = {"field": "vic_type_of_exploitation", "operator": "contains", "value": "SexualExploitation"}

# The coded HTCDS fields a case record should hold, chosen from the standard's core fields
# for what tipdata collects (a victim's e-mail or street address is core in HTCDS but rarely
# known and never required of a survivor). Organisations change the list in their spec.
DEFAULT_EXPECTED_FIELDS: list[str | dict[str, Any]] = [
    "prs_first_name",
    "prs_birthdate",
    "prs_gender",
    "prs_citizenship",
    "vic_trafficking_status",
    "vic_type_of_exploitation",
    "vic_methods_of_control",
    "vic_method_of_recruitment",
    "vic_age_when_trafficked",
    {"field": "vic_forced_labour_industry", "when": [_FORCED_LABOUR]},
    {"field": "vic_type_of_sex_exploitation", "when": [_SEXUAL]},
    "cas_status",
]
DEFAULT_CORE_WEIGHT = 2.0
DEFAULT_SCORE_WEIGHTS = {d: 1.0 for d in DIMENSIONS}
_TOP_KEYS = ("version", "as_of", "expected_fields", "core_weight", "score_weights", "checks", "custom")
_RULE_KEYS = ("slug", "title", "message", "dimension", "when", "require")
_SLUG = re.compile(r"[a-z][a-z0-9_]{2,63}")


class RuleCheck(Check):
    """An organisation's own rule from the spec: when every ``when`` condition holds, every
    ``require`` condition must hold too; otherwise one issue names the first that fails."""

    when: ClassVar[tuple[Condition, ...]] = ()
    require: ClassVar[tuple[Condition, ...]] = ()
    message: ClassVar[str] = ""

    def validate_row(self, row: Row) -> Iterable[Issue]:
        if not all(c.evaluate(row) is True for c in self.when):
            return
        for condition in self.require:
            if condition.evaluate(row) is False:
                text = self.message or f"{self.title}: expected {condition.describe()}"
                if self.when and not self.message:
                    text += " when " + " and ".join(c.describe() for c in self.when)
                value = row.get(condition.field)
                yield self.issue(row, self.slug, text, field=condition.field,
                                 value=None if isinstance(value, frozenset) else value)
                return

    @classmethod
    def to_spec(cls) -> dict[str, Any]:
        out: dict[str, Any] = {"slug": cls.slug, "title": cls.title, "dimension": cls.issue_types[0].dimension}
        if cls.message:
            out["message"] = cls.message
        if cls.when:
            out["when"] = [c.to_dict() for c in cls.when]
        out["require"] = [c.to_dict() for c in cls.require]
        return out


@dataclass(frozen=True)
class QualitySpec:
    """A complete, checked spec. ``checks`` maps every registered slug to (enabled, parameters)."""

    as_of: dt.date
    expected_fields: tuple[ExpectedField, ...]
    core_weight: float
    score_weights: Mapping[str, float]
    checks: Mapping[str, tuple[bool, Mapping[str, Any]]]
    custom: tuple[type[RuleCheck], ...]

    @property
    def enabled(self) -> frozenset[str]:
        return frozenset([s for s, (on, _) in self.checks.items() if on] + [r.slug for r in self.custom])

    def context(self, dictionary: Dictionary) -> RunContext:
        return RunContext(dictionary=dictionary, as_of=self.as_of, enabled=self.enabled,
                          expected_fields=self.expected_fields,
                          params={slug: params for slug, (_on, params) in self.checks.items()})

    def instantiate(self, dictionary: Dictionary) -> list[Check]:
        context = self.context(dictionary)
        out: list[Check] = [CHECKS[slug](params, context) for slug, (on, params) in self.checks.items() if on]
        out += [rule({}, context) for rule in self.custom]
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": SPEC_VERSION,
            "as_of": self.as_of.isoformat(),
            "expected_fields": [f.to_spec() for f in self.expected_fields],
            "core_weight": self.core_weight,
            "score_weights": dict(self.score_weights),
            "checks": {slug: {"enabled": on, **_plain(params)} for slug, (on, params) in self.checks.items()},
            "custom": [rule.to_spec() for rule in self.custom],
        }


def _plain(params: Mapping[str, Any]) -> dict[str, Any]:
    return {k: list(v) if isinstance(v, tuple) else v for k, v in params.items()}


def default_spec() -> dict[str, Any]:
    """The default spec as JSON (every check, every parameter; ``as_of`` null means today)."""
    return {
        "version": SPEC_VERSION,
        "as_of": None,
        "expected_fields": [dict(f) if isinstance(f, dict) else f for f in DEFAULT_EXPECTED_FIELDS],
        "core_weight": DEFAULT_CORE_WEIGHT,
        "score_weights": dict(DEFAULT_SCORE_WEIGHTS),
        "checks": {
            slug: {"enabled": cls.enabled_by_default, **{p.name: p.default for p in cls.parameters}}
            for slug, cls in CHECKS.items()
        },
        "custom": [],
    }


def parse_spec(spec: Mapping[str, Any] | None, dictionary: Dictionary, *, today: dt.date | None = None) -> QualitySpec:
    """Check ``spec`` (``None`` for the defaults) and complete it. Every mistake raises
    :class:`QualitySpecError` naming the key, the value and what is allowed."""
    spec = {} if spec is None else spec
    if not isinstance(spec, Mapping):
        raise QualitySpecError("", f"expected a JSON object, got {type(spec).__name__}")
    unknown = set(spec) - set(_TOP_KEYS)
    if unknown:
        raise QualitySpecError(sorted(unknown)[0], f"unknown key; allowed: {', '.join(_TOP_KEYS)}")
    version = spec.get("version", SPEC_VERSION)
    if version != SPEC_VERSION:
        raise QualitySpecError("version", f"{version!r} is not supported; this tipdata reads version {SPEC_VERSION}")
    as_of = _parse_as_of(spec.get("as_of"), today)
    expected = _parse_expected(spec.get("expected_fields", DEFAULT_EXPECTED_FIELDS), dictionary)
    core_weight = spec.get("core_weight", DEFAULT_CORE_WEIGHT)
    if isinstance(core_weight, bool) or not isinstance(core_weight, int | float) or core_weight < 1:
        raise QualitySpecError("core_weight", f"{core_weight!r} is not allowed; give a number of at least 1 "
                               "(how much more a core field counts than another)")
    weights = _parse_weights(spec.get("score_weights", DEFAULT_SCORE_WEIGHTS))
    checks = _parse_checks(spec.get("checks", {}), dictionary)
    custom = _parse_custom(spec.get("custom", []), dictionary)
    return QualitySpec(as_of, expected, float(core_weight), weights, checks, custom)


def _parse_as_of(value: Any, today: dt.date | None) -> dt.date:
    if value is None:
        return today or dt.date.today()
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise QualitySpecError("as_of", f"{value!r} is not a date as YYYY-MM-DD (or null for today)")


def _parse_expected(value: Any, dictionary: Dictionary) -> tuple[ExpectedField, ...]:
    if not isinstance(value, list):
        raise QualitySpecError("expected_fields", f"expected a list of field names; got {value!r}")
    out: list[ExpectedField] = []
    seen: set[str] = set()
    for i, item in enumerate(value):
        where = f"expected_fields[{i}]"
        when: tuple[Condition, ...] = ()
        if isinstance(item, Mapping):
            extra = set(item) - {"field", "when"}
            if extra:
                raise QualitySpecError(where, f"unknown key {sorted(extra)[0]!r}; allowed: field, when")
            name_raw = item.get("field")
            conds = item.get("when", [])
            if not isinstance(conds, list):
                raise QualitySpecError(f"{where}.when", "expected a list of conditions")
            when = tuple(parse_condition(c, dictionary, f"{where}.when[{j}]") for j, c in enumerate(conds))
        else:
            name_raw = item
        name, _kind = resolve_name(name_raw, dictionary, where)
        if name in COLUMNS:
            raise QualitySpecError(where, f"{name} is a tipdata column; expected fields are dictionary fields")
        if name in seen:
            raise QualitySpecError(where, f"{name} is listed twice")
        seen.add(name)
        fld = dictionary.field(name)
        out.append(ExpectedField(name, fld.core, fld.entity, is_sealed_field(fld), when))
    return tuple(out)


def _parse_weights(value: Any) -> dict[str, float]:
    if not isinstance(value, Mapping):
        raise QualitySpecError("score_weights", f"expected an object of dimension -> weight; got {value!r}")
    unknown = set(value) - set(DIMENSIONS)
    if unknown:
        raise QualitySpecError(f"score_weights.{sorted(unknown)[0]}", f"not a dimension; allowed: {', '.join(DIMENSIONS)}")
    out = dict(DEFAULT_SCORE_WEIGHTS)
    for key, weight in value.items():
        if isinstance(weight, bool) or not isinstance(weight, int | float) or weight < 0:
            raise QualitySpecError(f"score_weights.{key}", f"{weight!r} is not allowed; give a number of 0 or more")
        out[key] = float(weight)
    if sum(out.values()) <= 0:
        raise QualitySpecError("score_weights", "at least one dimension needs a weight above 0")
    return out


def _parse_checks(value: Any, dictionary: Dictionary) -> dict[str, tuple[bool, dict[str, Any]]]:
    if not isinstance(value, Mapping):
        raise QualitySpecError("checks", f"expected an object of check slug -> settings; got {value!r}")
    unknown = set(value) - set(CHECKS)
    if unknown:
        raise QualitySpecError(f"checks.{sorted(unknown)[0]}", f"no such check; known checks: {', '.join(CHECKS)} "
                               "(an organisation's own rules go under 'custom')")
    out: dict[str, tuple[bool, dict[str, Any]]] = {}
    for slug, cls in CHECKS.items():
        settings = value.get(slug, {})
        where = f"checks.{slug}"
        if isinstance(settings, bool):
            settings = {"enabled": settings}
        if not isinstance(settings, Mapping):
            raise QualitySpecError(where, f"expected an object (enabled and parameters) or true/false; got {settings!r}")
        enabled = settings.get("enabled", cls.enabled_by_default)
        if not isinstance(enabled, bool):
            raise QualitySpecError(f"{where}.enabled", f"{enabled!r} is not true or false")
        params = cls.parse_params({k: v for k, v in settings.items() if k != "enabled"}, dictionary, where)
        out[slug] = (enabled, params)
    return out


def _parse_custom(value: Any, dictionary: Dictionary) -> tuple[type[RuleCheck], ...]:
    if not isinstance(value, list):
        raise QualitySpecError("custom", f"expected a list of rules; got {value!r}")
    rules: list[type[RuleCheck]] = []
    for i, item in enumerate(value):
        where = f"custom[{i}]"
        if not isinstance(item, Mapping):
            raise QualitySpecError(where, f"expected an object with slug, when, require; got {item!r}")
        extra = set(item) - set(_RULE_KEYS)
        if extra:
            raise QualitySpecError(f"{where}.{sorted(extra)[0]}", f"unknown key; allowed: {', '.join(_RULE_KEYS)}")
        slug = item.get("slug")
        if not isinstance(slug, str) or not _SLUG.fullmatch(slug):
            raise QualitySpecError(f"{where}.slug", f"{slug!r} is not allowed: 3-64 lower-case letters, digits or _, "
                                   "starting with a letter")
        if slug in CHECKS or slug in {r.slug for r in rules}:
            raise QualitySpecError(f"{where}.slug", f"{slug!r} is already the slug of another check")
        dimension = item.get("dimension", "consistency")
        if dimension not in DIMENSIONS:
            raise QualitySpecError(f"{where}.dimension", f"{dimension!r} is not a dimension; allowed: {', '.join(DIMENSIONS)}")
        title = item.get("title", slug.replace("_", " "))
        message = item.get("message", "")
        for key, text in (("title", title), ("message", message)):
            if not isinstance(text, str):
                raise QualitySpecError(f"{where}.{key}", f"{text!r} is not text")
        when_raw, require_raw = item.get("when", []), item.get("require")
        if not isinstance(when_raw, list):
            raise QualitySpecError(f"{where}.when", "expected a list of conditions")
        if not isinstance(require_raw, list) or not require_raw:
            raise QualitySpecError(f"{where}.require", "expected a non-empty list of conditions the record must meet")
        when = tuple(parse_condition(c, dictionary, f"{where}.when[{j}]") for j, c in enumerate(when_raw))
        require = tuple(parse_condition(c, dictionary, f"{where}.require[{j}]") for j, c in enumerate(require_raw))
        attrs = {
            "slug": slug, "title": title, "message": message, "when": when, "require": require,
            "description": f"An organisation's rule: {title}.",
            "issue_types": (IssueType(slug, dimension, title),),
        }
        rules.append(type(f"Rule_{slug}", (RuleCheck,), attrs))
    return tuple(rules)
