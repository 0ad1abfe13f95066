"""The audit trail for an organisation's admins: browse and filter, newest first."""

from __future__ import annotations

from datetime import datetime, time

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tipdata.accounts.roles import Permission, role_has
from tipdata.accounts.selectors import active_membership
from tipdata.audit.selectors import audit_events_for


class AuditFilterForm(forms.Form):
    action = forms.CharField(required=False, label=_("Action"))
    actor = forms.CharField(required=False, label=_("User"))
    object_id = forms.CharField(required=False, label=_("Object"))
    since = forms.DateField(required=False, label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(required=False, label=_("To"), widget=forms.DateInput(attrs={"type": "date"}))


@login_required
def audit_list_view(request: HttpRequest) -> HttpResponse:
    membership = active_membership(request)
    if membership is None or not role_has(membership.role, Permission.AUDIT_VIEW):
        raise Http404
    form = AuditFilterForm(request.GET or None)
    events = audit_events_for(membership.organisation)
    if form.is_valid():
        data = form.cleaned_data
        if data["action"]:
            events = events.filter(action__startswith=data["action"])
        if data["actor"]:
            events = events.filter(actor_username=data["actor"])
        if data["object_id"]:
            events = events.filter(object_id=data["object_id"])
        if data["since"]:
            events = events.filter(created_at__gte=timezone.make_aware(datetime.combine(data["since"], time.min)))
        if data["until"]:
            events = events.filter(created_at__lte=timezone.make_aware(datetime.combine(data["until"], time.max)))
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "audit/list.html", {"form": form, "page": page, "query": query.urlencode()})
