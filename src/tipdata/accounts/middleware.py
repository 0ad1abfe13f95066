"""Interface language per request and per user.

Order: an explicit ``?lang=xx`` on the request, then the signed-in user's saved language,
then Django's usual cookie / Accept-Language choice.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse

LANGUAGE_CODES = {code for code, _ in settings.LANGUAGES}


class UserLanguageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.GET.get("lang")
        if chosen not in LANGUAGE_CODES:
            chosen = None
            # AuthenticationMiddleware runs first (see settings.MIDDLEWARE): request.user is lazy
            # and read from the session once, shared with the view.
            user: Any = getattr(request, "user", None)
            if getattr(user, "is_authenticated", False) and user.language in LANGUAGE_CODES:
                chosen = user.language
        if chosen:
            request.META["HTTP_ACCEPT_LANGUAGE"] = chosen
            request.COOKIES[settings.LANGUAGE_COOKIE_NAME] = chosen
        return self.get_response(request)
