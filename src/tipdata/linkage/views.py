"""Reviewing duplicate candidates: per-field evidence, merge, not the same person, undo (admin)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tipdata.accounts.models import Membership
from tipdata.accounts.roles import Permission, role_has
from tipdata.accounts.selectors import active_membership
from tipdata.audit.services import audit_record
from tipdata.cases.models import CasePerson, Person
from tipdata.cases.sealing import open_values
from tipdata.keys.services import data_key_open
from tipdata.linkage.models import DuplicateCandidate, PersonMerge
from tipdata.linkage.services import candidate_not_same, persons_merge, persons_unmerge


def _membership(request: HttpRequest, permission: Permission) -> Membership:
    membership = active_membership(request)
    if membership is None or not role_has(membership.role, permission):
        raise Http404
    return membership


def _describe(person: Person, identified: bool) -> dict[str, Any]:
    out: dict[str, Any] = {"id": str(person.public_id), "attributes": person.attributes, "names": ""}
    if identified and person.wrapped_data_key is not None:
        ref = f"person:{person.public_id}"
        key = data_key_open(wrapped=bytes(person.wrapped_data_key), org_key_id=person.org_key_id, record_ref=ref)
        names = open_values({k: v for k, v in person.sealed.items() if k in ("prs_first_name", "prs_second_name")},
                            key=key, record_ref=ref)
        out["names"] = " ".join(v for v in (names.get("prs_first_name"), names.get("prs_second_name")) if v)
    link = CasePerson.objects.filter(person=person).select_related("case").first()
    out["case"] = link.case if link else None
    return out


@login_required
def candidates_view(request: HttpRequest) -> HttpResponse:
    # Reviewing needs the names side by side: roles that may see identifiers of all cases.
    membership = _membership(request, Permission.CASE_VIEW_ALL)
    identified = role_has(membership.role, Permission.IDENTIFIERS_VIEW)
    page = Paginator(
        DuplicateCandidate.objects.filter(organisation=membership.organisation, status="open")
        .select_related("person_a", "person_b"), 20,
    ).get_page(request.GET.get("page"))
    rows = [{"candidate": c, "a": _describe(c.person_a, identified), "b": _describe(c.person_b, identified)}
            for c in page.object_list]
    if rows and identified:
        audit_record(action="dedupe.review_read", actor=request.user, organisation=membership.organisation,
                     changes={"pairs_shown": len(rows)})
    merges = PersonMerge.objects.filter(organisation=membership.organisation).select_related("kept", "merged").order_by("-merged_at")[:50]
    return render(request, "linkage/candidates.html", {
        "rows": rows, "page": page, "merges": merges,
        "may_undo": role_has(membership.role, Permission.USERS_MANAGE),
    })


@login_required
@require_POST
def candidate_decide_view(request: HttpRequest, pk: int) -> HttpResponse:
    membership = _membership(request, Permission.CASE_VIEW_ALL)
    candidate = DuplicateCandidate.objects.filter(organisation=membership.organisation, pk=pk, status="open").first()
    if candidate is None:
        raise Http404
    decision = request.POST.get("decision")
    if decision in ("merge_a", "merge_b"):
        persons_merge(candidate=candidate, actor=request.user, keep=decision[-1])
        messages.success(request, _("Merged. An admin can undo the merge."))
    elif decision == "not_same":
        candidate_not_same(candidate=candidate, actor=request.user)
        messages.success(request, _("Marked as not the same person; this pair will not be proposed again."))
    return redirect("dedupe-candidates")


@login_required
@require_POST
def merge_undo_view(request: HttpRequest, pk: int) -> HttpResponse:
    membership = _membership(request, Permission.USERS_MANAGE)  # admins only
    merge = PersonMerge.objects.filter(organisation=membership.organisation, pk=pk).first()
    if merge is None:
        raise Http404
    try:
        persons_unmerge(merge=merge, actor=request.user)
        messages.success(request, _("Merge undone: both records are separate again."))
    except ValidationError as exc:
        messages.error(request, "; ".join(exc.messages))
    return redirect("dedupe-candidates")


def _participant(membership: Membership, project_id: int) -> Any:
    from tipdata.linkage.models import LinkageParticipant

    participant = LinkageParticipant.objects.filter(project_id=project_id, organisation=membership.organisation) \
        .select_related("project", "organisation").first()
    if participant is None:
        raise Http404
    return participant


@login_required
def projects_view(request: HttpRequest) -> HttpResponse:
    from tipdata.accounts.models import Organisation
    from tipdata.linkage.models import LinkageParticipant
    from tipdata.linkage.projects import project_create

    membership = _membership(request, Permission.LINKAGE_MANAGE)
    if request.method == "POST":
        invite = list(Organisation.objects.filter(slug__in=request.POST.getlist("invite")))
        try:
            project = project_create(organisation=membership.organisation, actor=request.user,
                                     name=request.POST.get("name", ""), invite=invite)
        except ValidationError as exc:
            messages.error(request, "; ".join(exc.messages))
        else:
            return redirect("linkage-project", pk=project.pk)
    mine = LinkageParticipant.objects.filter(organisation=membership.organisation).select_related("project")
    return render(request, "linkage/projects.html", {
        "participations": mine,
        "organisations": Organisation.objects.exclude(pk=membership.organisation_id).order_by("name"),
    })


@login_required
def project_view(request: HttpRequest, pk: int) -> HttpResponse:
    from tipdata.engines.estimation import EstimationError, estimate_population, parse_capture_csv
    from tipdata.linkage.projects import encodings_upload, overlaps_csv, project_join, project_match

    membership = _membership(request, Permission.LINKAGE_MANAGE)
    participant = _participant(membership, pk)
    project = participant.project
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "join":
                project_join(participant=participant, actor=request.user)
            elif action == "upload" and (upload := request.FILES.get("encodings")) is not None:
                n = encodings_upload(participant=participant, actor=request.user, content=upload.read(),
                                     filename=upload.name or "upload")
                messages.success(request, _("Uploaded encodings of %(n)s persons.") % {"n": n})
            elif action == "match" and project.created_by_organisation_id == membership.organisation_id:
                project_match(project=project, actor=request.user)
                messages.success(request, _("Lists matched."))
        except ValidationError as exc:
            messages.error(request, "; ".join(exc.messages))
        return redirect("linkage-project", pk=pk)
    context: dict[str, Any] = {"project": project, "participant": participant,
                               "participants": project.participants.select_related("organisation"),
                               "may_match": project.created_by_organisation_id == membership.organisation_id}
    if project.overlaps:
        csv_text = overlaps_csv(project)
        context["overlaps_csv"] = csv_text
        try:
            context["estimate"] = estimate_population(parse_capture_csv(csv_text), method="stepwise")
        except EstimationError as exc:
            context["estimate_error"] = str(exc)
    return render(request, "linkage/project.html", context)
