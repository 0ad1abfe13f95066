"""``tipdata standard export --format xlsform``: the XLSForm of an organisation's dictionary
(HTCDS core fields plus its local fields) in every language the installation offers."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import CommandError
from django.utils import translation

from tipdata.accounts.models import Organisation
from tipdata.engines.intake.xlsform import build_xlsform, write_xlsform
from tipdata.engines.standard import load_dictionary
from tipdata.intake.services import local_field_specs


def configured_languages() -> list[tuple[str, str]]:
    """(code, English name) of ``settings.LANGUAGES``, English first."""
    with translation.override("en"):
        langs = [(code, str(name)) for code, name in settings.LANGUAGES]
    langs.sort(key=lambda pair: pair[0] != "en")
    return langs


def xlsform_export(*, out: str | Path, org_slug: str | None = None) -> Path:
    """Write the XLSForm; with ``org_slug``, the organisation's local fields are added."""
    local = []
    title = "HTCDS 2.0 case record"
    form_id = "htcds_tipdata"
    if org_slug:
        org = Organisation.objects.filter(slug=org_slug).first()
        if org is None:
            raise CommandError(f"no organisation {org_slug!r}; see tipdata org list")
        local = local_field_specs(org)
        title = f"HTCDS 2.0 case record - {org.name}"
        form_id = f"htcds_{org.slug.replace('-', '_')}"
    sheets = build_xlsform(load_dictionary(), languages=configured_languages(), local_fields=local,
                           title=title, form_id=form_id)
    return write_xlsform(out, sheets)
