"""The guided interview: the questions of one indicator list, in order, in the person's language.

English is the source (in ``data/indicators.yaml``). A translation is a JSON file in
``data/translations/<lang>.json`` with flat keys::

    {"format": "tipdata-screening-translations", "format_version": 1, "language": "id",
     "entries": {"indicator.coercion_at_destination.debt_bondage.question":
                     {"text": "...", "needs_review": true}, ...}}

``translation_template(lang)`` writes every key with its English source. An entry without
text falls back to English; ``needs_review`` defaults to true and the interview marks
such text so the worker knows a fluent speaker has not checked it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from .errors import IndicatorFileError
from .model import DATA_DIR, IndicatorSet, load_indicator_set
from .screen import resolve_age_group

TRANSLATIONS_DIR = DATA_DIR / "translations"
TRANSLATION_FORMAT = "tipdata-screening-translations"
PALERMO_SECTION_TITLE = "The definition: act and purpose"
PALERMO_SECTION_INTRO = "Two last questions about what happened, in the words of the international definition."


@dataclass(frozen=True)
class Text:
    text: str
    language: str  # the language the text is in (English when no translation exists)
    needs_review: bool = False


@dataclass(frozen=True)
class Question:
    key: str  # the answer key for screen()
    label: str  # the ILO/EC indicator wording (for the worker)
    question: Text  # what to ask the person
    options: tuple[tuple[str, Text], ...]
    multiple: bool = False


@dataclass(frozen=True)
class Section:
    id: str
    title: Text
    intro: Text
    questions: tuple[Question, ...]


@dataclass(frozen=True)
class Interview:
    age_group: str
    exploitation_kind: str
    list_id: str
    list_title: str
    list_verification: str
    language: str
    guidance: dict[str, tuple[Text, ...]]
    sections: tuple[Section, ...]

    @property
    def question_keys(self) -> tuple[str, ...]:
        return tuple(q.key for s in self.sections for q in s.questions)


def source_entries(indicators: IndicatorSet | None = None) -> dict[str, str]:
    """Every translatable key with its English text."""
    ind = indicators or load_indicator_set()
    out: dict[str, str] = {}
    for answer in ind.answer_options:
        out[f"answer.{answer['code']}"] = str(answer["label"])
    for outcome, label in ind.outcome_labels.items():
        out[f"outcome.{outcome}"] = label
    for phase, lines in ind.guidance.items():
        for n, line in enumerate(lines):
            out[f"guidance.{phase}.{n}"] = line
    out["section.palermo.title"] = PALERMO_SECTION_TITLE
    out["section.palermo.intro"] = PALERMO_SECTION_INTRO
    for fact, pq in ind.palermo.items():
        out[f"palermo.{fact}.title"] = pq.title
        out[f"palermo.{fact}.question"] = pq.question
        if pq.question_child:
            out[f"palermo.{fact}.question_child"] = pq.question_child
        for opt in pq.options:
            out[f"palermo.{fact}.option.{opt.code}"] = opt.label
    for dim in ind.dimensions:
        out[f"dimension.{dim.id}.title"] = dim.title
        out[f"dimension.{dim.id}.intro"] = dim.intro
        if dim.intro_child:
            out[f"dimension.{dim.id}.intro_child"] = dim.intro_child
        for i in dim.indicators:
            out[f"indicator.{i.key}.question"] = i.question
            if i.question_child:
                out[f"indicator.{i.key}.question_child"] = i.question_child
    return out


@lru_cache(maxsize=16)
def load_translation(lang: str, directory: str | None = None) -> dict[str, tuple[str, bool]]:
    """key -> (text, needs_review) for a language; empty when no file exists. Checked on load."""
    folder = Path(directory) if directory else TRANSLATIONS_DIR
    path = folder / f"{lang}.json"
    if lang == "en" or not path.exists():
        return {}
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise IndicatorFileError(str(path), "", f"cannot read translation: {exc}") from exc
    if not isinstance(raw, dict) or raw.get("format") != TRANSLATION_FORMAT:
        raise IndicatorFileError(str(path), "format", f"expected {TRANSLATION_FORMAT!r}")
    if raw.get("language") != lang:
        raise IndicatorFileError(str(path), "language", f"file is named for {lang!r} but says {raw.get('language')!r}")
    known = source_entries()
    out: dict[str, tuple[str, bool]] = {}
    for key, entry in (raw.get("entries") or {}).items():
        if key not in known:
            raise IndicatorFileError(str(path), f"entries.{key}", "no such source text (renamed or removed?)")
        if not isinstance(entry, dict):
            raise IndicatorFileError(str(path), f"entries.{key}", "expected {text, needs_review}")
        text = str(entry.get("text") or "").strip()
        if text:
            out[key] = (text, bool(entry.get("needs_review", True)))
    return out


def translation_template(lang: str) -> dict[str, Any]:
    """A complete translation skeleton: every key, English source, empty text, needs_review."""
    return {
        "format": TRANSLATION_FORMAT,
        "format_version": 1,
        "language": lang,
        "indicators_version": load_indicator_set().version,
        "entries": {k: {"source": v, "text": "", "needs_review": True} for k, v in source_entries().items()},
    }


def available_languages() -> tuple[str, ...]:
    return ("en", *sorted(p.stem for p in TRANSLATIONS_DIR.glob("*.json")))


def interview(age: int | str, exploitation_kind: str, lang: str = "en",
              indicators: IndicatorSet | None = None) -> Interview:
    """The ordered questions for this person, in ``lang`` where translated (else English)."""
    ind = indicators or load_indicator_set()
    age_group, _ = resolve_age_group(age)
    lst = ind.list_for(age_group, exploitation_kind)
    translated = load_translation(lang) if indicators is None else {}
    child = age_group == "child"

    def t(key: str, english: str) -> Text:
        found = translated.get(key)
        if found:
            return Text(found[0], lang, found[1])
        return Text(english, "en", False)

    def pick(base: str, english: str, english_child: str) -> Text:
        if child and english_child:
            return t(f"{base}_child", english_child)
        return t(base, english)

    answers = tuple((str(o["code"]), t(f"answer.{o['code']}", str(o["label"]))) for o in ind.answer_options)
    sections: list[Section] = []
    palermo_questions = []
    for fact, pq in ind.palermo.items():
        palermo_questions.append(Question(
            f"palermo.{fact}", pq.title, pick(f"palermo.{fact}.question", pq.question, pq.question_child),
            tuple((o.code, t(f"palermo.{fact}.option.{o.code}", o.label)) for o in pq.options), multiple=True,
        ))
    for dim in ind.dimensions:
        questions = tuple(
            Question(i.key, i.label, pick(f"indicator.{i.key}.question", i.question, i.question_child), answers)
            for i in dim.indicators_in(lst.id)
        )
        sections.append(Section(dim.id, t(f"dimension.{dim.id}.title", dim.title),
                                pick(f"dimension.{dim.id}.intro", dim.intro, dim.intro_child), questions))
    sections.append(Section("palermo", t("section.palermo.title", PALERMO_SECTION_TITLE),
                            t("section.palermo.intro", PALERMO_SECTION_INTRO), tuple(palermo_questions)))
    guidance = {phase: tuple(t(f"guidance.{phase}.{n}", line) for n, line in enumerate(lines))
                for phase, lines in ind.guidance.items()}
    return Interview(age_group, exploitation_kind, lst.id, lst.title, lst.verification, lang, guidance, tuple(sections))
