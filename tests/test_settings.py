"""Production settings refuse to start without their secrets and turn on HTTPS protections."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

PY = sys.executable


def _import_production(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("TIPDATA_") and k != "DATABASE_URL"}
    return subprocess.run(
        [PY, "-c", "import tipdata.config.settings.production as s; print(s.SESSION_COOKIE_SECURE, s.SECURE_HSTS_SECONDS, s.CONTENT_SECURITY_POLICY['DIRECTIVES']['script-src'])"],
        env={**base, **env}, capture_output=True, text=True, check=False,
    )


def test_production_names_every_missing_secret() -> None:
    result = _import_production({})
    assert result.returncode != 0
    for name in ("TIPDATA_SECRET_KEY", "TIPDATA_MASTER_KEY_FILE", "TIPDATA_ALLOWED_HOSTS", "DATABASE_URL"):
        assert name in result.stderr


def test_production_names_the_one_missing_secret(tmp_path: Path) -> None:
    key = tmp_path / "master.key"
    key.write_text("x")
    result = _import_production({"TIPDATA_MASTER_KEY_FILE": str(key), "TIPDATA_ALLOWED_HOSTS": "tip.example.org",
                                 "DATABASE_URL": "postgres://u@h/db"})
    assert result.returncode != 0
    assert "TIPDATA_SECRET_KEY" in result.stderr
    assert "TIPDATA_MASTER_KEY_FILE" not in result.stderr.split("without:")[-1]


def test_production_refuses_a_master_key_path_that_is_not_a_file(tmp_path: Path) -> None:
    result = _import_production({"TIPDATA_SECRET_KEY": "s" * 50, "TIPDATA_MASTER_KEY_FILE": str(tmp_path / "nope"),
                                 "TIPDATA_ALLOWED_HOSTS": "h", "DATABASE_URL": "postgres://u@h/db"})
    assert result.returncode != 0
    assert "not a readable file" in result.stderr


def test_production_turns_on_https_only_cookies_hsts_and_strict_csp(tmp_path: Path) -> None:
    key = tmp_path / "master.key"
    key.write_text("x")
    result = _import_production({"TIPDATA_SECRET_KEY": "s" * 50, "TIPDATA_MASTER_KEY_FILE": str(key),
                                 "TIPDATA_ALLOWED_HOSTS": "h", "DATABASE_URL": "postgres://u@h/db"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "31536000", "[\"'self'\"]"]


@pytest.mark.django_db
def test_pages_carry_a_strict_content_security_policy(client: object) -> None:
    response = client.get("/login/")  # type: ignore[attr-defined]
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "unsafe-inline" not in policy
