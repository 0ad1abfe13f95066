"""ASGI entry point (uvicorn tipdata.config.asgi:application)."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tipdata.config.settings.local")
application = get_asgi_application()
