"""tipdata demo load|logins|generate: the synthetic demo caseload."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tipdata.demo.generator import SYNTHETIC_NOTICE, generate
from tipdata.demo.services import demo_is_loaded, demo_load, demo_logins


class Command(BaseCommand):
    help = "Load the synthetic demo caseload and print its sign-ins (tipdata demo load --seed N --persons N)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("load", help="Create demo organisations, users and a synthetic caseload.")
        load.add_argument("--seed", type=int, default=1)
        load.add_argument("--persons", type=int, default=400)
        load.add_argument("--if-empty", action="store_true", help="do nothing if demo data are already loaded")
        sub.add_parser("logins", help="Print the demo sign-ins.")
        gen = sub.add_parser("generate", help="Print the generated caseload as JSON, with its truth.")
        gen.add_argument("--seed", type=int, default=1)
        gen.add_argument("--persons", type=int, default=400)

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "generate":
            self.stdout.write(json.dumps(generate(seed=options["seed"], persons=options["persons"]).to_json(), ensure_ascii=False))
            return
        if action == "load":
            if options["persons"] < 1:
                raise CommandError("--persons must be at least 1")
            if demo_is_loaded():
                if options["if_empty"]:
                    self.stdout.write("demo data already loaded")
                    self._print_logins()
                    return
                raise CommandError("demo data are already loaded (tipdata demo logins shows the sign-ins)")
            result = demo_load(seed=options["seed"], persons=options["persons"])
            self.stdout.write(
                f"loaded {result.organisations} organisations, {result.users} users, "
                f"{result.persons} persons, {result.cases} cases. {SYNTHETIC_NOTICE}"
            )
        self._print_logins()

    def _print_logins(self) -> None:
        rows = demo_logins()
        if not rows:
            self.stdout.write("no demo data loaded")
            return
        self.stdout.write("Demo sign-ins (synthetic data only):")
        for username, password, where in rows:
            self.stdout.write(f"  {username:<28} {password:<20} {where}")
