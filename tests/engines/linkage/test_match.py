"""The hub's matching: compatibility checks, one-to-one, capture histories, report."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tipdata.engines.linkage.match import EncodingFileError, MatchSpec, load_encodings, match_lists
from tipdata.engines.linkage.pprl import EncodingSpec, encode_persons, write_encodings

from .conftest import prf, records

SECRET = b"shared-secret-of-the-agencies-0001"


def _enc(tmp_path: Path, name: str, rows, secret=SECRET, spec=None) -> Path:
    p = tmp_path / f"{name}.enc"
    write_encodings(p, encode_persons(records(rows, name), secret, spec, list_name=name).document)
    return p


def _three_lists(bench):
    """Three lists: A, B, and C = half of A's persons again (their A rows) + new ones."""
    rows_c = [dict(r, id="C" + r["id"][1:]) for r in bench.rows_a[:100]]
    return bench.rows_a, bench.rows_b, rows_c


def test_capture_history_of_three_lists_adds_up(bench, tmp_path: Path) -> None:
    ra, rb, rc = _three_lists(bench)
    files = [_enc(tmp_path, "police", ra), _enc(tmp_path, "shelter", rb), _enc(tmp_path, "hotline", rc)]
    result = match_lists([load_encodings(f) for f in files], MatchSpec())
    table = result.capture_histories
    assert result.lists == ["police", "shelter", "hotline"]
    for row in table:
        assert set(row) == {"police", "shelter", "hotline", "count"}
        assert any(row[k] for k in result.lists) and row["count"] > 0
    # each list's records are counted once
    for k, n in (("police", len(ra)), ("shelter", len(rb)), ("hotline", len(rc))):
        assert sum(r["count"] for r in table if r[k]) == n
    # the hotline's 100 persons are all police persons: nobody is hotline-only
    assert sum(r["count"] for r in table if r["hotline"] and not r["police"]) <= 3
    # one to one: no record in two pairs with the same other list
    seen = set()
    for p in result.pairs:
        for key in ((p.list_1, p.id_1, p.list_2), (p.list_2, p.id_2, p.list_1)):
            assert key not in seen
            seen.add(key)
    for cluster in result.clusters:
        lists = [lst for lst, _ in cluster]
        assert len(lists) == len(set(lists))


def test_report_holds_counts_only(bench, tmp_path: Path) -> None:
    files = [_enc(tmp_path, "a", bench.rows_a), _enc(tmp_path, "b", bench.rows_b)]
    result = match_lists([load_encodings(f) for f in files], MatchSpec())
    text = json.dumps(result.report)
    for r in bench.rows_a + bench.rows_b:
        assert r["id"] not in text
    bands = result.report["pairs"][0]["pairs_per_band"]
    assert sum(bands.values()) == len(bench.rows_a) * len(bench.rows_b)


def test_lsh_blocking_keeps_nearly_all_matches(bench, tmp_path: Path) -> None:
    files = [load_encodings(_enc(tmp_path, "a", bench.rows_a)), load_encodings(_enc(tmp_path, "b", bench.rows_b))]
    full = match_lists(files, MatchSpec(blocking="none"))
    lsh = match_lists(files, MatchSpec(blocking="lsh"))
    f_full = prf({(p.id_1, p.id_2) for p in full.pairs}, bench.truth)[2]
    f_lsh = prf({(p.id_1, p.id_2) for p in lsh.pairs}, bench.truth)[2]
    assert lsh.report["pairs"][0]["pairs_compared"] < full.report["pairs"][0]["pairs_compared"] / 5
    assert f_lsh >= f_full - 0.03


def test_files_from_different_secrets_or_settings_are_refused(bench, tmp_path: Path) -> None:
    a = _enc(tmp_path, "a", bench.rows_a[:20])
    b = _enc(tmp_path, "b", bench.rows_b[:20], secret=b"some-other-secret-value-000000")
    with pytest.raises(EncodingFileError, match="different secret"):
        match_lists([load_encodings(a), load_encodings(b)])
    c = _enc(tmp_path, "c", bench.rows_b[:20], spec=EncodingSpec(hardening="balance"))
    with pytest.raises(EncodingFileError, match="different settings"):
        match_lists([load_encodings(a), load_encodings(c)])


