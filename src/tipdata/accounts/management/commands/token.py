"""tipdata token create: an API token for a user."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tipdata.accounts.models import User
from tipdata.accounts.services import token_create


class Command(BaseCommand):
    help = "Create an API token for a user and print it (tipdata token create --username U)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="Create (or replace) the user's API token and print it.")
        create.add_argument("--username", required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"no user {options['username']!r}")
        self.stdout.write(token_create(user=user))
