"""Template filters for the quality page."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def pct(value: Any) -> str:
    """0.8734 -> "87.3%"; None (nothing to measure) -> "–"."""
    if value is None:
        return "–"
    return f"{float(value) * 100:.1f}%"
