"""Matching privacy-preserving encodings across lists (the linkage hub's side).

Input: two or more encoding files made with the same secret and spec (:mod:`.pprl`).
The hub scores pairs of encodings of different lists - over all pairs when that is
affordable, otherwise over candidate pairs from locality-sensitive hashing on the bit
vectors (bands of sampled bit positions; no plaintext and no key is needed) - keeps
pairs at or above a threshold, and assigns them one to one, best score first, so that
a cluster never holds two records of the same list.

The score of a pair is the Dice similarity of the encodings' *full* parts (name, birth
date, sex, nationality) when both records have a birth date, and otherwise the Dice
similarity of their *identity* parts (no date) less ``missing_date_penalty``: a name
alone is weaker evidence than a name and a date, but a date that one agency did not
record is no evidence against the pair.

A record whose best two candidates in another list score within ``ambiguity_margin``
of each other (two namesakes, say, one of them without a date) is linked to neither:
guessing would add a false link as often as a true one.

The result is the matched pairs, a capture-history table (one 0/1 column per list and a
count, the input of multiple systems estimation) and a report of pair counts per score
band, which holds no record-level data.
"""

from __future__ import annotations

import csv
import json
import os
import re
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Final, Literal

import numpy as np

from .pprl import FORMAT, FORMAT_VERSION, EncodingSpec, unpack

BANDS: Final[tuple[float, ...]] = (0.0, 0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95, 1.0000001)
Blocking = Literal["auto", "none", "lsh"]


class EncodingFileError(ValueError):
    """An encoding file that cannot be used (wrong format, spec or secret)."""


@dataclass
class EncodedList:
    name: str
    path: str
    ids: list[str]
    bits: np.ndarray  # (n, output_bits) uint8 0/1
    spec: dict[str, Any]
    key_check: str


@dataclass(frozen=True)
class MatchSpec:
    """Settings of a matching run (JSON-serialisable)."""

    threshold: float = 0.65
    missing_date_penalty: float = 0.1  # taken off the identity-part score when a date is unknown
    ambiguity_margin: float = 0.02  # best two candidates closer than this: link neither
    blocking: Blocking = "auto"
    max_full_pairs: float = 4e7  # above this many pairs, "auto" switches to LSH
    lsh_permutations: int = 16  # MinHash LSH: permutations of the bit positions
    lsh_bin_bits: int = 16  # ... each cut into bins of this many positions (one MinHash value each)
    lsh_rows_identity: int = 6  # ... values per band on the identity parts
    lsh_rows_full: int = 5  # ... and on the full parts
    lsh_max_bit_share: float = 0.2  # ... positions set in more records than this are left out
    seed: int = 1

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class MatchedPair:
    list_1: str
    id_1: str
    list_2: str
    id_2: str
    score: float


@dataclass
class MatchResult:
    lists: list[str]
    pairs: list[MatchedPair]
    capture_histories: list[dict[str, int]]
    report: dict[str, Any]
    spec: dict[str, Any]
    seconds: float = 0.0
    clusters: list[list[tuple[str, str]]] = field(default_factory=list)


def _list_name(doc_name: str, path: Path, taken: set[str]) -> str:
    base = doc_name or path.stem
    base = re.sub(r"[^A-Za-z0-9_]+", "_", base).strip("_") or "list"
    name, i = base, 2
    while name in taken:
        name, i = f"{base}_{i}", i + 1
    taken.add(name)
    return name


