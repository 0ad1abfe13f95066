"""tipdata report sdg1622|unodc|donor --org SLUG ...: an indicator report as PDF or XLSX."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from tipdata.accounts.selectors import organisation_by_slug
from tipdata.audit.services import audit_record
from tipdata.engines.reports import ReportError, ReportSpec
from tipdata.reports.selectors import REPORT_KINDS, operator_report, with_quality_scores
from tipdata.reports.views import render_report_file


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(f"{text!r} is not a date; write it as 2025-12-31") from exc


class Command(BaseCommand):
    help = ("Write an indicator report (sdg1622, unodc, donor) for an organisation as PDF or XLSX "
            "(tipdata report sdg1622 --org SLUG --year 2025 --format pdf --out FILE).")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=REPORT_KINDS, help="sdg1622: SDG 16.2.2 for a year; unodc: UNODC Global "
                            "Report breakdowns; donor: people assisted, services, referrals, outcomes")
        parser.add_argument("--org", required=True, help="the organisation's slug")
        parser.add_argument("--year", type=int, help="year of the SDG 16.2.2 report (default: last year); for the "
                            "other reports a shorthand for --from YEAR-01-01 --to YEAR-12-31")
        parser.add_argument("--from", dest="date_from", help="start of the period (YYYY-MM-DD)")
        parser.add_argument("--to", dest="date_to", help="end of the period (YYYY-MM-DD)")
        parser.add_argument("--format", choices=["pdf", "xlsx"], default="pdf")
        parser.add_argument("--out", required=True, help="file to write")
        parser.add_argument("--population", type=int, help="population covered, for the SDG rate per 100,000")
        parser.add_argument("--lang", default="en", help="language of labels (en, th, id, km, fil, vi)")
        parser.add_argument("--threshold", type=int, default=5, help="withhold counts below this (default 5)")
        parser.add_argument("--show-small-counts", action="store_true",
                            help="do not withhold small counts (only for use inside the organisation)")

    def handle(self, *args: Any, **options: Any) -> None:
        organisation = organisation_by_slug(options["org"])
        if organisation is None:
            raise CommandError(f"no organisation with slug {options['org']!r} (tipdata org list shows them)")
        year = options["year"] or date.today().year - 1
        date_from = _day(options["date_from"]) if options["date_from"] else None
        date_to = _day(options["date_to"]) if options["date_to"] else None
        if options["year"] and not (date_from or date_to):
            date_from, date_to = date(year, 1, 1), date(year, 12, 31)
        try:
            spec = ReportSpec(date_from=date_from, date_to=date_to, lang=options["lang"],
                              suppress=not options["show_small_counts"], threshold=options["threshold"],
                              statistics_consent_only=True, as_of=min(date_to, date.today()) if date_to else date.today())
            with translation.override(options["lang"]):
                report = operator_report(organisation, options["kind"], spec, year=year,
                                         population=options["population"])
                report = with_quality_scores(report, organisation, channel="cli")
        except ReportError as exc:
            raise CommandError(str(exc)) from exc
        out = Path(options["out"])
        with translation.override(options["lang"]):
            out.write_bytes(render_report_file(report, options["format"], organisation=organisation.name))
        audit_record(action="report.export", organisation=organisation, object_type="report", object_id=options["kind"],
                     changes={"format": options["format"], "suppressed": report.suppressed, "spec": report.spec,
                              "channel": "cli"}, actor_username="cli")
        self.stdout.write(f"wrote {out} ({report.title}, {report.period}; victims counted: "
                          f"{report.counted_display.get('victims', '')}"
                          f"{'; small counts withheld' if report.suppressed else ''})")
