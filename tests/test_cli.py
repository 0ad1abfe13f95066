"""The tipdata command lists every command with one line of help."""

from __future__ import annotations

import os
import subprocess
import sys


def test_help_lists_tipdata_commands_with_one_line_each() -> None:
    env = {**os.environ, "TIPDATA_ENV": "test"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    result = subprocess.run([sys.executable, "-m", "tipdata", "--help"], env=env, capture_output=True, text=True, check=True)
    own = result.stdout.split("tipdata commands:")[1].split("Django commands")[0]
    lines = [line for line in own.splitlines() if line.strip()]
    names = {line.split()[0] for line in lines}
    assert {"standard", "demo", "org", "user", "token", "audit"} <= names
    assert all(len(line.split(None, 1)) == 2 for line in lines), "every command has a help line"
    assert "migrate" in result.stdout


def test_unknown_environment_is_refused() -> None:
    env = {**os.environ, "TIPDATA_ENV": "staging"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    result = subprocess.run([sys.executable, "-m", "tipdata", "--help"], env=env, capture_output=True, text=True, check=False)
    assert result.returncode != 0
    assert "staging" in result.stderr and "production" in result.stderr
