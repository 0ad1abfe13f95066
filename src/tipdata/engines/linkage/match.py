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

At scale (a million records a list) the hub keeps the encodings packed, builds the LSH
index once per pair of lists, leaves out LSH buckets shared by more than
``lsh_max_bucket`` records of either list (they cannot tell their records apart, and
their pairs grow with the square of the lists), and finds and scores candidates
``lsh_chunk`` records of the first list at a time, keeping only pairs near the
threshold; memory is the index and the lists, not the pairs.

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
from collections.abc import Iterator
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
    bits: np.ndarray  # (n, output_bits) uint8 0/1, or (n, output_bits // 8) packed when ``packed``
    spec: dict[str, Any]
    key_check: str
    packed: bool = False  # bits packed 8 to a byte (np.packbits): an eighth of the memory

    def packed_bits(self) -> np.ndarray:
        """The encodings packed 8 bits to a byte, (n, output_bits // 8) uint8."""
        return self.bits if self.packed else np.packbits(self.bits, axis=1)


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
    lsh_max_bucket: int = 10  # ... a band value shared by more records of either list is no evidence
    lsh_chunk: int = 20_000  # ... records of the first list whose candidates are found and scored at once
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


def load_encodings(path: str | os.PathLike[str], taken: set[str] | None = None, *,
                   packed: bool = False) -> EncodedList:
    """Read an encoding file (``packed``: keep the bits packed, an eighth of the memory;
    matching reads either)."""
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
        raw = np.stack([unpack(encodings[i], n_bits) for i in ids])
    except ValueError as exc:
        raise EncodingFileError(f"{p}: damaged encoding ({exc})") from None
    name = _list_name(str(doc.get("list_name") or ""), p, taken if taken is not None else set())
    if packed:
        return EncodedList(name, str(p), ids, raw, doc["spec"], str(doc["key_check"]), packed=True)
    bits = np.unpackbits(raw, axis=1)[:, :n_bits]
    return EncodedList(name, str(p), ids, bits, doc["spec"], str(doc["key_check"]))


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
    pa = np.packbits(a, axis=1)
    pb = np.packbits(b, axis=1)
    return _dice_rows(pa, np.bitwise_count(pa).sum(1, dtype=np.int64), pb, np.bitwise_count(pb).sum(1, dtype=np.int64),
                      ia, ib)


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


@dataclass
class _PackedParts:
    """One list's identity and full parts, packed (as 64-bit words where they divide),
    with their bit counts."""

    identity: np.ndarray
    full: np.ndarray
    n_identity: np.ndarray  # bits set per row
    n_full: np.ndarray
    part_bits: int

    @property
    def has_date(self) -> np.ndarray:
        return np.asarray(self.n_full > 0)

    @classmethod
    def of(cls, lst: EncodedList, part_bits: int) -> _PackedParts:
        packed = lst.packed_bits()
        nbytes = part_bits // 8
        parts = []
        for k in range(2):
            part = np.ascontiguousarray(packed[:, k * nbytes:(k + 1) * nbytes])
            parts.append(part.view(np.uint64) if nbytes % 8 == 0 else part)
        counts = [np.bitwise_count(p).sum(1, dtype=np.int64) for p in parts]
        return cls(parts[0], parts[1], counts[0], counts[1], part_bits)

    def bytes_of(self, part: str) -> np.ndarray:
        """A part as packed bytes (n, part_bits // 8)."""
        x = self.identity if part == "identity" else self.full
        return x.view(np.uint8)


def _dice_rows(pa: np.ndarray, ca: np.ndarray, pb: np.ndarray, cb: np.ndarray, x: np.ndarray, y: np.ndarray,
               step: int = 1 << 20) -> np.ndarray:
    """Dice similarity of packed rows pa[x[k]] and pb[y[k]] (``ca``, ``cb``: bits set)."""
    out = np.empty(len(x), dtype=np.float32)
    for s in range(0, len(x), step):
        xs, ys = x[s:s + step], y[s:s + step]
        inter = np.bitwise_count(pa[xs] & pb[ys]).sum(1, dtype=np.int64)
        denom = ca[xs] + cb[ys]
        out[s:s + step] = np.where(denom > 0, 2.0 * inter / np.maximum(denom, 1), 0.0)
    return out


