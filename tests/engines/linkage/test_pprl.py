"""Privacy-preserving encodings: no plaintext, hardening, secrets, and accuracy."""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path

import numpy as np
import pytest

from tipdata.engines.linkage.match import MatchSpec, load_encodings, match_lists
from tipdata.engines.linkage.pprl import (
    ClkEncoder,
    EncodingSpec,
    SecretError,
    encode_persons,
    read_secret,
    record_features,
    write_encodings,
)
from tipdata.engines.names import phonetic_key

from .conftest import prf, records

SECRET = b"shared-secret-of-the-agencies-0001"


def _encode_to(path: Path, recs, secret=SECRET, name="", spec=None) -> Path:
    write_encodings(path, encode_persons(recs, secret, spec, list_name=name).document)
    return path


def test_pprl_reaches_f1_085_on_the_southeast_asian_benchmark(bench, tmp_path: Path) -> None:
    fa = _encode_to(tmp_path / "a.enc", records(bench.rows_a, "a"), name="police")
    fb = _encode_to(tmp_path / "b.enc", records(bench.rows_b, "b"), name="shelter")
    result = match_lists([load_encodings(fa), load_encodings(fb)], MatchSpec())
    p, r, f1 = prf({(x.id_1, x.id_2) for x in result.pairs}, bench.truth)
    assert f1 >= 0.85, (p, r, f1)


def test_encoding_file_holds_no_plaintext_name_date_or_transliteration(bench, tmp_path: Path) -> None:
    recs = records(bench.rows_a, "a")
    path = _encode_to(tmp_path / "a.enc", recs)
    doc = json.loads(path.read_text(encoding="utf-8"))
    # everything but the ids, the spec and the encodings
    assert set(doc) == {"format", "format_version", "list_name", "spec", "output_bits", "key_check", "count", "encodings"}
    ids = set(doc["encodings"])
    assert ids == {r.id for r in recs}
    needles: set[str] = set()
    for row, rec in zip(bench.rows_a, recs, strict=True):
        for col in ("given_name", "family_name", "full_name"):
            for w in row[col].lower().split():
                if len(w) >= 4:
                    needles.add(w)
                    needles.add(w.capitalize())
        needles.update(t for t in rec.name.tokens if len(t) >= 4)  # transliterations
        needles.update(phonetic_key(t) for t in rec.name.tokens if len(phonetic_key(t)) >= 4)
        if row["birth_date"]:
            needles.add(row["birth_date"])
            needles.add(row["birth_date"].replace("-", ""))
    # outside the encodings: only ids, spec and counts
    outside = json.dumps({k: v for k, v in doc.items() if k != "encodings"} | {"ids": sorted(ids)})
    words = set(re.findall(r"[A-Za-z0-9-]+", outside.replace("_", " ")))
    assert needles.isdisjoint(words)
    # the encodings are bit vectors of the declared length; their bytes hold no name either
    raw = b"".join(base64.b64decode(v) for v in doc["encodings"].values())
    assert all(len(base64.b64decode(v)) * 8 == doc["output_bits"] for v in doc["encodings"].values())
    assert [n for n in needles if len(n.encode()) >= 5 and n.encode() in raw] == []


def test_same_secret_same_encoding_other_secret_unrelated(bench) -> None:
    rec = records(bench.rows_a, "a")[0]
    a = ClkEncoder(SECRET).encode(rec)
    b = ClkEncoder(SECRET).encode(rec)
    c = ClkEncoder(b"another-secret-entirely-0000002").encode(rec)
    assert np.array_equal(a, b)
    dice = 2 * (a & c).sum() / (a.sum() + c.sum())
    assert dice < 0.75  # no more alike than two different people


def test_script_and_romanised_forms_give_similar_encodings() -> None:
    rows = [
        {"id": "1", "full_name": "ဦးကျော်သိန်း", "given_name": "", "family_name": "", "sex": "M", "birth_date": "1980-02-03", "nationality": "MMR"},
        {"id": "2", "given_name": "Kyaw Thein", "family_name": "", "sex": "M", "birth_date": "1980-02-03", "nationality": "MMR"},
        {"id": "3", "given_name": "Aung Min", "family_name": "", "sex": "M", "birth_date": "1980-02-03", "nationality": "MMR"},
    ]
    enc = ClkEncoder(SECRET)
    e1, e2, e3 = (enc.encode(r).astype(int) for r in records(rows))

    def dice(x, y):
        return 2 * (x & y).sum() / (x.sum() + y.sum())

    assert dice(e1, e2) > 0.95
    assert dice(e1, e3) < dice(e1, e2) - 0.15


@pytest.mark.parametrize("hardening", ["balance", "xor_fold", "none"])
def test_hardening_modes(bench, hardening: str) -> None:
    rec = records(bench.rows_a, "a")[:20]
    spec = EncodingSpec(hardening=hardening)
    enc = ClkEncoder(SECRET, spec)
    out = np.stack([enc.encode(r) for r in rec])
    assert out.shape[1] == spec.output_bits
    parts = out.reshape(len(rec), 2, spec.part_bits)
    identity, full = parts[:, 0], parts[:, 1]
    has_date = np.array([r.birth_date is not None for r in rec])
    assert 0 < has_date.sum() < len(rec)  # the sample has both kinds
    # the full part is empty exactly when the birth date is unknown
    assert np.array_equal(full.any(axis=1), has_date)
    if hardening == "balance":
        # every non-empty part has exactly half its bits set: the bit count leaks nothing
        assert set(identity.sum(1).tolist()) == {spec.bits}
        assert set(full[has_date].sum(1).tolist()) == {spec.bits}
    else:
        assert len(set(identity.sum(1).tolist())) > 1


def test_nickname_given_name_is_left_out_of_the_encoding() -> None:
    rows = [{"id": "1", "given_name": "Lek", "family_name": "Jaidee", "sex": "F", "birth_date": "1990", "nationality": "THA"}]
    feats = record_features(records(rows)[0], EncodingSpec())
    assert not any(f == "lek" or "lek" in f for _, f, _ in feats if _ == "name_tok")


def test_secret_rules(tmp_path: Path) -> None:
    weak = tmp_path / "weak"
    weak.write_text("short")
    with pytest.raises(SecretError, match="at least 16"):
        read_secret(weak)
    with pytest.raises(SecretError, match="no such"):
        read_secret(tmp_path / "none")
    good = tmp_path / "good"
    good.write_text("  a-long-enough-shared-secret \n")
    assert read_secret(good) == b"a-long-enough-shared-secret"
    with pytest.raises(SecretError):
        ClkEncoder(b"short")
