"""The dictionary browser: entities, fields, values and definitions in the user's language."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language

from tipdata.engines.standard import UnknownFieldError, load_dictionary


@login_required
def standard_index(request: HttpRequest) -> HttpResponse:
    dictionary = load_dictionary()
    lang = get_language() or "en"
    return render(request, "standard/index.html", {"dictionary": dictionary, "lang": lang})


@login_required
def standard_field(request: HttpRequest, name: str) -> HttpResponse:
    try:
        fld = load_dictionary().field(name)
    except UnknownFieldError as exc:
        raise Http404(str(exc)) from exc
    return render(request, "standard/field.html", {"field": fld, "lang": get_language() or "en"})