def _score_packed(a: _PackedParts, b: _PackedParts, x: np.ndarray, y: np.ndarray,
                  missing_date_penalty: float) -> np.ndarray:
    """The scores of the row pairs (x[k], y[k]), as :func:`scores_pairs`, on packed parts."""
    both = a.has_date[x] & b.has_date[y]
    out = np.empty(len(x), dtype=np.float32)
    one = ~both
    out[one] = _dice_rows(a.identity, a.n_identity, b.identity, b.n_identity, x[one], y[one]) \
        - np.float32(missing_date_penalty)
    out[both] = _dice_rows(a.full, a.n_full, b.full, b.n_full, x[both], y[both])
    return out


def _bit_counts(x: np.ndarray, n_bits: int, chunk: int = 100_000) -> np.ndarray:
    """How many rows of a packed array have each bit set."""
    total = np.zeros(n_bits, dtype=np.int64)
    for s in range(0, x.shape[0], chunk):
        total += np.unpackbits(x[s:s + chunk], axis=1, count=n_bits).sum(0, dtype=np.int64)
    return total


def _band_keys(x: np.ndarray, n_bits: int, perms: list[np.ndarray], bin_bits: int, rows: int,
               chunk: int = 20_000) -> np.ndarray:
    """MinHash LSH band keys of packed rows, (bands, rows of x); 0 = a band of empty bins.

    One-permutation MinHash: per permutation, the bits are cut into bins of ``bin_bits``
    and each bin's value is the position of its first set bit (none: empty). ``rows``
    consecutive values make a band; its key packs 1 + each value (0: empty) in ``width``
    bits. Worked out on the bits transposed (a bin's positions are then whole rows to
    copy) with each bin's bits as one word, whose trailing zeros are the first set bit.
    """
    if bin_bits > 64:
        raise ValueError(f"lsh bin_bits must be at most 64, got {bin_bits}")
    n_bins = len(perms[0]) // bin_bits
    n_values = len(perms) * n_bins
    n_bands = n_values // rows
    width = int(bin_bits).bit_length()
    if rows * width > 62:
        raise ValueError(f"lsh rows x bits per value must fit 62 bits (rows {rows}, bin_bits {bin_bits})")
    dtype: type[np.unsignedinteger[Any]] = np.uint32 if rows * width <= 32 else np.uint64
    word: type[np.unsignedinteger[Any]] = next(t for t in (np.uint8, np.uint16, np.uint32, np.uint64)
                                                if np.iinfo(t).bits >= bin_bits)
    shifts = (np.arange(rows, dtype=dtype) * dtype(width))[None, :, None]
    keys = np.empty((n_bands, x.shape[0]), dtype=dtype)
    for s in range(0, x.shape[0], chunk):
        xt = np.unpackbits(np.ascontiguousarray(x[s:s + chunk].T), axis=0, count=n_bits)  # (n_bits, c)
        c = xt.shape[1]
        values = np.empty((n_values, c), dtype=dtype)  # 1 + first set bit of each bin, 0: empty
        for k, perm in enumerate(perms):
            g = xt[perm[:n_bins * bin_bits]].reshape(n_bins, bin_bits, c)
            w = np.zeros((n_bins, c), dtype=word)
            for i in range(bin_bits):
                w |= g[:, i, :].astype(word) << word(i)
            lowest = w & (~w + word(1))
            values[k * n_bins:(k + 1) * n_bins] = np.where(w == 0, 0, np.bitwise_count(lowest - word(1)) + 1)
        keys[:, s:s + c] = (values[:n_bands * rows].reshape(n_bands, rows, c) << shifts).sum(axis=1, dtype=dtype)
    return keys


@dataclass
class _BandIndex:
    """For each LSH band and each row of the first list, where the rows of the second
    list with the same key are: ``b_order[band][start : start + count]``."""

    start: np.ndarray  # (bands, n_a)
    count: np.ndarray  # (bands, n_a); 0: no key, or a bucket too big
    b_order: np.ndarray  # (bands, n_b) rows of the second list, grouped by key
    buckets_left_out: int  # band values shared by more than max_bucket records of a list


def _sort_rows_by_key(keys: np.ndarray) -> np.ndarray:
    """Row numbers in the order of their keys (ties in any order)."""
    if keys.dtype == np.uint32 and len(keys) < 2**32:
        # key and row in one 64-bit value: a plain sort is several times faster than argsort
        packed = (keys.astype(np.uint64) << np.uint64(32)) | np.arange(len(keys), dtype=np.uint64)
        packed.sort()
        return (packed & np.uint64(0xFFFFFFFF)).astype(np.int64)
    return np.argsort(keys)


