"""tipdata audit verify: check that no audit row was edited or deleted."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tipdata.audit.models import AuditEvent
from tipdata.audit.services import audit_verify


class Command(BaseCommand):
    help = "Verify the hash-chained audit trail (tipdata audit verify)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("verify", help="Recompute the hash chain and report any edited or deleted row.")

    def handle(self, *args: Any, **options: Any) -> None:
        problems = audit_verify()
        total = AuditEvent.objects.count()
        if problems:
            for problem in problems:
                self.stderr.write(str(problem))
            raise CommandError(f"audit trail BROKEN: {len(problems)} problem(s) in {total} rows")
        self.stdout.write(f"audit trail intact: {total} rows verified")
