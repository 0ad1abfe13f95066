"""The indicator file as checked, immutable objects.

``load_indicator_set()`` reads ``data/indicators.yaml`` (or another file in the same
format), checks every entry - grades, list names, rule terms, HTCDS codes against the
packaged HTCDS 2.0 dictionary - and returns an ``IndicatorSet``. A broken file fails on
load with the file, the entry and the problem, never later in the middle of a screening.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from .errors import IndicatorFileError

DATA_DIR = Path(__file__).resolve().parent / "data"
DEFAULT_INDICATOR_FILE = DATA_DIR / "indicators.yaml"
FORMAT = "tipdata-screening-indicators"

GRADES = {"S": "strong", "M": "medium", "W": "weak"}
AGE_GROUPS = ("adult", "child")
EXPLOITATION_KINDS = ("labour", "sexual")
OUTCOMES = ("presumed_victim", "possible_victim", "insufficient_indicators")
VERIFICATION_LEVELS = ("published", "secondary_source", "unverified_reconstruction")
PALERMO_FACTS = ("act", "purpose")
COUNT_KEYS = ("strong", "medium", "weak", "medium_or_weak")


@dataclass(frozen=True)
class Indicator:
    """One indicator within one dimension; ``key`` (``dimension.id``) is its answer key."""

    dimension: str
    id: str
    label: str
    question: str
    question_child: str
    grades: dict[str, str]  # list id -> "strong" | "medium" | "weak"; absent = not in that list
    htcds_methods_of_control: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        return f"{self.dimension}.{self.id}"

    def grade_in(self, list_id: str) -> str | None:
        return self.grades.get(list_id)

    def question_for(self, age_group: str) -> str:
        return self.question_child if age_group == "child" and self.question_child else self.question


@dataclass(frozen=True)
class Dimension:
    id: str
    title: str
    palermo_element: str
    phase: str
    intro: str
    intro_child: str
    indicators: tuple[Indicator, ...]

    def indicators_in(self, list_id: str) -> tuple[Indicator, ...]:
        return tuple(i for i in self.indicators if i.grade_in(list_id) is not None)


@dataclass(frozen=True)
class IndicatorList:
    id: str
    title: str
    age_group: str
    exploitation_kind: str
    verification: str


@dataclass(frozen=True)
class Option:
    code: str
    label: str
    htcds_type_of_exploitation: str | None = None


@dataclass(frozen=True)
class PalermoQuestion:
    fact: str
    title: str
    question: str
    question_child: str
    options: tuple[Option, ...]

    def question_for(self, age_group: str) -> str:
        return self.question_child if age_group == "child" and self.question_child else self.question

    def codes(self) -> tuple[str, ...]:
        return tuple(o.code for o in self.options)


@dataclass(frozen=True)
class IndicatorSet:
    """Everything in the indicator file, checked. Plain data: ``to_spec()`` is JSON-ready."""

    path: str
    version: str
    sources: tuple[dict[str, str], ...]
    lists: dict[str, IndicatorList]
    answer_options: tuple[dict[str, Any], ...]
    palermo: dict[str, PalermoQuestion]
    dimensions: tuple[Dimension, ...]
    rule: dict[str, Any]
    outcome_labels: dict[str, str]
    guidance: dict[str, tuple[str, ...]]
    _by_key: dict[str, Indicator] = field(default_factory=dict, repr=False, compare=False)

    def list_for(self, age_group: str, exploitation_kind: str) -> IndicatorList:
        for lst in self.lists.values():
            if lst.age_group == age_group and lst.exploitation_kind == exploitation_kind:
                return lst
        raise KeyError(f"no indicator list for {age_group} / {exploitation_kind}")

    def dimension(self, dimension_id: str) -> Dimension:
        for dim in self.dimensions:
            if dim.id == dimension_id:
                return dim
        raise KeyError(f"unknown dimension {dimension_id!r}")

    def indicator(self, key: str) -> Indicator:
        return self._by_key[key]

    def indicator_keys(self) -> tuple[str, ...]:
        return tuple(self._by_key)

    def counting_answers(self) -> frozenset[str]:
        return frozenset(str(o["code"]) for o in self.answer_options if o.get("counts"))

    def answer_codes(self) -> tuple[str, ...]:
        return tuple(str(o["code"]) for o in self.answer_options)

    def to_spec(self) -> dict[str, Any]:
        """The parts of the file a result depends on (for reproducing a screening)."""
        return {
            "format": FORMAT,
            "version": self.version,
            "rule": self.rule,
            "sources": [dict(s) for s in self.sources],
        }


def _need(raw: Any, key: str, path: str, entry: str, kind: type | tuple[type, ...] = str) -> Any:
    if not isinstance(raw, dict) or key not in raw:
        raise IndicatorFileError(path, entry, f"missing {key!r}")
    value = raw[key]
    if not isinstance(value, kind) or (isinstance(value, str) and not value.strip()):
        raise IndicatorFileError(path, f"{entry}.{key}", f"expected a non-empty {getattr(kind, '__name__', kind)}, found {value!r}")
    return value


def _parse_term(term: Any, path: str, entry: str, dimension_ids: set[str]) -> None:
    """Check one node of an outcome rule (recursively)."""
    if isinstance(term, str):
        kind, _, name = term.partition(":")
        if kind in ("dimension", "strong"):
            if name not in dimension_ids:
                raise IndicatorFileError(path, entry, f"{term!r} names no dimension; dimensions: {', '.join(sorted(dimension_ids))}")
        elif kind == "fact":
            if name not in PALERMO_FACTS:
                raise IndicatorFileError(path, entry, f"{term!r}: facts are {', '.join(PALERMO_FACTS)}")
        else:
            raise IndicatorFileError(path, entry, f"{term!r}: a term is dimension:<id>, strong:<id> or fact:<act|purpose>")
        return
    if isinstance(term, dict):
        ops = [k for k in ("all_of", "any_of") if k in term]
        extra = set(term) - {"all_of", "any_of", "label"}
        if len(ops) != 1 or extra:
            raise IndicatorFileError(path, entry, f"a node has exactly one of all_of / any_of (and an optional label); found keys {sorted(term)}")
        children = term[ops[0]]
        if not isinstance(children, list) or not children:
            raise IndicatorFileError(path, f"{entry}.{ops[0]}", "expected a non-empty list")
        for n, child in enumerate(children):
            _parse_term(child, path, f"{entry}.{ops[0]}[{n}]", dimension_ids)
        return
    raise IndicatorFileError(path, entry, f"expected a term string or an all_of/any_of node, found {term!r}")


def _check_rule(rule: Any, path: str, dimension_ids: set[str]) -> dict[str, Any]:
    if not isinstance(rule, dict):
        raise IndicatorFileError(path, "rule", "missing or not a mapping")
    combos = rule.get("dimension_positive_if_any")
    if not isinstance(combos, list) or not combos:
        raise IndicatorFileError(path, "rule.dimension_positive_if_any", "expected a non-empty list of minimum counts")
    for n, combo in enumerate(combos):
        entry = f"rule.dimension_positive_if_any[{n}]"
        if not isinstance(combo, dict) or not combo:
            raise IndicatorFileError(path, entry, "expected a mapping such as {strong: 1, medium_or_weak: 1}")
        for key, value in combo.items():
            if key not in COUNT_KEYS:
                raise IndicatorFileError(path, entry, f"{key!r} is not a count; allowed: {', '.join(COUNT_KEYS)}")
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise IndicatorFileError(path, f"{entry}.{key}", f"expected a whole number of at least 1, found {value!r}")
        if set(combo) == {"weak"}:
            raise IndicatorFileError(path, entry, "weak indicators alone may never make a dimension positive")
    outcomes = rule.get("outcomes")
    if not isinstance(outcomes, dict) or set(outcomes) != {"presumed_victim", "possible_victim"}:
        raise IndicatorFileError(path, "rule.outcomes", "expected exactly presumed_victim and possible_victim")
    for outcome, spec in outcomes.items():
        for group in AGE_GROUPS:
            if not isinstance(spec, dict) or group not in spec:
                raise IndicatorFileError(path, f"rule.outcomes.{outcome}", f"missing the rule for {group}s")
            _parse_term(spec[group], path, f"rule.outcomes.{outcome}.{group}", dimension_ids)
    status = rule.get("htcds_trafficking_status")
    if not isinstance(status, dict) or set(status) != set(OUTCOMES):
        raise IndicatorFileError(path, "rule.htcds_trafficking_status", f"expected a code (or null) for each of {', '.join(OUTCOMES)}")
    return rule


def _check_htcds(path: str, entries: list[tuple[str, str, str]]) -> None:
    """Every HTCDS code the file writes must be a code of the packaged dictionary."""
    from tipdata.engines.standard import load_dictionary

    dictionary = load_dictionary()
    for entry, field_name, code in entries:
        allowed = dictionary.field(field_name).allowed_codes
        if code not in allowed:
            raise IndicatorFileError(path, entry, f"{code!r} is not a code of {field_name}; allowed: {', '.join(allowed)}")


def parse_indicator_set(raw: Any, path: str = "<memory>") -> IndicatorSet:
    """Check a parsed indicator document and build the ``IndicatorSet``."""
    if not isinstance(raw, dict):
        raise IndicatorFileError(path, "", "expected a YAML mapping at the top level")
    if raw.get("format") != FORMAT:
        raise IndicatorFileError(path, "format", f"expected {FORMAT!r}, found {raw.get('format')!r}")
    version = _need(raw, "version", path, "")
    sources = tuple(_need(raw, "sources", path, "", list))
    source_ids = set()
    for n, src in enumerate(sources):
        source_ids.add(_need(src, "id", path, f"sources[{n}]"))
        _need(src, "citation", path, f"sources[{n}]")
        _need(src, "url", path, f"sources[{n}]")

    lists: dict[str, IndicatorList] = {}
    expected_counts: dict[str, dict[str, int]] = {}
    for list_id, spec in (_need(raw, "lists", path, "", dict)).items():
        entry = f"lists.{list_id}"
        age = _need(spec, "age_group", path, entry)
        kind = _need(spec, "exploitation_kind", path, entry)
        verification = _need(spec, "verification", path, entry)
        if age not in AGE_GROUPS:
            raise IndicatorFileError(path, f"{entry}.age_group", f"{age!r}; allowed: {', '.join(AGE_GROUPS)}")
        if kind not in EXPLOITATION_KINDS:
            raise IndicatorFileError(path, f"{entry}.exploitation_kind", f"{kind!r}; allowed: {', '.join(EXPLOITATION_KINDS)}")
        if verification not in VERIFICATION_LEVELS:
            raise IndicatorFileError(path, f"{entry}.verification", f"{verification!r}; allowed: {', '.join(VERIFICATION_LEVELS)}")
        lists[list_id] = IndicatorList(list_id, _need(spec, "title", path, entry), age, kind, verification)
        if "expected_counts" in spec:
            expected_counts[list_id] = dict(spec["expected_counts"])
    combos = {(lst.age_group, lst.exploitation_kind) for lst in lists.values()}
    missing = {(a, k) for a in AGE_GROUPS for k in EXPLOITATION_KINDS} - combos
    if missing or len(combos) != len(lists):
        raise IndicatorFileError(path, "lists", f"need exactly one list per age group and exploitation kind; missing {sorted(missing)}")

    answer_options = tuple(_need(raw, "answer_options", path, "", list))
    for n, opt in enumerate(answer_options):
        _need(opt, "code", path, f"answer_options[{n}]")
        _need(opt, "label", path, f"answer_options[{n}]")
    if not any(o.get("counts") for o in answer_options):
        raise IndicatorFileError(path, "answer_options", "at least one option must count as the indicator being present")

    htcds_codes: list[tuple[str, str, str]] = []
    palermo: dict[str, PalermoQuestion] = {}
    raw_palermo = _need(raw, "palermo", path, "", dict)
    for fact in PALERMO_FACTS:
        entry = f"palermo.{fact}"
        spec = _need(raw_palermo, fact, path, "palermo", dict)
        options = []
        for n, opt in enumerate(_need(spec, "options", path, entry, list)):
            code = _need(opt, "code", path, f"{entry}.options[{n}]")
            htcds = opt.get("htcds_type_of_exploitation")
            if htcds:
                htcds_codes.append((f"{entry}.options[{n}].htcds_type_of_exploitation", "vic_type_of_exploitation", htcds))
            options.append(Option(code, _need(opt, "label", path, f"{entry}.options[{n}]"), htcds))
        palermo[fact] = PalermoQuestion(fact, _need(spec, "title", path, entry), _need(spec, "question", path, entry),
                                        str(spec.get("question_child") or ""), tuple(options))

    dimensions: list[Dimension] = []
    by_key: dict[str, Indicator] = {}
    for d, dspec in enumerate(_need(raw, "dimensions", path, "", list)):
        dentry = f"dimensions[{d}]"
        dim_id = _need(dspec, "id", path, dentry)
        indicators: list[Indicator] = []
        for n, ispec in enumerate(_need(dspec, "indicators", path, dentry, list)):
            ientry = f"{dentry}.indicators[{n}]"
            ind_id = _need(ispec, "id", path, ientry)
            ientry += f" ({ind_id})"
            grades: dict[str, str] = {}
            for list_id, grade in (_need(ispec, "grades", path, ientry, dict)).items():
                if list_id not in lists:
                    raise IndicatorFileError(path, f"{ientry}.grades", f"{list_id!r} is not a list; lists: {', '.join(lists)}")
                if grade not in GRADES:
                    raise IndicatorFileError(path, f"{ientry}.grades.{list_id}", f"{grade!r}; allowed: {', '.join(GRADES)} (strong, medium, weak)")
                grades[list_id] = GRADES[grade]
            controls = tuple(ispec.get("htcds_methods_of_control") or ())
            htcds_codes += [(f"{ientry}.htcds_methods_of_control", "vic_methods_of_control", c) for c in controls]
            indicator = Indicator(dim_id, ind_id, _need(ispec, "label", path, ientry), _need(ispec, "question", path, ientry),
                                  str(ispec.get("question_child") or ""), grades, controls)
            if indicator.key in by_key:
                raise IndicatorFileError(path, ientry, f"duplicate indicator {indicator.key!r}")
            by_key[indicator.key] = indicator
            indicators.append(indicator)
        dimensions.append(Dimension(dim_id, _need(dspec, "title", path, dentry), _need(dspec, "palermo_element", path, dentry),
                                    _need(dspec, "phase", path, dentry), _need(dspec, "intro", path, dentry),
                                    str(dspec.get("intro_child") or ""), tuple(indicators)))
    dimension_ids = {d.id for d in dimensions}
    if len(dimension_ids) != len(dimensions):
        raise IndicatorFileError(path, "dimensions", "duplicate dimension id")
    for list_id, counts in expected_counts.items():
        for dim in dimensions:
            found = len(dim.indicators_in(list_id))
            if dim.id in counts and counts[dim.id] != found:
                raise IndicatorFileError(path, f"lists.{list_id}.expected_counts.{dim.id}",
                                         f"the publication has {counts[dim.id]} indicators; the file grades {found} for this list")

    rule = _check_rule(raw.get("rule"), path, dimension_ids)
    for outcome, spec in rule["outcomes"].items():
        if spec.get("source") not in source_ids | {"tipdata"}:
            raise IndicatorFileError(path, f"rule.outcomes.{outcome}.source", f"{spec.get('source')!r} is not a listed source (or 'tipdata')")
    for outcome, code in rule["htcds_trafficking_status"].items():
        if code is not None:
            htcds_codes.append((f"rule.htcds_trafficking_status.{outcome}", "vic_trafficking_status", code))
    _check_htcds(path, htcds_codes)

    labels = _need(raw, "outcome_labels", path, "", dict)
    if set(labels) != set(OUTCOMES):
        raise IndicatorFileError(path, "outcome_labels", f"expected a label for each of {', '.join(OUTCOMES)}")
    guidance_raw = _need(raw, "guidance", path, "", dict)
    guidance = {k: tuple(str(x) for x in v) for k, v in guidance_raw.items()}
    return IndicatorSet(path, str(version), sources, lists, answer_options, palermo, tuple(dimensions), rule,
                        dict(labels), guidance, by_key)


@lru_cache(maxsize=8)
def _load_cached(path: str) -> IndicatorSet:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise IndicatorFileError(path, "", f"cannot read: {exc}") from exc
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise IndicatorFileError(path, "", f"not valid YAML: {exc}") from exc
    return parse_indicator_set(raw, path)


def load_indicator_set(path: str | Path | None = None) -> IndicatorSet:
    """The checked indicator set (packaged file by default; cached per path)."""
    return _load_cached(str(Path(path or DEFAULT_INDICATOR_FILE).resolve()))