def _band_index(a: np.ndarray, b: np.ndarray, n_bits: int, *, permutations: int, bin_bits: int, rows: int,
                max_bit_share: float, max_bucket: int, seed: int) -> _BandIndex | None:
    """The LSH index of packed parts ``a`` and ``b`` (None: too few usable bit positions).

    Bit positions set in more than ``max_bit_share`` of all records (the bits of "F",
    of a nationality, of "Nguyen") are left out first: they make unrelated records
    alike. A band value held by more than ``max_bucket`` records of either list (the
    same name, sex and nationality held by hundreds of people, or a band that caught
    little but a common syllable) is left out too: it cannot tell its records apart,
    and its pairs grow with the square of the lists' size. A true pair in such a bucket
    is still found if some other band is rarer (a birth date, a rarer spelling); if every
    band is that common, its records have so many equally good candidates that the
    ambiguity rule would leave them unlinked anyway.
    """
    rng = np.random.default_rng(seed)
    share = (_bit_counts(a, n_bits) + _bit_counts(b, n_bits)) / max(a.shape[0] + b.shape[0], 1)
    allowed = np.nonzero(share <= max_bit_share)[0]
    if len(allowed) < bin_bits * rows:
        return None
    perms = [allowed[rng.permutation(len(allowed))] for _ in range(permutations)]
    ka = _band_keys(a, n_bits, perms, bin_bits, rows)
    kb = _band_keys(b, n_bits, perms, bin_bits, rows)
    n_b = b.shape[0]
    count_type = next(t for t in (np.uint8, np.uint16, np.uint32, np.int64) if np.iinfo(t).max >= max_bucket)
    start = np.zeros(ka.shape, dtype=np.uint32 if n_b < 2**32 else np.int64)
    count = np.zeros(ka.shape, dtype=count_type)
    b_order = np.empty(kb.shape, dtype=np.uint32 if n_b < 2**32 else np.int64)
    left_out = 0
    for k in range(ka.shape[0]):
        # both lists' keys sorted together: each key's run holds its rows of both lists
        both = np.concatenate([kb[k], ka[k]])
        order = _sort_rows_by_key(both)
        key = both[order]
        in_b = order < n_b
        b_order[k] = order[in_b]
        runs = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
        run_len = np.diff(np.r_[runs, len(key)])
        run_b = np.add.reduceat(in_b.astype(np.int64), runs)
        run_start = np.cumsum(run_b) - run_b  # where the run's rows of b begin in b_order
        run_a = run_len - run_b
        too_big = (key[runs] != 0) & (run_a > 0) & (run_b > 0) & ((run_a > max_bucket) | (run_b > max_bucket))
        left_out += int(too_big.sum())
        usable = (key[runs] != 0) & ~too_big
        run_of = np.repeat(np.arange(len(runs)), run_len)[~in_b]  # the run of each row of a, in sorted order
        rows_a = order[~in_b] - n_b
        start[k, rows_a] = run_start[run_of]
        count[k, rows_a] = np.where(usable[run_of], run_b[run_of], 0)
    return _BandIndex(start, count, b_order, left_out)


def _band_pairs(index: _BandIndex, first: int, stop: int, n_b: int) -> list[np.ndarray]:
    """Pairs (as a * n_b + b) of rows first..stop-1 of the first list with rows of the
    second that share a band key."""
    found: list[np.ndarray] = []
    rows = np.arange(first, stop, dtype=np.int64)
    for k in range(index.start.shape[0]):
        counts = index.count[k, first:stop].astype(np.int64)
        total = int(counts.sum())
        if total == 0:
            continue
        # positions start[i] .. start[i] + counts[i] - 1 of every row, without a Python loop
        starts = np.repeat(index.start[k, first:stop].astype(np.int64) - (np.cumsum(counts) - counts), counts)
        offsets = np.arange(total, dtype=np.int64) + starts
        found.append(np.repeat(rows, counts) * n_b + index.b_order[k][offsets].astype(np.int64))
    return found


def _unique(x: np.ndarray) -> np.ndarray:
    """Sorted unique values (np.unique on large int64 arrays is many times slower)."""
    x = np.sort(x)
    return x[np.r_[True, x[1:] != x[:-1]]] if len(x) else x


