"""Settings for the test suite: fast hashing, throwaway keys."""

import os
import tempfile
from pathlib import Path

from tipdata.keys.envelope import create_master_key_file as _create_master_key_file

from .base import *  # noqa: F403

SECRET_KEY = "test-only-secret-key-not-for-use-anywhere-else"  # noqa: S105
MASTER_KEY_FILE = str(tempfile.mkdtemp(prefix="tipdata-test-") + "/master.key")
_create_master_key_file(MASTER_KEY_FILE)
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]

if "DATABASE_URL" not in os.environ:
    # An on-disk test database, so a test can grep the file for plaintext names.
    _db_dir = tempfile.mkdtemp(prefix="tipdata-testdb-")
    DATABASES["default"]["NAME"] = _db_dir + "/tipdata.sqlite3"  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": _db_dir + "/test_tipdata.sqlite3"}  # noqa: F405

STATIC_ROOT = Path(tempfile.mkdtemp(prefix="tipdata-static-"))
