"""Management commands that hand their arguments to an engine's own argparse CLI.

Engines know nothing of Django; their CLIs are plain ``main(argv) -> exit code``
functions. These commands only make them reachable as ``tipdata <name> ...``.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class PassthroughCommand(BaseCommand):
    engine_main: Callable[[list[str] | None], int]
    prog: str = ""

    def run_from_argv(self, argv: list[str]) -> None:
        # argv is ["tipdata", "<command>", ...]; the engine parses the rest itself.
        code = type(self).engine_main(argv[2:])
        sys.stdout.flush()
        if code:
            sys.exit(code)

    def add_arguments(self, parser: CommandParser) -> None:
        # Everything goes to the engine's own parser (call_command passes through here).
        parser.add_argument("engine_args", nargs=argparse.REMAINDER)

    def handle(self, *args: Any, **options: Any) -> None:
        self.run_from_argv(["tipdata", "command", *options["engine_args"]])
