"""Dashboard and indicator-report pages. Thin: parse the filters, call the selector, render."""

from __future__ import annotations

import io
from datetime import date
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from tipdata.accounts.models import Membership
from tipdata.accounts.selectors import active_membership
from tipdata.audit.services import audit_record
from tipdata.engines.reports import IDENTIFIED_ONLY, Report, ReportSpec, write_pdf, write_xlsx
from tipdata.engines.standard import load_dictionary
from tipdata.reports import selectors
from tipdata.reports.charts import chart_for

FORMATS = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
REPORT_TITLES = {
    "sdg1622": _("SDG indicator 16.2.2: detected victims by sex, age group and form of exploitation (one year)"),
    "unodc": _("UNODC Global Report breakdowns of detected victims"),
    "donor": _("Programme summary for donors and M&E: people assisted, services, referrals, outcomes"),
}


def _choices(field_name: str, lang: str) -> list[tuple[str, str]]:
    values = load_dictionary().field(field_name).values
    return sorted(((v.code, v.label_for(lang)) for v in values), key=lambda pair: pair[1])


class FilterForm(forms.Form):
    date_from = forms.DateField(required=False, label=_("Registered from"), widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(required=False, label=_("Registered to"), widget=forms.DateInput(attrs={"type": "date"}))
    exploitation_type = forms.ChoiceField(required=False, label=_("Type of exploitation"))
    place = forms.ChoiceField(required=False, label=_("Country of exploitation"))

    def __init__(self, *args: Any, lang: str = "en", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["exploitation_type"].choices = [("", _("All")), *_choices("vic_type_of_exploitation", lang)]  # type: ignore[attr-defined]
        self.fields["place"].choices = [("", _("All")), *_choices("hte_country", lang)]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise forms.ValidationError(_("The start of the period is after its end."))
        return data

    def spec(self, lang: str) -> ReportSpec:
        data = self.cleaned_data if self.is_valid() else {}
        today = timezone.localdate()
        date_to = data.get("date_to")
        return ReportSpec(
            date_from=data.get("date_from"), date_to=date_to,
            exploitation_types=(data["exploitation_type"],) if data.get("exploitation_type") else (),
            places=(data["place"],) if data.get("place") else (),
            as_of=min(date_to, today) if date_to else today, lang=lang,
        )


def _membership(request: HttpRequest) -> Membership:
    membership = active_membership(request)
    try:
        selectors.report_access(membership)
    except selectors.ReportNotAvailable as exc:
        raise Http404 from exc
    assert membership is not None
    return membership


SCOPE_LABELS = {selectors.SCOPE_ORGANISATION: _("The whole organisation"), selectors.SCOPE_MINE: _("My cases")}


def _filters(request: HttpRequest) -> tuple[FilterForm, ReportSpec, str]:
    form = FilterForm(request.GET or None, lang=request.LANGUAGE_CODE)
    # An unknown or forbidden scope falls back to the organisation (report_access decides).
    scope = request.GET.get("scope") or selectors.SCOPE_ORGANISATION
    return form, form.spec(request.LANGUAGE_CODE), scope


def _query(request: HttpRequest) -> str:
    keep = {k: v for k, v in request.GET.items() if (k in FilterForm.base_fields or k == "scope") and v}
    return urlencode(keep)


@login_required
def dashboard_view(request: HttpRequest) -> HttpResponse:
    membership = _membership(request)
    form, spec, scope = _filters(request)
    report, access = selectors.organisation_report(membership, "dashboard", spec, scope=scope, translate=gettext)
    query = _query(request)
    sections = []
    for table in report.tables:
        csv_url = reverse("dashboard-csv", args=[table.id]) + (f"?{query}" if query else "")
        sections.append({"table": table, "chart": chart_for(table), "element_id": f"chart-spec-{table.id}",
                         "csv_url": csv_url})
    identified_only = gettext(IDENTIFIED_ONLY)
    return render(request, "reports/dashboard.html", {
        "form": form, "report": report, "sections": sections, "access": access,
        "notes": [note for note in report.notes if note != identified_only],
        "organisation": membership.organisation, "scopes": [(s, SCOPE_LABELS[s]) for s in access.scopes],
    })


@login_required
def dashboard_csv_view(request: HttpRequest, table_id: str) -> HttpResponse:
    membership = _membership(request)
    _form, spec, scope = _filters(request)
    report, access = selectors.organisation_report(membership, "dashboard", spec, scope=scope, translate=gettext)
    try:
        table = report.table(table_id)
    except KeyError as exc:
        raise Http404 from exc
    audit_record(action="report.export", actor=request.user, organisation=membership.organisation,
                 object_type="dashboard", object_id=table_id,
                 changes={"format": "csv", "scope": access.scope, "suppressed": report.suppressed, "spec": report.spec},
                 ip_address=str(request.META.get("REMOTE_ADDR", "")))
    response = HttpResponse(table.to_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="tipdata-{membership.organisation.slug}-{table_id}.csv"'
    return response


class ReportForm(forms.Form):
    year = forms.IntegerField(required=False, min_value=1990, max_value=2200, label=_("Year (SDG 16.2.2)"))
    date_from = forms.DateField(required=False, label=_("Period from"), widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(required=False, label=_("Period to"), widget=forms.DateInput(attrs={"type": "date"}))
    population = forms.IntegerField(required=False, min_value=1, label=_("Population covered (for the rate per 100,000)"))
    show_small = forms.BooleanField(required=False, label=_("Show counts below 5 (only for use inside the organisation)"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise forms.ValidationError(_("The start of the period is after its end."))
        return data


@login_required
def reports_index_view(request: HttpRequest) -> HttpResponse:
    membership = _membership(request)
    access = selectors.report_access(membership)
    today = timezone.localdate()
    form = ReportForm(initial={"year": today.year - 1, "date_from": date(today.year - 1, 1, 1),
                               "date_to": date(today.year - 1, 12, 31)})
    if not access.may_unsuppress:
        del form.fields["show_small"]
    return render(request, "reports/index.html", {
        "form": form, "kinds": [(k, REPORT_TITLES[k]) for k in selectors.REPORT_KINDS], "formats": list(FORMATS),
        "access": access, "organisation": membership.organisation,
    })


@login_required
def report_download_view(request: HttpRequest, kind: str, fmt: str) -> HttpResponse:
    membership = _membership(request)
    if kind not in selectors.REPORT_KINDS or fmt not in FORMATS:
        raise Http404
    form = ReportForm(request.GET)
    if not form.is_valid():
        return HttpResponse("; ".join(f"{k}: {' '.join(str(m) for m in v)}" for k, v in form.errors.items()), status=400,
                            content_type="text/plain; charset=utf-8")
    data = form.cleaned_data
    today = timezone.localdate()
    year = data.get("year") or today.year - 1
    spec = ReportSpec(
        date_from=data.get("date_from"), date_to=data.get("date_to"), lang=request.LANGUAGE_CODE,
        # Reports leave the organisation: counted only with consent, small counts withheld
        # unless a reader who may see them asks otherwise.
        statistics_consent_only=True, suppress=not data.get("show_small"),
        as_of=min(data["date_to"], today) if data.get("date_to") else today,
    )
    report, access = selectors.organisation_report(
        membership, kind, spec, year=year, population=data.get("population"), translate=gettext,
    )
    report = selectors.with_quality_scores(report, membership.organisation, actor=request.user)
    body = render_report_file(report, fmt, organisation=membership.organisation.name)
    audit_record(action="report.export", actor=request.user, organisation=membership.organisation,
                 object_type="report", object_id=kind,
                 changes={"format": fmt, "suppressed": report.suppressed, "spec": report.spec,
                          "year": year if kind == "sdg1622" else None},
                 ip_address=str(request.META.get("REMOTE_ADDR", "")))
    period = str(year) if kind == "sdg1622" else report.period.replace(" – ", "_to_").replace(" ", "-")
    response = HttpResponse(body, content_type=FORMATS[fmt])
    response["Content-Disposition"] = (
        f'attachment; filename="tipdata-{membership.organisation.slug}-{kind}-{period}.{fmt}"'
    )
    return response


def render_report_file(report: Report, fmt: str, *, organisation: str) -> bytes:
    """The report as PDF or XLSX bytes, stamped with the organisation and the time."""
    buffer = io.BytesIO()
    generated = timezone.now().strftime("%Y-%m-%d %H:%M UTC")
    writer = write_pdf if fmt == "pdf" else write_xlsx
    writer(report, buffer, organisation=organisation, generated=generated, translate=gettext)
    return buffer.getvalue()
