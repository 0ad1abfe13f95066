"""Linkage projects across organisations: invite, join, upload encodings, match, estimate.

The hub (this installation) only ever holds encodings: each organisation encodes its own
persons with a secret shared among the agencies and never given to the hub
(`tipdata link encode --org SLUG --secret-file S`), then uploads the file.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from tipdata.accounts.models import Organisation
from tipdata.audit.services import audit_record
from tipdata.engines.linkage.match import EncodingFileError, MatchSpec, load_encodings, match_lists
from tipdata.linkage.models import LinkageParticipant, LinkageProject

MAX_ENCODING_BYTES = 300 * 1024 * 1024


def project_create(*, organisation: Organisation, actor: Any, name: str, invite: list[Organisation]) -> LinkageProject:
    if not name.strip():
        raise ValidationError("give the project a name")
    with transaction.atomic():
        project = LinkageProject.objects.create(name=name.strip(), created_by_organisation=organisation)
        LinkageParticipant.objects.create(project=project, organisation=organisation, joined=True)
        for other in invite:
            if other.pk != organisation.pk:
                LinkageParticipant.objects.get_or_create(project=project, organisation=other)
        audit_record(action="linkage_project.create", actor=actor, organisation=organisation, object_type="linkage_project",
                     object_id=project.pk, changes={"invited": sorted(o.slug for o in invite)})
    return project


def project_join(*, participant: LinkageParticipant, actor: Any) -> None:
    with transaction.atomic():
        participant.joined = True
        participant.save(update_fields=["joined"])
        audit_record(action="linkage_project.join", actor=actor, organisation=participant.organisation,
                     object_type="linkage_project", object_id=participant.project_id)


def encodings_upload(*, participant: LinkageParticipant, actor: Any, content: bytes, filename: str) -> int:
    """Store an organisation's encoding file after checking it is one (and holds no plaintext fields)."""
    if not participant.joined:
        raise ValidationError("join the project before uploading")
    if len(content) > MAX_ENCODING_BYTES:
        raise ValidationError(f"{filename}: {len(content)} bytes; at most {MAX_ENCODING_BYTES} allowed")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "upload.enc"
        path.write_bytes(content)
        try:
            encoded = load_encodings(path)
        except EncodingFileError as exc:
            raise ValidationError(str(exc).replace(str(path), filename)) from exc
    document = json.loads(content)
    document["list_name"] = participant.organisation.slug
    with transaction.atomic():
        participant.encodings = document
        participant.persons = len(encoded.ids)
        participant.uploaded_at = timezone.now()
        participant.save(update_fields=["encodings", "persons", "uploaded_at"])
        audit_record(action="linkage_project.upload", actor=actor, organisation=participant.organisation,
                     object_type="linkage_project", object_id=participant.project_id,
                     changes={"persons": len(encoded.ids)})
    return len(encoded.ids)


def project_match(*, project: LinkageProject, actor: Any) -> LinkageProject:
    """Match every uploaded list; keep the overlap table and the band report, never the pairs."""
    ready = [p for p in project.participants.select_related("organisation") if p.encodings]
    if len(ready) < 2:
        raise ValidationError("at least two organisations must upload encodings before matching")
    with tempfile.TemporaryDirectory() as tmp:
        lists = []
        taken: set[str] = set()
        for participant in ready:
            path = Path(tmp) / f"{participant.organisation.slug}.enc"
            path.write_text(json.dumps(participant.encodings))
            lists.append(load_encodings(path, taken, packed=True))
        try:
            result = match_lists(lists, MatchSpec(threshold=project.threshold))
        except EncodingFileError as exc:
            raise ValidationError(str(exc).replace(tmp + "/", "")) from exc
    with transaction.atomic():
        project.overlaps = {"lists": result.lists, "rows": result.capture_histories}
        project.match_report = result.report
        project.matched_at = timezone.now()
        project.save(update_fields=["overlaps", "match_report", "matched_at"])
        audit_record(action="linkage_project.match", actor=actor, organisation=None, object_type="linkage_project",
                     object_id=project.pk, changes={"lists": result.lists}, actor_username="" if actor else "cli")
    return project


def overlaps_csv(project: LinkageProject) -> str:
    """The overlap table in the layout `tipdata estimate` and the estimation page read."""
    assert project.overlaps is not None
    lists = project.overlaps["lists"]
    lines = [",".join([*lists, "count"])]
    for row in project.overlaps["rows"]:
        lines.append(",".join(str(row[name]) for name in [*lists, "count"]))
    return "\n".join(lines) + "\n"
