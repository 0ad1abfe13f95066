"""Production: refuses to start without its secrets, HTTPS only."""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403

REQUIRED = {
    "TIPDATA_SECRET_KEY": "the Django secret key (a long random string)",
    "TIPDATA_MASTER_KEY_FILE": "the path of the master key file that wraps organisation keys",
    "TIPDATA_ALLOWED_HOSTS": "the host names the site is served under, comma-separated",
    "DATABASE_URL": "the PostgreSQL database, e.g. postgres://tipdata@db/tipdata",
}
missing = [f"{name} ({what})" for name, what in REQUIRED.items() if not os.environ.get(name)]
if missing:
    raise ImproperlyConfigured(
        "tipdata will not start in production without: " + "; ".join(missing)
    )
if not os.path.isfile(os.environ["TIPDATA_MASTER_KEY_FILE"]):
    raise ImproperlyConfigured(
        f"TIPDATA_MASTER_KEY_FILE points to {os.environ['TIPDATA_MASTER_KEY_FILE']!r}, "
        "which is not a readable file"
    )

DEBUG = False
SECURE_SSL_REDIRECT = os.environ.get("TIPDATA_SSL_REDIRECT", "1") != "0"
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = False
