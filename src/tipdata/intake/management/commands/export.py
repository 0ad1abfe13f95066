"""tipdata export --org SLUG --format htcds-csv|htcds-json|xlsx --out FILE --as USERNAME."""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser

from tipdata.accounts.models import Organisation, User
from tipdata.engines.intake.export import EXPORT_FORMATS
from tipdata.intake.exports import records_export


class Command(BaseCommand):
    help = "Export an organisation's case records as HTCDS CSV/JSON or XLSX (what the user's role may see; audited)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--org", required=True, help="organisation slug")
        parser.add_argument("--format", required=True, choices=EXPORT_FORMATS)
        parser.add_argument("--out", required=True, help="file to write")
        parser.add_argument("--as", dest="as_user", metavar="USERNAME",
                            help="the member exporting: what the file holds follows their role (required)")
        parser.add_argument("--json", action="store_true", help="print the summary as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        org = Organisation.objects.filter(slug=options["org"]).first()
        if org is None:
            raise CommandError(f"no organisation {options['org']!r}; see tipdata org list")
        if not options["as_user"]:
            raise CommandError(
                "say who exports with --as USERNAME: the file holds the cases that member may see, "
                "with identifiers only if their role may export them; the export is audited in their name"
            )
        user = User.objects.filter(username=options["as_user"]).first()
        if user is None:
            raise CommandError(f"no user {options['as_user']!r}")
        try:
            summary = records_export(organisation=org, actor=user, fmt=options["format"], out=options["out"])
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from exc
        if options["json"]:
            self.stdout.write(json.dumps(summary.to_dict()))
            return
        kind = "with identifiers" if summary.identified else "without identifiers"
        self.stdout.write(f"{summary.records:,} records {kind} written to {summary.path}")
