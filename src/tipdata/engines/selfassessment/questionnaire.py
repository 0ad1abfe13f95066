"""The questionnaire file as checked, immutable objects.

``load_questionnaire()`` reads ``data/questionnaire.yaml`` (or another file in the same
format), checks every entry and returns a ``Questionnaire``. A broken file fails on load
with the file, the entry and the problem.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

DATA_DIR = Path(__file__).resolve().parent / "data"
DEFAULT_QUESTIONNAIRE_FILE = DATA_DIR / "questionnaire.yaml"
FORMAT = "tipdata-self-assessment"
LEVEL_SCORES = (0, 1, 2, 3, 4)
DONT_KNOW = "dont_know"
NOT_APPLICABLE = "not_applicable"
LINK_KINDS = ("page", "command", "doc")


class QuestionnaireError(Exception):
    """The questionnaire file is missing or malformed; names the file, entry and problem."""

    def __init__(self, path: str, entry: str, problem: str) -> None:
        self.path = path
        self.entry = entry
        self.problem = problem
        super().__init__(f"{path}: {entry + ': ' if entry else ''}{problem}")


@dataclass(frozen=True)
class Link:
    kind: str  # page | command | doc
    target: str  # a URL path, a command line, or a docs/ path
    label: str

    def to_dict(self) -> dict[str, str]:
        return {"kind": self.kind, "target": self.target, "label": self.label}


@dataclass(frozen=True)
class Area:
    id: str
    title: str
    description: str


@dataclass(frozen=True)
class Question:
    id: str
    area: str
    text: str
    options: dict[int, str]  # score 0..4 -> what that level looks like
    weight: int
    priority: str
    target: int
    allow_not_applicable: bool
    strength: str
    recommendation: str
    links: tuple[Link, ...]

    def answer_codes(self) -> tuple[str, ...]:
        codes = [str(s) for s in LEVEL_SCORES] + [DONT_KNOW]
        if self.allow_not_applicable:
            codes.append(NOT_APPLICABLE)
        return tuple(codes)


@dataclass(frozen=True)
class Questionnaire:
    path: str
    id: str
    version: str
    title: str
    sources: tuple[dict[str, str], ...]
    levels: tuple[tuple[float, str], ...]  # (minimum score, label), ascending
    priorities: dict[str, tuple[int, str]]  # id -> (rank, label)
    strength_from: int
    areas: tuple[Area, ...]
    questions: tuple[Question, ...]

    def question(self, question_id: str) -> Question:
        for q in self.questions:
            if q.id == question_id:
                return q
        raise KeyError(question_id)

    def area(self, area_id: str) -> Area:
        for a in self.areas:
            if a.id == area_id:
                return a
        raise KeyError(area_id)

    def questions_in(self, area_id: str) -> tuple[Question, ...]:
        return tuple(q for q in self.questions if q.area == area_id)

    def level_for(self, score: float | None) -> str:
        if score is None:
            return "Not assessed"
        label = self.levels[0][1]
        for minimum, name in self.levels:
            if score >= minimum:
                label = name
        return label

    def to_spec(self) -> dict[str, Any]:
        return {"format": FORMAT, "id": self.id, "version": self.version,
                "levels": [list(x) for x in self.levels], "strength_from": self.strength_from}


def _need(raw: Any, key: str, path: str, entry: str, kind: type | tuple[type, ...] = str) -> Any:
    if not isinstance(raw, dict) or key not in raw:
        raise QuestionnaireError(path, entry, f"missing {key!r}")
    value = raw[key]
    if not isinstance(value, kind) or isinstance(value, bool) or (isinstance(value, str) and not value.strip()):
        name = getattr(kind, "__name__", str(kind))
        raise QuestionnaireError(path, f"{entry}.{key}" if entry else key, f"expected a non-empty {name}, found {value!r}")
    return value


def parse_questionnaire(raw: Any, path: str = "<memory>") -> Questionnaire:
    """Check a parsed questionnaire document and build the ``Questionnaire``."""
    if not isinstance(raw, dict) or raw.get("format") != FORMAT:
        raise QuestionnaireError(path, "format", f"expected {FORMAT!r}")
    sources = tuple(_need(raw, "sources", path, "", list))
    for n, src in enumerate(sources):
        for key in ("id", "citation", "url"):
            _need(src, key, path, f"sources[{n}]")
    levels_raw = _need(raw, "levels", path, "", list)
    levels: list[tuple[float, str]] = []
    for n, lvl in enumerate(levels_raw):
        minimum = _need(lvl, "min", path, f"levels[{n}]", (int, float))
        levels.append((float(minimum), _need(lvl, "label", path, f"levels[{n}]")))
    if [m for m, _ in levels] != sorted(m for m, _ in levels) or levels[0][0] != 0:
        raise QuestionnaireError(path, "levels", "levels must start at 0 and rise")
    priorities: dict[str, tuple[int, str]] = {}
    for n, p in enumerate(_need(raw, "priorities", path, "", list)):
        priorities[_need(p, "id", path, f"priorities[{n}]")] = (
            int(_need(p, "rank", path, f"priorities[{n}]", int)), _need(p, "label", path, f"priorities[{n}]"))
    default_target = int(raw.get("default_target", 3))
    strength_from = int(raw.get("strength_from", 3))
    areas = []
    for n, a in enumerate(_need(raw, "areas", path, "", list)):
        areas.append(Area(_need(a, "id", path, f"areas[{n}]"), _need(a, "title", path, f"areas[{n}]"),
                          str(a.get("description") or "")))
    area_ids = [a.id for a in areas]
    if len(set(area_ids)) != len(area_ids):
        raise QuestionnaireError(path, "areas", "duplicate area id")
    questions: list[Question] = []
    for n, q in enumerate(_need(raw, "questions", path, "", list)):
        qid = _need(q, "id", path, f"questions[{n}]")
        entry = f"questions[{n}] ({qid})"
        area = _need(q, "area", path, entry)
        if area not in area_ids:
            raise QuestionnaireError(path, f"{entry}.area", f"{area!r} is not an area; areas: {', '.join(area_ids)}")
        options_raw = _need(q, "options", path, entry, dict)
        if sorted(options_raw) != list(LEVEL_SCORES):
            raise QuestionnaireError(path, f"{entry}.options", f"expected one description for each level 0-4, found {sorted(options_raw)}")
        priority = _need(q, "priority", path, entry)
        if priority not in priorities:
            raise QuestionnaireError(path, f"{entry}.priority", f"{priority!r}; allowed: {', '.join(priorities)}")
        weight = _need(q, "weight", path, entry, int)
        if weight < 1:
            raise QuestionnaireError(path, f"{entry}.weight", "a weight is at least 1")
        target = int(q.get("target", default_target))
        if target not in LEVEL_SCORES[1:]:
            raise QuestionnaireError(path, f"{entry}.target", f"{target!r}; a target is a level from 1 to 4")
        rec = _need(q, "recommendation", path, entry, dict)
        links = []
        for k, link in enumerate(rec.get("links") or []):
            lentry = f"{entry}.recommendation.links[{k}]"
            kind = _need(link, "kind", path, lentry)
            if kind not in LINK_KINDS:
                raise QuestionnaireError(path, f"{lentry}.kind", f"{kind!r}; allowed: {', '.join(LINK_KINDS)}")
            target_text = _need(link, "command" if kind == "command" else "path", path, lentry)
            if kind == "page" and not (target_text.startswith("/") and target_text.endswith("/")):
                raise QuestionnaireError(path, f"{lentry}.path", f"{target_text!r}: a page path starts and ends with '/'")
            if kind == "command" and not target_text.startswith("tipdata "):
                raise QuestionnaireError(path, f"{lentry}.command", f"{target_text!r}: a command starts with 'tipdata '")
            if kind == "doc" and not target_text.startswith("docs/"):
                raise QuestionnaireError(path, f"{lentry}.path", f"{target_text!r}: a doc path starts with 'docs/'")
            links.append(Link(kind, target_text, _need(link, "label", path, lentry)))
        questions.append(Question(
            qid, area, _need(q, "text", path, entry), {int(k): str(v) for k, v in options_raw.items()},
            weight, priority, target, bool(q.get("allow_not_applicable", False)),
            _need(q, "strength", path, entry), " ".join(_need(rec, "text", path, f"{entry}.recommendation").split()),
            tuple(links),
        ))
    ids = [q.id for q in questions]
    if len(set(ids)) != len(ids):
        raise QuestionnaireError(path, "questions", f"duplicate question id(s): {sorted({i for i in ids if ids.count(i) > 1})}")
    empty = [a for a in area_ids if a not in {q.area for q in questions}]
    if empty:
        raise QuestionnaireError(path, "areas", f"area(s) without questions: {', '.join(empty)}")
    return Questionnaire(path, _need(raw, "id", path, ""), str(_need(raw, "version", path, "")), _need(raw, "title", path, ""),
                         sources, tuple(levels), priorities, strength_from, tuple(areas), tuple(questions))


@lru_cache(maxsize=8)
def _load_cached(path: str) -> Questionnaire:
    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise QuestionnaireError(path, "", f"cannot read: {exc}") from exc
    except yaml.YAMLError as exc:
        raise QuestionnaireError(path, "", f"not valid YAML: {exc}") from exc
    return parse_questionnaire(raw, path)


def load_questionnaire(path: str | Path | None = None) -> Questionnaire:
    """The checked questionnaire (packaged file by default; cached per path)."""
    return _load_cached(str(Path(path or DEFAULT_QUESTIONNAIRE_FILE).resolve()))
