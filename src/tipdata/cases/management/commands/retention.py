"""tipdata retention set|apply: retention rules and erasure of what has expired."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from tipdata.accounts.models import Organisation
from tipdata.accounts.selectors import organisation_by_slug
from tipdata.cases.retention import retention_apply, retention_rule_set


class Command(BaseCommand):
    help = "Set retention rules and erase expired records by crypto-shredding (tipdata retention apply)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        rule = sub.add_parser("set", help="Erase identifiers N years after a person's last case closed.")
        rule.add_argument("--org", required=True)
        rule.add_argument("--years", type=int, required=True)
        apply = sub.add_parser("apply", help="Erase everything whose retention has expired.")
        apply.add_argument("--org", help="one organisation (default: all)")
        apply.add_argument("--dry-run", action="store_true", help="report what would be erased, erase nothing")

    def _org(self, slug: str) -> Organisation:
        org = organisation_by_slug(slug)
        if org is None:
            raise CommandError(f"no organisation with slug {slug!r} (see: tipdata org list)")
        return org

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "set":
            try:
                retention_rule_set(organisation=self._org(options["org"]), actor=None, years=options["years"])
            except ValueError as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write(f"{options['org']}: identifiers erased {options['years']} years after closure")
            return
        orgs = [self._org(options["org"])] if options["org"] else list(Organisation.objects.all())
        today = timezone.now().date()
        for org in orgs:
            report = retention_apply(organisation=org, actor=None, today=today, dry_run=options["dry_run"])
            if report.rule_years is None:
                self.stdout.write(f"{org.slug}: no retention rule (nothing erased)")
            elif report.dry_run:
                self.stdout.write(f"{org.slug}: {report.due} person(s) due for erasure (dry run, nothing erased)")
            else:
                self.stdout.write(f"{org.slug}: erased {report.erased} person(s) past {report.rule_years} years")
