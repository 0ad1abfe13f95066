"""Labels for codes and texts, in the report's language.

Codes get their labels from the HTCDS dictionary (and CLDR for countries) in
``spec.lang``. The engine's own English texts (titles, notes) pass through ``translate``,
which is the identity here; the web app hands in Django's ``gettext``.
"""

from __future__ import annotations

from collections.abc import Callable

from tipdata.engines.standard import UnknownCodeError, country_name, load_dictionary

from .records import _CODED

NOT_RECORDED = "Not recorded"


class Labeller:
    def __init__(self, lang: str = "en", translate: Callable[[str], str] | None = None) -> None:
        self.lang = lang
        self._translate = translate or (lambda text: text)

    def text(self, english: str) -> str:
        return self._translate(english)

    def code(self, key: str, code: str | None) -> str:
        """Label of a coded record key's value (``gender``, ``exploitation_types`` ...)."""
        if code is None:
            return self.text(NOT_RECORDED)
        if key in ("citizenship", "country_of_exploitation"):
            return self.country(code)
        try:
            return load_dictionary().field(_CODED[key]).value(code).label_for(self.lang)
        except (KeyError, ValueError):
            return code

    def country(self, code: str | None) -> str:
        if code is None:
            return self.text(NOT_RECORDED)
        try:
            return country_name(code, self.lang)
        except UnknownCodeError:
            return code
