"""Organisations, users, tokens and signing in, as an operator and a user meet them."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from tests.conftest import PASSWORD
from tipdata.accounts.models import Membership, Organisation, User
from tipdata.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def _call(*args: str, stdin: str = "") -> str:
    out = io.StringIO()
    import sys

    old = sys.stdin
    sys.stdin = io.StringIO(stdin)
    try:
        call_command(*args, stdout=out)
    finally:
        sys.stdin = old
    return out.getvalue()


def test_org_create_prints_slug_and_list_shows_it_first() -> None:
    slug = _call("org", "create", "--name", "Phnom Penh Shelter", "--country", "kh").strip()
    assert slug == "phnom-penh-shelter"
    assert Organisation.objects.get(slug=slug).country == "KH"
    listed = _call("org", "list").splitlines()
    assert listed[0].split("\t")[0] == slug


def test_org_create_rejects_unknown_country() -> None:
    with pytest.raises(CommandError, match="ISO 3166-1 alpha-2"):
        _call("org", "create", "--name", "X", "--country", "ZZ")


def test_user_create_reads_password_from_stdin_and_validates_it(make_org: Any) -> None:
    org = make_org()
    _call("user", "create", "--org", org.slug, "--username", "dara", "--role", "caseworker",
          "--password-stdin", stdin=PASSWORD + "\n")
    user = User.objects.get(username="dara")
    assert user.check_password(PASSWORD)
    assert Membership.objects.get(user=user).role == "caseworker"
    with pytest.raises(CommandError, match="too short|too common"):
        _call("user", "create", "--org", org.slug, "--username", "weak", "--role", "viewer",
              "--password-stdin", stdin="abc\n")
    with pytest.raises(CommandError, match="no organisation"):
        _call("user", "create", "--org", "nope", "--username", "x", "--role", "viewer",
              "--password-stdin", stdin=PASSWORD + "\n")


def test_token_create_prints_a_working_api_token(make_org: Any, make_user: Any, client: Any) -> None:
    user = make_user(make_org(), "supervisor", username="sup")
    token = _call("token", "create", "--username", "sup").strip()
    assert len(token) == 40
    response = client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {token}")
    assert response.status_code == 200
    assert response.json()["memberships"][0]["role"] == "supervisor"
    assert client.get("/api/v1/me/").status_code in (401, 403)
    assert user.username == "sup"


def test_login_logout_and_failed_login_are_audited(make_org: Any, make_user: Any, client: Any) -> None:
    make_user(make_org(), "caseworker", username="sokha")
    assert client.post("/login/", {"username": "sokha", "password": "wrong"}).status_code == 200
    response = client.post("/login/", {"username": "sokha", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    client.post("/logout/")
    actions = list(AuditEvent.objects.filter(actor_username="sokha").values_list("action", flat=True))
    assert actions[-3:] == ["auth.login_failed", "auth.login", "auth.logout"]


def test_login_is_throttled_after_five_failures(make_org: Any, make_user: Any, client: Any) -> None:
    make_user(make_org(), "caseworker", username="target")
    for _ in range(5):
        client.post("/login/", {"username": "target", "password": "guess"})
    blocked = client.post("/login/", {"username": "target", "password": PASSWORD})
    assert blocked.status_code == 429
    assert "Too many failed sign-in attempts" in blocked.content.decode()
    assert "_auth_user_id" not in client.session


def test_login_redirect_refuses_other_hosts(make_org: Any, make_user: Any, client: Any) -> None:
    make_user(make_org(), "viewer", username="v")
    response = client.post("/login/", {"username": "v", "password": PASSWORD, "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_pages_need_sign_in(client: Any) -> None:
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_role_table_in_docs_matches_the_code() -> None:
    from pathlib import Path

    from tipdata.accounts.roles import ROLE_PERMISSIONS, Permission, Role

    doc = (Path(__file__).resolve().parent.parent / "docs" / "roles.md").read_text()
    for permission in Permission:
        row = next(line for line in doc.splitlines() if line.startswith(f"| `{permission.value}` |"))
        cells = [c.strip() for c in row.strip("|").split("|")][1:]
        assert cells == ["yes" if permission in ROLE_PERMISSIONS[r] else "" for r in Role], permission


def test_two_factor_sign_in(make_org: Any, make_user: Any, client: Any) -> None:
    import pyotp

    make_user(make_org(), "caseworker", username="totp")
    client.post("/login/", {"username": "totp", "password": PASSWORD})
    client.get("/account/two-factor/")
    secret = client.session["tipdata_totp_setup"]
    client.post("/account/two-factor/", {"code": "000000" if pyotp.TOTP(secret).now() != "000000" else "111111"})
    assert not User.objects.get(username="totp").totp_secret
    client.post("/account/two-factor/", {"code": pyotp.TOTP(secret).now()})
    assert User.objects.get(username="totp").totp_secret == secret
    client.post("/logout/")
    response = client.post("/login/", {"username": "totp", "password": PASSWORD})
    assert response["Location"] == "/login/2fa/"
    assert client.get("/").status_code == 302, "password alone does not sign in"
    bad = client.post("/login/2fa/", {"code": "12345x"})
    assert "not right" in bad.content.decode()
    good = client.post("/login/2fa/", {"code": pyotp.TOTP(secret).now()})
    assert good.status_code == 302 and client.get("/").status_code == 200


def test_a_signed_in_page_reads_the_user_and_memberships_in_one_query(make_org: Any, make_user: Any, client: Any) -> None:
    """The backend reads the memberships with the user; who is signed in, in which
    organisation and with which role is exactly what it was, and a deactivated user is out."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    org_a, org_b = make_org("Alpha"), make_org("Beta", country="TH")
    user = make_user(org_a, "supervisor", username="two-orgs")
    Membership.objects.create(user=user, organisation=org_b, role="viewer")
    client.post("/login/", {"username": "two-orgs", "password": PASSWORD})
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/standard/").content.decode()
    assert "two-orgs" in page and "Alpha" in page and "supervisor" in page and 'id="org-select"' in page
    tables = [q["sql"].split(" FROM ", 1)[1].split(" ", 1)[0] for q in queries.captured_queries if q["sql"].startswith("SELECT")]
    assert tables.count('"accounts_membership"') == 1 and '"accounts_user"' not in tables

    operator = User.objects.create_user("operator-x", password=PASSWORD, is_staff=True)
    client.force_login(operator)
    assert client.get("/standard/").status_code == 200  # no membership: read as Django does

    client.post("/login/", {"username": "two-orgs", "password": PASSWORD})
    User.objects.filter(pk=user.pk).update(is_active=False)
    assert client.get("/standard/").status_code == 302  # signed out at the next request


