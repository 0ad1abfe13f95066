"""tipdata quality report|spec|checks: data-quality scores and issues of an organisation's case records."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from tipdata.accounts.models import Organisation
from tipdata.accounts.selectors import organisation_by_slug
from tipdata.engines.quality import CHECKS, QualityError, default_spec, format_summary, parse_spec
from tipdata.engines.standard import load_dictionary
from tipdata.quality.selectors import batch_membership, quality_report, quality_spec_for
from tipdata.quality.services import quality_spec_set


class Command(BaseCommand):
    help = ("Data-quality scores and issues of an organisation's cases (tipdata quality report --org SLUG [--json]; "
            "tipdata quality spec --org SLUG [--set FILE|--reset]; tipdata quality checks).")

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        report = sub.add_parser("report", help="Scores, worst fields and records first; --json for every issue.")
        report.add_argument("--org", required=True, help="organisation slug (tipdata org list)")
        report.add_argument("--json", action="store_true", help="print scores, issues and the spec as JSON")
        report.add_argument("--spec", type=Path, help="a JSON quality spec (tipdata quality checks --json shows the default)")
        report.add_argument("--as-of", help="report date YYYY-MM-DD (default: today)")
        report.add_argument("--limit", type=int, default=10, help="fields and records shown in the summary (default 10)")
        spec = sub.add_parser("spec", help="Show or change an organisation's stored quality spec.")
        spec.add_argument("--org", required=True, help="organisation slug")
        what = spec.add_mutually_exclusive_group()
        what.add_argument("--set", type=Path, metavar="FILE", help="store this JSON spec (only what differs from the defaults)")
        what.add_argument("--reset", action="store_true", help="go back to the default spec")
        checks = sub.add_parser("checks", help="List the checks and their parameters; --json prints the default spec.")
        checks.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "checks":
            self._checks(as_json=options["json"])
            return
        org = organisation_by_slug(options["org"])
        if org is None:
            raise CommandError(f"no organisation with slug {options['org']!r} (tipdata org list shows them)")
        if options["action"] == "spec":
            self._spec(org, path=options["set"], reset=options["reset"])
            return
        spec = self._read_spec(options["spec"])
        today = None
        if options["as_of"]:
            try:
                today = dt.date.fromisoformat(options["as_of"])
            except ValueError as exc:
                raise CommandError(f"--as-of {options['as_of']!r} is not a date as YYYY-MM-DD") from exc
        if options["limit"] < 1:
            raise CommandError("--limit must be at least 1")
        try:
            report = quality_report(batch_membership(org), channel="cli", spec=spec, today=today)
        except QualityError as exc:
            raise CommandError(str(exc)) from exc
        if options["json"]:
            data = {"organisation": org.slug, **report.result.to_json()}
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=1))
            return
        self.stdout.write(format_summary(report.result, title=f"Data quality: {org.name} ({org.slug})",
                                         limit=options["limit"]), ending="")

    def _read_spec(self, path: Path | None) -> dict[str, Any] | None:
        if path is None:
            return None
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise CommandError(f"cannot read the spec {path}: {exc.strerror}") from exc
        except json.JSONDecodeError as exc:
            raise CommandError(f"{path}: not valid JSON: line {exc.lineno}, column {exc.colno}: {exc.msg}") from exc
        if not isinstance(data, dict):
            raise CommandError(f"{path}: the spec must be a JSON object")
        return data

    def _spec(self, org: Organisation, *, path: Path | None, reset: bool) -> None:
        if path is not None or reset:
            try:
                quality_spec_set(organisation=org, actor=None, spec=None if reset else self._read_spec(path))
            except ValidationError as exc:
                raise CommandError("; ".join(exc.messages)) from exc
        stored = quality_spec_for(org)
        self.stdout.write(json.dumps({"organisation": org.slug, "stored": stored,
                                      "effective": parse_spec(stored, load_dictionary()).to_dict()}, indent=1))

    def _checks(self, *, as_json: bool) -> None:
        if as_json:
            self.stdout.write(json.dumps(default_spec(), indent=1))
            return
        for slug, cls in CHECKS.items():
            state = "on " if cls.enabled_by_default else "off"
            self.stdout.write(f"{slug:<40} [{state}] {cls.title}")
            for t in cls.issue_types:
                self.stdout.write(f"    issue {t.code} ({t.dimension})")
            for p in cls.parameters:
                self.stdout.write(f"    {p.name} = {json.dumps(p.default)}: {p.description}")
