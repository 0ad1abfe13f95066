"""Writes for organisations, users and memberships. Each writes its audit record."""

from __future__ import annotations

from typing import Any

import pycountry
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify
from rest_framework.authtoken.models import Token

from tipdata.accounts.models import Membership, Organisation, OrganisationKind, User
from tipdata.accounts.roles import Role
from tipdata.audit.services import audit_record


def _country_code(country: str) -> str:
    found = pycountry.countries.get(alpha_2=country.upper()) if len(country) == 2 else None
    if found is None:
        raise ValidationError(
            f"country {country!r} is not an ISO 3166-1 alpha-2 code (for example KH, TH, ID, PH, VN)"
        )
    return str(found.alpha_2)


def organisation_create(
    *, name: str, country: str, kind: str = OrganisationKind.OTHER, slug: str = "",
    actor: Any = None, is_demo: bool = False,
) -> Organisation:
    if not name.strip():
        raise ValidationError("organisation name must not be empty")
    if kind not in OrganisationKind.values:
        raise ValidationError(f"kind {kind!r} is not known; allowed: {', '.join(OrganisationKind.values)}")
    code = _country_code(country)
    base = slugify(slug or name)[:50] or "org"
    candidate, n = base, 2
    while Organisation.objects.filter(slug=candidate).exists():
        if slug:
            raise ValidationError(f"an organisation with slug {slug!r} already exists")
        candidate, n = f"{base}-{n}", n + 1
    with transaction.atomic():
        org = Organisation.objects.create(
            slug=candidate, name=name.strip(), kind=kind, country=code, is_demo=is_demo
        )
        audit_record(
            action="organisation.create", actor=actor, organisation=org,
            object_type="organisation", object_id=org.pk,
            changes={"slug": org.slug, "kind": kind, "country": code},
            actor_username="" if actor else "cli",
        )
    return org


def user_create(
    *, username: str, password: str, organisation: Organisation | None = None,
    role: str | None = None, actor: Any = None, language: str = "",
    is_platform_operator: bool = False, check_password: bool = True,
) -> User:
    if User.objects.filter(username=username).exists():
        raise ValidationError(f"user {username!r} already exists")
    if role is not None and role not in Role.__members__.values():
        raise ValidationError(f"role {role!r} is not known; allowed: {', '.join(r.value for r in Role)}")
    user = User(username=username, language=language, is_platform_operator=is_platform_operator)
    if check_password:
        validate_password(password, user)
    with transaction.atomic():
        user.set_password(password)
        user.save()
        audit_record(
            action="user.create", actor=actor, organisation=organisation,
            object_type="user", object_id=user.pk, changes={"username": username},
            actor_username="" if actor else "cli",
        )
        if organisation is not None and role is not None:
            membership_set_role(user=user, organisation=organisation, role=role, actor=actor)
    return user


def membership_set_role(*, user: User, organisation: Organisation, role: str, actor: Any = None) -> Membership:
    role = Role(role).value
    with transaction.atomic():
        membership = Membership.objects.select_for_update().filter(user=user, organisation=organisation).first()
        old = membership.role if membership else None
        if membership is None:
            membership = Membership.objects.create(user=user, organisation=organisation, role=role)
        else:
            membership.role = role
            membership.save(update_fields=["role"])
        audit_record(
            action="membership.role_change", actor=actor, organisation=organisation,
            object_type="user", object_id=user.pk,
            changes={"role": {"old": old, "new": role}}, actor_username="" if actor else "cli",
        )
    return membership


def token_create(*, user: User, actor: Any = None) -> str:
    """A new API token for the user (any previous one stops working)."""
    with transaction.atomic():
        Token.objects.filter(user=user).delete()
        token = Token.objects.create(user=user)
        audit_record(
            action="token.create", actor=actor, object_type="user", object_id=user.pk,
            actor_username="" if actor else "cli",
        )
    return str(token.key)


def user_set_language(*, user: User, language: str) -> None:
    user.language = language
    user.save(update_fields=["language"])


def user_set_totp(*, user: User, secret: str, actor: Any) -> None:
    """Turn two-factor sign-in on (a confirmed secret) or off (empty)."""
    with transaction.atomic():
        user.totp_secret = secret
        user.save(update_fields=["totp_secret"])
        audit_record(action="auth.2fa_enabled" if secret else "auth.2fa_disabled", actor=actor,
                     object_type="user", object_id=user.pk)
