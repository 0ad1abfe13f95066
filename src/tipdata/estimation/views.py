"""The estimation page: an overlap table in, the estimate with its interval, model, picture and caveats out."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from tipdata.accounts.roles import Permission, role_has
from tipdata.accounts.selectors import active_membership
from tipdata.audit.services import audit_record
from tipdata.engines.estimation import EstimationError, estimate_population, parse_capture_csv

MAX_UPLOAD = 200_000  # bytes: an overlap table is small; anything bigger is the wrong file
MAX_BOOTSTRAP = 500


def upset_rows(table: Any) -> list[dict[str, Any]]:
    """Capture histories sorted by count, with bar widths, for the overlap picture."""
    rows = [(h, n) for h, n in table.histories() if n > 0]
    rows.sort(key=lambda r: (-r[1], r[0]))
    top = max((n for _h, n in rows), default=1)
    names = list(table.list_names)
    return [
        {"history": h, "count": n, "width": round(100 * n / top, 1),
         "lists": [names[i] for i, bit in enumerate(h) if bit == "1"], "marks": [bit == "1" for bit in h]}
        for h, n in rows
    ]


@login_required
def estimation_view(request: HttpRequest) -> HttpResponse:
    membership = active_membership(request)
    if membership is None or not role_has(membership.role, Permission.AGGREGATES_VIEW):
        raise Http404
    context: dict[str, Any] = {"methods": ["stepwise", "bic", "aic"], "method": "stepwise", "bootstrap": 200,
                               "text": request.POST.get("text", "")}
    if request.method == "POST":
        text = request.POST.get("text", "")
        upload = request.FILES.get("file")
        if upload is not None:
            if upload.size is not None and upload.size > MAX_UPLOAD:
                context["error"] = f"{upload.name}: {upload.size} bytes; an overlap table should be under {MAX_UPLOAD} bytes"
                return render(request, "estimation/page.html", context, status=400)
            try:
                text = upload.read().decode("utf-8")
            except UnicodeDecodeError:
                context["error"] = f"{upload.name}: not UTF-8 text (save it as CSV UTF-8)"
                return render(request, "estimation/page.html", context, status=400)
        method = request.POST.get("method", "stepwise")
        try:
            n_boot = max(0, min(MAX_BOOTSTRAP, int(request.POST.get("bootstrap", "0") or 0)))
        except ValueError:
            n_boot = 0
        context.update(method=method, bootstrap=n_boot, text=text)
        try:
            if method not in context["methods"]:
                raise EstimationError(f"method {method!r} is not known; use stepwise, bic or aic")
            table = parse_capture_csv(text, source=upload.name if upload else "the pasted table")
            result = estimate_population(table, method=method, n_bootstrap=n_boot, seed=1234)
        except EstimationError as exc:
            context["error"] = str(exc)
            return render(request, "estimation/page.html", context, status=400)
        context.update(result=result, table=table, upset=upset_rows(table),
                       lists=list(table.list_names), list_totals=table.list_totals())
        audit_record(action="estimation.run", actor=request.user, organisation=membership.organisation,
                     changes={"lists": len(table.list_names), "observed": table.observed, "method": method,
                              "bootstrap": n_boot, "estimate": round(result.estimate, 1)})
    return render(request, "estimation/page.html", context)
