"""Victim-identification screening on the international definition and the ILO/EC indicators.

Pure Python (no Django). The indicators, their grading per list (adults and children,
labour and sexual exploitation), the decision rule and the HTCDS mapping are data in
``data/indicators.yaml``; this package checks that file and applies it::

    from tipdata.engines.screening import screen, interview

    form = interview(15, "labour", lang="en")        # ordered, trauma-informed questions
    result = screen({"coercion_at_destination.debt_bondage": "yes", ...},
                    age=15, exploitation_kind="labour")
    result.outcome        # "presumed_victim" | "possible_victim" | "insufficient_indicators"
    result.reasons        # why, in words: dimensions, counts, the combination met or missing
    result.htcds          # {"vic_trafficking_status": ..., "vic_methods_of_control": [...], ...}
    result.spec           # the file version and rule it ran with

A screening outcome is a prompt for referral and formal identification, never a legal
determination. See docs/screening.md.
"""

from .errors import AnswerError, AnswersError, IndicatorFileError, ScreeningError
from .interview import (
    Interview,
    Question,
    Section,
    Text,
    available_languages,
    interview,
    load_translation,
    source_entries,
    translation_template,
)
from .model import (
    AGE_GROUPS,
    DEFAULT_INDICATOR_FILE,
    EXPLOITATION_KINDS,
    OUTCOMES,
    Dimension,
    Indicator,
    IndicatorList,
    IndicatorSet,
    load_indicator_set,
    parse_indicator_set,
)
from .screen import (
    UNCERTAIN_AGE,
    DimensionResult,
    ObservedIndicator,
    ScreeningResult,
    resolve_age_group,
    screen,
)

__all__ = [
    "AGE_GROUPS",
    "DEFAULT_INDICATOR_FILE",
    "EXPLOITATION_KINDS",
    "OUTCOMES",
    "UNCERTAIN_AGE",
    "AnswerError",
    "AnswersError",
    "Dimension",
    "DimensionResult",
    "Indicator",
    "IndicatorFileError",
    "IndicatorList",
    "IndicatorSet",
    "Interview",
    "ObservedIndicator",
    "Question",
    "ScreeningError",
    "ScreeningResult",
    "Section",
    "Text",
    "available_languages",
    "interview",
    "load_indicator_set",
    "load_translation",
    "parse_indicator_set",
    "resolve_age_group",
    "screen",
    "source_entries",
    "translation_template",
]