def test_the_main_menu_follows_role_and_language(make_org: Any, make_user: Any, client: Any) -> None:
    """The menu is rendered once per role and language (per_language in base.html): each role still
    gets its own entries, and each language its own labels."""
    org = make_org()
    make_user(org, "caseworker", username="menu-cw")
    make_user(org, "admin", username="menu-admin")
    client.post("/login/", {"username": "menu-cw", "password": PASSWORD})
    page = client.get("/standard/").content.decode()
    assert 'href="/cases/"' in page and "Screening" in page and "Audit trail" not in page
    thai = client.get("/standard/?lang=th").content.decode()
    assert "Screening" not in thai.split("<main")[0]
    client.post("/login/", {"username": "menu-admin", "password": PASSWORD})
    assert "Audit trail" in client.get("/standard/").content.decode()
    operator = User.objects.create_user("menu-operator", password=PASSWORD, is_staff=True)
    client.force_login(operator)
    menu = client.get("/standard/").content.decode().split("<main")[0]
    assert "Screening" not in menu and "Data quality" not in menu  # no organisation: no work menus


def test_user_with_memberships_read_as_the_orm_reads_them(make_org: Any, make_user: Any) -> None:
    """The backend's plain read (ADR 0006) gives what the ORM gives: every field of the
    membership, its user and its organisation, the same types, in the same order."""
    from tipdata.accounts.backends import memberships_with_user

    org_b, org_a = make_org("Beta", country="TH"), make_org("Alpha")
    user = make_user(org_b, "supervisor", username="plain-read", language="th")
    Membership.objects.create(user=user, organisation=org_a, role="viewer")
    User.objects.filter(pk=user.pk).update(last_login=timezone.now(), totp_secret="ABC", first_name="ស្រី")

    plain = memberships_with_user(user.pk)
    orm = list(Membership.objects.filter(user_id=user.pk).select_related("user", "organisation")
               .order_by("organisation__slug"))
    assert [m.organisation.slug for m in plain] == ["alpha", "beta"] == [m.organisation.slug for m in orm]
    for got, want in zip(plain, orm, strict=True):
        for mine, theirs in ((got, want), (got.user, want.user), (got.organisation, want.organisation)):
            fields = [f.attname for f in type(theirs)._meta.concrete_fields]
            assert [getattr(mine, f) for f in fields] == [getattr(theirs, f) for f in fields]
            assert [type(getattr(mine, f)) for f in fields] == [type(getattr(theirs, f)) for f in fields]
            assert not mine._state.adding and mine._state.db == theirs._state.db
    assert plain[0].user is plain[1].user  # one user instance, as the backend hands it to Django
    assert memberships_with_user(user.pk + 1000) == []


