"""PPRL at scale: the fast encoder, parallel encoding, chunked LSH matching, packed lists
and the cap on LSH buckets change speed and memory, never the encodings, and the
matches only where a bucket is too common to tell its records apart."""

from __future__ import annotations

import hashlib
import hmac
from pathlib import Path

import numpy as np
import pytest

from tipdata.engines.linkage.match import MatchSpec, load_encodings, match_lists
from tipdata.engines.linkage.pprl import (
    PARTS,
    ClkEncoder,
    EncodingSpec,
    _field_key,
    encode_persons,
    encode_records_packed,
    record_features,
    write_encodings,
)

from .conftest import prf, records

SECRET = b"shared-secret-of-the-agencies-0001"


def _reference_encoding(record, spec: EncodingSpec) -> np.ndarray:
    """The encoding as ADR 0004 describes it, one feature and one bit at a time: every
    feature of :func:`record_features` sets k positions by keyed double hashing, the
    identity part from the first half of its HMAC (dates excluded), the full part from
    the second (only when there is a date); then hardening."""
    bits = spec.bits
    parts = {part: np.zeros(bits, dtype=bool) for part in PARTS}
    for field, feature, k in record_features(record, spec):
        digest = hmac.new(_field_key(SECRET, field), feature.encode("utf-8"), hashlib.sha256).digest()
        halves = {"identity": digest[:16], "full": digest[16:]}
        for part, half in halves.items():
            if (part == "identity" and field.startswith("dob_")) or (part == "full" and record.birth_date is None):
                continue
            h1, h2 = int.from_bytes(half[:8], "big"), int.from_bytes(half[8:], "big") | 1
            for i in range(k):
                parts[part][(h1 + i * h2) % bits] = True
    out = []
    for part in PARTS:
        bf = parts[part]
        if spec.hardening == "xor_fold":
            out.append(bf[:bits // 2] ^ bf[bits // 2:])
        elif spec.hardening == "balance":
            perm = np.random.default_rng(
                int.from_bytes(_field_key(SECRET, f"permutation:{part}")[:8], "big")).permutation(2 * bits)
            out.append(np.concatenate([bf, ~bf])[perm] if bf.any() else np.zeros(2 * bits, dtype=bool))
        else:
            out.append(bf)
    return np.concatenate(out)


@pytest.mark.parametrize("hardening", ["xor_fold", "balance", "none"])
def test_cached_batch_encoder_sets_exactly_the_bits_of_the_documented_scheme(bench, hardening: str) -> None:
    recs = records(bench.rows_a, "a")[:40] + records(bench.rows_b, "b")[:40]
    spec = EncodingSpec(hardening=hardening)
    encoder = ClkEncoder(SECRET, spec)
    batch = encoder.encode_many(recs)
    for rec, row in zip(recs, batch, strict=True):
        assert np.array_equal(row, _reference_encoding(rec, spec)), rec.id
        assert np.array_equal(encoder.encode(rec), row)  # one at a time, caches warm


def test_encoding_in_two_processes_gives_the_same_document(bench) -> None:
    recs = records(bench.rows_b, "b")
    one = encode_records_packed(recs, SECRET)
    two = encode_records_packed(recs, SECRET, workers=2, slice_size=37)
    assert np.array_equal(one, two)
    doc = encode_persons(recs, SECRET, list_name="b", workers=2).document
    assert doc == encode_persons(recs, SECRET, list_name="b").document


def _files(tmp_path: Path, bench) -> list[Path]:
    out = []
    for name, rows in (("a", bench.rows_a), ("b", bench.rows_b)):
        path = tmp_path / f"{name}.enc"
        write_encodings(path, encode_persons(records(rows, name), SECRET, list_name=name).document)
        out.append(path)
    return out


def _summary(result) -> tuple:
    return ([(p.id_1, p.id_2, p.score) for p in result.pairs], result.capture_histories,
            [{k: v for k, v in r.items()} for r in result.report["pairs"]])


def test_chunks_and_packed_lists_do_not_change_the_matches(bench, tmp_path: Path) -> None:
    files = _files(tmp_path, bench)
    unpacked = [load_encodings(f) for f in files]
    packed = [load_encodings(f, packed=True) for f in files]
    assert packed[0].bits.nbytes * 8 == unpacked[0].bits.nbytes
    for blocking in ("lsh", "none"):
        whole = match_lists(unpacked, MatchSpec(blocking=blocking))
        assert _summary(match_lists(packed, MatchSpec(blocking=blocking))) == _summary(whole)
        # the first list in chunks of 29 records: every chunk's candidates found and
        # scored before the next
        chunked = match_lists(packed, MatchSpec(blocking=blocking, lsh_chunk=29))
        assert _summary(chunked) == _summary(whole)


def test_lsh_buckets_too_common_are_left_out_and_counted(bench, tmp_path: Path) -> None:
    files = [load_encodings(f, packed=True) for f in _files(tmp_path, bench)]
    default = match_lists(files, MatchSpec(blocking="lsh"))
    assert default.report["pairs"][0]["lsh_buckets_left_out_as_too_common"] == 0  # 300 + 300: none
    tight = match_lists(files, MatchSpec(blocking="lsh", lsh_max_bucket=2))
    pr = tight.report["pairs"][0]
    assert pr["lsh_buckets_left_out_as_too_common"] > 0
    assert pr["pairs_compared"] < default.report["pairs"][0]["pairs_compared"]
    # a true pair is found through a rarer band: accuracy holds even with buckets of two
    f_default = prf({(p.id_1, p.id_2) for p in default.pairs}, bench.truth)[2]
    f_tight = prf({(p.id_1, p.id_2) for p in tight.pairs}, bench.truth)[2]
    assert f_tight >= f_default - 0.03, (f_tight, f_default)


def test_a_crowd_of_namesakes_is_left_out_of_the_candidates(bench, tmp_path: Path) -> None:
    # 30 women with the same name, sex and nationality and no birth date join each
    # list: every band of their identity parts is one bucket of 30 x 30. With buckets
    # capped below 30 none of those 900 pairs is compared (none could be linked: all are
    # equally good), and the benchmark's true pairs are found as before.
    crowd = [{"given_name": "Thi Lan", "family_name": "Nguyen", "sex": "F", "birth_date": "",
              "nationality": "VNM", "age": ""} for _ in range(30)]
    lists = []
    for side, rows in (("a", bench.rows_a), ("b", bench.rows_b)):
        rows = rows + [dict(r, id=f"crowd-{side}{k}") for k, r in enumerate(crowd)]
        path = tmp_path / f"{side}.enc"
        write_encodings(path, encode_persons(records(rows, side), SECRET, list_name=side).document)
        lists.append(load_encodings(path, packed=True))
    uncapped = match_lists(lists, MatchSpec(blocking="lsh", lsh_max_bucket=1000))
    capped = match_lists(lists, MatchSpec(blocking="lsh", lsh_max_bucket=25))
    compared = [r.report["pairs"][0]["pairs_compared"] for r in (uncapped, capped)]
    assert compared[1] <= compared[0] - 900, compared
    assert uncapped.report["pairs"][0]["lsh_buckets_left_out_as_too_common"] == 0
    assert capped.report["pairs"][0]["lsh_buckets_left_out_as_too_common"] > 0
    f1 = []
    for result in (uncapped, capped):
        found = {(p.id_1, p.id_2) for p in result.pairs}
        assert not any(a.startswith("crowd") for a, _ in found)
        f1.append(prf(found, bench.truth)[2])
    assert f1[1] >= f1[0] - 0.02, f1
