"""Pages: the guided screening interview and its result; the data-practice self-assessment.

Thin: parse, call a service or selector, render. Who may open what is decided in
``tipdata.practice.selectors``.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import Resolver404, resolve
from django.utils.translation import gettext_lazy as _

from tipdata.accounts.selectors import active_membership
from tipdata.cases import selectors as case_selectors
from tipdata.engines import screening, selfassessment
from tipdata.practice import selectors, services

AGE_WORDS = [("", "—"), ("adult", _("Adult (18 or older)")), ("child", _("Child (under 18)")),
             ("uncertain_possibly_child", _("Age uncertain, may be a child"))]
KINDS = [("labour", _("Labour exploitation (including domestic work, begging, forced crime)")),
         ("sexual", _("Sexual exploitation"))]


class ScreeningStartForm(forms.Form):
    age_years = forms.IntegerField(label=_("Age in years"), required=False, min_value=0, max_value=130)
    age_group = forms.ChoiceField(label=_("or, if the age is not known"), choices=AGE_WORDS, required=False)
    kind = forms.ChoiceField(label=_("Exploitation to screen for"), choices=KINDS)
    lang = forms.ChoiceField(label=_("Language of the questions"), required=False)
    case = forms.UUIDField(label=_("Case (optional)"), required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        names = dict(settings.LANGUAGES)
        self.fields["lang"].choices = [  # type: ignore[attr-defined]
            (code, str(names.get(code, code))) for code in screening.available_languages()
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("age_years") is None and not data.get("age_group"):
            raise ValidationError(_("Give the age in years, or say whether the person is an adult or a child."))
        return data

    @property
    def age(self) -> int | str:
        years = self.cleaned_data.get("age_years")
        return years if years is not None else self.cleaned_data["age_group"]


def _interview_form(interview: screening.Interview, data: Any = None) -> forms.Form:
    """A form with one field per question of the interview (radio for indicators, boxes for Palermo)."""
    form = forms.Form(data)
    for section in interview.sections:
        for q in section.questions:
            choices = [(code, text.text) for code, text in q.options]
            if q.multiple:
                form.fields[q.key] = forms.MultipleChoiceField(
                    label=q.question.text, choices=choices, required=False, widget=forms.CheckboxSelectMultiple)
            else:
                form.fields[q.key] = forms.ChoiceField(
                    label=q.question.text, choices=choices, required=False, initial="not_asked", widget=forms.RadioSelect)
    return form


def _case_for(membership: Any, public_id: Any) -> Any:
    if not public_id:
        return None
    try:
        return case_selectors.case_get(membership, public_id)
    except case_selectors.CaseNotFound as exc:
        raise Http404 from exc


@login_required
def screening_view(request: HttpRequest) -> HttpResponse:
    membership = active_membership(request)
    if not selectors.may_screen(membership):
        raise Http404
    source = request.POST if request.method == "POST" else request.GET
    start = ScreeningStartForm(source if "kind" in source else None,
                               initial={"lang": request.LANGUAGE_CODE, "case": request.GET.get("case")})
    recent = selectors.screenings_visible(membership).select_related("case")[:20]
    if not start.is_bound or not start.is_valid():
        return render(request, "practice/screening_start.html", {"start": start, "recent": recent})
    case = _case_for(membership, start.cleaned_data.get("case"))
    lang = start.cleaned_data.get("lang") or "en"
    interview = screening.interview(start.age, start.cleaned_data["kind"], lang=lang)
    form = _interview_form(interview, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        # A question shown but left unanswered is recorded as "not asked": the record then
        # says exactly which questions the person was offered.
        answers: dict[str, Any] = {}
        for section in interview.sections:
            for q in section.questions:
                value = form.cleaned_data.get(q.key)
                if q.multiple:
                    if value:
                        answers[q.key] = list(value)
                else:
                    answers[q.key] = value or "not_asked"
        try:
            assert membership is not None
            record = services.screening_record(
                organisation=membership.organisation, actor=request.user, answers=answers, age=start.age,
                exploitation_kind=start.cleaned_data["kind"], case=case, language=lang,
            )
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            return redirect("practice-screening-detail", public_id=record.public_id)
    rows = []
    for section in interview.sections:
        rows.append((section, [(q, form[q.key]) for q in section.questions]))
    return render(request, "practice/screening_interview.html", {
        "start": start, "interview": interview, "form": form, "rows": rows, "case": case,
    })


@login_required
def screening_detail_view(request: HttpRequest, public_id: str) -> HttpResponse:
    membership = active_membership(request)
    try:
        record = selectors.screening_get(membership, public_id)
    except selectors.NotFound as exc:
        raise Http404 from exc
    if not selectors.may_see_outcome(membership):  # screening_get already refuses; belt and braces
        raise Http404
    indicators = screening.load_indicator_set()
    return render(request, "practice/screening_detail.html", {
        "record": record, "result": record.result, "guidance_after": indicators.guidance.get("after", ()),
        "outcome_label": indicators.outcome_labels.get(record.outcome, record.outcome),
    })


def _link_href(link: dict[str, str]) -> str:
    """A page link only when this installation has the page; commands and docs are shown as text."""
    if link["kind"] != "page":
        return ""
    try:
        resolve(link["target"])
    except Resolver404:
        return ""
    return link["target"]


def _self_assessment_form(questionnaire: selfassessment.Questionnaire, data: Any = None,
                          initial: dict[str, Any] | None = None) -> forms.Form:
    form = forms.Form(data, initial=initial or {})
    for q in questionnaire.questions:
        choices = [(str(level), text) for level, text in sorted(q.options.items())]
        choices.append((selfassessment.DONT_KNOW, str(_("We do not know"))))
        if q.allow_not_applicable:
            choices.append((selfassessment.NOT_APPLICABLE, str(_("Not applicable to us"))))
        form.fields[q.id] = forms.ChoiceField(label=q.text, choices=choices, required=False, widget=forms.RadioSelect)
    return form


@login_required
def self_assessment_view(request: HttpRequest) -> HttpResponse:
    membership = active_membership(request)
    if not selectors.may_self_assess(membership):
        raise Http404
    assert membership is not None
    questionnaire = selfassessment.load_questionnaire()
    history = list(selectors.self_assessments_visible(membership)[:50])
    initial = dict(history[0].answers) if history else {}
    form = _self_assessment_form(questionnaire, request.POST if request.method == "POST" else None, initial)
    if request.method == "POST" and form.is_valid():
        answers = {k: v for k, v in form.cleaned_data.items() if v}
        if not answers:
            form.add_error(None, _("Answer at least one question."))
        else:
            try:
                record = services.self_assessment_record(organisation=membership.organisation, actor=request.user,
                                                         answers=answers)
            except ValidationError as exc:
                for message in exc.messages:
                    form.add_error(None, message)
            else:
                return redirect("practice-self-assessment-detail", pk=record.pk)
    sections = [(area, [form[q.id] for q in questionnaire.questions_in(area.id)]) for area in questionnaire.areas]
    trend = []
    for r in reversed(history):  # oldest first, so progress reads left to right, top to bottom
        by_area = {a["id"]: a for a in r.scores.get("areas", [])}
        trend.append({"record": r, "cells": [by_area.get(a.id, {}).get("score") for a in questionnaire.areas]})
    return render(request, "practice/self_assessment.html", {
        "form": form, "sections": sections, "history": history, "trend": trend, "areas": questionnaire.areas,
        "questionnaire": questionnaire,
    })


@login_required
def self_assessment_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    membership = active_membership(request)
    try:
        record = selectors.self_assessment_get(membership, pk)
    except selectors.NotFound as exc:
        raise Http404 from exc
    assessment = selfassessment.Assessment.from_dict(record.scores)
    previous = selectors.self_assessment_previous(record)
    progress = selfassessment.compare(previous.scores, assessment) if previous else None
    recommendations = [
        {"rec": r, "links": [{**lk.to_dict(), "href": _link_href(lk.to_dict())} for lk in r.links]}
        for r in assessment.recommendations
    ]
    return render(request, "practice/self_assessment_detail.html", {
        "record": record, "assessment": assessment, "recommendations": recommendations,
        "previous": previous, "progress": progress,
    })
