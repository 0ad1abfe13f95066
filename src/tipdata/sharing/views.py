"""Release pages for data officers and admins: create, read the report, approve, download, share."""

from __future__ import annotations

import json
import mimetypes
from datetime import date
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tipdata.accounts.models import Membership
from tipdata.accounts.roles import Permission, role_has
from tipdata.accounts.selectors import active_membership
from tipdata.audit.services import audit_record
from tipdata.sharing.models import Release
from tipdata.sharing.services import agreement_record, budget_for, release_approve, release_create


def _membership(request: HttpRequest, permission: Permission) -> Membership:
    membership = active_membership(request)
    if membership is None or not role_has(membership.role, permission):
        raise Http404
    return membership


def _release(membership: Membership, pk: int) -> Release:
    release = Release.objects.filter(organisation=membership.organisation, pk=pk).first()
    if release is None:
        raise Http404
    return release


@login_required
def release_list_view(request: HttpRequest) -> HttpResponse:
    membership = _membership(request, Permission.DEID_VIEW)
    may_create = role_has(membership.role, Permission.RELEASE_CREATE)
    if request.method == "POST":
        if not may_create:
            raise Http404
        out = Path(settings.VAR_DIR) / "releases" / membership.organisation.slug / timezone.now().strftime("%Y%m%dT%H%M%S")
        try:
            release = release_create(
                organisation=membership.organisation, actor=request.user, k=int(request.POST.get("k", "11")),
                epsilon=float(request.POST.get("epsilon", "1.0")), out_dir=out, fmt=request.POST.get("format", "ctdc"),
            )
        except (ValidationError, ValueError) as exc:
            messages.error(request, "; ".join(getattr(exc, "messages", [str(exc)])))
        else:
            return redirect("release-detail", pk=release.pk)
    return render(request, "sharing/list.html", {
        "releases": Release.objects.filter(organisation=membership.organisation),
        "budget": budget_for(membership.organisation), "may_create": may_create,
    })


@login_required
def release_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    membership = _membership(request, Permission.DEID_VIEW)
    release = _release(membership, pk)
    files = list(release.manifest.get("files", []))
    report_path = Path(release.out_dir) / "report.json"
    report = json.loads(report_path.read_text()) if report_path.is_file() else {}
    return render(request, "sharing/detail.html", {
        "release": release, "files": files, "privacy": release.manifest.get("privacy", {}),
        "records": report.get("records", {}), "kanon": report.get("k_anonymity", {}),
        "comparison": report.get("comparison_with_suppression_only", {}),
        "may_approve": role_has(membership.role, Permission.RELEASE_APPROVE),
        "may_share": role_has(membership.role, Permission.RELEASE_CREATE),
    })


@login_required
@require_POST
def release_approve_view(request: HttpRequest, pk: int) -> HttpResponse:
    membership = _membership(request, Permission.RELEASE_APPROVE)
    release_approve(release=_release(membership, pk), actor=request.user)
    messages.success(request, _("Release approved: its files can now be downloaded."))
    return redirect("release-detail", pk=pk)


@login_required
@require_POST
def release_share_view(request: HttpRequest, pk: int) -> HttpResponse:
    membership = _membership(request, Permission.RELEASE_CREATE)
    release = _release(membership, pk)
    try:
        agreement_record(release=release, actor=request.user, recipient=request.POST.get("recipient", ""),
                         terms=request.POST.get("terms", ""),
                         valid_until=date.fromisoformat(request.POST.get("valid_until", "")))
        messages.success(request, _("Sharing agreement recorded."))
    except ValidationError as exc:
        messages.error(request, "; ".join(exc.messages))
    except ValueError:
        messages.error(request, _("Give the end date of the agreement as a date."))
    return redirect("release-detail", pk=pk)


@login_required
def release_file_view(request: HttpRequest, pk: int, name: str) -> FileResponse:
    membership = _membership(request, Permission.DEID_VIEW)
    release = _release(membership, pk)
    if release.status != Release.Status.APPROVED:
        raise Http404
    listed = {f["path"] for f in release.manifest.get("files", [])}
    if name not in listed:
        raise Http404
    root = Path(release.out_dir).resolve()
    path = (root / name).resolve()
    if root not in path.parents or not path.is_file():
        raise Http404
    audit_record(action="release.download", actor=request.user, organisation=membership.organisation,
                 object_type="release", object_id=release.pk, changes={"file": name})
    content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return FileResponse(path.open("rb"), as_attachment=True, filename=path.name, content_type=content_type)
