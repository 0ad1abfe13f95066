"""Score a self-assessment and compare two of them.

``assess(answers)`` gives a maturity score (0-4 and per cent) per area and overall, the
strengths, and the recommendations in priority order. ``compare(previous, current)`` says
what moved between two assessments. Both take and return plain data; an ``Assessment``
round-trips through ``to_dict()`` / ``Assessment.from_dict()`` so it can be stored as JSON
and compared years later.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .questionnaire import (
    DONT_KNOW,
    NOT_APPLICABLE,
    Link,
    Questionnaire,
    load_questionnaire,
)


class AnswerError(ValueError):
    """One or more answers cannot be used; ``problems`` names each question, value and what is allowed."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = tuple(problems)
        super().__init__(f"{len(problems)} answer(s) rejected:\n" + "\n".join(f"  - {p}" for p in problems))


@dataclass(frozen=True)
class AreaScore:
    id: str
    title: str
    score: float | None  # weighted mean 0-4 over questions answered (not "not applicable")
    percent: int | None
    level: str
    answered: int
    total: int

    @property
    def complete(self) -> bool:
        return self.answered == self.total


@dataclass(frozen=True)
class Strength:
    question: str
    area: str
    text: str
    score: int


@dataclass(frozen=True)
class Recommendation:
    rank: int
    question: str
    area: str
    priority: str
    priority_label: str
    text: str
    score: int  # the current level (0 for "don't know")
    target: int
    dont_know: bool
    links: tuple[Link, ...] = ()