def test_bad_encoding_files(tmp_path: Path) -> None:
    (tmp_path / "x.enc").write_text("id,clk\n1,abc\n")
    with pytest.raises(EncodingFileError, match="not an encoding file"):
        load_encodings(tmp_path / "x.enc")
    (tmp_path / "y.enc").write_text(json.dumps({"format": "something-else"}))
    with pytest.raises(EncodingFileError, match="not a tipdata-pprl-clk"):
        load_encodings(tmp_path / "y.enc")
    with pytest.raises(EncodingFileError, match="no such file"):
        load_encodings(tmp_path / "z.enc")


def _lists(tmp_path: Path, *named_rows: tuple[str, list[dict[str, str]]]):
    return [load_encodings(_enc(tmp_path, name, rows)) for name, rows in named_rows]


def _row(pid: str, given: str, family: str, birth: str, sex: str = "F", nat: str = "KHM") -> dict[str, str]:
    return {"id": pid, "given_name": given, "family_name": family, "sex": sex, "birth_date": birth, "nationality": nat}


def test_a_missing_birth_date_is_no_evidence_against_a_pair(tmp_path: Path) -> None:
    # The shelter did not record Sreyneang Hun's birth date; the police did. Another
    # woman, Sreyneang Phan, has no date either: the one with the same family name wins.
    shelter = [_row("s1", "Hun Sreyneang", "", ""), _row("s2", "Dara", "Sok", "1990-04-02", "M")]
    police = [_row("p1", "Sreyneang", "Hun", "2007-01-31"), _row("p2", "Sreyneang", "Phan", ""),
              _row("p3", "Sokha", "Chea", "1995-02-03")]
    result = match_lists(_lists(tmp_path, ("shelter", shelter), ("police", police)), MatchSpec())
    assert {(p.id_1, p.id_2) for p in result.pairs} == {("s1", "p1")}
    # the full part (with the date) is empty exactly for the records without a date
    lst = load_encodings(tmp_path / "police.enc")
    part = EncodingSpec().part_bits
    assert [bool(row[part:].any()) for row in lst.bits] == [True, False, True]


def test_two_equally_good_candidates_are_left_unlinked(tmp_path: Path) -> None:
    # Two women called Sophea Prum in the police list, one Sophea Prum without a birth
    # date at the shelter: linking her to either is a guess, so she is linked to neither.
    shelter = [_row("s1", "Sophea", "Prum", ""), _row("s2", "Dara", "Sok", "1990-04-02", "M")]
    police = [_row("p1", "Sophea", "Prum", "2002-10-01"), _row("p2", "Sophea", "Prum", "1988-12-09"),
              _row("p3", "Dara", "Sok", "1990-04-02", "M")]
    result = match_lists(_lists(tmp_path, ("shelter", shelter), ("police", police)), MatchSpec())
    assert {(p.id_1, p.id_2) for p in result.pairs} == {("s2", "p3")}
    assert result.report["pairs"][0]["records_left_unlinked_as_ambiguous"] == 1
    # without the rule the guess is made
    guessed = match_lists(_lists(tmp_path, ("shelter", shelter), ("police", police)), MatchSpec(ambiguity_margin=0))
    assert len(guessed.pairs) == 2


def test_files_of_the_previous_format_are_refused_with_advice(bench, tmp_path: Path) -> None:
    path = _enc(tmp_path, "a", bench.rows_a[:5])
    doc = json.loads(path.read_text())
    doc["format_version"] = 1
    path.write_text(json.dumps(doc))
    with pytest.raises(EncodingFileError, match="re-encode"):
        load_encodings(path)
    doc["format_version"] = 2
    doc["output_bits"] = 1024
    path.write_text(json.dumps(doc))
    with pytest.raises(EncodingFileError, match="does not fit"):
        load_encodings(path)
