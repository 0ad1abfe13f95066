"""The import pages: upload -> preview and map columns -> import -> result (with the
quarantine file to correct). Thin: parse, call the engine or ``import_file``, render.

Only members whose role may import (admin, supervisor, data officer) see these pages;
others get "not found". The preview shows no cell of a direct identifier, and reasons
without their values to roles that may not see identifiers.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from tipdata.accounts.models import Membership
from tipdata.accounts.roles import Permission, role_has
from tipdata.accounts.selectors import active_membership
from tipdata.audit.services import audit_record
from tipdata.engines.intake import FORMATS, IntakeError, IntakeRun, QuarantinedRow, plan_import
from tipdata.engines.intake.mapping import META_TARGETS
from tipdata.engines.standard import load_dictionary
from tipdata.intake.models import ImportRun
from tipdata.intake.services import import_file, import_folder, local_field_specs

MAX_UPLOAD = 200 * 1024 * 1024
SESSION_KEY = "tipdata_intake_uploads"
ENTITIES = ("person", "consent", "victim_context", "case", "referral")


def _membership(request: HttpRequest) -> Membership:
    membership = active_membership(request)
    if membership is None or not role_has(membership.role, Permission.IMPORT_DATA):
        raise Http404
    return membership


def _upload(request: HttpRequest, upload_id: str) -> dict[str, Any]:
    found = request.session.get(SESSION_KEY, {}).get(upload_id)
    if not found or not Path(found["path"]).is_file():
        raise Http404
    return dict(found)


@login_required
def import_runs_view(request: HttpRequest) -> HttpResponse:
    membership = _membership(request)
    runs = ImportRun.objects.filter(organisation=membership.organisation).select_related("actor")[:50]
    return render(request, "intake/runs.html", {"runs": runs})


@login_required
def import_upload_view(request: HttpRequest) -> HttpResponse:
    membership = _membership(request)
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            messages.error(request, _("Choose a file to import."))
        elif upload.size and upload.size > MAX_UPLOAD:
            messages.error(request, _("The file is larger than 200 MB: import it with the tipdata import command."))
        else:
            upload_id = uuid.uuid4().hex
            folder = import_folder(membership.organisation) / "uploads"
            folder.mkdir(parents=True, exist_ok=True)
            suffix = "".join(c for c in Path(upload.name or "").suffix[:8] if c.isalnum() or c == ".")
            target = folder / f"{upload_id}{suffix}"
            target.touch(mode=0o600)
            with target.open("wb") as fh:
                for chunk in upload.chunks():
                    fh.write(chunk)
            fmt = request.POST.get("format", "auto")
            uploads = request.session.get(SESSION_KEY, {})
            uploads[upload_id] = {"path": str(target), "name": Path(upload.name or "upload").name[:200],
                                  "format": fmt if fmt in FORMATS else "auto"}
            request.session[SESSION_KEY] = uploads
            return redirect("intake-preview", upload_id=upload_id)
    return render(request, "intake/upload.html", {"formats": FORMATS})


def _target_choices(current: list[str]) -> list[tuple[str, str]]:
    dictionary = load_dictionary()
    choices = [("ignore", _("(do not import)")), ("key", _("submission key"))]
    choices += [(f"meta:{m}", f"case: {m.replace('_', ' ')}") for m in META_TARGETS]
    for entity in dictionary.entities:
        if entity.key in ENTITIES:
            choices += [(f.name, f"{f.htcds_name} - {f.label}") for f in entity.fields]
    known = {c for c, _label in choices}
    choices += [(c, c) for c in current if c not in known]
    return choices


@login_required
def import_preview_view(request: HttpRequest, upload_id: str) -> HttpResponse:
    membership = _membership(request)
    upload = _upload(request, upload_id)
    identified = role_has(membership.role, Permission.IDENTIFIERS_VIEW)
    try:
        plan = plan_import(upload["path"], format=upload["format"],
                           local_fields=local_field_specs(membership.organisation))
    except IntakeError as exc:
        return render(request, "intake/preview.html", {"upload": upload, "error": str(exc).replace(upload["path"], upload["name"])})
    if request.method == "POST":
        columns = {h: request.POST.get(f"target-{i}", "ignore") for i, h in enumerate(plan.table.headers)}
        keys = [h for h, t in columns.items() if t == "key"]
        mapping = {"columns": columns, "key": keys[0] if keys else None}
        dry_run = request.POST.get("dry_run") == "yes"
        try:
            summary = import_file(organisation=membership.organisation, actor=request.user, path=upload["path"],
                                  format=plan.format, mapping=mapping, dry_run=dry_run)
        except IntakeError as exc:
            messages.error(request, str(exc).replace(upload["path"], upload["name"]))
            return redirect("intake-preview", upload_id=upload_id)
        if dry_run:
            return render(request, "intake/result.html", {"summary": summary, "upload": upload, "upload_id": upload_id})
        uploads = request.session.get(SESSION_KEY, {})
        uploads.pop(upload_id, None)
        request.session[SESSION_KEY] = uploads
        Path(upload["path"]).unlink(missing_ok=True)  # the run keeps its report; the upload is not kept
        assert summary.run is not None  # noqa: S101 - a stored run has an id
        ImportRun.objects.filter(pk=summary.run).update(file_name=upload["name"])
        return redirect("intake-run", run_id=summary.run)
    sample: list[Any] = []
    run = IntakeRun(plan)
    for result in run.results():
        sample.append(result)
        if len(sample) >= 20:
            break
    quarantined = [r for r in sample if isinstance(r, QuarantinedRow)]
    reasons = [
        (str(reason) if identified else f"row {reason.row}, column {reason.column!r}: expected {reason.expected}")
        for q in quarantined for reason in q.reasons
    ]
    current = [t.spec for t in plan.mapping.columns.values()]
    rows = [
        {"index": i, "header": h, "target": t.spec, "confidence": t.confidence, "reason": t.reason,
         "check": h in plan.mapping.needs_check()}
        for i, (h, t) in enumerate(plan.mapping.columns.items())
    ]
    return render(request, "intake/preview.html", {
        "upload": upload, "upload_id": upload_id, "plan": plan, "rows": rows, "choices": _target_choices(current),
        "sample_size": len(sample), "sample_quarantined": len(quarantined), "reasons": reasons[:30],
        "notes": plan.notes + plan.table.notes,
    })


def _run_for(request: HttpRequest, run_id: int) -> tuple[Membership, ImportRun]:
    membership = _membership(request)
    run = ImportRun.objects.filter(pk=run_id, organisation=membership.organisation).first()
    if run is None:
        raise Http404
    return membership, run


@login_required
def import_run_view(request: HttpRequest, run_id: int) -> HttpResponse:
    membership, run = _run_for(request, run_id)
    may_download = run.quarantined > 0 and (run.actor_id == request.user.pk
                                           or role_has(membership.role, Permission.IDENTIFIERS_VIEW))
    return render(request, "intake/run.html", {"run": run, "may_download": may_download})


@login_required
def import_quarantine_view(request: HttpRequest, run_id: int) -> HttpResponseBase:
    """The quarantined rows hold the file's identifiers: for whoever ran the import, or roles
    that see identifiers; every download is audited."""
    membership, run = _run_for(request, run_id)
    if not (run.actor_id == request.user.pk or role_has(membership.role, Permission.IDENTIFIERS_VIEW)):
        raise Http404
    path = Path(run.quarantine_path)
    if not run.quarantined or not path.is_file():
        raise Http404
    audit_record(action="import.quarantine_download", actor=request.user, organisation=membership.organisation,
                 object_type="import_run", object_id=run.pk, changes={"rows": run.quarantined})
    name = f"{Path(run.file_name).stem}-quarantine.csv"
    return FileResponse(path.open("rb"), as_attachment=True, filename=name, content_type="text/csv")
