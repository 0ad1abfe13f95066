"""The ``tipdata`` command: one entry point for everything an operator does.

It wraps Django's management commands. ``TIPDATA_ENV`` (local, test, production) picks
the settings unless ``DJANGO_SETTINGS_MODULE`` is already set.
"""

from __future__ import annotations

import os
import sys

ENVIRONMENTS = {"local", "test", "production"}


def _settings_module() -> str:
    env = os.environ.get("TIPDATA_ENV", "local")
    if env not in ENVIRONMENTS:
        raise SystemExit(
            f"TIPDATA_ENV={env!r} is not known; use one of: {', '.join(sorted(ENVIRONMENTS))}"
        )
    return f"tipdata.config.settings.{env}"


def command_summaries() -> list[tuple[str, str, str]]:
    """(name, app, first line of help) for every command, tipdata's own first."""
    from django.core.management import get_commands, load_command_class

    rows = []
    for name, app in get_commands().items():
        try:
            help_text = load_command_class(app, name).help or ""
        except Exception as exc:  # a broken third-party command must not hide the rest
            help_text = f"(could not load: {exc})"
        first = help_text.strip().splitlines()[0] if help_text.strip() else ""
        rows.append((name, app, first))
    rows.sort(key=lambda row: (not row[1].startswith("tipdata"), row[1], row[0]))
    return rows


def print_help() -> None:
    print("usage: tipdata COMMAND [options]   (tipdata COMMAND --help for its options)\n")
    own = [r for r in command_summaries() if r[1].startswith("tipdata")]
    other = [r for r in command_summaries() if not r[1].startswith("tipdata")]
    width = max(len(r[0]) for r in own + other)
    print("tipdata commands:")
    for name, _app, text in own:
        print(f"  {name:<{width}}  {text}")
    print("\nDjango commands (for operators who know Django):")
    for name, app, text in other:
        print(f"  {name:<{width}}  {text} [{app.split('.')[-1]}]")


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", _settings_module())
    import django

    django.setup()
    if not args or args[0] in {"-h", "--help", "help"} and len(args) == 1:
        print_help()
        return
    from django.core.management import execute_from_command_line

    execute_from_command_line(["tipdata", *args])


if __name__ == "__main__":
    main()
