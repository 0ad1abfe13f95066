"""Apply the decision rule to one person's answers: ``screen(answers, age=..., exploitation_kind=...)``.

Steps, each visible in the result:

1. pick the indicator list for the person's age group and the exploitation assessed;
2. per dimension, count the strong, medium and weak indicators answered "yes" and apply
   the ILO/EC rule that makes a dimension positive;
3. combine dimensions (and, for a child, the Palermo act and purpose answered directly)
   into an outcome: presumed victim, possible victim, or insufficient indicators;
4. map the outcome and the indicators to HTCDS 2.0 codes for the case record.

The result carries the reasons in words, the counts behind them and the spec (file version
and rule) it ran with, so a screening can be explained and reproduced.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from .errors import AnswerError, AnswersError
from .model import (
    AGE_GROUPS,
    EXPLOITATION_KINDS,
    PALERMO_FACTS,
    IndicatorList,
    IndicatorSet,
    load_indicator_set,
)

ADULT_AGE = 18  # Palermo Protocol Art. 3(d): a child is any person under eighteen
UNCERTAIN_AGE = "uncertain_possibly_child"
AGE_WORDS = (*AGE_GROUPS, UNCERTAIN_AGE)


@dataclass(frozen=True)
class ObservedIndicator:
    key: str
    label: str
    grade: str


@dataclass(frozen=True)
class DimensionResult:
    id: str
    title: str
    palermo_element: str
    positive: bool
    strong: int
    medium: int
    weak: int
    observed: tuple[ObservedIndicator, ...]
    rule_met: dict[str, int] | None  # the first combination of the rule that the counts reach
    asked: int  # indicators of this dimension in the list
    answered: int  # of which answered yes or no


@dataclass(frozen=True)
class ScreeningResult:
    """What a screening found and why. ``to_dict()`` is JSON-ready."""

    outcome: str  # presumed_victim | possible_victim | insufficient_indicators
    outcome_label: str
    age_group: str
    exploitation_kind: str
    list_id: str
    list_verification: str
    dimensions: tuple[DimensionResult, ...]
    palermo: dict[str, Any]
    reasons: tuple[str, ...]
    cautions: tuple[str, ...]
    htcds: dict[str, Any]
    unanswered: tuple[str, ...]
    spec: dict[str, Any] = field(default_factory=dict)

    @property
    def positive_dimensions(self) -> tuple[str, ...]:
        return tuple(d.id for d in self.dimensions if d.positive)

    def dimension(self, dimension_id: str) -> DimensionResult:
        for dim in self.dimensions:
            if dim.id == dimension_id:
                return dim
        raise KeyError(dimension_id)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["positive_dimensions"] = list(self.positive_dimensions)
        return data


def resolve_age_group(age: int | str) -> tuple[str, str | None]:
    """(age group, a reason when the group was presumed). Under 18 is a child."""
    if isinstance(age, bool):
        raise AnswerError("age", age, "give the age in whole years or one of the words", AGE_WORDS)
    if isinstance(age, int):
        if age < 0 or age > 130:
            raise AnswerError("age", age, "an age in years must be between 0 and 130")
        return ("child" if age < ADULT_AGE else "adult"), None
    if isinstance(age, str):
        word = age.strip().lower()
        if word.isdigit():
            return resolve_age_group(int(word))
        if word in AGE_GROUPS:
            return word, None
        if word == UNCERTAIN_AGE:
            return "child", (
                "Age is uncertain and the person may be a child: screened as a child "
                "(presumption of minority, Directive 2011/36/EU Art. 13(2))."
            )
    raise AnswerError("age", age, "give the age in whole years or one of the words", AGE_WORDS)


def _as_codes(key: str, value: Any, allowed: tuple[str, ...]) -> tuple[str, ...]:
    if value is None or value == "":
        return ()
    items = value.split() if isinstance(value, str) else value
    if not isinstance(items, list | tuple | set | frozenset):
        raise AnswerError(key, value, "expected a list of codes", allowed)
    codes: list[str] = []
    for item in items:
        if item not in allowed:
            raise AnswerError(key, item, "not a known choice", allowed)
        if item not in codes:
            codes.append(item)
    return tuple(codes)


def _check_answers(
    answers: Mapping[str, Any], indicators: IndicatorSet, lst: IndicatorList
) -> tuple[dict[str, str], dict[str, tuple[str, ...]]]:
    """Split answers into indicator answers and Palermo facts; collect every problem."""
    if not isinstance(answers, Mapping):
        raise AnswerError("answers", type(answers).__name__, "expected a mapping of question key to answer")
    errors: list[AnswerError] = []
    indicator_answers: dict[str, str] = {}
    facts: dict[str, tuple[str, ...]] = {f: () for f in PALERMO_FACTS}
    codes = indicators.answer_codes()
    all_keys = indicators.indicator_keys()
    for key, value in answers.items():
        if not isinstance(key, str):
            errors.append(AnswerError(str(key), value, "question keys are strings"))
            continue
        if key.startswith("palermo."):
            fact = key.removeprefix("palermo.")
            if fact not in PALERMO_FACTS:
                errors.append(AnswerError(key, value, "unknown Palermo element", [f"palermo.{f}" for f in PALERMO_FACTS]))
                continue
            try:
                facts[fact] = _as_codes(key, value, indicators.palermo[fact].codes())
            except AnswerError as exc:
                errors.append(exc)
            continue
        if key not in all_keys:
            close = difflib.get_close_matches(key, all_keys, n=3)
            hint = f"unknown question; did you mean {', '.join(close)}?" if close else "unknown question"
            errors.append(AnswerError(key, value, hint))
            continue
        if indicators.indicator(key).grade_in(lst.id) is None:
            errors.append(AnswerError(key, value, f"this indicator is not part of the list '{lst.title}'"))
            continue
        if value not in codes:
            errors.append(AnswerError(key, value, "not an allowed answer", codes))
            continue
        indicator_answers[key] = value
    if errors:
        raise AnswersError(errors)
    return indicator_answers, facts


def _combo_text(combo: Mapping[str, int]) -> str:
    parts = [f"{n} {k.replace('_or_', ' or ')}" for k, n in combo.items()]
    return " + ".join(parts)


def _dimension_positive(strong: int, medium: int, weak: int, combos: list[dict[str, int]]) -> dict[str, int] | None:
    have = {"strong": strong, "medium": medium, "weak": weak, "medium_or_weak": medium + weak}
    for combo in combos:
        if all(have[k] >= n for k, n in combo.items()):
            return dict(combo)
    return None


class _Context:
    """What the rule terms look at."""

    def __init__(self, indicators: IndicatorSet, dims: dict[str, DimensionResult], facts: dict[str, tuple[str, ...]]):
        self.indicators = indicators
        self.dims = dims
        self.facts = facts

    def term(self, term: str) -> tuple[bool, str]:
        kind, _, name = term.partition(":")
        if kind == "dimension":
            return self.dims[name].positive, self.dims[name].title
        if kind == "strong":
            return self.dims[name].strong > 0, f"a strong indicator of {self.dims[name].title.lower()}"
        labels = {o.code: o.label for o in self.indicators.palermo[name].options}
        found = self.facts[name]
        text = f"{self.indicators.palermo[name].title.lower()} answered directly"
        if found:
            text += " (" + "; ".join(labels[c] for c in found) + ")"
        return bool(found), text


def _evaluate(node: Any, ctx: _Context) -> tuple[bool, list[str], list[str]]:
    """(met, what satisfied it, what is missing) for a rule node."""
    if isinstance(node, str):
        met, text = ctx.term(node)
        return met, ([text] if met else []), ([] if met else [text])
    if "all_of" in node:
        results = [_evaluate(child, ctx) for child in node["all_of"]]
        met = all(r[0] for r in results)
        satisfied, missing = [], []
        for child, (ok, sat, _miss) in zip(node["all_of"], results, strict=True):
            label = child.get("label") if isinstance(child, dict) else None
            if ok:
                satisfied.append(f"{label} ({', '.join(sat)})" if label else ", ".join(sat))
            else:
                missing.append(label or " and ".join(_miss))
        return met, satisfied, missing
    results = [_evaluate(child, ctx) for child in node["any_of"]]
    satisfied = []
    for child, (ok, sat, _miss) in zip(node["any_of"], results, strict=True):
        if ok:
            label = child.get("label") if isinstance(child, dict) else None
            satisfied.append(f"{label} ({'; '.join(sat)})" if label else "; ".join(sat))
    met = bool(satisfied)
    missing = [] if met else [" or ".join(m for r in results for m in r[2])]
    return met, satisfied, missing


def screen(
    answers: Mapping[str, Any],
    *,
    age: int | str,
    exploitation_kind: str,
    indicators: IndicatorSet | None = None,
) -> ScreeningResult:
    """Screen one person.

    ``answers`` maps ``"<dimension>.<indicator>"`` (for example
    ``"coercion_at_destination.confiscation_of_documents"``) to ``"yes"``, ``"no"``,
    ``"not_sure"`` or ``"not_asked"``, and optionally ``"palermo.act"`` /
    ``"palermo.purpose"`` to lists of codes. ``age`` is whole years, ``"adult"``,
    ``"child"`` or ``"uncertain_possibly_child"``. ``exploitation_kind`` is ``"labour"`` or
    ``"sexual"`` (forced begging, criminality and domestic servitude use ``"labour"``).

    >>> r = screen({"deceptive_recruitment.nature_of_job": "yes",
    ...             "deceptive_recruitment.wages": "yes"}, age=30, exploitation_kind="labour")
    >>> r.outcome, r.positive_dimensions
    ('possible_victim', ('deceptive_recruitment',))
    """
    indicators = indicators or load_indicator_set()
    age_group, age_reason = resolve_age_group(age)
    if exploitation_kind not in EXPLOITATION_KINDS:
        raise AnswerError(
            "exploitation_kind", exploitation_kind,
            "choose the list to screen against (use 'labour' for forced begging, criminality or domestic servitude)",
            EXPLOITATION_KINDS,
        )
    lst = indicators.list_for(age_group, exploitation_kind)
    given, facts = _check_answers(answers, indicators, lst)
    counting = indicators.counting_answers()
    combos = indicators.rule["dimension_positive_if_any"]

    dims: dict[str, DimensionResult] = {}
    unanswered: list[str] = []
    controls: list[str] = []
    for dim in indicators.dimensions:
        asked = dim.indicators_in(lst.id)
        observed: list[ObservedIndicator] = []
        answered = 0
        for ind in asked:
            value = given.get(ind.key)
            if value in ("yes", "no") or value in counting:
                answered += 1
            else:
                unanswered.append(ind.key)
            if value in counting:
                grade = ind.grade_in(lst.id)
                assert grade is not None
                observed.append(ObservedIndicator(ind.key, ind.label, grade))
                controls += [c for c in ind.htcds_methods_of_control if c not in controls]
        counts = {g: sum(1 for o in observed if o.grade == g) for g in ("strong", "medium", "weak")}
        rule_met = _dimension_positive(counts["strong"], counts["medium"], counts["weak"], combos)
        dims[dim.id] = DimensionResult(dim.id, dim.title, dim.palermo_element, rule_met is not None,
                                       counts["strong"], counts["medium"], counts["weak"], tuple(observed),
                                       rule_met, len(asked), answered)

    ctx = _Context(indicators, dims, facts)
    outcomes = indicators.rule["outcomes"]
    presumed, presumed_sat, presumed_missing = _evaluate(outcomes["presumed_victim"][age_group], ctx)
    possible, possible_sat, _ = _evaluate(outcomes["possible_victim"][age_group], ctx)
    outcome = "presumed_victim" if presumed else "possible_victim" if possible else "insufficient_indicators"

    reasons: list[str] = []
    if age_reason:
        reasons.append(age_reason)
    for d in dims.values():
        if not d.observed:
            continue
        counted = f"{d.strong} strong, {d.medium} medium, {d.weak} weak"
        names = "; ".join(f"{o.label} ({o.grade})" for o in d.observed)
        if d.positive and d.rule_met is not None:
            reasons.append(f"{d.title}: positive - {counted} ({names}); meets '{_combo_text(d.rule_met)}'.")
        else:
            reasons.append(f"{d.title}: not positive - {counted} ({names}); a dimension needs 2 strong, "
                           "1 strong + 1 medium or weak, 3 medium, or 2 medium + 1 weak.")
    who = "a child (means not required)" if age_group == "child" else "an adult"
    if outcome == "presumed_victim":
        reasons.append(f"Presumed victim: the combination for {who} is met - " + "; ".join(presumed_sat) + ".")
    else:
        reasons.append(f"The combination for a presumed victim ({who}) is not met: missing "
                       + "; ".join(presumed_missing) + ".")
        if outcome == "possible_victim":
            reasons.append("Possible victim: " + "; ".join(possible_sat) + ".")
        else:
            reasons.append("Insufficient indicators for a possible victim. This is not a finding that "
                           "the person was not trafficked.")

    cautions: list[str] = []
    if lst.verification != "published":
        cautions.append(
            f"The grading of the list '{lst.title}' is marked '{lst.verification}' in the indicator "
            "file: check it against the ILO/EC 2009 publication before relying on it."
        )
    total = sum(d.asked for d in dims.values())
    if unanswered:
        cautions.append(f"{len(unanswered)} of {total} indicator questions have no yes/no answer; "
                        "the outcome may change when more is known.")

    means = [d.id for d in dims.values() if d.positive and d.palermo_element == "means"]
    palermo = {
        "act": list(facts["act"]),
        "means": means,
        "means_required": age_group == "adult",
        "purpose": list(facts["purpose"]),
        "purpose_from_indicators": dims["exploitative_conditions"].positive if "exploitative_conditions" in dims else False,
    }
    status = indicators.rule["htcds_trafficking_status"][outcome]
    purpose_types: list[str] = []
    for code in facts["purpose"]:
        opt = next(o for o in indicators.palermo["purpose"].options if o.code == code)
        if opt.htcds_type_of_exploitation and opt.htcds_type_of_exploitation not in purpose_types:
            purpose_types.append(opt.htcds_type_of_exploitation)
    htcds: dict[str, Any] = {
        "vic_trafficking_status": status,
        "vic_methods_of_control": controls,
        "vic_type_of_exploitation": purpose_types,
    }
    spec = {
        **indicators.to_spec(),
        "list": lst.id,
        "list_verification": lst.verification,
        "age_group": age_group,
        "exploitation_kind": exploitation_kind,
    }
    return ScreeningResult(
        outcome=outcome, outcome_label=indicators.outcome_labels[outcome], age_group=age_group,
        exploitation_kind=exploitation_kind, list_id=lst.id, list_verification=lst.verification,
        dimensions=tuple(dims.values()), palermo=palermo, reasons=tuple(reasons), cautions=tuple(cautions),
        htcds=htcds, unanswered=tuple(unanswered), spec=spec,
    )
