"""Settings shared by every environment; values that differ come from the environment.

Environment variables:
  DATABASE_URL            database (default: SQLite file under ``$TIPDATA_VAR_DIR``)
  TIPDATA_VAR_DIR         where the embedded database and generated keys live (default ./var)
  TIPDATA_SECRET_KEY      Django secret key (required in production)
  TIPDATA_MASTER_KEY_FILE file holding the master key that wraps organisation keys
  TIPDATA_ALLOWED_HOSTS   comma-separated host names
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.conf.locale import LANG_INFO
from django.utils.translation import gettext_lazy as _

PACKAGE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("TIPDATA_VAR_DIR", Path.cwd() / "var")).resolve()


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = os.environ.get("TIPDATA_SECRET_KEY", "")
DEBUG = False
ALLOWED_HOSTS = env_list("TIPDATA_ALLOWED_HOSTS", "127.0.0.1,localhost")
MASTER_KEY_FILE = os.environ.get("TIPDATA_MASTER_KEY_FILE", "")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "tipdata.accounts",
    "tipdata.audit",
    "tipdata.keys",
    "tipdata.standard",
    "tipdata.cases",
    "tipdata.intake",
    "tipdata.practice",
    "tipdata.estimation",
    "tipdata.reports",
    "tipdata.quality",
    "tipdata.sharing",
    "tipdata.linkage",
    "tipdata.demo",
    "tipdata.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Before the language middleware, so the user is read from the session once per request.
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "tipdata.accounts.middleware.UserLanguageMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
]

ROOT_URLCONF = "tipdata.config.urls"
WSGI_APPLICATION = "tipdata.config.wsgi.application"
ASGI_APPLICATION = "tipdata.config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "tipdata.web.context_processors.tipdata",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'tipdata.sqlite3'}"),
        conn_max_age=int(os.environ.get("TIPDATA_DB_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded database serves several requests at once (runserver's threads, gunicorn's
    # workers). Write transactions take the lock when they begin, so two of them never
    # deadlock on upgrading a read lock ("database is locked" at once); a busy database is
    # waited for; and the write-ahead log lets pages be read while a case is being saved.
    DATABASES["default"].setdefault("OPTIONS", {}).update({
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL;",
    })
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Some indexes carry extra columns on PostgreSQL (INCLUDE) so the name search reads indexes
# alone; SQLite builds the same indexes without them, which is all a small caseload needs.
SILENCED_SYSTEM_CHECKS = ["models.W040"]
AUTH_USER_MODEL = "accounts.User"
# Django's model backend, reading the user's memberships in the same query (accounts/backends.py).
AUTHENTICATION_BACKENDS = ["tipdata.accounts.backends.UserWithMembershipsBackend"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Sessions end 8 hours after sign-in and when the browser closes: shared office computers.
# (Not refreshed on every request: that would be a database write per page view.)
# Django's database sessions, read in one plain statement (accounts/sessions.py).
SESSION_ENGINE = "tipdata.accounts.sessions"
SESSION_COOKIE_AGE = 8 * 60 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

# Languages of the first users. Filipino is not in Django's own table.
LANG_INFO.setdefault(
    "fil", {"bidi": False, "code": "fil", "name": "Filipino", "name_local": "Filipino"}
)
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("th", _("Thai")),
    ("id", _("Indonesian")),
    ("km", _("Khmer")),
    ("fil", _("Filipino")),
    ("vi", _("Vietnamese")),
]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "UTC"
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

# Strict CSP: every asset is served from here, no inline script.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "tipdata API",
    "DESCRIPTION": "Case records in the Human Trafficking Case Data Standard (HTCDS 2.0).",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {"tipdata": {"level": "INFO"}},
}
