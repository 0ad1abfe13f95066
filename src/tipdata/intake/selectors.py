"""Reading case records for export: scoped by organisation and role like every read.

``export_records`` yields one plain record per case the member may see (see
``cases.selectors.cases_visible``); identifiers and narratives are opened only when
``identified`` is true, which the caller decides from the member's role.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from tipdata.accounts.models import Membership
from tipdata.accounts.roles import Permission, role_has
from tipdata.cases.models import CasePerson, PersonRole
from tipdata.cases.sealing import open_values
from tipdata.cases.selectors import cases_visible
from tipdata.engines.standard import load_dictionary
from tipdata.keys.services import data_key_open

CHUNK = 500


def may_export(membership: Membership | None) -> bool:
    """Members who see record-level data may export it (their own cases for caseworkers)."""
    return membership is not None and any(
        role_has(membership.role, p)
        for p in (Permission.CASE_VIEW_ALL, Permission.CASE_VIEW_OWN, Permission.DEID_VIEW)
    )


def may_export_identified(membership: Membership | None) -> bool:
    """Identifiers leave the system only for roles allowed both to see and to export them."""
    return membership is not None and role_has(membership.role, Permission.IDENTIFIERS_VIEW) and role_has(
        membership.role, Permission.EXPORT_IDENTIFIED
    )


def export_records(membership: Membership, *, identified: bool) -> Iterator[dict[str, Any]]:
    """Every visible case with its (first) victim, as plain data, oldest first."""
    dictionary = load_dictionary()
    victim_fields = {f.name for f in dictionary.fields if f.entity == "victim_context"}
    cases = cases_visible(membership).order_by("registered_on", "id")
    # Ids first (small), then the records a page at a time: bounded memory for any size.
    ids = list(cases.values_list("id", flat=True))
    for start in range(0, len(ids), CHUNK):
        page = list(cases.model.objects.filter(id__in=ids[start:start + CHUNK]).order_by("registered_on", "id"))
        links = {
            link.case_id: link
            for link in CasePerson.objects.filter(case__in=page, role=PersonRole.VICTIM)
            .select_related("person").order_by("id")
        }
        for case in page:
            link = links.get(case.pk)
            person = link.person if link else None
            record: dict[str, Any] = {
                "case_id": str(case.public_id),
                "reference": case.reference,
                "registered_on": case.registered_on.isoformat(),
                "closed_on": case.closed_on.isoformat() if case.closed_on else None,
                "status": case.status,
                "person": dict(person.attributes) if person else {},
                "victim_context": dict(link.context) if link else {},
                "case": dict(case.attributes),
                "local_fields": dict(person.local_fields) if person else {},
            }
            if identified:
                if person is not None and person.wrapped_data_key is not None and person.sealed:
                    ref = f"person:{person.public_id}"
                    key = data_key_open(wrapped=bytes(person.wrapped_data_key), org_key_id=person.org_key_id,
                                        record_ref=ref)
                    record["person"].update(open_values(person.sealed, key=key, record_ref=ref))
                if case.wrapped_data_key is not None and case.sealed:
                    ref = f"case:{case.public_id}"
                    key = data_key_open(wrapped=bytes(case.wrapped_data_key), org_key_id=case.org_key_id,
                                        record_ref=ref)
                    for name, text in open_values(case.sealed, key=key, record_ref=ref).items():
                        (record["victim_context"] if name in victim_fields else record["case"])[name] = text
            yield record
