"""The quality page: scores, the worst fields and records first, each issue linked to its case.

Thin: check the role, call the selector, render. Roles without the quality permission get
"not found", as for any page they may not open.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from tipdata.accounts.selectors import active_membership
from tipdata.engines.quality import DIMENSIONS
from tipdata.engines.standard import load_dictionary
from tipdata.quality.selectors import may_view_quality, quality_report

WORST_FIELDS = 15
WORST_RECORDS = 50
MONTHS_SHOWN = 24


@login_required
def quality_view(request: HttpRequest) -> HttpResponse:
    membership = active_membership(request)
    if membership is None or not may_view_quality(membership):
        raise Http404
    report = quality_report(membership, actor=request.user, channel="web")
    result = report.result
    titles = {c["slug"]: c["title"] for c in result.checks}
    by_check = [
        {"check": check, "title": titles.get(check, check), "type": kind, "count": n}
        for (check, kind), n in result.issue_type_counts().items()
    ]
    dictionary = load_dictionary()
    caseworkers = sorted(result.scores.caseworkers.items(), key=lambda kv: (kv[1].overall or 0, kv[0]))
    return render(request, "quality/report.html", {
        "report": report,
        "result": result,
        "dimensions": DIMENSIONS,
        "overall": result.scores.overall,
        "worst_fields": result.worst_fields(WORST_FIELDS),
        "worst_records": result.worst_records(WORST_RECORDS),
        "records_with_issues": len({i.record_id for i in result.issues if i.record_id is not None}),
        "dataset_issues": result.dataset_issues(),
        "by_check": by_check,
        "entities": [(dictionary.entity(e.entity).label_for(request.LANGUAGE_CODE), e)
                     for e in result.scores.entities.values()],
        "caseworkers": caseworkers,
        "months": list(result.scores.months.items())[-MONTHS_SHOWN:],
    })