def lsh_indexes(a: _PackedParts, b: _PackedParts, spec: MatchSpec, seed: int) -> list[_BandIndex]:
    """The LSH band indexes of two lists: of the identity parts (every record) and of
    the full parts (records with a birth date), where a true pair agrees more. Bit
    sampling (Hamming LSH) suits dense filters; these parts are sparse, and on them it
    mostly finds records that agree on zeros."""
    indexes = [
        _band_index(a.bytes_of(part), b.bytes_of(part), a.part_bits, permutations=spec.lsh_permutations,
                    bin_bits=spec.lsh_bin_bits, rows=rows, max_bit_share=spec.lsh_max_bit_share,
                    max_bucket=spec.lsh_max_bucket, seed=seed + k)
        for k, (part, rows) in enumerate((("identity", spec.lsh_rows_identity), ("full", spec.lsh_rows_full)))
    ]
    return [ix for ix in indexes if ix is not None]


def lsh_candidate_chunks(indexes: list[_BandIndex], n_a: int, n_b: int,
                         chunk: int) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Candidate pairs (rows of a, rows of b) sharing a band key in any index, ``chunk``
    rows of the first list at a time, each pair once."""
    for start in range(0, n_a, chunk):
        stop = min(start + chunk, n_a)
        found = [p for ix in indexes for p in _band_pairs(ix, start, stop, n_b)]
        keys = _unique(np.concatenate(found)) if found else np.empty(0, dtype=np.int64)
        yield keys // n_b, keys % n_b


def _band_counts(scores: np.ndarray) -> np.ndarray:
    hist, _ = np.histogram(scores, bins=np.array(BANDS))
    return hist


def _band_labels() -> list[str]:
    return [f"{BANDS[i]:.2f}-{min(BANDS[i + 1], 1.0):.2f}" for i in range(len(BANDS) - 1)]


def _ambiguous_rows(rows: np.ndarray, scores: np.ndarray, margin: float) -> np.ndarray:
    """Rows whose best two candidates score within ``margin`` (sorted, unique)."""
    if len(rows) < 2:
        return np.empty(0, dtype=np.int64)
    order = np.lexsort((-scores, rows))
    r = rows[order]
    sc = scores[order].astype(np.float64)
    head = np.nonzero(np.r_[True, r[1:] != r[:-1]])[0]  # each row's best candidate
    nxt = np.minimum(head + 1, len(r) - 1)
    second = (head + 1 < len(r)) & (r[nxt] == r[head])
    return _unique(r[head][second & (np.abs(sc[head] - sc[nxt]) < margin)])


def match_lists(lists: list[EncodedList], spec: MatchSpec | None = None) -> MatchResult:
    """Match two or more encoded lists; see the module docstring.

    With LSH blocking the first list of each pair is taken ``spec.lsh_chunk`` records at
    a time: its candidates are found, scored, and all but those near the threshold
    dropped before the next chunk, so memory stays bounded however many pairs are
    compared.
    """
    spec = spec or MatchSpec()
    start = time.perf_counter()
    if len(lists) < 2:
        raise ValueError("matching needs at least two lists")
    _check_compatible(lists)
    enc_spec = EncodingSpec.from_dict(lists[0].spec)
    part_bits = enc_spec.part_bits
    parts = [_PackedParts.of(lst, part_bits) for lst in lists]
    edge_parts: list[tuple[np.ndarray, ...]] = []  # score, list i, row, list j, row
    report_pairs: list[dict[str, Any]] = []
    near = spec.threshold - spec.ambiguity_margin
    for i in range(len(lists)):
        for j in range(i + 1, len(lists)):
            n_a, n_b = len(lists[i].ids), len(lists[j].ids)
            use_lsh = spec.blocking == "lsh" or (spec.blocking == "auto" and n_a * n_b > spec.max_full_pairs)
            bands = np.zeros(len(BANDS) - 1, dtype=np.int64)
            kept_x: list[np.ndarray] = []
            kept_y: list[np.ndarray] = []
            kept_s: list[np.ndarray] = []
            left_out = 0
            if use_lsh:
                compared = 0
                indexes = lsh_indexes(parts[i], parts[j], spec, spec.seed + 1000 * i + j)
                left_out = sum(ix.buckets_left_out for ix in indexes)
                for x, y in lsh_candidate_chunks(indexes, n_a, n_b, spec.lsh_chunk):
                    scores = _score_packed(parts[i], parts[j], x, y, spec.missing_date_penalty)
                    compared += len(x)
                    bands += _band_counts(scores)
                    keep = scores >= near
                    kept_x.append(x[keep])
                    kept_y.append(y[keep])
                    kept_s.append(scores[keep])
                del indexes
            else:
                a = np.unpackbits(lists[i].packed_bits(), axis=1, count=enc_spec.output_bits)
                b = np.unpackbits(lists[j].packed_bits(), axis=1, count=enc_spec.output_bits)
                full = scores_all(a, b, part_bits, spec.missing_date_penalty)
                compared = int(full.size)
                ia, ib = np.nonzero(full >= min(near, BANDS[1]))
                scores = full[ia, ib]
                bands += _band_counts(scores)
                # the lowest band counts every pair below 0.5 without listing them
                bands[0] += compared - int(len(scores))
                keep = scores >= near
                kept_x.append(ia[keep])
                kept_y.append(ib[keep])
                kept_s.append(scores[keep])
            kx = np.concatenate(kept_x).astype(np.int64)
            ky = np.concatenate(kept_y).astype(np.int64)
            ks = np.concatenate(kept_s)
            ambiguous_a = _ambiguous_rows(kx, ks, spec.ambiguity_margin)
            ambiguous_b = _ambiguous_rows(ky, ks, spec.ambiguity_margin)
            linkable = ks.astype(np.float64) >= spec.threshold
            edge = linkable & ~np.isin(kx, ambiguous_a) & ~np.isin(ky, ambiguous_b)
            edge_parts.append((ks[edge].astype(np.float64), np.full(int(edge.sum()), i), kx[edge],
                               np.full(int(edge.sum()), j), ky[edge]))
            pair_report: dict[str, Any] = {
                "lists": [lists[i].name, lists[j].name],
                "blocking": "lsh" if use_lsh else "none",
                "pairs_compared": compared,
                "pairs_per_band": {lab: int(c) for lab, c in zip(_band_labels(), bands, strict=True)},
                "pairs_at_or_above_threshold": int(linkable.sum()),
                "records_left_unlinked_as_ambiguous": len(ambiguous_a) + len(ambiguous_b),
            }
            if use_lsh:
                pair_report["lsh_buckets_left_out_as_too_common"] = left_out
            report_pairs.append(pair_report)
    # One-to-one across all lists: merge clusters best edge first, never putting two
    # records of one list in the same cluster.
    es, ei, ex, ej, ey = (np.concatenate([e[k] for e in edge_parts]) for k in range(5))
    order = np.lexsort((ey, ej, ex, ei, -es))
    parent: dict[tuple[int, int], tuple[int, int]] = {}
    members: dict[tuple[int, int], dict[int, int]] = {}

    def find(x: tuple[int, int]) -> tuple[int, int]:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    accepted: list[tuple[float, int, int, int, int]] = []
    for s, i, x, j, y in zip(es[order].tolist(), ei[order].tolist(), ex[order].tolist(), ej[order].tolist(),
                             ey[order].tolist(), strict=True):
        ra, rb = find((i, x)), find((j, y))
        ma = members.setdefault(ra, {i: x})
        mb = members.setdefault(rb, {j: y})
        if ra == rb:
            accepted.append((s, i, x, j, y))
            continue
        if set(ma) & set(mb):
            continue
        parent[rb] = ra
        ma.update(mb)
        del members[rb]
        accepted.append((s, i, x, j, y))
    names = [lst.name for lst in lists]
    pairs = [MatchedPair(names[i], lists[i].ids[x], names[j], lists[j].ids[y], round(s, 4))
             for s, i, x, j, y in accepted]
    pairs.sort(key=lambda p: (p.list_1, p.list_2, -p.score, p.id_1))
    histories: Counter[tuple[int, ...]] = Counter()
    clusters: list[list[tuple[str, str]]] = []
    in_cluster = [np.zeros(len(lst.ids), dtype=bool) for lst in lists]
    for root, mem in members.items():
        if find(root) != root:
            continue
        pattern = tuple(1 if k in mem else 0 for k in range(len(lists)))
        histories[pattern] += 1
        clusters.append([(names[k], lists[k].ids[r]) for k, r in sorted(mem.items())])
        for k, r in mem.items():
            in_cluster[k][r] = True
    for k in range(len(lists)):
        pattern = tuple(1 if m == k else 0 for m in range(len(lists)))
        histories[pattern] += int((~in_cluster[k]).sum())
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
