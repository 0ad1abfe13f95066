"""The interface speaks six languages; unreviewed drafts are marked as such."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from babel.messages.pofile import read_po

from tests.conftest import PASSWORD

LOCALE = Path(__file__).resolve().parent.parent / "src" / "tipdata" / "locale"


@pytest.mark.parametrize("lang", ["th", "id", "km", "fil", "vi"])
def test_every_catalogue_entry_is_translated_and_marked_for_review(lang: str) -> None:
    with (LOCALE / lang / "LC_MESSAGES" / "django.po").open("rb") as handle:
        catalog = read_po(handle)
    entries = [m for m in catalog if m.id]
    assert len(entries) >= 30
    for message in entries:
        assert message.string, f"{lang}: {message.id!r} has no translation"
        # Unreviewed drafts must not pass as final: an entry is either fuzzy or signed off
        # by a fluent speaker with a "# Reviewed-by:" comment (docs/translations.md).
        reviewed = any(c.lower().startswith("reviewed-by:") for c in message.user_comments)
        assert message.fuzzy or reviewed, (
            f"{lang}: {message.id!r} is neither fuzzy nor marked Reviewed-by (needs review)"
        )


@pytest.mark.django_db
def test_language_per_request_and_per_user(make_org: Any, make_user: Any, client: Any) -> None:
    assert "เข้าสู่ระบบ" in client.get("/login/?lang=th").content.decode()
    assert "Masuk" in client.get("/login/?lang=id").content.decode()
    user = make_user(make_org(), "caseworker", username="lang")
    client.post("/login/", {"username": "lang", "password": PASSWORD})
    client.post("/language/", {"language": "km", "next": "/"})
    user.refresh_from_db()
    assert user.language == "km"
    page = client.get("/").content.decode()
    assert "សូមស្វាគមន៍" in page
    assert "not yet been reviewed" not in page  # the notice itself is in Khmer
    assert 'lang="km"' in page


def test_fonts_for_the_regions_scripts_are_served_locally(client: Any) -> None:
    """Khmer, Thai, Burmese and Lao must not show as empty boxes on office computers without fonts."""
    import re

    css = (LOCALE.parent / "static" / "tipdata" / "fonts" / "fonts.css").read_text()
    files = re.findall(r'url\("([^"]+)"\)', css)
    assert {"khmer", "thai", "myanmar", "lao"} <= {f.split("-")[2] for f in files}
    for name in files:
        assert (LOCALE.parent / "static" / "tipdata" / "fonts" / name).is_file(), name
    assert "fonts/fonts.css" in client.get("/login/").content.decode()
