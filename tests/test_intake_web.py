"""The import pages: upload -> preview and map columns -> import -> result and quarantine."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tests.engines.intake.conftest import kobo_rows, write_xlsx
from tipdata.audit.models import AuditEvent
from tipdata.cases.models import Case
from tipdata.engines.intake import plan_import
from tipdata.intake.models import ImportRun

pytestmark = [pytest.mark.django_db]


@pytest.fixture(autouse=True)
def _import_dir(settings: Any, tmp_path: Path) -> None:
    settings.TIPDATA_IMPORT_DIR = str(tmp_path / "imports")


@pytest.fixture
def kobo(tmp_path: Path) -> Path:
    return write_xlsx(tmp_path / "kobo.xlsx", {"htcds": kobo_rows()})


def _upload(client: Client, path: Path) -> str:
    with path.open("rb") as fh:
        response = client.post(reverse("intake-upload"), {"file": fh, "format": "auto"})
    assert response.status_code == 302, response.content[:500]
    return response["Location"]


def test_upload_preview_map_and_import(make_org: Any, make_user: Any, kobo: Path) -> None:
    org = make_org()
    officer = make_user(org, "data_officer")
    client = Client()
    client.force_login(officer)
    preview_url = _upload(client, kobo)
    page = client.get(preview_url)
    text = page.content.decode()
    assert page.status_code == 200 and "kobo" in text
    assert "Of the first 5 rows, 2 would be set aside." in text
    assert "'Fem'" not in text  # a data officer sees reasons without the cells' values
    assert "group_person/prs_First_Name" in text and "please check" not in text
    targets = {f"target-{i}": t.spec for i, t in enumerate(plan_import(kobo).mapping.columns.values())}
    gender = plan_import(kobo).table.headers.index("group_person/prs_Gender")
    dry = client.post(preview_url, {**targets, "dry_run": "yes"})
    assert dry.status_code == 200 and "nothing was stored" in dry.content.decode()
    assert Case.objects.filter(organisation=org).count() == 0
    targets[f"target-{gender}"] = "ignore"  # the user decides not to import the gender column
    done = client.post(preview_url, targets)
    assert done.status_code == 302
    run = ImportRun.objects.get(organisation=org)
    assert (run.imported, run.quarantined, run.file_name, run.actor) == (4, 1, "kobo.xlsx", officer)
    assert not any(Path(run.report_path).parent.joinpath("uploads").iterdir())  # the upload is not kept
    page = client.get(done["Location"]).content.decode()
    assert "Download the rows set aside" in page
    csv_response = client.get(reverse("intake-quarantine", args=[run.pk]))
    body = b"".join(csv_response.streaming_content).decode("utf-8-sig")  # type: ignore[attr-defined]
    assert "tipdata_reasons" in body and "expected 1 (chosen) or 0" in body
    assert AuditEvent.objects.filter(action="import.quarantine_download", actor=officer).exists()
    assert client.get(reverse("intake-runs")).status_code == 200


def test_import_pages_are_for_importing_roles_of_the_organisation(make_org: Any, make_user: Any, kobo: Path) -> None:
    org = make_org()
    admin = make_user(org, "admin")
    client = Client()
    client.force_login(admin)
    preview_url = _upload(client, kobo)
    targets = {f"target-{i}": t.spec for i, t in enumerate(plan_import(kobo).mapping.columns.values())}
    client.post(preview_url, targets)
    run = ImportRun.objects.get(organisation=org)
    for role in ("caseworker", "viewer"):
        other = Client()
        other.force_login(make_user(org, role))
        for url in (reverse("intake-runs"), reverse("intake-upload"), reverse("intake-run", args=[run.pk]),
                    reverse("intake-quarantine", args=[run.pk])):
            assert other.get(url).status_code == 404, (role, url)
    stranger = Client()
    stranger.force_login(make_user(make_org("Other"), "admin"))
    assert stranger.get(reverse("intake-run", args=[run.pk])).status_code == 404
    assert stranger.get(preview_url).status_code == 404  # an upload belongs to the session that made it
    colleague = Client()
    colleague.force_login(make_user(org, "data_officer"))  # may import, may not see identifiers
    assert colleague.get(reverse("intake-run", args=[run.pk])).status_code == 200
    assert colleague.get(reverse("intake-quarantine", args=[run.pk])).status_code == 404


def test_unreadable_upload_says_why(make_org: Any, make_user: Any, tmp_path: Path) -> None:
    org = make_org()
    client = Client()
    client.force_login(make_user(org, "supervisor"))
    bad = tmp_path / "cases.csv"
    bad.write_bytes(b"%PDF-1.4 not a table")
    page = client.get(_upload(client, bad)).content.decode()
    assert "this file is a PDF document" in page and str(tmp_path) not in page
