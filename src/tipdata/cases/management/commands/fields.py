"""tipdata fields add|list: an organisation's local fields beside HTCDS."""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from tipdata.accounts.selectors import organisation_by_slug
from tipdata.cases.localfields import local_field_define
from tipdata.cases.models import LocalField


class Command(BaseCommand):
    help = "Declare and list an organisation's local fields (tipdata fields add|list --org SLUG)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add", help="Declare (or change) a local field.")
        add.add_argument("--org", required=True)
        add.add_argument("--name", required=True, help="local_SomeName")
        add.add_argument("--label", required=True)
        add.add_argument("--type", required=True, choices=[t for t, _ in LocalField.TYPES])
        add.add_argument("--privacy-class", required=True, choices=[p for p, _ in LocalField.PRIVACY])
        add.add_argument("--values", default="", help='picklist values as JSON: [{"code": "A", "label": "..."}]')
        add.add_argument("--maps-to", default="", help="the HTCDS field this refines")
        add.add_argument("--maps-to-value", default="", help="the HTCDS code it implies")
        add.add_argument("--definition", default="")
        lst = sub.add_parser("list", help="The organisation's local fields.")
        lst.add_argument("--org", required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        org = organisation_by_slug(options["org"])
        if org is None:
            raise CommandError(f"no organisation with slug {options['org']!r} (see: tipdata org list)")
        if options["action"] == "list":
            for f in LocalField.objects.filter(organisation=org).order_by("name"):
                self.stdout.write(f"{f.name}\t{f.type}\t{f.privacy_class}\t{f.maps_to or '-'}\t{f.label}")
            return
        try:
            values = json.loads(options["values"]) if options["values"] else []
        except json.JSONDecodeError as exc:
            raise CommandError(f"--values is not valid JSON: {exc}") from exc
        try:
            field = local_field_define(
                organisation=org, actor=None, name=options["name"], label=options["label"], type=options["type"],
                privacy_class=options["privacy_class"], values=values, maps_to=options["maps_to"],
                maps_to_value=options["maps_to_value"], definition=options["definition"],
            )
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        self.stdout.write(f"declared {field.name} for {org.slug}")
