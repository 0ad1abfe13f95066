"""Exporting an organisation's records as HTCDS files (htcds-csv, htcds-json, xlsx).

What a file holds follows the exporting member's role: the cases they may see, and
identifiers only for roles allowed to export them (``EXPORT_IDENTIFIED`` together with
``IDENTIFIERS_VIEW``). Every export is audited with its format, size, whether it was
identified and the file's SHA-256, in the same transaction that records it.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from tipdata.accounts.models import Membership, Organisation
from tipdata.audit.services import audit_record
from tipdata.cases.models import LocalField
from tipdata.engines.intake.export import (
    EXPORT_FORMATS,
    export_columns,
    write_csv,
    write_json,
    write_xlsx,
)
from tipdata.engines.standard import load_dictionary
from tipdata.intake.selectors import export_records, may_export, may_export_identified


@dataclass
class ExportSummary:
    path: str
    format: str
    records: int
    identified: bool
    sha256: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def records_export(*, organisation: Organisation, actor: Any, fmt: str, out: str | Path) -> ExportSummary:
    """Write the records ``actor`` may see in ``organisation`` to ``out`` in ``fmt``."""
    if fmt not in EXPORT_FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; one of {', '.join(EXPORT_FORMATS)}")
    membership = (Membership.objects.filter(user=actor, organisation=organisation).select_related("organisation").first()
                  if getattr(actor, "is_authenticated", False) else None)
    if not may_export(membership):
        who = actor.get_username() if getattr(actor, "is_authenticated", False) else "this user"
        raise PermissionDenied(
            f"{who} may not export records of {organisation.slug}: export needs a member whose role "
            "sees record-level data (admin, supervisor, caseworker for own cases, data officer)"
        )
    assert membership is not None  # noqa: S101 - may_export checked it
    identified = may_export_identified(membership)
    dictionary = load_dictionary()
    local_names = list(LocalField.objects.filter(organisation=organisation).values_list("name", flat=True))
    columns = export_columns(dictionary, local_names)
    path = Path(out)
    path.parent.mkdir(parents=True, exist_ok=True)
    records = export_records(membership, identified=identified)
    header = {"organisation": organisation.slug, "exported_at": timezone.now().isoformat(),
              "identified": identified, "exported_by": actor.get_username()}
    if fmt == "htcds-csv":
        count = write_csv(path, columns, records)
    elif fmt == "htcds-json":
        count = write_json(path, records, dictionary=dictionary, header=header)
    else:
        count = write_xlsx(path, columns, records, dictionary=dictionary, about=header)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    with transaction.atomic():
        audit_record(
            action="data.export_identified" if identified else "data.export", actor=actor,
            organisation=organisation, object_type="organisation", object_id=organisation.slug,
            changes={"format": fmt, "records": count, "identified": identified, "file": path.name,
                     "sha256": digest, "attribution": dictionary.standard.attribution},
        )
    return ExportSummary(str(path), fmt, count, identified, digest)
