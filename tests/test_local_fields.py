"""Organisations' own fields beside HTCDS: declared, validated, mapped."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError

from tipdata.cases.localfields import local_field_define
from tipdata.cases.services import person_create

pytestmark = pytest.mark.django_db


def test_declared_values_are_validated_and_stored(make_org: Any) -> None:
    org = make_org()
    local_field_define(organisation=org, actor=None, name="local_ShelterRoom", label="Room", type="select_one",
                       privacy_class="operational", values=[{"code": "A1", "label": "A1"}, {"code": "B2", "label": "B2"}])
    person = person_create(organisation=org, actor=None, values={"prs_FirstName": "X"}, local_fields={"local_ShelterRoom": "B2"})
    assert person.local_fields == {"local_ShelterRoom": "B2"}
    with pytest.raises(ValidationError, match="unknown code.*C3.*allowed codes: A1, B2"):
        person_create(organisation=org, actor=None, values={"prs_FirstName": "X"}, local_fields={"local_ShelterRoom": "C3"})
    with pytest.raises(ValidationError, match="local_Other: not a field of"):
        person_create(organisation=org, actor=None, values={"prs_FirstName": "X"}, local_fields={"local_Other": 1})


def test_other_organisations_fields_do_not_apply(make_org: Any) -> None:
    a, b = make_org("A"), make_org("B", country="TH")
    local_field_define(organisation=a, actor=None, name="local_Flag", label="Flag", type="boolean", privacy_class="sensitive")
    with pytest.raises(ValidationError, match="not a field of"):
        person_create(organisation=b, actor=None, values={"prs_FirstName": "X"}, local_fields={"local_Flag": True})


def test_declarations_are_checked(make_org: Any) -> None:
    org = make_org()
    with pytest.raises(ValidationError, match="must look like local_"):
        local_field_define(organisation=org, actor=None, name="Flag", label="x", type="boolean", privacy_class="sensitive")
    with pytest.raises(ValidationError, match="direct identifiers"):
        local_field_define(organisation=org, actor=None, name="local_Nick", label="x", type="text", privacy_class="direct_identifier")
    with pytest.raises(ValidationError, match="maps_to_value 'Scams' is not a code"):
        local_field_define(organisation=org, actor=None, name="local_Xy", label="x", type="boolean", privacy_class="sensitive",
                           maps_to="vic_TypeOfExploitation", maps_to_value="Scams")


def test_cli(make_org: Any) -> None:
    org = make_org()
    out = io.StringIO()
    call_command("fields", "add", "--org", org.slug, "--name", "local_ForcedCriminality", "--label", "Forced criminality",
                 "--type", "boolean", "--privacy-class", "sensitive", "--maps-to", "vic_TypeOfExploitation",
                 "--maps-to-value", "Other", stdout=out)
    call_command("fields", "list", "--org", org.slug, stdout=out)
    assert "local_ForcedCriminality\tboolean\tsensitive\tvic_type_of_exploitation" in out.getvalue()
    with pytest.raises(CommandError, match="not valid JSON"):
        call_command("fields", "add", "--org", org.slug, "--name", "local_Y", "--label", "y", "--type", "select_one",
                     "--privacy-class", "sensitive", "--values", "[oops", stdout=out)
