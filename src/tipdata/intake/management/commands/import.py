"""tipdata import FILE --org SLUG: bring a spreadsheet, toolkit workbook, Kobo/ODK export or
CTDC file into an organisation's case records."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser

from tipdata.accounts.models import Organisation, User
from tipdata.engines.intake import FORMATS, IntakeError, plan_import
from tipdata.intake.services import import_file, local_field_specs


class ProgressBar:
    """A one-line bar on stderr (rows done, rate); quiet when stderr is not a terminal
    except for a final line."""

    def __init__(self, stream: Any = None, width: int = 30) -> None:
        self.stream = stream or sys.stderr
        self.width = width
        self.start = time.monotonic()
        self.tty = hasattr(self.stream, "isatty") and self.stream.isatty()
        self.last = 0

    def __call__(self, done: int, total: int | None) -> None:
        self.last = done
        elapsed = max(time.monotonic() - self.start, 1e-6)
        rate = done / elapsed
        if total:
            share = min(1.0, done / total)
            bar = "#" * int(share * self.width)
            line = f"\r[{bar:<{self.width}}] {done:,}/~{total:,} rows  {rate:,.0f} rows/s"
        else:
            line = f"\r{done:,} rows  {rate:,.0f} rows/s"
        if self.tty:
            self.stream.write(line)
            self.stream.flush()

    def close(self) -> None:
        elapsed = time.monotonic() - self.start
        self.stream.write(("\n" if self.tty else "") + f"{self.last:,} rows in {elapsed:.1f} s\n")
        self.stream.flush()


class Command(BaseCommand):
    help = "Import a CSV/XLSX file, the HTCDS Excel toolkit, a Kobo/ODK export or a CTDC file into an organisation."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the file to import")
        parser.add_argument("--org", required=True, help="organisation slug")
        parser.add_argument("--format", default="auto", choices=FORMATS)
        parser.add_argument("--mapping", help="column mapping (YAML) to use instead of the guessed one")
        parser.add_argument("--save-mapping", metavar="FILE",
                            help="write the mapping (guessed or given) to FILE for review and reuse")
        parser.add_argument("--sheet", help="the workbook sheet to read (default: the first)")
        parser.add_argument("--encoding", help="force a text encoding (default: detected)")
        parser.add_argument("--as", dest="as_user", metavar="USERNAME",
                            help="import as this member (default: the operator at the console)")
        parser.add_argument("--batch-size", type=int, default=1000)
        parser.add_argument("--dry-run", action="store_true",
                            help="check and count everything, store nothing (a quarantine file is still written)")
        parser.add_argument("--json", action="store_true", help="print the summary as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        org = Organisation.objects.filter(slug=options["org"]).first()
        if org is None:
            raise CommandError(f"no organisation {options['org']!r}; see tipdata org list")
        actor = None
        if options["as_user"]:
            actor = User.objects.filter(username=options["as_user"]).first()
            if actor is None:
                raise CommandError(f"no user {options['as_user']!r}")
        path = Path(options["file"])
        if options["save_mapping"]:
            try:
                plan = plan_import(path, format=options["format"], mapping=options["mapping"],
                                   sheet=options["sheet"], encoding=options["encoding"],
                                   local_fields=local_field_specs(org))
            except IntakeError as exc:
                raise CommandError(str(exc)) from exc
            plan.mapping.save(options["save_mapping"])
            self.stderr.write(f"mapping written to {options['save_mapping']}")
            if plan.mapping.needs_check():
                self.stderr.write("check these guesses: " + ", ".join(plan.mapping.needs_check()))
        bar = ProgressBar(self.stderr._out if hasattr(self.stderr, "_out") else sys.stderr)
        try:
            summary = import_file(
                organisation=org, actor=actor, path=path, format=options["format"],
                mapping=options["mapping"], dry_run=options["dry_run"], progress=bar,
                batch_size=options["batch_size"], encoding=options["encoding"], sheet=options["sheet"],
            )
        except IntakeError as exc:
            raise CommandError(str(exc)) from exc
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from exc
        finally:
            bar.close()
        if options["json"]:
            self.stdout.write(json.dumps(summary.to_dict(), ensure_ascii=False))
            return
        label = "dry run: would import" if summary.dry_run else "imported"
        self.stdout.write(
            f"{summary.rows:,} rows: {label} {summary.imported:,}, updated {summary.updated:,} "
            f"({summary.unchanged:,} unchanged), quarantined {summary.quarantined:,}"
        )
        self.stdout.write(f"format: {summary.format}" + (f", encoding: {summary.encoding}" if summary.encoding else ""))
        for note in summary.notes:
            self.stdout.write(f"note: {note}")
        if summary.quarantine:
            self.stdout.write(f"quarantine (correct and import again): {summary.quarantine}")
        self.stdout.write(f"report: {summary.report}")