def test_session_store_reads_as_django_reads(make_org: Any, make_user: Any) -> None:
    """The plain read of a session (accounts/sessions.py) loads what Django's store loads, and
    forgets a key that names no live session (expired, unknown or tampered), as Django does,
    so a key chosen by someone else is never adopted."""
    from datetime import timedelta

    from django.contrib.sessions.backends.db import SessionStore as DjangoStore
    from django.contrib.sessions.models import Session

    from tipdata.accounts.sessions import SessionStore

    live = DjangoStore()
    live.update({"_auth_user_id": "7", "note": "ស្រី \"quoted\""})
    live.save()
    expired = DjangoStore()
    expired["x"] = 1
    expired.save()
    Session.objects.filter(pk=expired.session_key).update(expire_date=timezone.now() - timedelta(seconds=1))
    tampered = DjangoStore()
    tampered["x"] = 1
    tampered.save()
    Session.objects.filter(pk=tampered.session_key).update(session_data="not-signed:by-us")

    for key in (live.session_key, expired.session_key, tampered.session_key, "no-such-session-key-0123456789"):
        mine, theirs = SessionStore(key), DjangoStore(key)
        assert mine.load() == theirs.load()
        assert mine.session_key == theirs.session_key
    assert SessionStore(live.session_key).load() == {"_auth_user_id": "7", "note": "ស្រី \"quoted\""}
    assert SessionStore(expired.session_key).session_key == expired.session_key  # not yet loaded
    gone = SessionStore(expired.session_key)
    gone.load()
    assert gone.session_key is None  # a new key is made when this session is saved


def test_per_language_parts_hold_nothing_of_the_request(make_org: Any, make_user: Any, client: Any) -> None:
    """``per_language`` parts are rendered once per language and process: they follow the
    language and the names given to the tag, and nothing else of the context reaches them,
    so nothing one user saw can show on another user's page."""
    from django.template import Context, Template
    from django.utils.translation import override

    page = Template("{% load web_tags %}{% per_language shown %}[{{ secret }}|{{ shown }}|{% url 'case-list' %}]"
                    "{% load i18n %}{% translate 'Sign out' %}{% endper_language %}")
    assert page.render(Context({"secret": "Sophea", "shown": True})) == "[|True|/cases/]Sign out"
    assert page.render(Context({"secret": "Dara", "shown": False})) == "[|False|/cases/]Sign out"
    assert page.render(Context({"shown": 1})) == "[|1|/cases/]Sign out"  # kept apart from True
    with override("th"):
        assert "Sign out" not in page.render(Context({"shown": True}))
    unkeyable = page.render(Context({"shown": ["a list"]}))  # rendered, not kept
    assert unkeyable == "[|[&#x27;a list&#x27;]|/cases/]Sign out"
    from django.contrib.auth.models import AnonymousUser
    from django.template import RequestContext
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    processors = Template("{% load web_tags %}{% per_language %}[{{ user }}{{ request }}{{ csrf_token }}"
                          "{{ LANGUAGES }}{{ messages }}]{% endper_language %}")
    assert processors.render(RequestContext(request, {"secret": "x"})) == "[]"  # nor what processors add

    org = make_org()
    make_user(org, "supervisor", username="lang-one")
    client.post("/login/", {"username": "lang-one", "password": PASSWORD})
    english = client.get("/cases/").content.decode()
    thai = client.get("/cases/?lang=th").content.decode()
    assert 'value="th" selected' in thai and 'value="en" selected' in english
    assert english.count('name="csrfmiddlewaretoken"') == 3 and "lang-one" in english
