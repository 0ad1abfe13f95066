"""Keys for organisations and records: create, unwrap, rotate. Plaintext keys live in memory only."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.db import transaction

from tipdata.accounts.models import Organisation
from tipdata.audit.services import audit_record
from tipdata.keys import envelope
from tipdata.keys.models import OrganisationIndexKey, OrganisationKey


@lru_cache(maxsize=4)
def _master_key(path: str) -> bytes:
    return envelope.read_master_key(path)


def master_key() -> bytes:
    return _master_key(str(settings.MASTER_KEY_FILE))


def _org_context(org: Organisation, key_id: str) -> str:
    return f"org:{org.pk}:{key_id}"


def organisation_key_ensure(*, organisation: Organisation) -> OrganisationKey:
    """The organisation's active key, created (and its index key) the first time."""
    with transaction.atomic():
        existing = OrganisationKey.objects.filter(organisation=organisation, active=True).first()
        if existing is not None:
            return existing
        key_id = envelope.new_key_id()
        org_key = OrganisationKey.objects.create(
            organisation=organisation, key_id=key_id,
            wrapped_key=envelope.wrap(envelope.new_key(), master_key(), _org_context(organisation, key_id)),
        )
        if not OrganisationIndexKey.objects.filter(organisation=organisation).exists():
            OrganisationIndexKey.objects.create(
                organisation=organisation,
                wrapped_key=envelope.wrap(envelope.new_key(), master_key(), f"index:{organisation.pk}"),
            )
        return org_key


def organisation_key_plain(org_key: OrganisationKey) -> bytes:
    return envelope.unwrap(bytes(org_key.wrapped_key), master_key(), _org_context(org_key.organisation, org_key.key_id))


def index_key_plain(organisation: Organisation) -> bytes:
    return _index_key_plain(organisation.pk)


@lru_cache(maxsize=256)
def _index_key_plain(organisation_id: int) -> bytes:
    row = OrganisationIndexKey.objects.filter(organisation_id=organisation_id).first()
    if row is None:
        organisation_key_ensure(organisation=Organisation.objects.get(pk=organisation_id))
        row = OrganisationIndexKey.objects.get(organisation_id=organisation_id)
    return envelope.unwrap(bytes(row.wrapped_key), master_key(), f"index:{organisation_id}")


@dataclass
class DataKey:
    """A record's data key, unwrapped for the length of one request or job."""

    key_id: str
    key: bytes


def data_key_wrap_new(org_plain: bytes, record_ref: str) -> tuple[DataKey, bytes]:
    """A fresh data key for a record and its wrapped form (``<key id>:<blob>``)."""
    plain = envelope.new_key()
    key_id = envelope.new_key_id()
    wrapped = envelope.wrap(plain, org_plain, f"record:{record_ref}:{key_id}")
    return DataKey(key_id, plain), key_id.encode() + b":" + wrapped


def data_key_new(*, organisation: Organisation, record_ref: str) -> tuple[DataKey, str, bytes]:
    """A fresh data key for a record: (plain key, organisation key id, wrapped blob)."""
    org_key = organisation_key_ensure(organisation=organisation)
    key, wrapped = data_key_wrap_new(organisation_key_plain(org_key), record_ref)
    return key, org_key.key_id, wrapped


@lru_cache(maxsize=256)
def _organisation_key_plain_by_id(org_key_id: str) -> bytes:
    # Key ids are never reused: a rotated-away key simply stops being asked for.
    org_key = OrganisationKey.objects.select_related("organisation").get(key_id=org_key_id)
    return organisation_key_plain(org_key)


def data_key_open(*, wrapped: bytes, org_key_id: str, record_ref: str) -> DataKey:
    key_id, blob = bytes(wrapped).split(b":", 1)
    plain = envelope.unwrap(blob, _organisation_key_plain_by_id(org_key_id), f"record:{record_ref}:{key_id.decode()}")
    return DataKey(key_id.decode(), plain)


def data_key_rewrap(*, wrapped: bytes, old: OrganisationKey, new_plain: bytes, record_ref: str) -> bytes:
    key_id, blob = bytes(wrapped).split(b":", 1)
    plain = envelope.unwrap(blob, organisation_key_plain(old), f"record:{record_ref}:{key_id.decode()}")
    return key_id + b":" + envelope.wrap(plain, new_plain, f"record:{record_ref}:{key_id.decode()}")


def organisation_key_rotate(*, organisation: Organisation, actor: Any = None,
                            rewrap: Any = None) -> tuple[str, str, int]:
    """Replace the organisation key; ``rewrap(old_key, new_plain, new_key_id)`` re-wraps records.

    Runs in one transaction: readers keep using the old key until the commit, and a failure
    leaves everything as it was. Returns (old key id, new key id, records re-wrapped).
    """
    with transaction.atomic():
        old = OrganisationKey.objects.select_for_update().get(organisation=organisation, active=True)
        old.active = False
        old.save(update_fields=["active"])
        new_id = envelope.new_key_id()
        new_plain = envelope.new_key()
        OrganisationKey.objects.create(
            organisation=organisation, key_id=new_id,
            wrapped_key=envelope.wrap(new_plain, master_key(), _org_context(organisation, new_id)),
        )
        count = rewrap(old, new_plain, new_id) if rewrap else 0
        old.delete()
        audit_record(action="keys.rotate", actor=actor, organisation=organisation, object_type="organisation_key",
                     object_id=new_id, changes={"old_key_id": old.key_id, "new_key_id": new_id, "records": count},
                     actor_username="" if actor else "cli")
    return old.key_id, new_id, count
