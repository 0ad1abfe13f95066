"""Sign in and out, choose the interface language and the organisation acted for."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tipdata.accounts.selectors import SESSION_ORG_KEY, memberships_for
from tipdata.accounts.services import user_set_language
from tipdata.accounts.throttle import login_blocked


def _safe_next(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return fallback


def login_view(request: HttpRequest) -> HttpResponse:
    form = AuthenticationForm(request, data=request.POST or None)
    blocked = False
    if request.method == "POST":
        username = request.POST.get("username", "")
        if login_blocked(username):
            blocked = True
            form = AuthenticationForm(request)
            messages.error(request, _("Too many failed sign-in attempts. Try again in 15 minutes."))
        elif form.is_valid():
            login(request, form.get_user())
            return redirect(_safe_next(request, "/"))
    status = 429 if blocked else 200
    return render(request, "accounts/login.html", {"form": form, "next": request.GET.get("next", "")}, status=status)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("login")


@require_POST
def language_view(request: HttpRequest) -> HttpResponse:
    code = request.POST.get("language", "")
    response: HttpResponse = HttpResponseRedirect(_safe_next(request, "/"))
    if code in {c for c, _ in settings.LANGUAGES}:
        response.set_cookie(settings.LANGUAGE_COOKIE_NAME, code, samesite="Lax", max_age=365 * 24 * 3600)
        if request.user.is_authenticated:
            user_set_language(user=request.user, language=code)  # type: ignore[arg-type]
    return response


@require_POST
def organisation_switch_view(request: HttpRequest) -> HttpResponse:
    wanted = request.POST.get("organisation", "")
    for membership in memberships_for(request.user):
        if str(membership.organisation_id) == wanted:
            request.session[SESSION_ORG_KEY] = membership.organisation_id
            break
    return HttpResponseRedirect(_safe_next(request, "/"))
