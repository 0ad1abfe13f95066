"""The estimation page, as an analyst uses it: paste or upload an overlap table."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db
KOREA = "b,c,d,count\n0,0,1,41\n0,1,0,5\n1,0,0,5\n1,1,0,54\n1,0,1,6\n0,1,1,0\n1,1,1,12\n"


def _login(client: Any, make_org: Any, make_user: Any, role: str = "viewer") -> None:
    make_user(make_org(), role, username="analyst")
    client.post("/login/", {"username": "analyst", "password": PASSWORD})


def test_pasted_table_gives_the_published_estimate_interval_picture_and_caveats(client: Any, make_org: Any, make_user: Any) -> None:
    _login(client, make_org, make_user)
    page = client.post("/estimation/", {"text": KOREA, "method": "bic", "bootstrap": "50"}).content.decode()
    assert "Estimate: 157" in page and "[12,23]" in page
    assert "95% interval" in page and "BCa" in page
    assert page.count('class="on"') == 10  # one dot per list membership: 1+1+1+2+2+3 over the 6 non-empty histories
    assert "Closed population" in page and "Heterogeneity" in page


def test_uploaded_file_and_stepwise(client: Any, make_org: Any, make_user: Any) -> None:
    _login(client, make_org, make_user, "data_officer")
    upload = SimpleUploadedFile("korea.csv", KOREA.encode(), content_type="text/csv")
    page = client.post("/estimation/", {"file": upload, "method": "stepwise", "bootstrap": "0"}).content.decode()
    assert "Estimate: 269" in page


def test_bad_tables_are_explained(client: Any, make_org: Any, make_user: Any) -> None:
    _login(client, make_org, make_user)
    bad = client.post("/estimation/", {"text": "a,b,count\n1,2,5\n0,1,3\n", "method": "bic"})
    assert bad.status_code == 400 and "row 2, column" in bad.content.decode() and "must be 0" in bad.content.decode()
    none = client.post("/estimation/", {"text": "a,b,count\n1,0,5\n0,1,3\n", "method": "bic"})
    assert none.status_code == 400 and "overlap" in none.content.decode().lower()
    binary = client.post("/estimation/", {"file": SimpleUploadedFile("x.csv", b"\xff\xfe\x00garbage")})
    assert binary.status_code == 400 and "UTF-8" in binary.content.decode()
