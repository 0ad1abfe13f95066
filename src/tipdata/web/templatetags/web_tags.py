"""Tags of the page layout (base.html)."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import get_script_prefix
from django.utils.safestring import SafeString
from django.utils.translation import get_language

register = template.Library()


@register.tag
def per_language(parser: template.base.Parser, token: template.base.Token) -> PerLanguageNode:
    """``{% per_language [name ...] %}…{% endper_language %}``: a part of a page that is the
    same for everybody who reads it in a language (labels, links, static paths), rendered
    once per process for each language instead of on every request.

    The part is rendered with a context holding only the names listed in the tag, whose
    values (a yes/no, a role) are part of what the rendering is kept under. So it can hold
    nothing else of the page, the request or the user: a variable put in it by mistake
    renders as empty, never as what another user saw
    (``test_per_language_parts_hold_nothing_of_the_request``).
    """
    names = token.split_contents()[1:]
    for name in names:
        if not name.isidentifier():
            raise template.TemplateSyntaxError(f"per_language takes names of variables, not {name!r}")
    nodelist = parser.parse(("endper_language",))
    parser.delete_first_token()
    return PerLanguageNode(nodelist, names)


class PerLanguageNode(template.Node):
    MAX_KEYS = 64  # a bound, so that nothing grows without end; beyond it, parts are rendered each time

    def __init__(self, nodelist: template.NodeList, names: list[str]) -> None:
        self.nodelist = nodelist
        self.names = names
        self.rendered: dict[tuple[Any, ...], SafeString] = {}

    def render(self, context: template.Context) -> SafeString:
        values = {name: context.get(name) for name in self.names}
        key = (get_language() or "en", get_script_prefix(), *((type(v), v) for v in values.values()))
        try:
            found = self.rendered.get(key)
        except TypeError:  # a value that cannot be a key: rendered, not kept
            key, found = (), None
        if found is None:
            # A context with nothing but the names given: no variable of the page or its processors.
            found = SafeString(self.nodelist.render(context.new(values)))
            if key and len(self.rendered) < self.MAX_KEYS:
                self.rendered[key] = found
        return found
