"""tipdata org create|list: manage organisations (tenants)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from tipdata.accounts.models import Organisation, OrganisationKind
from tipdata.accounts.services import organisation_create


class Command(BaseCommand):
    help = "Create and list organisations (tipdata org create --name N --country XX; tipdata org list)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="Create an organisation and print its slug.")
        create.add_argument("--name", required=True)
        create.add_argument("--country", required=True, help="ISO 3166-1 alpha-2, e.g. KH")
        create.add_argument("--kind", default=OrganisationKind.OTHER, choices=OrganisationKind.values)
        create.add_argument("--slug", default="")
        sub.add_parser("list", help="One organisation a line: slug, country, kind, name.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "create":
            try:
                org = organisation_create(
                    name=options["name"], country=options["country"], kind=options["kind"], slug=options["slug"]
                )
            except ValidationError as exc:
                raise CommandError("; ".join(exc.messages)) from exc
            self.stdout.write(org.slug)
        else:
            for org in Organisation.objects.order_by("slug"):
                self.stdout.write(f"{org.slug}\t{org.country}\t{org.kind}\t{org.name}")
