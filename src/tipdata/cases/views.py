"""The caseworker's pages: case list with search, case page, new case. Thin: parse, call, render."""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from tipdata.accounts.models import Organisation
from tipdata.accounts.roles import Permission, role_has
from tipdata.accounts.selectors import active_membership
from tipdata.cases import selectors
from tipdata.cases.models import CaseStatus, Consent, ConsentMethod, ConsentPurpose
from tipdata.cases.services import (
    ConsentRequiredError,
    EditConflictError,
    case_comment_add,
    case_create,
    case_person_add,
    case_update,
    consent_record,
    consent_withdraw,
    person_create,
    referral_create,
    support_plan_add,
    trafficking_event_add,
)
from tipdata.engines.standard import load_dictionary


def _choices(field_name: str, lang: str) -> list[tuple[str, str]]:
    return list(_dictionary_choices(field_name, lang))


@lru_cache(maxsize=512)
def _dictionary_choices(field_name: str, lang: str) -> tuple[tuple[str, str], ...]:
    """A picklist's codes and labels in a language (the dictionary is read once per process)."""
    fld = load_dictionary().field(field_name)
    return tuple((v.code, str(v.label_for(lang))) for v in fld.values)


class CaseSearchForm(forms.Form):
    name = forms.CharField(required=False, label=_("Name or ID number"))
    status = forms.ChoiceField(required=False, choices=[("", "—"), *CaseStatus.choices], label=_("Status"))
    exploitation_type = forms.ChoiceField(required=False, label=_("Type of exploitation"))
    registered_from = forms.DateField(required=False, label=_("Registered from"), widget=forms.DateInput(attrs={"type": "date"}))
    registered_to = forms.DateField(required=False, label=_("Registered to"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, lang: str = "en", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["exploitation_type"].choices = [("", "—"), *_choices("vic_TypeOfExploitation", lang)]  # type: ignore[attr-defined]


class NewCaseForm(forms.Form):
    first_name = forms.CharField(label=_("Given name"), max_length=200)
    second_name = forms.CharField(label=_("Family name"), max_length=200, required=False)
    birthdate = forms.DateField(label=_("Date of birth"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    gender = forms.ChoiceField(label=_("Gender"))
    citizenship = forms.ChoiceField(label=_("Citizenship"))
    type_of_exploitation = forms.MultipleChoiceField(label=_("Type of exploitation"), required=False,
                                                     widget=forms.CheckboxSelectMultiple)
    methods_of_control = forms.MultipleChoiceField(label=_("Methods of control"), required=False,
                                                   widget=forms.CheckboxSelectMultiple)
    registered_on = forms.DateField(label=_("Registered on"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, lang: str = "en", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        dictionary = load_dictionary()
        for form_name, dict_name in (("gender", "prs_Gender"), ("citizenship", "prs_Citizenship"),
                                     ("type_of_exploitation", "vic_TypeOfExploitation"),
                                     ("methods_of_control", "vic_MethodsOfControl")):
            fld = dictionary.field(dict_name)
            self.fields[form_name].choices = _choices(dict_name, lang)  # type: ignore[attr-defined]
            self.fields[form_name].help_text = (fld.definition or fld.description or "")[:300]
        self.fields["registered_on"].initial = timezone.now().date()


@login_required
def case_list_view(request: HttpRequest) -> HttpResponse:
    membership = active_membership(request)
    if membership is None or not (role_has(membership.role, Permission.CASE_VIEW_OWN) or role_has(membership.role, Permission.DEID_VIEW)):
        raise Http404
    lang = request.LANGUAGE_CODE
    # Search criteria travel only by POST and are kept nowhere on the server: a name must
    # never appear in a URL (access logs, browser history and Referer headers keep it), nor
    # in the session table, which is signed but not encrypted. The POST answers with the
    # results (one round trip, which matters on a slow connection); the pager of a search
    # posts the criteria again with the page wanted.
    if request.method == "POST":
        form = CaseSearchForm(request.POST, lang=lang)
        page_number = request.POST.get("page") or 1
    else:
        form = CaseSearchForm(lang=lang)
        page_number = request.GET.get("page") or 1
    search = selectors.CaseSearch(**form.cleaned_data) if form.is_bound and form.is_valid() else selectors.CaseSearch()
    searching = any(str(v) for v in vars(search).values() if v is not None)
    page = selectors.case_list_page(membership, search, page_number)
    names = selectors.case_victim_names(list(page.object_list), membership)
    # The rows are made here, not in the template: on the busiest page the template's
    # per-row URL reversing and label filters cost more than the database.
    detail = reverse("case-detail", args=["00000000-0000-0000-0000-000000000000"]).replace(
        "00000000-0000-0000-0000-000000000000/", "")
    statuses = dict(CaseStatus.choices)
    types = dict(_dictionary_choices("vic_TypeOfExploitation", lang))
    rows = [{
        "href": f"{detail}{case.public_id}/", "reference": case.reference, "victim": names.get(case.id, ""),
        "status": statuses.get(case.status, case.status), "registered_on": case.registered_on.isoformat(),
        "types": ", ".join(types.get(code, code) for code in case.exploitation_type_list),
    } for case in page.object_list]
    if names or search.name:
        # A page of names is a read of identifying data: audited like opening a case, with
        # the cases shown (never the names or the words searched for).
        from tipdata.audit.services import audit_record

        audit_record(action="case.search_by_name" if search.name else "case.list_identified", actor=request.user,
                     organisation=membership.organisation, object_type="case",
                     changes={"channel": "web", "results": f"more than {page.cap}" if page.capped else page.count,
                              "page": page.number,
                              "cases": [str(case.public_id) for case in page.object_list] if names else []},
                     ip_address=str(request.META.get("REMOTE_ADDR", "")))
    return render(request, "cases/list.html", {
        "form": form, "page": page, "rows": rows, "show_names": bool(names), "searching": searching,
        "criteria": [(name, form.data.get(name, "")) for name in CaseSearchForm.base_fields] if searching else [],
        "may_create": role_has(membership.role, Permission.CASE_EDIT),
    })


@login_required
def case_detail_view(request: HttpRequest, public_id: str) -> HttpResponse:
    membership = active_membership(request)
    try:
        case = selectors.case_get(membership, public_id)
    except selectors.CaseNotFound as exc:
        raise Http404 from exc
    assert membership is not None
    view = selectors.case_read(membership, case, channel="web", actor=request.user,
                               ip=str(request.META.get("REMOTE_ADDR", "")))
    return render(request, "cases/detail.html", {
        "view": view, "statuses": CaseStatus.choices, "purposes": ConsentPurpose.choices, "methods": ConsentMethod.choices,
        "partners": Organisation.objects.exclude(pk=case.organisation_id).order_by("name"),
        "may_edit": role_has(membership.role, Permission.CASE_EDIT),
        "may_consent": role_has(membership.role, Permission.CONSENT_RECORD),
        "may_refer": role_has(membership.role, Permission.REFERRAL_MAKE),
        "may_erase": role_has(membership.role, Permission.RETENTION_MANAGE),
        "plan_types": _choices("spl_Type", request.LANGUAGE_CODE),
        "event_types": _choices("hte_Type", request.LANGUAGE_CODE),
        "perpetrator_roles": _choices("per_RoleInProcess", request.LANGUAGE_CODE),
        "genders": _choices("prs_Gender", request.LANGUAGE_CODE),
    })


@login_required
def case_create_view(request: HttpRequest) -> HttpResponse:
    membership = active_membership(request)
    if membership is None or not role_has(membership.role, Permission.CASE_EDIT):
        raise Http404
    form = NewCaseForm(request.POST or None, lang=request.LANGUAGE_CODE)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        birth: date | None = data["birthdate"]
        try:
            with transaction.atomic():
                person = person_create(organisation=membership.organisation, actor=request.user, values={
                    "prs_FirstName": data["first_name"], "prs_SecondName": data["second_name"],
                    "prs_Birthdate": birth, "prs_Gender": data["gender"], "prs_Citizenship": [data["citizenship"]],
                })
                case = case_create(
                    organisation=membership.organisation, actor=request.user, victim=person,
                    registered_on=data["registered_on"], assign_to=request.user,
                    victim_context={"vic_TypeOfExploitation": data["type_of_exploitation"],
                                    "vic_MethodsOfControl": data["methods_of_control"]},
                )
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            return redirect("case-detail", public_id=case.public_id)
    return render(request, "cases/new.html", {"form": form})


def _case_for_action(request: HttpRequest, public_id: str, permission: Permission) -> tuple[Any, Any]:
    membership = active_membership(request)
    try:
        case = selectors.case_get(membership, public_id)
    except selectors.CaseNotFound as exc:
        raise Http404 from exc
    assert membership is not None
    if not role_has(membership.role, permission):
        raise Http404
    return membership, case


@login_required
@require_POST
def case_status_view(request: HttpRequest, public_id: str) -> HttpResponse:
    _membership, case = _case_for_action(request, public_id, Permission.CASE_EDIT)
    try:
        closed = request.POST.get("closed_on") or None
        case_update(case=case, actor=request.user, expected_version=int(request.POST.get("version", "0")),
                    status=request.POST.get("status") or None,
                    closed_on=date.fromisoformat(closed) if closed else None)
        messages.success(request, _("Case saved."))
    except EditConflictError as exc:
        messages.error(request, str(exc))
    except (ValidationError, ValueError) as exc:
        messages.error(request, "; ".join(getattr(exc, "messages", [str(exc)])))
    return redirect("case-detail", public_id=case.public_id)


@login_required
@require_POST
def case_consent_view(request: HttpRequest, public_id: str) -> HttpResponse:
    membership, case = _case_for_action(request, public_id, Permission.CONSENT_RECORD)
    person = case.case_persons.filter(person__public_id=request.POST.get("person", "")).select_related("person").first()
    if person is None:
        raise Http404
    try:
        if request.POST.get("withdraw"):
            consent = Consent.objects.filter(person=person.person, pk=request.POST.get("withdraw", ""),
                                             withdrawn_at__isnull=True).first()
            if consent is None:
                raise Http404
            consent_withdraw(consent=consent, actor=request.user)
            messages.success(request, _("Consent withdrawn. It takes effect at once."))
        else:
            target = Organisation.objects.filter(slug=request.POST.get("target", "")).first()
            consent_record(person=person.person, actor=request.user, purpose=request.POST.get("purpose", ""),
                           method=request.POST.get("method", ""), target_organisation=target)
            messages.success(request, _("Consent recorded."))
    except ValidationError as exc:
        messages.error(request, "; ".join(exc.messages))
    return redirect("case-detail", public_id=case.public_id)


@login_required
@require_POST
def case_referral_view(request: HttpRequest, public_id: str) -> HttpResponse:
    _membership, case = _case_for_action(request, public_id, Permission.REFERRAL_MAKE)
    partner = Organisation.objects.filter(slug=request.POST.get("partner", "")).exclude(pk=case.organisation_id).first()
    if partner is None:
        messages.error(request, _("Choose the organisation to refer to."))
        return redirect("case-detail", public_id=case.public_id)
    try:
        referral_create(case=case, actor=request.user, partner=partner,
                        referred_on=date.fromisoformat(request.POST.get("referred_on") or timezone.now().date().isoformat()))
        messages.success(request, _("Referral recorded."))
    except (ConsentRequiredError, ValidationError) as exc:
        messages.error(request, "; ".join(getattr(exc, "messages", [str(exc)])))
    except ValueError:
        messages.error(request, _("The referral date must be a date (YYYY-MM-DD)."))
    return redirect("case-detail", public_id=case.public_id)


@login_required
@require_POST
def case_comment_view(request: HttpRequest, public_id: str) -> HttpResponse:
    _membership, case = _case_for_action(request, public_id, Permission.CASE_EDIT)
    try:
        case_comment_add(case=case, actor=request.user, text=request.POST.get("text", ""))
    except ValidationError as exc:
        messages.error(request, "; ".join(exc.messages))
    return redirect("case-detail", public_id=case.public_id)


@login_required
def retention_view(request: HttpRequest) -> HttpResponse:
    """Admins set the retention rule, see what has expired, and erase it."""
    from tipdata.cases.retention import persons_due, retention_apply, retention_rule_set

    membership = active_membership(request)
    if membership is None or not role_has(membership.role, Permission.RETENTION_MANAGE):
        raise Http404
    org = membership.organisation
    if request.method == "POST":
        try:
            if request.POST.get("years"):
                retention_rule_set(organisation=org, actor=request.user, years=int(request.POST["years"]))
                messages.success(request, _("Retention rule saved."))
            elif request.POST.get("apply") == "yes" and request.POST.get("confirm") == "ERASE":
                report = retention_apply(organisation=org, actor=request.user, today=timezone.now().date())
                messages.success(request, _("Erased %(n)s person(s) whose retention had expired.") % {"n": report.erased})
            else:
                messages.error(request, _("Type ERASE to confirm: erasure cannot be undone."))
        except ValueError as exc:
            messages.error(request, str(exc))
        return redirect("retention")
    from tipdata.cases.models import RetentionRule

    rule = RetentionRule.objects.filter(organisation=org).first()
    due = persons_due(org, timezone.now().date())
    return render(request, "cases/retention.html", {"rule": rule, "due": len(due)})


@login_required
@require_POST
def person_erase_view(request: HttpRequest, public_id: str) -> HttpResponse:
    """An admin erases one person now (for example at their request)."""
    _membership, case = _case_for_action(request, public_id, Permission.RETENTION_MANAGE)
    link = case.case_persons.filter(person__public_id=request.POST.get("person", "")).select_related("person").first()
    if link is None:
        raise Http404
    if request.POST.get("confirm") != "ERASE":
        messages.error(request, _("Type ERASE to confirm: erasure cannot be undone."))
    else:
        reason = request.POST.get("reason", "").strip() or "erased on request"
        from tipdata.cases.services import person_erase

        person_erase(person=link.person, actor=request.user, reason=reason[:200])
        messages.success(request, _("The person's identifiers were erased. Coded statistics remain."))
    return redirect("case-detail", public_id=case.public_id)


def _values_from_post(request: HttpRequest, names: list[str]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name in names:
        many = request.POST.getlist(name)
        values[name] = many if len(many) > 1 else (many[0] if many else "")
    return values


def _case_write(request: HttpRequest, public_id: str, write: Any, done: Any) -> HttpResponse:
    """Run one case-page write for a role that may edit; show its error or ``done``; back to the case."""
    _membership, case = _case_for_action(request, public_id, Permission.CASE_EDIT)
    try:
        write(case)
        messages.success(request, done)
    except ValidationError as exc:
        messages.error(request, "; ".join(exc.messages))
    return redirect("case-detail", public_id=case.public_id)


@login_required
@require_POST
def case_plan_view(request: HttpRequest, public_id: str) -> HttpResponse:
    names = ["spl_Type", "spl_Objectives", "spl_ActionPlan", "spl_PlannedEndDate", "spl_ActualEndDate"]
    return _case_write(request, public_id, lambda case: support_plan_add(
        case=case, actor=request.user, values=_values_from_post(request, names)), _("Support plan added."))


@login_required
@require_POST
def case_event_view(request: HttpRequest, public_id: str) -> HttpResponse:
    names = ["hte_Type", "hte_Country", "hte_City", "hte_Date", "hte_Description"]
    return _case_write(request, public_id, lambda case: trafficking_event_add(
        case=case, actor=request.user, values=_values_from_post(request, names)), _("Event added."))


@login_required
@require_POST
def case_person_view(request: HttpRequest, public_id: str) -> HttpResponse:
    return _case_write(request, public_id, lambda case: case_person_add(
        case=case, actor=request.user, role=request.POST.get("role", "perpetrator"),
        values=_values_from_post(request, ["prs_FirstName", "prs_SecondName", "prs_Gender"]),
        context={"per_RoleInProcess": request.POST.getlist("per_RoleInProcess"),
                 "per_RoleDetails": request.POST.get("per_RoleDetails", "")},
    ), _("Person added to the case."))
