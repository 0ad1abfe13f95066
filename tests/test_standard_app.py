"""The dictionary as operators and users meet it: the CLI and the /standard/ page."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.conftest import PASSWORD


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_show_prints_values_and_definitions() -> None:
    text = _run("standard", "show", "vic_MethodsOfControl")
    assert "vic_methods_of_control" in text and "privacy class: sensitive" in text
    assert "values (16)" in text and "DebtBondage" in text and "WithholdsDocuments" in text
    assert "debt" in text.lower()


def test_show_unknown_field_is_a_clear_error() -> None:
    with pytest.raises(CommandError, match="unknown field 'vic_MethodOfControll'.*did you mean"):
        _run("standard", "show", "vic_MethodOfControll")


def test_export_json_has_every_entity_field_and_privacy_class() -> None:
    data = json.loads(_run("standard", "export", "--format", "json"))
    entities = data["entities"] if isinstance(data, dict) else data
    fields = [f for e in entities for f in e["fields"]]
    assert len(fields) >= 84
    assert all(f["privacy_class"] in {"direct_identifier", "quasi_identifier", "sensitive", "operational"} for f in fields)
    by_name = {f["htcds_name"]: f for f in fields}
    assert len(by_name["prs_Citizenship"]["values"]) == 249
    assert len(by_name["vic_MethodsOfControl"]["values"]) == 16
    assert by_name["prs_FirstName"]["privacy_class"] == "direct_identifier"


def test_export_csv_is_a_flat_table() -> None:
    rows = list(csv.DictReader(io.StringIO(_run("standard", "export", "--format", "csv"))))
    assert len(rows) > 400
    assert {"privacy_class"} <= set(rows[0])


@pytest.mark.django_db
def test_standard_page_in_the_users_language(make_org: Any, make_user: Any, client: Any) -> None:
    make_user(make_org(), "viewer", username="reader")
    client.post("/login/", {"username": "reader", "password": PASSWORD})
    page = client.get("/standard/").content.decode()
    assert "vic_methods_of_control" in page and "direct_identifier" in page
    field_page = client.get("/standard/vic_MethodsOfControl/").content.decode()
    assert "DebtBondage" in field_page
    assert client.get("/standard/no_such_field/").status_code == 404
    thai = client.get("/standard/?lang=th").content.decode()
    assert "มาตรฐานข้อมูล" in thai
