"""API views: parse, call a selector or service, return."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiTypes, extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from tipdata.accounts.selectors import memberships_for
from tipdata.engines.standard import UnknownFieldError, load_dictionary


class MeView(APIView):
    @extend_schema(responses=OpenApiTypes.OBJECT, summary="Who am I, and my role in each organisation")
    def get(self, request: Request) -> Response:
        return Response(
            {
                "username": request.user.get_username(),
                "memberships": [
                    {"organisation": m.organisation.slug, "role": m.role} for m in memberships_for(request.user)
                ],
            }
        )


class StandardView(APIView):
    @extend_schema(responses=OpenApiTypes.OBJECT, summary="The whole HTCDS 2.0 data dictionary")
    def get(self, request: Request) -> Response:
        return Response(load_dictionary().to_json())


class StandardFieldView(APIView):
    @extend_schema(responses=OpenApiTypes.OBJECT, summary="One field of the data dictionary")
    def get(self, request: Request, name: str) -> Response:
        try:
            field: Any = load_dictionary().field(name)
        except UnknownFieldError as exc:
            raise NotFound(str(exc)) from exc
        return Response(field.to_dict())
