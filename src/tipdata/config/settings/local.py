"""The embedded set-up for a laptop: SQLite under ./var, keys generated there."""

from .base import *  # noqa: F403
from .base import MASTER_KEY_FILE, SECRET_KEY, VAR_DIR

DEBUG = False  # tracebacks could show personal data; errors go to the console log instead
VAR_DIR.mkdir(parents=True, exist_ok=True)
(VAR_DIR / "static").mkdir(exist_ok=True)
if not SECRET_KEY:
    from tipdata.config.secrets import local_secret_key

    SECRET_KEY = local_secret_key(VAR_DIR)
if not MASTER_KEY_FILE:
    MASTER_KEY_FILE = str(VAR_DIR / "master.key")
