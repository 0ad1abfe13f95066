"""Case, person and consent endpoints: the same selectors and services as the web app."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from drf_spectacular.utils import OpenApiTypes, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.exceptions import ValidationError as DRFValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from tipdata.accounts.models import Membership
from tipdata.accounts.roles import Permission, role_has
from tipdata.accounts.selectors import memberships_for
from tipdata.cases import selectors
from tipdata.cases.models import Case, ConsentMethod, ConsentPurpose, Person
from tipdata.cases.services import (
    ConsentRequiredError,
    EditConflictError,
    case_create,
    case_update,
    consent_record,
    person_create,
)


def _membership(request: Request) -> Membership:
    """The organisation the API caller acts for: ``X-Organisation: slug`` or their only one."""
    found = memberships_for(request.user)
    wanted = request.headers.get("X-Organisation")
    if wanted:
        found = [m for m in found if m.organisation.slug == wanted]
    if len(found) != 1:
        raise NotFound("no such organisation for this user" if wanted else
                       "say which organisation you act for with the X-Organisation header")
    return found[0]


def _require(membership: Membership, permission: Permission) -> None:
    if not role_has(membership.role, permission):
        raise PermissionDenied(f"your role ({membership.role}) may not do this")


def _validation(exc: ValidationError) -> DRFValidationError:
    return DRFValidationError({"errors": exc.messages})


def _case_summary(case: Case) -> dict[str, Any]:
    return {"id": str(case.public_id), "reference": case.reference, "status": case.status,
            "registered_on": case.registered_on, "closed_on": case.closed_on, "version": case.version,
            "exploitation_types": case.exploitation_type_list}


def _case_detail(view: selectors.CaseView) -> dict[str, Any]:
    out = _case_summary(view.case)
    out["attributes"] = view.case.attributes
    out["narratives"] = view.narratives
    out["persons"] = [
        {"id": p.public_id, "role": p.role, "attributes": p.attributes, "context": p.context,
         "identifiers": p.identifiers, "erased": p.erased,
         "consents": [{k: v for k, v in c.items() if k != "id"} for c in p.consents]}
        for p in view.persons
    ]
    out["identified"] = view.identified
    return out


class CaseCreateSerializer(serializers.Serializer):
    victim = serializers.DictField(help_text="HTCDS prs_ values, e.g. prs_FirstName, prs_Birthdate, prs_Gender")
    victim_context = serializers.DictField(required=False, help_text="HTCDS vic_ values")
    registered_on = serializers.DateField()
    status = serializers.CharField(required=False, default="Active")


class CaseUpdateSerializer(serializers.Serializer):
    version = serializers.IntegerField(help_text="the version you read; a newer one on the server is a conflict")
    status = serializers.CharField(required=False)
    closed_on = serializers.DateField(required=False)
    values = serializers.DictField(required=False)


class ConsentSerializer(serializers.Serializer):
    purpose = serializers.ChoiceField(choices=ConsentPurpose.values)
    method = serializers.ChoiceField(choices=ConsentMethod.values)
    target_organisation = serializers.CharField(required=False, help_text="slug, for referral consent")


class CaseListView(APIView):
    @extend_schema(responses=OpenApiTypes.OBJECT, summary="Cases the caller may see (filters: status, type, from, to)")
    def get(self, request: Request) -> Response:
        membership = _membership(request)
        search = selectors.CaseSearch(
            status=request.query_params.get("status", ""),
            exploitation_type=request.query_params.get("type", ""),
            registered_from=_date_param(request, "from"), registered_to=_date_param(request, "to"),
        )
        if "name" in request.query_params:
            raise DRFValidationError({"name": "search by name with POST /api/v1/cases/search/ so names stay out of URLs and logs"})
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(selectors.case_list(membership, search), request, view=self)
        return paginator.get_paginated_response([_case_summary(c) for c in page or []])

    @extend_schema(request=CaseCreateSerializer, responses=OpenApiTypes.OBJECT, summary="Open a case with its victim")
    def post(self, request: Request) -> Response:
        membership = _membership(request)
        _require(membership, Permission.CASE_EDIT)
        data = _valid(CaseCreateSerializer, request)
        try:
            with transaction.atomic():
                person = person_create(organisation=membership.organisation, actor=request.user, values=data["victim"])
                case = case_create(organisation=membership.organisation, actor=request.user, victim=person,
                                   registered_on=data["registered_on"], status=data["status"],
                                   victim_context=data.get("victim_context") or {}, assign_to=request.user)
        except ValidationError as exc:
            raise _validation(exc) from exc
        view = selectors.case_read(membership, case, channel="api", actor=request.user)
        return Response(_case_detail(view), status=status.HTTP_201_CREATED)


class CaseSearchView(APIView):
    @extend_schema(request=OpenApiTypes.OBJECT, responses=OpenApiTypes.OBJECT, summary="Find cases by a person's name or ID number")
    def post(self, request: Request) -> Response:
        membership = _membership(request)
        name = str(request.data.get("name", "")).strip()
        if not name:
            raise DRFValidationError({"name": "required"})
        cases = list(selectors.case_list(membership, selectors.CaseSearch(name=name))[:100])
        from tipdata.audit.services import audit_record

        audit_record(action="case.search_by_name", actor=request.user, organisation=membership.organisation,
                     changes={"channel": "api", "results": len(cases)})
        return Response({"results": [_case_summary(c) for c in cases]})


class CaseDetailView(APIView):
    def _get(self, request: Request, public_id: str) -> tuple[Membership, Case]:
        membership = _membership(request)
        try:
            return membership, selectors.case_get(membership, public_id)
        except selectors.CaseNotFound as exc:
            raise NotFound() from exc

    @extend_schema(responses=OpenApiTypes.OBJECT, summary="One case with its persons (identifiers for roles allowed)")
    def get(self, request: Request, public_id: str) -> Response:
        membership, case = self._get(request, public_id)
        return Response(_case_detail(selectors.case_read(membership, case, channel="api", actor=request.user)))

    @extend_schema(request=CaseUpdateSerializer, responses=OpenApiTypes.OBJECT, summary="Change a case (optimistic locking)")
    def patch(self, request: Request, public_id: str) -> Response:
        membership, case = self._get(request, public_id)
        _require(membership, Permission.CASE_EDIT)
        data = _valid(CaseUpdateSerializer, request)
        try:
            case = case_update(case=case, actor=request.user, expected_version=data["version"],
                               status=data.get("status"), closed_on=data.get("closed_on"),
                               case_values=data.get("values"))
        except EditConflictError as exc:
            return Response({"detail": str(exc), "current_version": Case.objects.get(pk=case.pk).version},
                            status=status.HTTP_409_CONFLICT)
        except ValidationError as exc:
            raise _validation(exc) from exc
        return Response(_case_summary(case))


class PersonConsentView(APIView):
    @extend_schema(request=ConsentSerializer, responses=OpenApiTypes.OBJECT, summary="Record a person's consent for a purpose")
    def post(self, request: Request, public_id: str) -> Response:
        membership = _membership(request)
        _require(membership, Permission.CONSENT_RECORD)
        visible = selectors.cases_visible(membership)
        person = Person.objects.filter(public_id=_uuid_or_404(public_id), case_links__case__in=visible).first()
        if person is None:
            raise NotFound()
        data = _valid(ConsentSerializer, request)
        target = None
        if data.get("target_organisation"):
            from tipdata.accounts.selectors import organisation_by_slug

            target = organisation_by_slug(data["target_organisation"])
            if target is None:
                raise DRFValidationError({"target_organisation": f"no organisation {data['target_organisation']!r}"})
        try:
            consent = consent_record(person=person, actor=request.user, purpose=data["purpose"],
                                     method=data["method"], target_organisation=target)
        except (ValidationError, ConsentRequiredError) as exc:
            raise DRFValidationError({"errors": [str(exc)]}) from exc
        return Response({"id": consent.pk, "purpose": consent.purpose, "method": consent.method},
                        status=status.HTTP_201_CREATED)


def _valid(serializer_class: type[serializers.Serializer], request: Request) -> dict[str, Any]:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def _date_param(request: Request, name: str) -> date | None:
    raw = request.query_params.get(name)
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError as exc:
        raise DRFValidationError({name: f"{raw!r} is not a date (YYYY-MM-DD)"}) from exc


def _uuid_or_404(value: str) -> str:
    import uuid

    try:
        return str(uuid.UUID(value))
    except ValueError as exc:
        raise NotFound() from exc


def _visible_person(membership: Membership, public_id: str) -> Person:
    person = Person.objects.filter(public_id=_uuid_or_404(public_id),
                                   case_links__case__in=selectors.cases_visible(membership)).first()
    if person is None:
        raise NotFound()
    return person


class PersonDetailView(APIView):
    @extend_schema(responses=OpenApiTypes.OBJECT, summary="One person (identifiers for roles allowed; the read is audited)")
    def get(self, request: Request, public_id: str) -> Response:
        from tipdata.audit.services import audit_record
        from tipdata.cases.sealing import open_values
        from tipdata.cases.services import person_data_key

        membership = _membership(request)
        person = _visible_person(membership, public_id)
        identifiers: dict[str, Any] = {}
        if selectors.may_see_identifiers(membership) and person.wrapped_data_key is not None:
            identifiers = open_values(person.sealed, key=person_data_key(person), record_ref=f"person:{person.public_id}")
        audit_record(action="person.read_identified" if identifiers else "person.read", actor=request.user,
                     organisation=membership.organisation, object_type="person", object_id=person.public_id,
                     changes={"channel": "api", "fields": sorted(identifiers)})
        return Response({"id": str(person.public_id), "attributes": person.attributes, "identifiers": identifiers,
                         "erased": person.erased_at is not None,
                         "cases": [str(link.case.public_id) for link in person.case_links.select_related("case")
                                   if selectors.cases_visible(membership).filter(pk=link.case_id).exists()]})


class ReferralSerializer(serializers.Serializer):
    partner = serializers.CharField(help_text="slug of the organisation referred to")
    referred_on = serializers.DateField()
    reason = serializers.CharField(required=False, default="AdditionalServicesRequired")


class CaseReferralsView(APIView):
    @extend_schema(responses=OpenApiTypes.OBJECT, summary="Referrals of a case")
    def get(self, request: Request, public_id: str) -> Response:
        membership = _membership(request)
        try:
            case = selectors.case_get(membership, public_id)
        except selectors.CaseNotFound as exc:
            raise NotFound() from exc
        return Response({"results": [{"direction": r.direction, "partner": r.partner_name, "referred_on": r.referred_on,
                                      "reason": r.reason} for r in case.referrals.order_by("referred_on")]})

    @extend_schema(request=ReferralSerializer, responses=OpenApiTypes.OBJECT,
                   summary="Refer a case out (refused without the victim's consent to referral to that organisation)")
    def post(self, request: Request, public_id: str) -> Response:
        from tipdata.accounts.selectors import organisation_by_slug
        from tipdata.cases.services import referral_create

        membership = _membership(request)
        _require(membership, Permission.REFERRAL_MAKE)
        try:
            case = selectors.case_get(membership, public_id)
        except selectors.CaseNotFound as exc:
            raise NotFound() from exc
        data = _valid(ReferralSerializer, request)
        partner = organisation_by_slug(data["partner"])
        if partner is None or partner.pk == case.organisation_id:
            raise DRFValidationError({"partner": f"no other organisation {data['partner']!r}"})
        try:
            referral = referral_create(case=case, actor=request.user, partner=partner, referred_on=data["referred_on"],
                                       reason=data["reason"])
        except ConsentRequiredError as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_403_FORBIDDEN)
        except ValidationError as exc:
            raise _validation(exc) from exc
        return Response({"direction": "out", "partner": referral.partner_name, "referred_on": referral.referred_on},
                        status=status.HTTP_201_CREATED)
