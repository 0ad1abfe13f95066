"""Duplicates within an organisation and linkage across organisations, on the demo caseload."""

from __future__ import annotations

import csv
import itertools
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from tests.conftest import PASSWORD
from tipdata.audit.models import AuditEvent
from tipdata.cases.models import CasePerson, Person
from tipdata.demo.generator import generate
from tipdata.demo.services import demo_load
from tipdata.linkage.models import DuplicateCandidate, PersonMerge
from tipdata.linkage.services import dedupe_run, persons_merge, persons_unmerge

pytestmark = pytest.mark.django_db
SEED, PERSONS = 4, 800


def _truth_within() -> set[frozenset[str]]:
    return {frozenset(pair) for pair in generate(seed=SEED, persons=PERSONS).duplicates_within}


def test_dedupe_finds_the_planted_duplicates(settings: Any) -> None:
    demo_load(seed=SEED, persons=PERSONS)
    found: set[frozenset[str]] = set()
    for org in {p.organisation for p in Person.objects.select_related("organisation")}:
        dedupe_run(organisation=org, actor=None)
    by_pk = dict(Person.objects.values_list("pk", "demo_key"))
    for c in DuplicateCandidate.objects.filter(score__gte=0.5):
        found.add(frozenset((by_pk[c.person_a_id], by_pk[c.person_b_id])))
    truth = _truth_within()
    tp = len(found & truth)
    precision, recall = tp / max(1, len(found)), tp / len(truth)
    print(f"dedupe on demo data: {len(truth)} planted, {len(found)} found, precision {precision:.3f}, recall {recall:.3f}")
    assert len(truth) >= 10
    assert precision >= 0.9 and recall >= 0.9


def test_merge_is_reversible_audited_and_not_same_is_remembered(make_user: Any, client: Any) -> None:
    demo_load(seed=SEED, persons=PERSONS)
    org = Person.objects.filter(demo_key__startswith="demo-hotline-th").first().organisation  # type: ignore[union-attr]
    dedupe_run(organisation=org, actor=None)
    first, second = list(DuplicateCandidate.objects.filter(organisation=org).order_by("-score")[:2])
    links_before = dict(CasePerson.objects.filter(person__in=[first.person_a, first.person_b]).values_list("pk", "person_id"))
    merge = persons_merge(candidate=first, actor=None, keep="a")
    assert not CasePerson.objects.filter(person=first.person_b).exists()
    persons_unmerge(merge=merge, actor=None)
    assert dict(CasePerson.objects.filter(pk__in=links_before).values_list("pk", "person_id")) == links_before
    assert {"dedupe.merge", "dedupe.unmerge"} <= set(AuditEvent.objects.values_list("action", flat=True))
    # A reviewer says "not the same": the next run does not ask again.
    admin = make_user(org, "supervisor", username="rev")
    client.post("/login/", {"username": "rev", "password": PASSWORD})
    client.post(f"/dedupe/{second.pk}/decide/", {"decision": "not_same"})
    summary = dedupe_run(organisation=org, actor=None)
    assert summary.already_decided >= 1
    assert DuplicateCandidate.objects.get(pk=second.pk).status == "not_same"
    page = client.get("/dedupe/").content.decode()
    assert "Evidence" in page and admin.username
    assert client.post(f"/dedupe/merges/{merge.pk}/undo/").status_code == 404, "only admins undo merges"
    assert PersonMerge.objects.count() == 1


def test_linking_demo_organisations_recovers_shared_persons(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    demo_load(seed=SEED, persons=PERSONS)
    secret = tmp_path / "secret"
    secret.write_text("a-secret-shared-only-among-the-agencies-0123456789")
    orgs = sorted({p.organisation.slug for p in Person.objects.select_related("organisation")})
    files = []
    for slug in orgs:
        out = tmp_path / f"{slug}.enc"
        with pytest.raises(SystemExit) as done:
            call_command("link", "encode", "--org", slug, "--secret-file", str(secret), "--out", str(out))
        assert done.value.code == 0
        files.append(str(out))
    # The hub's input holds no plaintext identifier.
    blob = "".join(Path(f).read_text() for f in files)
    for person in Person.objects.all()[:200]:
        assert person.attributes.get("prs_birthdate", "@@") not in blob
    names = [p.first_name for p in generate(seed=SEED, persons=PERSONS).persons if len(p.first_name) >= 5]
    assert not [n for n in names if n in blob]
    overlaps, pairs = tmp_path / "overlaps.csv", tmp_path / "pairs.csv"
    with pytest.raises(SystemExit) as done:
        call_command("link", "match", *files, "--out", str(overlaps), "--pairs-out", str(pairs))
    assert done.value.code == 0
    key_of = {str(p.public_id): p.demo_key for p in Person.objects.all()}
    found = {frozenset((key_of[r["id_1"]], key_of[r["id_2"]])) for r in csv.DictReader(pairs.open())}
    truth = {frozenset(pair) for recs in generate(seed=SEED, persons=PERSONS).shared_across.values()
             for pair in itertools.combinations(recs, 2)}
    tp = len(found & truth)
    precision, recall = tp / max(1, len(found)), tp / len(truth)
    with capsys.disabled():
        print(f"PPRL across demo organisations: {len(truth)} true pairs, {len(found)} found, "
              f"precision {precision:.3f}, recall {recall:.3f}")
    assert precision > 0.9 and recall > 0.9
    # The overlap table is what the estimator reads: it estimates from it.
    capsys.readouterr()
    call_command("estimate", str(overlaps), "--method", "bic", "--json")
    estimate = json.loads(capsys.readouterr().out)
    observed = sum(int(r["count"]) for r in csv.DictReader(overlaps.open()))
    assert estimate["observed"] == observed and estimate["estimate"] >= observed


def test_linkage_project_across_organisations_shows_the_linked_estimate(client: Any, tmp_path: Path) -> None:
    from tipdata.accounts.models import User
    from tipdata.linkage.models import LinkageProject

    demo_load(seed=SEED, persons=400)
    project = LinkageProject.objects.get()
    assert project.overlaps and len(project.overlaps["lists"]) == 4
    admin = User.objects.get(username="admin-shelter-kh")
    admin.set_password(PASSWORD)
    admin.save()
    client.post("/login/", {"username": admin.username, "password": PASSWORD})
    page = client.get(f"/dedupe/projects/{project.pk}/").content.decode()
    assert "Estimated total" in page and "demo_hotline_th" in page
    # The hub holds encodings only: no name or birth date of any person in what it stored.
    stored = json.dumps([p.encodings for p in project.participants.all()])
    names = [p.first_name for p in generate(seed=SEED, persons=400).persons if len(p.first_name) >= 5]
    assert not [n for n in names if n in stored]
    # An organisation outside the project gets not found.
    from tipdata.accounts.services import organisation_create, user_create

    outsider = organisation_create(name="Outsider", country="TH")
    user_create(username="out", password=PASSWORD, organisation=outsider, role="admin")
    client.post("/login/", {"username": "out", "password": PASSWORD})
    assert client.get(f"/dedupe/projects/{project.pk}/").status_code == 404
    # A bad upload is refused with a clear message.
    client.post("/login/", {"username": admin.username, "password": PASSWORD})
    from django.core.files.uploadedfile import SimpleUploadedFile

    bad = client.post(f"/dedupe/projects/{project.pk}/", {"action": "upload",
                      "encodings": SimpleUploadedFile("names.csv", b"id,given_name\n1,Sophea\n")}, follow=True)
    assert "not an encoding file" in bad.content.decode()
