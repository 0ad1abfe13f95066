"""Tags of the page layout (base.html)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django import template
from django.template.loader import render_to_string
from django.urls import get_script_prefix
from django.utils.safestring import SafeString
from django.utils.translation import get_language, override

register = template.Library()


@register.simple_tag
def main_menu(membership: Any) -> SafeString:
    """The main menu for the user's role, in the active language.

    It is the same for every user of a role and language, and it is on every page: it is
    rendered once per server process for each (its dozen URLs and labels were a quarter of
    the time of rendering a page).
    """
    role = membership.role if membership is not None else ""
    return _main_menu(role, membership is not None, get_language() or "en", get_script_prefix())


@lru_cache(maxsize=256)
def _main_menu(role: str, has_membership: bool, language: str, script_prefix: str) -> SafeString:
    with override(language):
        return SafeString(render_to_string("main_menu.html", {"role": role, "has_membership": has_membership}))
