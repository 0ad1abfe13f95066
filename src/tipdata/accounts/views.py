"""Sign in and out, choose the interface language and the organisation acted for."""

from __future__ import annotations

import pyotp
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tipdata.accounts.models import User
from tipdata.accounts.selectors import SESSION_ORG_KEY, memberships_for
from tipdata.accounts.services import user_set_language, user_set_totp
from tipdata.accounts.throttle import login_blocked
from tipdata.audit.services import audit_record


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
            user = form.get_user()
            if user.totp_secret:
                # Password was right; the second factor decides. Nothing is signed in yet.
                request.session[PENDING_2FA] = {"user": user.pk, "next": _safe_next(request, "/")}
                return redirect("login-2fa")
            login(request, user)
            return redirect(_safe_next(request, "/"))
    status = 429 if blocked else 200
    return render(request, "accounts/login.html", {"form": form, "next": request.GET.get("next", "")}, status=status)


PENDING_2FA = "tipdata_pending_2fa"


def login_2fa_view(request: HttpRequest) -> HttpResponse:
    pending = request.session.get(PENDING_2FA)
    user = User.objects.filter(pk=pending["user"]).first() if pending else None
    if user is None or not user.totp_secret:
        return redirect("login")
    error = ""
    if request.method == "POST":
        if login_blocked(user.username):
            error = _("Too many failed sign-in attempts. Try again in 15 minutes.")
        elif pyotp.TOTP(user.totp_secret).verify(request.POST.get("code", "").replace(" ", ""), valid_window=1):
            del request.session[PENDING_2FA]
            login(request, user, backend=settings.AUTHENTICATION_BACKENDS[0])
            return redirect((pending or {}).get("next") or "/")
        else:
            audit_record(action="auth.login_failed", actor_username=user.username,
                         changes={"factor": "totp"}, ip_address=str(request.META.get("REMOTE_ADDR", "")))
            error = _("That code is not right. Use the current code from your authenticator app.")
    return render(request, "accounts/login_2fa.html", {"error": error})


@login_required
def twofactor_setup_view(request: HttpRequest) -> HttpResponse:
    """Turn on two-factor sign-in: show a new secret, enable it once a code from it checks."""
    user = request.user
    assert isinstance(user, User)
    if request.method == "POST" and request.POST.get("disable") and user.totp_secret:
        user_set_totp(user=user, secret="", actor=user)
        messages.success(request, _("Two-factor sign-in is off."))
        return redirect("twofactor")
    secret = request.session.get("tipdata_totp_setup") or pyotp.random_base32()
    request.session["tipdata_totp_setup"] = secret
    if request.method == "POST" and not request.POST.get("disable"):
        if pyotp.TOTP(secret).verify(request.POST.get("code", "").replace(" ", ""), valid_window=1):
            user_set_totp(user=user, secret=secret, actor=user)
            del request.session["tipdata_totp_setup"]
            messages.success(request, _("Two-factor sign-in is on."))
            return redirect("twofactor")
        messages.error(request, _("That code is not right. Use the current code from your authenticator app."))
    uri = pyotp.TOTP(secret).provisioning_uri(name=user.username, issuer_name="tipdata")
    return render(request, "accounts/twofactor.html", {"enabled": bool(user.totp_secret), "secret": secret, "uri": uri})


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
