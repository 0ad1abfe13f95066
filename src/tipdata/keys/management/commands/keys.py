"""tipdata keys init|rotate: the master key file and organisation key rotation."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from tipdata.accounts.selectors import organisation_by_slug
from tipdata.cases.keyrotation import organisation_rotate_keys
from tipdata.keys import envelope


class Command(BaseCommand):
    help = "Create the master key file (keys init) or rotate an organisation's key (keys rotate --org SLUG)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("init", help="Create the master key file if it does not exist yet.")
        rotate = sub.add_parser("rotate", help="Replace an organisation's key and re-wrap every record key.")
        rotate.add_argument("--org", required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        path = str(settings.MASTER_KEY_FILE)
        if options["action"] == "init":
            if envelope.create_master_key_file(path):
                self.stdout.write(self.style.WARNING(
                    f"Created the master key {path}.\n"
                    "BACK IT UP NOW, apart from the database: without it no name in the database can ever be read again."
                ))
            try:
                envelope.read_master_key(path)
            except envelope.MasterKeyError as exc:
                raise CommandError(str(exc)) from exc
            return
        org = organisation_by_slug(options["org"])
        if org is None:
            raise CommandError(f"no organisation with slug {options['org']!r} (see: tipdata org list)")
        try:
            old, new, count = organisation_rotate_keys(organisation=org, actor=None)
        except envelope.MasterKeyError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"rotated {org.slug}: key {old} -> {new}, {count} record keys re-wrapped")
