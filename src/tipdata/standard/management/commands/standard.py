"""tipdata standard show|export: the HTCDS 2.0 data dictionary."""

from __future__ import annotations

import csv
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tipdata.engines.standard import UnknownFieldError, load_dictionary


class Command(BaseCommand):
    help = "Show a field of the HTCDS 2.0 data dictionary or export the whole dictionary (json, csv)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        show = sub.add_parser("show", help="Print one field with its values and definitions.")
        show.add_argument("field", help="field name, e.g. vic_MethodsOfControl")
        export = sub.add_parser("export", help="Print the whole dictionary.")
        export.add_argument("--format", choices=["json", "csv", "xlsform"], default="json")
        export.add_argument("--out", help="file to write (required for xlsform, an .xlsx workbook)")
        export.add_argument("--org", help="xlsform: add this organisation's local fields")

    def handle(self, *args: Any, **options: Any) -> None:
        dictionary = load_dictionary()
        if options["action"] == "show":
            try:
                fld = dictionary.field(options["field"])
            except UnknownFieldError as exc:
                raise CommandError(str(exc)) from exc
            self._show(fld)
        elif options["format"] == "xlsform":
            from tipdata.intake.xlsform import xlsform_export

            if not options["out"]:
                raise CommandError("--format xlsform writes a workbook: give --out FILE.xlsx")
            self.stdout.write(str(xlsform_export(out=options["out"], org_slug=options["org"])))
        elif options["format"] == "json":
            # The document form carries the CC BY 4.0 attribution that any copy must keep.
            self.stdout.write(json.dumps(dictionary.to_document(), ensure_ascii=False, indent=2))
        else:
            rows = dictionary.to_rows()
            writer = csv.DictWriter(self.stdout, fieldnames=list(rows[0].keys()), lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)

    def _show(self, fld: Any) -> None:
        out = self.stdout.write
        out(f"{fld.name}  ({fld.label})")
        out(f"  entity:        {fld.entity}")
        out(f"  type:          {fld.type}{'  [core]' if fld.core else ''}  status: {fld.status}")
        out(f"  privacy class: {fld.privacy_class}   purpose: {fld.purpose}")
        if fld.definition or fld.description:
            out(f"  definition:    {fld.definition or fld.description}")
        if fld.values:
            out(f"  values ({len(fld.values)}):")
            for value in fld.values:
                line = f"    {value.code:<40} {value.label}"
                out(line)
                if value.definition:
                    out(f"        {value.definition}")
