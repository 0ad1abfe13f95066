"""Releases from an organisation's own records: k recounted from the file, nothing identifying, consent, budget, approval."""

from __future__ import annotations

import io
from collections import Counter
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.conftest import PASSWORD
from tipdata.accounts.models import Organisation, User
from tipdata.cases.models import Consent, Person
from tipdata.cases.sealing import open_values
from tipdata.cases.services import consent_withdraw, person_data_key
from tipdata.demo.services import demo_load
from tipdata.sharing.models import Release

pytestmark = pytest.mark.django_db
ORG = "demo-shelter-kh"


def _plain_identifiers() -> set[str]:
    """Every decrypted full name, distinctive name and birth date of the organisation, and
    every person id, to grep the release for (names shorter than 5 letters, like "Sok" or
    "Tran", would match ordinary words such as "Transportation" and prove nothing)."""
    found: set[str] = set()
    for person in Person.objects.filter(organisation__slug=ORG):
        values = open_values(person.sealed, key=person_data_key(person), record_ref=f"person:{person.public_id}")
        full = " ".join(v for k, v in sorted(values.items()) if k in ("prs_first_name", "prs_second_name"))
        found |= {full} | {v for v in values.values() if len(v) >= 5}
        found.add(str(person.public_id))
        if person.attributes.get("prs_birthdate"):
            found.add(person.attributes["prs_birthdate"])
    return {f for f in found if f.strip()}


def test_release_is_k_anonymous_identifier_free_and_consent_filtered(tmp_path: Path) -> None:
    demo_load(seed=2, persons=1200)
    org = Organisation.objects.get(slug=ORG)
    no_consent = Person.objects.filter(organisation=org).exclude(
        pk__in=Consent.objects.filter(purpose="statistics", withdrawn_at__isnull=True).values("person_id")).count()
    out = io.StringIO()
    call_command("release", "create", "--org", ORG, "--k", "11", "--epsilon", "1.0", "--out", str(tmp_path / "r"), stdout=out)
    assert f"({no_consent} left out: no consent to statistics)" in out.getvalue()
    release = Release.objects.get()
    micro = pd.read_csv(tmp_path / "r" / "microdata.csv", dtype=str, keep_default_na=False)
    report = __import__("json").loads((tmp_path / "r" / "report.json").read_text())
    qis = report["quasi_identifier_columns_in_file"]
    counts = Counter(tuple(row) for row in micro[qis].itertuples(index=False))
    assert len(micro) > 100 and min(counts.values()) >= 11, "every QI combination occurs at least k times"
    texts = {p: p.read_text(errors="ignore") for p in (tmp_path / "r").rglob("*") if p.is_file()}
    import re

    leaks = [(p.name, s) for s in _plain_identifiers() for p, t in texts.items()
             if re.search(rf"(?<![\w-]){re.escape(s)}(?![\w-])", t)]
    assert not leaks, leaks[:5]
    assert report["comparison_with_suppression_only"]["engine"]["cells_suppressed"] < \
        report["comparison_with_suppression_only"]["suppression_only"]["cells_suppressed"]
    assert release.persons_excluded == no_consent and release.status == "pending"


def test_withdrawn_consent_budget_and_approval(make_user: Any, client: Any, tmp_path: Path) -> None:
    demo_load(seed=3, persons=1200)
    org = Organisation.objects.get(slug=ORG)
    consent = Consent.objects.filter(organisation=org, purpose="statistics", withdrawn_at__isnull=True).first()
    assert consent is not None
    consent_withdraw(consent=consent, actor=None)
    call_command("release", "budget", "--org", ORG, "--total", "1.5", stdout=io.StringIO())
    call_command("release", "create", "--org", ORG, "--epsilon", "1.0", "--out", str(tmp_path / "a"), stdout=io.StringIO())
    release = Release.objects.get()
    micro_ids_possible = release.persons_included
    assert micro_ids_possible == Person.objects.filter(
        organisation=org, consents__purpose="statistics", consents__withdrawn_at__isnull=True).distinct().count()
    with pytest.raises(CommandError, match="only 0.5 of the organisation's budget of 1.5 is left"):
        call_command("release", "create", "--org", ORG, "--epsilon", "1.0", "--out", str(tmp_path / "b"), stdout=io.StringIO())
    assert not (tmp_path / "b").exists() or not any((tmp_path / "b").iterdir())
    officer = User.objects.get(username="dataofficer-shelter-kh")
    officer.set_password(PASSWORD)
    officer.save()
    client.post("/login/", {"username": officer.username, "password": PASSWORD})
    page = client.get(f"/releases/{release.pk}/").content.decode()
    assert "Files can be downloaded once an admin approves" in page
    assert client.get(f"/releases/{release.pk}/files/microdata.csv").status_code == 404
    assert client.post(f"/releases/{release.pk}/approve/").status_code == 404, "data officers cannot approve"
    call_command("release", "approve", "--org", ORG, "--id", str(release.pk), stdout=io.StringIO())
    got = client.get(f"/releases/{release.pk}/files/microdata.csv")
    assert got.status_code == 200 and b"gender" in b"".join(got.streaming_content)
    assert client.get(f"/releases/{release.pk}/files/../../etc/passwd").status_code == 404
    client.post(f"/releases/{release.pk}/share/", {"recipient": "National task force", "terms": "Research use only",
                                                   "valid_until": "2027-12-31"})
    assert "National task force" in client.get(f"/releases/{release.pk}/").content.decode()


def test_bad_requests_are_clear_errors(make_org: Any, tmp_path: Path) -> None:
    org = make_org()
    with pytest.raises(CommandError, match="nothing can be released"):
        call_command("release", "create", "--org", org.slug, "--out", str(tmp_path / "x"), stdout=io.StringIO())
    with pytest.raises(CommandError, match="k must be at least 2"):
        call_command("release", "create", "--org", org.slug, "--k", "1", "--out", str(tmp_path / "y"), stdout=io.StringIO())
    with pytest.raises(CommandError, match="no organisation"):
        call_command("release", "list", "--org", "nope", stdout=io.StringIO())
