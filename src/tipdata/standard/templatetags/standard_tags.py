"""Template helpers that show dictionary labels in the current language."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import get_language

register = template.Library()


@register.filter
def localized(item: Any) -> str:
    """The label of a field or value in the active language (English when not translated)."""
    return str(item.label_for(get_language() or "en"))


@register.filter
def field_label(name: str) -> str:
    """A dictionary field's label in the active language; the name itself if unknown."""
    from tipdata.engines.standard import UnknownFieldError, load_dictionary

    try:
        return str(load_dictionary().field(name).label_for(get_language() or "en"))
    except UnknownFieldError:
        return name


@register.filter
def value_labels(value: Any, name: str) -> str:
    """Codes of a field shown as their labels in the active language, comma-separated."""
    from tipdata.engines.standard import StandardError, load_dictionary

    codes = value if isinstance(value, list | tuple) else [value]
    try:
        fld = load_dictionary().field(name)
    except StandardError:
        return ", ".join(str(c) for c in codes)
    lang = get_language() or "en"
    out = []
    for code in codes:
        try:
            out.append(str(fld.value(str(code)).label_for(lang)) if fld.values else str(code))
        except StandardError:
            out.append(str(code))
    return ", ".join(out)
