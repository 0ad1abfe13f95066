"""tipdata user create: add a person who signs in, with a role in one organisation."""

from __future__ import annotations

import sys
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from tipdata.accounts.roles import Role
from tipdata.accounts.selectors import organisation_by_slug
from tipdata.accounts.services import user_create


class Command(BaseCommand):
    help = "Create a user with a role in an organisation (password read from standard input)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="Create a user; the password is read from stdin.")
        create.add_argument("--org", help="organisation slug (omit with --operator)")
        create.add_argument("--username", required=True)
        create.add_argument("--role", choices=[r.value for r in Role])
        create.add_argument("--password-stdin", action="store_true", required=True,
                            help="read the password from standard input (never from the command line)")
        create.add_argument("--operator", action="store_true",
                            help="a platform operator: manages organisations and users, no case content")
        create.add_argument("--language", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        password = sys.stdin.readline().rstrip("\n")
        if not password:
            raise CommandError("no password on standard input")
        org = None
        if not options["operator"]:
            if not options["org"] or not options["role"]:
                raise CommandError("--org and --role are required (or --operator)")
            org = organisation_by_slug(options["org"])
            if org is None:
                raise CommandError(f"no organisation with slug {options['org']!r} (see: tipdata org list)")
        try:
            user = user_create(
                username=options["username"], password=password, organisation=org,
                role=options["role"], language=options["language"],
                is_platform_operator=options["operator"],
            )
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        self.stdout.write(f"created {user.username}")
