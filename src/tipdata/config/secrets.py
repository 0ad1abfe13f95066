"""Secrets for the embedded (laptop) set-up, generated once and kept under ./var."""

from __future__ import annotations

import os
import secrets
from pathlib import Path


def _write_private(path: Path, content: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(content)


def local_secret_key(var_dir: Path) -> str:
    """Return the embedded set-up's Django secret key, creating it the first time."""
    path = var_dir / "secret_key"
    if not path.exists():
        _write_private(path, secrets.token_urlsafe(50).encode())
    return path.read_text().strip()
