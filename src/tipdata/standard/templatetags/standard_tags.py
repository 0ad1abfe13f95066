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