def load_encodings(path: str | os.PathLike[str], taken: set[str] | None = None) -> EncodedList:
    p = Path(path)
    try:
        doc = json.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise EncodingFileError(f"{p}: no such file") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise EncodingFileError(f"{p}: not an encoding file ({exc.__class__.__name__})") from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise EncodingFileError(f"{p}: not a {FORMAT} file (made by `tipdata link encode`)")
    if doc.get("format_version") != FORMAT_VERSION:
        raise EncodingFileError(
            f"{p}: format version {doc.get('format_version')}, expected {FORMAT_VERSION}; "
            "re-encode the list with this version of tipdata (`tipdata link encode`)"
        )
    n_bits = int(doc["output_bits"])
    try:
        spec_bits = EncodingSpec.from_dict(doc.get("spec") or {}).output_bits
    except (TypeError, ValueError) as exc:
        raise EncodingFileError(f"{p}: unusable encoding settings ({exc})") from None
    if spec_bits != n_bits:
        raise EncodingFileError(f"{p}: output_bits {n_bits} does not fit its settings ({spec_bits} bits)")
    encodings = doc.get("encodings") or {}
    ids = list(encodings)
    if not ids:
        raise EncodingFileError(f"{p}: holds no encodings")
    try:
        packed = np.stack([unpack(encodings[i], n_bits) for i in ids])
    except ValueError as exc:
        raise EncodingFileError(f"{p}: damaged encoding ({exc})") from None
    bits = np.unpackbits(packed, axis=1)[:, :n_bits]
    return EncodedList(_list_name(str(doc.get("list_name") or ""), p, taken if taken is not None else set()),
                       str(p), ids, bits, doc["spec"], str(doc["key_check"]))


def _check_compatible(lists: list[EncodedList]) -> None:
    first = lists[0]
    for other in lists[1:]:
        if other.key_check != first.key_check:
            raise EncodingFileError(
                f"{other.path} was encoded with a different secret than {first.path} "
                "(key check values differ); all lists must use the same shared secret"
            )
        if EncodingSpec.from_dict(other.spec) != EncodingSpec.from_dict(first.spec):
            raise EncodingFileError(
                f"{other.path} was encoded with different settings than {first.path}; "
                "re-encode with the same tipdata version and settings"
            )


def dice_all(a: np.ndarray, b: np.ndarray, chunk: int = 4096) -> np.ndarray:
    """Dice similarity of every row of ``a`` with every row of ``b`` (0/1 arrays)."""
    af = a.astype(np.float32)
    bf = b.astype(np.float32)
    na = af.sum(1)
    nb = bf.sum(1)
    out = np.empty((a.shape[0], b.shape[0]), dtype=np.float32)
    for s in range(0, a.shape[0], chunk):
        inter = af[s:s + chunk] @ bf.T
        denom = na[s:s + chunk, None] + nb[None, :]
        out[s:s + chunk] = np.where(denom > 0, 2.0 * inter / np.maximum(denom, 1), 0.0)
    return out


def dice_pairs(a: np.ndarray, b: np.ndarray, ia: np.ndarray, ib: np.ndarray) -> np.ndarray:
    """Dice similarity of the row pairs (ia[k], ib[k])."""
    out = np.empty(len(ia), dtype=np.float32)
    pa = np.packbits(a, axis=1)
    pb = np.packbits(b, axis=1)
    ca = np.bitwise_count(pa).sum(1, dtype=np.int64)
    cb = np.bitwise_count(pb).sum(1, dtype=np.int64)
    step = 1_000_000
    for s in range(0, len(ia), step):
        x, y = ia[s:s + step], ib[s:s + step]
        inter = np.bitwise_count(pa[x] & pb[y]).sum(1, dtype=np.int64)
        denom = ca[x] + cb[y]
        out[s:s + step] = np.where(denom > 0, 2.0 * inter / np.maximum(denom, 1), 0.0)
    return out


