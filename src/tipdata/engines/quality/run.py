"""Run the quality checks over records and score them: :func:`run_quality`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from tipdata.engines.standard import Dictionary, load_dictionary

from . import checks as _builtin_checks  # noqa: F401  (registers the built-in checks)
from .base import Issue
from .result import QualityResult
from .schema import normalise, records_from
from .scores import compute_scores
from .spec import parse_spec


def run_quality(
    records: Any,
    spec: Mapping[str, Any] | None = None,
    *,
    dictionary: Dictionary | None = None,
    today: dt.date | None = None,
) -> QualityResult:
    """Check ``records`` (a list of dicts or a DataFrame, see :mod:`.schema`) under ``spec``
    (see :mod:`.spec`; ``None`` for the defaults) and score them.

    ``today`` is the report date when the spec leaves ``as_of`` empty (default: the
    computer's date); the result's spec records the date used.

    >>> r = run_quality([{"record_id": "1", "registered_on": "2025-01-10", "prs_birthdate": "2025-03-01"}],
    ...                 {"as_of": "2026-01-01"})
    >>> [i.check for i in r.issues if i.dimension == "consistency"]
    ['birth_after_registration']
    """
    dictionary = dictionary or load_dictionary()
    resolved = parse_spec(spec, dictionary, today=today)
    normalised = normalise(records_from(records), dictionary)
    rows = normalised.rows
    active = resolved.instantiate(dictionary)
    issues: list[Issue] = []
    for row in rows:
        for check in active:
            issues.extend(check.validate_row(row))
    for check in active:
        issues.extend(check.validate_dataset(rows))
    scores = compute_scores(rows, issues, expected_fields=resolved.expected_fields, core_weight=resolved.core_weight,
                            score_weights=resolved.score_weights, dictionary=dictionary)
    described = []
    enabled = resolved.enabled
    for check in [*_registered(), *resolved.custom]:
        info = check.describe()
        info["enabled"] = check.slug in enabled
        described.append(info)
    return QualityResult(
        spec=resolved.to_dict(), records=len(rows), issues=issues, scores=scores, checks=described,
        warnings=normalised.warnings,
        record_info={r.record_id: (r.case_id, r.case_reference, r.organisation, r.caseworker) for r in rows},
    )


def _registered() -> list[Any]:
    from .base import CHECKS

    return list(CHECKS.values())
