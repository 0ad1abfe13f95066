"""Rotating an organisation key: re-wrap the data key of every person and case."""

from __future__ import annotations

from typing import Any

from tipdata.accounts.models import Organisation
from tipdata.cases.models import Case, Person
from tipdata.keys.models import OrganisationKey
from tipdata.keys.services import data_key_rewrap, organisation_key_ensure, organisation_key_rotate


def organisation_rotate_keys(*, organisation: Organisation, actor: Any) -> tuple[str, str, int]:
    organisation_key_ensure(organisation=organisation)

    def rewrap(old: OrganisationKey, new_plain: bytes, new_id: str) -> int:
        count = 0
        for model, prefix in ((Person, "person"), (Case, "case")):
            rows = model.objects.filter(organisation=organisation, org_key_id=old.key_id, wrapped_data_key__isnull=False)
            for row in rows.iterator(chunk_size=500):
                assert row.wrapped_data_key is not None  # filtered above
                wrapped = data_key_rewrap(wrapped=bytes(row.wrapped_data_key), old=old, new_plain=new_plain,
                                          record_ref=f"{prefix}:{row.public_id}")
                model.objects.filter(pk=row.pk).update(wrapped_data_key=wrapped, org_key_id=new_id)
                count += 1
        return count

    return organisation_key_rotate(organisation=organisation, actor=actor, rewrap=rewrap)