def _parts(bits: np.ndarray, part_bits: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Identity part, full part, and whether the full part is there (a birth date)."""
    identity, full = bits[:, :part_bits], bits[:, part_bits:2 * part_bits]
    has_date: np.ndarray = np.asarray(full.any(axis=1))
    return identity, full, has_date


def scores_all(a: np.ndarray, b: np.ndarray, part_bits: int, missing_date_penalty: float) -> np.ndarray:
    """The score of every pair of rows of ``a`` and ``b`` (see the module docstring)."""
    ida, fa, da = _parts(a, part_bits)
    idb, fb, db = _parts(b, part_bits)
    both = da[:, None] & db[None, :]
    identity = dice_all(ida, idb) - np.float32(missing_date_penalty)
    if not both.any():
        return identity
    return np.where(both, dice_all(fa, fb), identity)


def scores_pairs(a: np.ndarray, b: np.ndarray, ia: np.ndarray, ib: np.ndarray, part_bits: int,
                 missing_date_penalty: float) -> np.ndarray:
    """The scores of the row pairs (ia[k], ib[k])."""
    ida, fa, da = _parts(a, part_bits)
    idb, fb, db = _parts(b, part_bits)
    both = da[ia] & db[ib]
    out = dice_pairs(ida, idb, ia, ib) - np.float32(missing_date_penalty)
    if both.any():
        out[both] = dice_pairs(fa, fb, ia[both], ib[both])
    return out


def _equal_key_pairs(ka: np.ndarray, kb: np.ndarray, n_b: int) -> np.ndarray:
    """Pairs (as a * n_b + b) of rows with equal keys; key -1 never matches."""
    order_b = np.argsort(kb, kind="stable")
    kb_sorted = kb[order_b]
    left = np.searchsorted(kb_sorted, ka, side="left")
    right = np.searchsorted(kb_sorted, ka, side="right")
    counts = np.where(ka < 0, 0, right - left)
    if counts.sum() == 0:
        return np.empty(0, dtype=np.int64)
    rows_a = np.repeat(np.arange(len(ka), dtype=np.int64), counts)
    # positions left[i] .. right[i]-1 of every row, without a Python loop
    starts = np.repeat(left - np.concatenate(([0], np.cumsum(counts)[:-1])), counts)
    offsets = np.arange(int(counts.sum()), dtype=np.int64) + starts
    return rows_a * n_b + order_b[offsets].astype(np.int64)


def _minhash_signatures(x: np.ndarray, permutations: list[np.ndarray], bin_bits: int,
                        chunk: int = 50_000) -> np.ndarray:
    """One-permutation MinHash: per permutation, the bits are cut into bins of
    ``bin_bits`` and each bin's value is the position of its first set bit (-1: none)."""
    cols: list[np.ndarray] = []
    for perm in permutations:
        n_bins = len(perm) // bin_bits
        perm = perm[:n_bins * bin_bits]
        out = np.empty((x.shape[0], n_bins), dtype=np.int16)
        for s in range(0, x.shape[0], chunk):
            xb = x[s:s + chunk][:, perm].reshape(-1, n_bins, bin_bits).astype(bool)
            first = np.argmax(xb, axis=2).astype(np.int16)
            first[~xb.any(axis=2)] = -1
            out[s:s + chunk] = first
        cols.append(out)
    return np.concatenate(cols, axis=1)


def lsh_candidates(a: np.ndarray, b: np.ndarray, *, permutations: int, bin_bits: int, rows: int,
                   max_bit_share: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Candidate pairs by MinHash LSH on the set bits (Jaccard similarity).

    Bit positions set in more than ``max_bit_share`` of all records (the bits of "F",
    of a nationality, of "Nguyen") are left out first: they make unrelated records
    alike. Each band is ``rows`` MinHash values; rows that agree on all of them, not
    all empty, are candidates. Bit sampling (Hamming LSH) suits dense filters; these
    parts are sparse, and on them it mostly finds records that agree on zeros.
    """
    rng = np.random.default_rng(seed)
    share = (a.sum(0, dtype=np.int64) + b.sum(0, dtype=np.int64)) / max(a.shape[0] + b.shape[0], 1)
    allowed = np.nonzero(share <= max_bit_share)[0]
    if len(allowed) < bin_bits * rows:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    perms = [allowed[rng.permutation(len(allowed))] for _ in range(permutations)]
    sa = _minhash_signatures(a, perms, bin_bits)
    sb = _minhash_signatures(b, perms, bin_bits)
    # each band's values packed into one integer key: value + 1 (0 = empty bin) in
    # ``width`` bits each
    width = int(bin_bits).bit_length()
    if rows * width > 62:
        raise ValueError(f"lsh rows x bits per value must fit 62 bits (rows {rows}, bin_bits {bin_bits})")
    shifts = (np.arange(rows, dtype=np.int64) * width)[None, :]
    found: list[np.ndarray] = []
    for k in range(sa.shape[1] // rows):
        ka = ((sa[:, k * rows:(k + 1) * rows].astype(np.int64) + 1) << shifts).sum(1)
        kb = ((sb[:, k * rows:(k + 1) * rows].astype(np.int64) + 1) << shifts).sum(1)
        # a band of only empty bins (key 0) is no evidence
        found.append(_equal_key_pairs(np.where(ka == 0, -1, ka), np.where(kb == 0, -1, kb), b.shape[0]))
    if not found:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    keys = np.unique(np.concatenate(found))
    return keys // b.shape[0], keys % b.shape[0]


def candidate_pairs(a: np.ndarray, b: np.ndarray, part_bits: int, spec: MatchSpec,
                    seed: int) -> tuple[np.ndarray, np.ndarray]:
    """LSH candidates: from the identity parts (every record) and, for records with a
    birth date, from the full parts, where a true pair agrees more."""
    ia, ib = lsh_candidates(a[:, :part_bits], b[:, :part_bits], permutations=spec.lsh_permutations,
                            bin_bits=spec.lsh_bin_bits, rows=spec.lsh_rows_identity,
                            max_bit_share=spec.lsh_max_bit_share, seed=seed)
    fa, fb = lsh_candidates(a[:, part_bits:], b[:, part_bits:], permutations=spec.lsh_permutations,
                            bin_bits=spec.lsh_bin_bits, rows=spec.lsh_rows_full,
                            max_bit_share=spec.lsh_max_bit_share, seed=seed + 1)
    keys = np.unique(np.concatenate([ia * b.shape[0] + ib, fa * b.shape[0] + fb]))
    return keys // b.shape[0], keys % b.shape[0]


def _band_counts(scores: np.ndarray) -> dict[str, int]:
    hist, _ = np.histogram(scores, bins=np.array(BANDS))
    labels = [f"{BANDS[i]:.2f}-{min(BANDS[i + 1], 1.0):.2f}" for i in range(len(BANDS) - 1)]
    return {lab: int(c) for lab, c in zip(labels, hist, strict=True)}


def _ambiguous(pairs: list[tuple[float, int, int]], margin: float) -> tuple[set[int], set[int]]:
    """Rows of either list whose best two candidates score within ``margin``."""
    best: dict[tuple[int, int], list[float]] = {}
    for s, x, y in pairs:
        for key in ((0, x), (1, y)):
            top = best.setdefault(key, [])
            top.append(s)
            if len(top) > 2:
                top.sort(reverse=True)
                del top[2:]
    out: tuple[set[int], set[int]] = (set(), set())
    for (side, row), top in best.items():
        if len(top) == 2 and abs(top[0] - top[1]) < margin:
            out[side].add(row)
    return out


def match_lists(lists: list[EncodedList], spec: MatchSpec | None = None) -> MatchResult:
    """Match two or more encoded lists; see the module docstring."""
    spec = spec or MatchSpec()
    start = time.perf_counter()
    if len(lists) < 2:
        raise ValueError("matching needs at least two lists")
    _check_compatible(lists)
    part_bits = EncodingSpec.from_dict(lists[0].spec).part_bits
    edges: list[tuple[float, int, int, int, int]] = []  # score, list i, row, list j, row
    report_pairs: list[dict[str, Any]] = []
    near = spec.threshold - spec.ambiguity_margin
    for i in range(len(lists)):
        for j in range(i + 1, len(lists)):
            a, b = lists[i].bits, lists[j].bits
            n_pairs = a.shape[0] * b.shape[0]
            use_lsh = spec.blocking == "lsh" or (spec.blocking == "auto" and n_pairs > spec.max_full_pairs)
            if use_lsh:
                # candidates from the identity part, which every record has
                ia, ib = candidate_pairs(a, b, part_bits, spec, spec.seed + 1000 * i + j)
                scores = scores_pairs(a, b, ia, ib, part_bits, spec.missing_date_penalty)
                compared = int(len(ia))
            else:
                full = scores_all(a, b, part_bits, spec.missing_date_penalty)
                compared = int(full.size)
                ia, ib = np.nonzero(full >= min(near, BANDS[1]))
                scores = full[ia, ib]
                # the report's lowest band counts every pair below 0.5 without listing them
            keep = scores >= near
            kept = [(float(s), int(x), int(y)) for s, x, y in zip(scores[keep], ia[keep], ib[keep], strict=True)]
            ambiguous_a, ambiguous_b = _ambiguous(kept, spec.ambiguity_margin)
            linkable = 0
            for s, x, y in kept:
                if s >= spec.threshold:
                    linkable += 1
                    if x not in ambiguous_a and y not in ambiguous_b:
                        edges.append((s, i, x, j, y))
            bands = _band_counts(scores)
            if not use_lsh:
                bands[f"{BANDS[0]:.2f}-{BANDS[1]:.2f}"] = compared - int(len(scores))
            report_pairs.append({
                "lists": [lists[i].name, lists[j].name],
                "blocking": "lsh" if use_lsh else "none",
                "pairs_compared": compared,
                "pairs_per_band": bands,
                "pairs_at_or_above_threshold": linkable,
                "records_left_unlinked_as_ambiguous": len(ambiguous_a) + len(ambiguous_b),
            })
    # One-to-one across all lists: merge clusters best edge first, never putting two
    # records of one list in the same cluster.
    parent: dict[tuple[int, int], tuple[int, int]] = {}
    members: dict[tuple[int, int], dict[int, int]] = {}

    def find(x: tuple[int, int]) -> tuple[int, int]:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    accepted: list[tuple[float, int, int, int, int]] = []
    for e in sorted(edges, key=lambda e: (-e[0], e[1], e[2], e[3], e[4])):
        s, i, x, j, y = e
        ra, rb = find((i, x)), find((j, y))
        ma = members.setdefault(ra, {i: x})
        mb = members.setdefault(rb, {j: y})
        if ra == rb:
            accepted.append(e)
            continue
        if set(ma) & set(mb):
            continue
        parent[rb] = ra
        ma.update(mb)
        del members[rb]
        accepted.append(e)
    names = [lst.name for lst in lists]
    pairs = [MatchedPair(names[i], lists[i].ids[x], names[j], lists[j].ids[y], round(s, 4))
             for s, i, x, j, y in accepted]
    pairs.sort(key=lambda p: (p.list_1, p.list_2, -p.score, p.id_1))
    histories: Counter[tuple[int, ...]] = Counter()
    clusters: list[list[tuple[str, str]]] = []
    in_cluster: set[tuple[int, int]] = set()
    for root, mem in members.items():
        if find(root) != root:
            continue
        pattern = tuple(1 if k in mem else 0 for k in range(len(lists)))
        histories[pattern] += 1
        clusters.append([(names[k], lists[k].ids[r]) for k, r in sorted(mem.items())])
        in_cluster.update((k, r) for k, r in mem.items())
    for k, lst in enumerate(lists):
        singles = sum(1 for r in range(len(lst.ids)) if (k, r) not in in_cluster)
        pattern = tuple(1 if m == k else 0 for m in range(len(lists)))
        histories[pattern] += singles
    table = [dict(zip(names, pat, strict=True)) | {"count": c}
             for pat, c in sorted(histories.items(), reverse=True) if c > 0]
    size_counts = Counter(len(c) for c in clusters)
    report = {
        "threshold": spec.threshold,
        "records_per_list": {lst.name: len(lst.ids) for lst in lists},
        "pairs": report_pairs,
        "matched_pairs": len(pairs),
        "linked_clusters_by_size": {str(k): v for k, v in sorted(size_counts.items())},
        "observed_persons": sum(r["count"] for r in table),
    }
    return MatchResult(names, pairs, table, report, spec.to_dict(), round(time.perf_counter() - start, 3), clusters)


def write_capture_histories(path: str | os.PathLike[str], result: MatchResult) -> None:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=[*result.lists, "count"])
        w.writeheader()
        for row in result.capture_histories:
            w.writerow(row)


def write_pairs(path: str | os.PathLike[str], result: MatchResult) -> None:
    """``id_1, id_2, score`` (id_1 from the earlier list), plus the two list names."""
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["id_1", "id_2", "score", "list_1", "list_2"])
        for p in result.pairs:
            w.writerow([p.id_1, p.id_2, f"{p.score:.4f}", p.list_1, p.list_2])
