"""The synthetic demo caseload: deterministic, realistic, honest about being synthetic."""

from __future__ import annotations

import io
from collections import Counter
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tipdata.accounts.models import Membership, Organisation
from tipdata.demo.generator import DEMO_PASSWORD, generate


def test_same_seed_same_caseload_and_other_seed_differs() -> None:
    a, b, c = generate(seed=7, persons=200), generate(seed=7, persons=200), generate(seed=8, persons=200)
    assert a.to_json() == b.to_json()
    assert a.to_json() != c.to_json()


def test_caseload_is_regional_and_varied() -> None:
    load = generate(seed=1, persons=1500)
    nationalities = Counter(p.citizenship[0] for p in load.persons)
    assert {"KH", "MM", "LA", "VN", "ID", "PH", "TH"} <= set(nationalities)
    kinds = {o["kind"] for o in load.organisations}
    assert {"shelter_ngo", "hotline", "police", "social_welfare"} <= kinds
    assert len({o["country"] for o in load.organisations}) >= 4
    types = Counter(t for p in load.persons for t in p.fields["vic_TypeOfExploitation"])
    assert types["ForcedLabour"] and types["SexualExploitation"] and types["ForcedMarriage"]
    assert any(p.local_fields.get("local_ForcedCriminality") for p in load.persons)
    genders = Counter(p.gender for p in load.persons)
    assert genders["Feminine"] > genders["Masculine"] > 0


def test_truth_records_shared_persons_duplicates_gaps_and_planted_issues() -> None:
    load = generate(seed=1, persons=1500)
    by_key = {p.record_key: p for p in load.persons}
    assert len(load.shared_across) > 50
    for person_key, records in load.shared_across.items():
        orgs = {by_key[r].organisation for r in records}
        assert len(orgs) == len(records) >= 2
        assert {by_key[r].person_key for r in records} == {person_key}
    variants = sum(
        1 for recs in load.shared_across.values()
        if (by_key[recs[0]].first_name, by_key[recs[0]].second_name) != (by_key[recs[1]].first_name, by_key[recs[1]].second_name)
    )
    assert variants / len(load.shared_across) > 0.5, "shared persons are mostly written differently"
    assert load.duplicates_within
    assert {i.check for i in load.planted_issues} >= {"birth_after_registration", "closed_without_reason"}
    missing_birth = sum(1 for p in load.persons if not p.birthdate) / len(load.persons)
    assert 0.03 < missing_birth < 0.3


def test_namesakes_are_few_but_present() -> None:
    # Different persons with exactly the same name, sex and nationality: real caseloads
    # have some (common Khmer, Indonesian, Vietnamese names), not the ~120 per 800 persons
    # that free draws from the small name tables gave.
    load = generate(seed=4, persons=800)
    first_record = {}
    for p in load.persons:
        first_record.setdefault(p.person_key, p)
    names = Counter((p.first_name.casefold(), p.second_name.casefold(), p.gender, p.citizenship[0])
                    for p in first_record.values())
    pairs = sum(n * (n - 1) // 2 for n in names.values())
    assert 3 <= pairs <= 40
    # shared given or family names stay common: that is what makes names hard
    given = Counter((p.first_name.casefold(), p.citizenship[0]) for p in first_record.values())
    assert sum(n * (n - 1) // 2 for n in given.values()) > 500


@pytest.mark.django_db
def test_demo_load_creates_organisations_and_a_login_per_role(client: Any) -> None:
    out = io.StringIO()
    call_command("demo", "load", "--persons", "40", "--seed", "3", stdout=out)
    text = out.getvalue()
    assert "SYNTHETIC" in text and DEMO_PASSWORD in text
    assert Organisation.objects.filter(is_demo=True).count() == 4
    assert set(Membership.objects.values_list("role", flat=True)) == {"admin", "supervisor", "caseworker", "data_officer", "viewer"}
    username = text.split("Demo sign-ins")[1].splitlines()[1].split()[0]
    assert client.post("/login/", {"username": username, "password": DEMO_PASSWORD}).status_code == 302
    page = client.get("/").content.decode()
    assert "synthetic" in page
    again = io.StringIO()
    call_command("demo", "load", "--if-empty", stdout=again)
    assert "already loaded" in again.getvalue()
    with pytest.raises(CommandError, match="already loaded"):
        call_command("demo", "load", stdout=io.StringIO())


def test_every_generated_value_is_valid_for_the_dictionary() -> None:
    from tipdata.engines.standard import load_dictionary

    dictionary = load_dictionary()
    load = generate(seed=5, persons=2000)
    for rec in load.persons:
        dictionary.field("prs_Birthdate").validate(rec.birthdate or None)
        dictionary.field("prs_Gender").validate(rec.gender)
        dictionary.field("prs_Citizenship").validate(rec.citizenship)
        for name, value in rec.fields.items():
            dictionary.field(name).validate(value)


@pytest.mark.parametrize("seed", range(1, 25))
def test_no_generated_date_lies_in_the_future(seed: int) -> None:
    from tipdata.demo.generator import GENERATOR_TODAY

    load = generate(seed=seed, persons=300)
    assert all(p.birthdate <= GENERATOR_TODAY.isoformat() for p in load.persons if p.birthdate)
    assert all(c.registered_on <= GENERATOR_TODAY.isoformat() for c in load.cases)


@pytest.mark.parametrize("seed", [1, 2, 3, 8])
def test_every_kind_of_inconsistency_is_planted(seed: int) -> None:
    load = generate(seed=seed, persons=300)
    assert {i.check for i in load.planted_issues} == {
        "birth_after_registration", "sex_subtype_without_sexual_exploitation",
        "closed_without_reason", "referral_before_registration"}
