"""Self-assessment of an organisation's data practice: questionnaire as data, scores, advice.

Pure Python (no Django). The questions, the five levels of each, the areas, the weights,
priorities and recommendations (several linking to the tipdata feature that helps) are
data in ``data/questionnaire.yaml``::

    from tipdata.engines.selfassessment import assess, compare

    now = assess({"consent_recorded": 3, "paper_records": "not_applicable", ...})
    now.area("collection").score        # 0-4 (weighted mean), .percent, .level
    now.recommendations[0].text         # most urgent first; .links -> tipdata features
    progress = compare(last_year.to_dict(), now)   # per-area change, resolved advice

See docs/self-assessment.md.
"""

from .assess import (
    AnswerError,
    AreaChange,
    AreaScore,
    Assessment,
    Progress,
    QuestionChange,
    Recommendation,
    Strength,
    assess,
    compare,
)
from .questionnaire import (
    DEFAULT_QUESTIONNAIRE_FILE,
    DONT_KNOW,
    NOT_APPLICABLE,
    Area,
    Link,
    Question,
    Questionnaire,
    QuestionnaireError,
    load_questionnaire,
    parse_questionnaire,
)

__all__ = [
    "DEFAULT_QUESTIONNAIRE_FILE",
    "DONT_KNOW",
    "NOT_APPLICABLE",
    "AnswerError",
    "Area",
    "AreaChange",
    "AreaScore",
    "Assessment",
    "Link",
    "Progress",
    "Question",
    "QuestionChange",
    "Questionnaire",
    "QuestionnaireError",
    "Recommendation",
    "Strength",
    "assess",
    "compare",
    "load_questionnaire",
    "parse_questionnaire",
]
