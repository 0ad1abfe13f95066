"""Data-quality checks and scores for case records (pure Python, no Django).

Give it flat records (see :mod:`tipdata.engines.quality.schema`) and a JSON spec (see
:mod:`tipdata.engines.quality.spec`); get back every issue found (record, check, field,
the value when it cannot identify anyone, a message) and scores for completeness,
validity, consistency and timeliness, per field, entity, organisation, caseworker, month
and record, with the spec it ran with::

    from tipdata.engines.quality import run_quality, format_summary

    result = run_quality(records, {"checks": {"stale_open_record": {"months": 3}}})
    result.scores.overall.completeness        # 0.87
    result.worst_fields(5), result.worst_records(20)
    print(format_summary(result))
    json.dumps(result.to_json())

Checks are small classes registered by slug (:func:`register_check`); an organisation
enables, disables and tunes them in its spec and adds its own rules under ``custom``.
docs/quality.md describes every check and score.
"""

from . import checks as _builtin_checks  # noqa: F401  (registers the built-in checks)
from .base import (
    CHECKS,
    DIMENSIONS,
    Check,
    ExpectedField,
    Issue,
    IssueType,
    Parameter,
    RunContext,
    register_check,
    unregister_check,
)
from .checks import looks_like_free_text
from .conditions import OPERATORS, Condition, parse_condition
from .errors import QualityError, QualityInputError, QualitySpecError
from .result import QualityResult, RecordSummary, format_summary
from .run import run_quality
from .schema import CLOSED_STATUSES, COLUMNS, Row
from .scores import DimensionScores, EntityScore, FieldScore, Scores
from .spec import DEFAULT_EXPECTED_FIELDS, QualitySpec, RuleCheck, default_spec, parse_spec

__all__ = [
    "CHECKS",
    "CLOSED_STATUSES",
    "COLUMNS",
    "DEFAULT_EXPECTED_FIELDS",
    "DIMENSIONS",
    "OPERATORS",
    "Check",
    "Condition",
    "DimensionScores",
    "EntityScore",
    "ExpectedField",
    "FieldScore",
    "Issue",
    "IssueType",
    "Parameter",
    "QualityError",
    "QualityInputError",
    "QualityResult",
    "QualitySpec",
    "QualitySpecError",
    "RecordSummary",
    "Row",
    "RuleCheck",
    "RunContext",
    "Scores",
    "default_spec",
    "format_summary",
    "looks_like_free_text",
    "parse_condition",
    "parse_spec",
    "register_check",
    "run_quality",
    "unregister_check",
]
