"""Privacy-preserving encodings of persons: cryptographic long-term keys (CLKs).

Each agency encodes its persons locally; the linkage hub receives only the encodings and
matches them (:mod:`.match`). A CLK is a Bloom filter into which the record's features
are hashed: the q-grams and whole tokens of the normalised name and of its phonetic keys
(so that ဦးကျော်သိန်း and "Kyaw Thein" set nearly the same bits), the birth-date parts
(year, a one-year window, month, day, and day-month as an unordered pair so that a swap
still agrees), sex and nationality.

Each encoding has two parts, each a CLK of its own with its own keys:

- the *identity* part: name, sex and nationality;
- the *full* part: the same and the birth date; empty (all zeros) when the birth date is
  unknown.

A birth date missing on one side would otherwise count as a disagreement (its bits are
on one side only) and push true pairs below namesakes who happen to have a date; with
the two parts the hub compares full parts when both dates are known and identity parts
otherwise (:mod:`.match`). The hub learns which records have no birth date, nothing else.

Every name token gets about the same number of bits whatever its length, so that a
different family name ("Hun" / "Phan") counts as much as a shared long given name.

Hardening, on by default (see docs/decisions/0004-pprl-encoding.md):

- keyed hashing: every feature goes through HMAC-SHA256 with a key derived (HKDF) from
  the agencies' shared secret, the part and the field name, so nobody without the secret
  can build a dictionary of encodings, and the same q-gram in two fields or two parts
  sets unrelated bits;
- XOR-folding (default): the two halves of each part's filter are XORed;
  ``balance`` (filter plus its complement, shuffled) is the alternative;
- frequency weighting on the encoder side (tokens on a fixed public list of common
  names - Nguyen, Aung, Thi, ... - set ``1 / common_token_divisor`` of the bits) is
  available but off by default (divisor 1): a Bloom filter cannot weigh agreement and
  disagreement apart, and with fewer bits a *different* common family name (Kim / Phan)
  counted for too little; on the benchmark and the demo data it cost accuracy.

The encoder hashes each distinct feature once and keeps its bit positions (names, dates
and q-grams repeat across records), and sets the bits of many records at once; the
result is the same as hashing every feature of every record one by one.

The encoding file holds the record ids, the encodings, the non-secret spec and a key
check value (an HMAC of a constant) so that the hub can refuse files made with different
secrets. No name, date, transliteration or phonetic key is written.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import json
import multiprocessing as mp
import os
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Final, Literal

import numpy as np
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from tipdata.engines.names import NORMALISER_VERSION, BirthDate, phonetic_key
from tipdata.engines.names.nicknames import is_nickname

from .persons import PersonRecord

FORMAT: Final[str] = "tipdata-pprl-clk"
FORMAT_VERSION: Final[int] = 2  # 2: identity and full parts, token-balanced bits
MIN_SECRET_BYTES: Final[int] = 16

Hardening = Literal["balance", "xor_fold", "none"]

# Phonetic keys of name tokens so common in the region that sharing one says little.
COMMON_TOKENS: Final[frozenset[str]] = frozenset(
    phonetic_key(t)
    for t in """
    nguyen tran le pham hoang huynh phan vu vo dang bui do ho ngo duong ly thi van
    aung kyaw min maung myint win zaw htun tun soe thein khin su mya hla thet naing
    sok chan chea kim heng srey sri siti nur dewi muhammad ahmad maria jose juan
    dela cruz santos reyes garcia somchai somsak
    """.split()
)


# Nationalities whose surname is reliably written in the family-name field.
SURNAME_FIELD_RELIABLE: Final[frozenset[str]] = frozenset({"THA", "LAO"})


# The parts of an encoding, in order (see the module docstring).
PARTS: Final[tuple[str, ...]] = ("identity", "full")

# Bit positions of at most this many distinct features are kept while encoding.
_POSITION_CACHE_SIZE: Final[int] = 1 << 20
_NO_POSITIONS: Final[np.ndarray] = np.empty(0, dtype=np.intp)


class SecretError(ValueError):
    """The shared secret is missing or too weak."""


@dataclass(frozen=True)
class EncodingSpec:
    """Parameters of the encoding (public: shared with the hub; no secret in here)."""

    bits: int = 2048  # Bloom filter length of each part before hardening
    qgram: int = 2
    token_bits: int = 50  # hash positions per name token, spread over its q-grams and keys
    k_name_qgram: int = 6  # per q-gram of an extra field (FEBRL addresses and the like)
    k_token: int = 10  # an initial gets a quarter of this; a Thai or Lao surname this again
    k_dob: int = 20
    k_sex: int = 6
    k_nationality: int = 6
    common_token_divisor: int = 1  # >1: common tokens set fewer bits (see the module docstring)
    hardening: Hardening = "xor_fold"
    normaliser_version: str = NORMALISER_VERSION

    def __post_init__(self) -> None:
        if self.bits < 64 or self.bits % 64:
            raise ValueError(f"bits must be a multiple of 64 and at least 64, got {self.bits}")
        if self.hardening not in ("balance", "xor_fold", "none"):
            raise ValueError(f"hardening must be balance, xor_fold or none, got {self.hardening!r}")

    @property
    def part_bits(self) -> int:
        """Bits of one part after hardening."""
        return {"balance": 2 * self.bits, "xor_fold": self.bits // 2, "none": self.bits}[self.hardening]

    @property
    def output_bits(self) -> int:
        """Bits of an encoding: the identity part, then the full part."""
        return len(PARTS) * self.part_bits

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> EncodingSpec:
        return cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__})


def read_secret(path: str | os.PathLike[str]) -> bytes:
    """Read the shared secret from a file (surrounding whitespace ignored)."""
    p = Path(path)
    try:
        secret = p.read_bytes().strip()
    except FileNotFoundError:
        raise SecretError(f"{p}: no such secret file") from None
    if len(secret) < MIN_SECRET_BYTES:
        raise SecretError(
            f"{p}: the secret has {len(secret)} bytes; at least {MIN_SECRET_BYTES} are needed "
            "(for example 32 random bytes: `head -c 32 /dev/urandom | base64`)"
        )
    return secret


def key_check(secret: bytes) -> str:
    """A public fingerprint of the secret: equal for equal secrets, reveals nothing else."""
    return hmac.new(secret, b"tipdata-pprl/v1/key-check", hashlib.sha256).hexdigest()[:16]


def _field_key(secret: bytes, field: str) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=b"tipdata-pprl/v1",
                info=f"field:{field}".encode()).derive(secret)


def _qgrams(token: str, q: int) -> list[str]:
    padded = f"_{token}_"
    return [padded[i:i + q] for i in range(max(1, len(padded) - q + 1))]


def _share(total: float, n: int, div: int) -> int:
    return max(1, round(total / max(n, 1) / div))


@functools.lru_cache(maxsize=1 << 16)
def _token_features(token: str, ph: str, div: int, surname_reliable: bool,
                    spec: EncodingSpec) -> tuple[tuple[str, str, int], ...]:
    """The features of one name token (cached: names repeat, and this is most of the
    per-record work of :func:`record_features`)."""
    if len(token) == 1:
        return (("initial", token, max(1, spec.k_token // 4)),)
    # About token_bits positions per token whatever its length: 45 % over the
    # q-grams of the spelling, 35 % over those of the phonetic key, 20 % on the key
    # as a whole token. With a fixed number per q-gram a long given name would
    # outweigh a short family name several times over.
    grams, ph_grams = _qgrams(token, spec.qgram), _qgrams(ph, spec.qgram)
    feats: list[tuple[str, str, int]] = []
    k = _share(0.45 * spec.token_bits, len(grams), div)
    feats.extend(("name_q", g, k) for g in grams)
    k = _share(0.35 * spec.token_bits, len(ph_grams), div)
    feats.extend(("name_pq", g, k) for g in ph_grams)
    feats.append(("name_tok", ph, _share(0.2 * spec.token_bits, 1, div)))
    if surname_reliable:
        # Thai and Lao surnames are nearly unique and always go in the family-name
        # field: worth extra bits (they carry a record whose given name is a nickname).
        feats.append(("family_tok", ph, spec.k_token))
    return tuple(feats)


def _name_token_keys(record: PersonRecord, spec: EncodingSpec) -> list[tuple[str, str, int, bool]]:
    """(token, phonetic key, divisor, surname field reliable) of each name token that is
    encoded: the arguments of :func:`_token_features`."""
    keys: list[tuple[str, str, int, bool]] = []
    name = record.name
    reliable = name.nationality in SURNAME_FIELD_RELIABLE
    for position, (token, ph) in enumerate(zip(name.tokens, name.phonetic, strict=True)):
        if position < name.given_count and len(name.tokens) > 1 and is_nickname(token, name.nationality):
            # A nickname in place of the given name (Thai "Lek", Filipino "Jun") would
            # set bits the other agency's formal name does not: leave it out, so the
            # surname, date and the rest still meet.
            continue
        div = spec.common_token_divisor if ph in COMMON_TOKENS else 1
        keys.append((token, ph, div, reliable and position >= name.given_count))
    return keys


def _date_features(d: BirthDate, spec: EncodingSpec) -> list[tuple[str, str, int]]:
    """The features of a birth date (full part only)."""
    k = spec.k_dob
    feats = [("dob_window", str(y), k // 2) for y in (d.year - 1, d.year, d.year + 1)]
    if not d.from_age:
        feats.append(("dob_year", str(d.year), k))
        if d.month is not None and not d.is_jan1:
            feats.append(("dob_month", str(d.month), k // 2))
            if d.day is not None:
                feats.append(("dob_day", str(d.day), k // 2))
                pair = "-".join(sorted((f"{d.month:02d}", f"{d.day:02d}")))
                feats.append(("dob_daymonth", pair, k))
    return feats


def _other_features(record: PersonRecord, spec: EncodingSpec) -> list[tuple[str, str, int]]:
    """The features of sex, nationality and extra fields."""
    feats: list[tuple[str, str, int]] = []
    if record.sex:
        feats.append(("sex", record.sex, spec.k_sex))
    if record.nationality:
        feats.append(("nationality", record.nationality, spec.k_nationality))
    for field, value in sorted(record.extra.items()):
        if value:
            for g in _qgrams(value.strip().lower(), spec.qgram):
                feats.append((f"extra:{field}", g, spec.k_name_qgram))
    return feats


def record_features(record: PersonRecord, spec: EncodingSpec) -> list[tuple[str, str, int]]:
    """The (field, feature, number of hash functions) triples of a record's full part.

    The identity part is the same without the ``dob_*`` fields. Plaintext: computed and
    used only inside the encoding agency.
    """
    feats: list[tuple[str, str, int]] = []
    for key in _name_token_keys(record, spec):
        feats.extend(_token_features(*key, spec))
    if record.birth_date is not None:
        feats.extend(_date_features(record.birth_date, spec))
    feats.extend(_other_features(record, spec))
    return feats


class ClkEncoder:
    """Encodes person records with one secret and one spec."""

    def __init__(self, secret: bytes, spec: EncodingSpec | None = None) -> None:
        if len(secret) < MIN_SECRET_BYTES:
            raise SecretError(f"the secret must have at least {MIN_SECRET_BYTES} bytes")
        self.spec = spec or EncodingSpec()
        self._secret = secret
        self._keys: dict[str, bytes] = {}
        # (field, feature, k) -> bit positions in the identity and the full part
        self._positions: dict[tuple[str, str, int], tuple[np.ndarray, np.ndarray]] = {}
        # ... and of groups of features: a name token, a birth date, sex and nationality
        self._group_cache: dict[Any, tuple[np.ndarray, np.ndarray]] = {}
        n_out = 2 * self.spec.bits if self.spec.hardening == "balance" else self.spec.bits
        self._permutations = {
            part: np.random.default_rng(
                int.from_bytes(_field_key(secret, f"permutation:{part}")[:8], "big")).permutation(n_out)
            for part in PARTS
        }
        self.key_check = key_check(secret)

    def _key(self, field: str) -> bytes:
        key = self._keys.get(field)
        if key is None:
            key = self._keys[field] = _field_key(self._secret, field)
        return key

    def _feature_positions(self, field: str, feature: str, k: int) -> tuple[np.ndarray, np.ndarray]:
        """The bit positions a feature sets in the identity part (none for the birth
        date) and in the full part. Cached: names, q-grams and date parts repeat, so most
        records need few new HMACs."""
        cache_key = (field, feature, k)
        hit = self._positions.get(cache_key)
        if hit is not None:
            return hit
        if len(self._positions) >= _POSITION_CACHE_SIZE:
            self._positions.clear()
        bits = self.spec.bits
        digest = hmac.digest(self._key(field), feature.encode("utf-8"), "sha256")
        # keyed double hashing: k positions from two independent 64-bit values; the
        # identity part takes the first half of the digest, the full part the second,
        # so the two parts' bits are unrelated
        identity = _NO_POSITIONS
        if not field.startswith("dob_"):
            h1 = int.from_bytes(digest[:8], "big")
            h2 = int.from_bytes(digest[8:16], "big") | 1
            identity = np.array([(h1 + i * h2) % bits for i in range(k)], dtype=np.intp)
        h1 = int.from_bytes(digest[16:24], "big")
        h2 = int.from_bytes(digest[24:32], "big") | 1
        full = np.array([(h1 + i * h2) % bits for i in range(k)], dtype=np.intp)
        hit = self._positions[cache_key] = (identity, full)
        return hit

    def _group_positions(self, feats: Iterable[tuple[str, str, int]]) -> tuple[np.ndarray, np.ndarray]:
        """The positions a group of features sets in the identity and the full part (a
        position may appear twice: setting it twice does no harm)."""
        pos = [self._feature_positions(*f) for f in feats]
        if not pos:
            return _NO_POSITIONS, _NO_POSITIONS
        return np.concatenate([p[0] for p in pos]), np.concatenate([p[1] for p in pos])

    def _cached_group(self, key: tuple[Any, ...], features: Callable[..., Iterable[tuple[str, str, int]]],
                      *args: Any) -> tuple[np.ndarray, np.ndarray]:
        """The positions of the group ``features(*args)``, cached under ``key``."""
        hit = self._group_cache.get(key)
        if hit is None:
            if len(self._group_cache) >= _POSITION_CACHE_SIZE:
                self._group_cache.clear()
            hit = self._group_cache[key] = self._group_positions(features(*args))
        return hit

    def _record_positions(self, record: PersonRecord) -> list[tuple[np.ndarray, np.ndarray]]:
        """The positions of a record's features (those of :func:`record_features`), in
        groups: one per name token, one for the birth date, one for sex and nationality,
        each cached (names and dates repeat)."""
        spec = self.spec
        groups = [self._cached_group(("token", *key), _token_features, *key, spec)
                  for key in _name_token_keys(record, spec)]
        if record.birth_date is not None:
            groups.append(self._cached_group(("date", record.birth_date), _date_features, record.birth_date, spec))
        if record.extra:
            groups.append(self._group_positions(_other_features(record, spec)))
        else:
            groups.append(self._cached_group(("other", record.sex, record.nationality), _other_features, record, spec))
        return groups

    def _bloom_batch(self, records: Sequence[PersonRecord]) -> tuple[np.ndarray, np.ndarray]:
        """The unhardened identity and full Bloom filters of records, as two bool arrays
        of shape (len(records), ``spec.bits``)."""
        identity_pos: list[np.ndarray] = []
        identity_count: list[int] = []
        full_pos: list[np.ndarray] = []
        full_count: list[int] = []
        for record in records:
            has_date = record.birth_date is not None  # without one the full part stays empty
            n_id = n_full = 0
            for ident, full in self._record_positions(record):
                identity_pos.append(ident)
                n_id += ident.size
                if has_date:
                    full_pos.append(full)
                    n_full += full.size
            identity_count.append(n_id)
            full_count.append(n_full)
        rows = np.arange(len(records))
        out = []
        for pos, count in ((identity_pos, identity_count), (full_pos, full_count)):
            bf = np.zeros((len(records), self.spec.bits), dtype=bool)
            if pos:
                bf[np.repeat(rows, count), np.concatenate(pos)] = True
            out.append(bf)
        return out[0], out[1]

    def bloom_filters(self, record: PersonRecord) -> dict[str, np.ndarray]:
        """The unhardened Bloom filters of the parts (bool arrays of ``spec.bits``)."""
        identity, full = self._bloom_batch([record])
        return {"identity": identity[0], "full": full[0]}

    def _harden(self, part: str, bf: np.ndarray) -> np.ndarray:
        """Harden a part's Bloom filters, one per row."""
        if self.spec.hardening == "balance":
            out = np.concatenate([bf, ~bf], axis=1)[:, self._permutations[part]]
            out[~bf.any(axis=1)] = False  # an empty part stays empty
            return out
        if self.spec.hardening == "xor_fold":
            half = self.spec.bits // 2
            return bf[:, :half] ^ bf[:, half:]
        return bf

    def encode_many(self, records: Sequence[PersonRecord]) -> np.ndarray:
        """The hardened encodings of records as a bool array (len(records),
        ``spec.output_bits``): per row the identity part, then the full part."""
        identity, full = self._bloom_batch(records)
        return np.concatenate([self._harden("identity", identity), self._harden("full", full)], axis=1)

    def encode(self, record: PersonRecord) -> np.ndarray:
        """The hardened encoding as a bool array of ``spec.output_bits``: the identity
        part, then the full part."""
        return self.encode_many([record])[0]

    def encode_packed(self, records: Sequence[PersonRecord], chunk: int = 10_000) -> np.ndarray:
        """The encodings of records packed 8 bits to a byte, (len(records),
        ``spec.output_bits // 8``) uint8, in chunks to bound memory."""
        out = np.empty((len(records), self.spec.output_bits // 8), dtype=np.uint8)
        for s in range(0, len(records), chunk):
            out[s:s + chunk] = np.packbits(self.encode_many(records[s:s + chunk]), axis=1)
        return out


# The parent's records and encoder, inherited by forked workers so that records are not
# pickled (and each worker's encoder keeps its caches from slice to slice).
_FORK_JOB: tuple[Sequence[PersonRecord], ClkEncoder] | None = None


def _encode_slice(bounds: tuple[int, int]) -> np.ndarray:
    assert _FORK_JOB is not None
    records, encoder = _FORK_JOB
    return encoder.encode_packed(records[bounds[0]:bounds[1]])


def encode_records_packed(records: Sequence[PersonRecord], secret: bytes, spec: EncodingSpec | None = None,
                          *, workers: int = 1, slice_size: int = 20_000) -> np.ndarray:
    """Encode records, packed (see :meth:`ClkEncoder.encode_packed`), in ``workers``
    processes. Every record's encoding depends only on the record, the secret and the
    spec, and the slices are put back in order, so the result is the same for any number
    of workers. Workers are forked (where the platform can fork; otherwise one process
    does the work) and inherit the records instead of receiving them pickled."""
    global _FORK_JOB
    encoder = ClkEncoder(secret, spec)
    if workers <= 1 or len(records) <= slice_size or "fork" not in mp.get_all_start_methods():
        return encoder.encode_packed(records)
    bounds = [(s, min(s + slice_size, len(records))) for s in range(0, len(records), slice_size)]
    _FORK_JOB = (records, encoder)
    try:
        with mp.get_context("fork").Pool(workers) as pool:
            parts = pool.map(_encode_slice, bounds, chunksize=1)
    finally:
        _FORK_JOB = None
    return np.concatenate(parts)


def pack(bits: np.ndarray) -> str:
    return base64.b64encode(np.packbits(bits).tobytes()).decode("ascii")


def unpack(text: str, n_bits: int) -> np.ndarray:
    raw = np.frombuffer(base64.b64decode(text, validate=True), dtype=np.uint8)
    if raw.size * 8 != n_bits:
        raise ValueError(f"encoding has {raw.size * 8} bits, expected {n_bits}")
    return raw


@dataclass
class EncodingResult:
    document: dict[str, Any]
    seconds: float

    @property
    def count(self) -> int:
        return int(self.document["count"])


def encode_persons(
    records: Sequence[PersonRecord], secret: bytes, spec: EncodingSpec | None = None,
    *, list_name: str = "", workers: int = 1,
) -> EncodingResult:
    """Encode records into the encoding document written to an ENC file (``workers``:
    processes to use; the document is the same for any number)."""
    start = time.perf_counter()
    encoder = ClkEncoder(secret, spec)
    packed = encode_records_packed(records, secret, encoder.spec, workers=workers)
    encodings = {r.id: base64.b64encode(row.tobytes()).decode("ascii") for r, row in zip(records, packed, strict=True)}
    doc = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "list_name": list_name,
        "spec": encoder.spec.to_dict(),
        "output_bits": encoder.spec.output_bits,
        "key_check": encoder.key_check,
        "count": len(encodings),
        "encodings": encodings,
    }
    return EncodingResult(doc, round(time.perf_counter() - start, 3))


def write_encodings(path: str | os.PathLike[str], document: dict[str, Any]) -> None:
    tmp = Path(f"{path}.tmp")
    tmp.write_text(json.dumps(document, separators=(",", ":")), encoding="utf-8")
    tmp.replace(path)