@dataclass(frozen=True)
class Assessment:
    questionnaire: str
    version: str
    answers: dict[str, str]
    areas: tuple[AreaScore, ...]
    overall_score: float | None
    overall_percent: int | None
    overall_level: str
    strengths: tuple[Strength, ...]
    recommendations: tuple[Recommendation, ...]
    unanswered: tuple[str, ...]
    spec: dict[str, Any] = field(default_factory=dict)

    def area(self, area_id: str) -> AreaScore:
        for a in self.areas:
            if a.id == area_id:
                return a
        raise KeyError(area_id)

    def to_dict(self) -> dict[str, Any]:
        return {
            "questionnaire": self.questionnaire, "version": self.version, "answers": dict(self.answers),
            "areas": [{"id": a.id, "title": a.title, "score": a.score, "percent": a.percent, "level": a.level,
                       "answered": a.answered, "total": a.total} for a in self.areas],
            "overall_score": self.overall_score, "overall_percent": self.overall_percent,
            "overall_level": self.overall_level,
            "strengths": [vars(s) for s in self.strengths],
            "recommendations": [{**{k: v for k, v in vars(r).items() if k != "links"},
                                 "links": [lk.to_dict() for lk in r.links]} for r in self.recommendations],
            "unanswered": list(self.unanswered), "spec": dict(self.spec),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Assessment:
        try:
            return cls(
                questionnaire=data["questionnaire"], version=data["version"], answers=dict(data["answers"]),
                areas=tuple(AreaScore(**a) for a in data["areas"]),
                overall_score=data["overall_score"], overall_percent=data["overall_percent"],
                overall_level=data["overall_level"],
                strengths=tuple(Strength(**s) for s in data["strengths"]),
                recommendations=tuple(
                    Recommendation(**{**{k: v for k, v in r.items() if k != "links"},
                                      "links": tuple(Link(lk["kind"], lk["target"], lk["label"]) for lk in r["links"])})
                    for r in data["recommendations"]),
                unanswered=tuple(data["unanswered"]), spec=dict(data.get("spec") or {}),
            )
        except (KeyError, TypeError) as exc:
            raise ValueError(f"not a stored assessment: {exc}") from exc


def _normalise(answers: Mapping[str, Any], q: Questionnaire) -> dict[str, str]:
    if not isinstance(answers, Mapping):
        raise AnswerError([f"answers: expected a mapping of question id to level, found {type(answers).__name__}"])
    ids = [x.id for x in q.questions]
    problems: list[str] = []
    clean: dict[str, str] = {}
    for key, value in answers.items():
        if key not in ids:
            problems.append(f"{key!r}: unknown question; questions: {', '.join(ids)}")
            continue
        question = q.question(key)
        if value is None or value == "":
            continue  # left blank: reported as unanswered
        text = str(value).strip() if not isinstance(value, bool) else repr(value)
        if text not in question.answer_codes():
            problems.append(f"{key!r} = {value!r}: not an allowed answer; allowed: {', '.join(question.answer_codes())}")
            continue
        clean[key] = text
    if problems:
        raise AnswerError(problems)
    return clean


def assess(answers: Mapping[str, Any], *, questionnaire: Questionnaire | None = None) -> Assessment:
    """Score answers (question id -> level 0-4, "dont_know" or "not_applicable").

    >>> a = assess({"consent_recorded": 1, "paper_records": "not_applicable"})
    >>> a.area("collection").score, a.recommendations[0].question
    (1.0, 'consent_recorded')
    """
    q = questionnaire or load_questionnaire()
    clean = _normalise(answers, q)
    areas: list[AreaScore] = []
    strengths: list[Strength] = []
    pending: list[tuple[tuple[int, float, int], Recommendation]] = []
    for area in q.areas:
        weighted, weights, answered = 0.0, 0, 0
        questions = q.questions_in(area.id)
        for question in questions:
            value = clean.get(question.id)
            if value is None:
                continue
            answered += 1
            if value == NOT_APPLICABLE:
                continue
            score = 0 if value == DONT_KNOW else int(value)
            weighted += score * question.weight
            weights += question.weight
            if score >= q.strength_from:
                strengths.append(Strength(question.id, area.id, question.strength, score))
            if score < question.target:
                rank, label = q.priorities[question.priority]
                gap = (question.target - score) * question.weight
                text = question.recommendation
                if value == DONT_KNOW:
                    text = f"Find out first: nobody answering knew. {text}"
                # order: priority first, then the largest weighted gap, then questionnaire order
                order = (rank, -gap, q.questions.index(question))
                pending.append((order, Recommendation(0, question.id, area.id, question.priority, label, text,
                                                      score, question.target, value == DONT_KNOW, question.links)))
        score_value = round(weighted / weights, 2) if weights else None
        areas.append(AreaScore(area.id, area.title, score_value,
                               None if score_value is None else round(score_value / 4 * 100),
                               q.level_for(score_value), answered, len(questions)))
    scored = [a.score for a in areas if a.score is not None]
    overall = round(sum(scored) / len(scored), 2) if scored else None
    recommendations = tuple(
        Recommendation(n, r.question, r.area, r.priority, r.priority_label, r.text, r.score, r.target, r.dont_know, r.links)
        for n, (_order, r) in enumerate(sorted(pending, key=lambda item: item[0]), start=1)
    )
    return Assessment(
        questionnaire=q.id, version=q.version, answers=clean, areas=tuple(areas), overall_score=overall,
        overall_percent=None if overall is None else round(overall / 4 * 100), overall_level=q.level_for(overall),
        strengths=tuple(strengths), recommendations=recommendations,
        unanswered=tuple(x.id for x in q.questions if x.id not in clean), spec=q.to_spec(),
    )


@dataclass(frozen=True)
class AreaChange:
    id: str
    title: str
    before: float | None
    after: float | None
    change: float | None  # after - before; None when either was not assessed
    level_before: str
    level_after: str


@dataclass(frozen=True)
class QuestionChange:
    question: str
    area: str
    before: str | None
    after: str | None


@dataclass(frozen=True)
class Progress:
    areas: tuple[AreaChange, ...]
    overall_before: float | None
    overall_after: float | None
    overall_change: float | None
    improved: tuple[QuestionChange, ...]
    worsened: tuple[QuestionChange, ...]
    resolved: tuple[str, ...]  # recommendations of before that are gone now (question ids)
    new: tuple[str, ...]  # recommendations that were not there before
    notes: tuple[str, ...]


def _level_value(answer: str | None) -> int | None:
    if answer is None or answer == NOT_APPLICABLE:
        return None
    return 0 if answer == DONT_KNOW else int(answer)


def compare(previous: Assessment | Mapping[str, Any], current: Assessment | Mapping[str, Any]) -> Progress:
    """What changed from ``previous`` to ``current`` (either an Assessment or its stored dict)."""
    before = previous if isinstance(previous, Assessment) else Assessment.from_dict(previous)
    after = current if isinstance(current, Assessment) else Assessment.from_dict(current)
    if before.questionnaire != after.questionnaire:
        raise ValueError(f"cannot compare questionnaire {before.questionnaire!r} with {after.questionnaire!r}")
    notes: list[str] = []
    if before.version != after.version:
        notes.append(f"The questionnaire changed from version {before.version} to {after.version}; "
                     "only questions present in both are compared one by one.")
    before_areas = {a.id: a for a in before.areas}
    changes = []
    for a in after.areas:
        b = before_areas.get(a.id)
        b_score = b.score if b else None
        delta = round(a.score - b_score, 2) if a.score is not None and b_score is not None else None
        changes.append(AreaChange(a.id, a.title, b_score, a.score, delta, b.level if b else "Not assessed", a.level))
    improved: list[QuestionChange] = []
    worsened: list[QuestionChange] = []
    packaged = load_questionnaire()
    packaged_ids = {x.id for x in packaged.questions} if packaged.id == after.questionnaire else set()
    for qid in [k for k in after.answers if k in before.answers]:
        old, new = _level_value(before.answers[qid]), _level_value(after.answers[qid])
        if old is None or new is None or old == new:
            continue
        area = packaged.question(qid).area if qid in packaged_ids else ""
        change = QuestionChange(qid, area, before.answers[qid], after.answers[qid])
        (improved if new > old else worsened).append(change)
    before_recs = [r.question for r in before.recommendations]
    after_recs = [r.question for r in after.recommendations]
    overall_change = (round(after.overall_score - before.overall_score, 2)
                      if after.overall_score is not None and before.overall_score is not None else None)
    return Progress(tuple(changes), before.overall_score, after.overall_score, overall_change,
                    tuple(improved), tuple(worsened),
                    tuple(x for x in before_recs if x not in after_recs),
                    tuple(x for x in after_recs if x not in before_recs), tuple(notes))
