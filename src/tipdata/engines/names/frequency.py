"""How common each name token is in the data at hand.

A shared "Nguyen", "Thi" or "Aung" says little (a large share of Vietnamese or Burmese
records have it); a shared rare token says a lot. The weight of a token is its inverse
document frequency over the records being compared, computed on phonetic keys so that
spelling variants count as one token.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from .normalise import NormalisedName


@dataclass
class TokenFrequencies:
    """Document frequency of phonetic name tokens over ``n_records`` names."""

    counts: Counter[str] = field(default_factory=Counter)
    n_records: int = 0
    # A token in more than this share of records is "common" (Nguyen, Aung, Thi).
    common_share: float = 0.01
    # ... but in a small file a token seen in this many records or fewer is rare.
    rare_count: int = 2

    @classmethod
    def from_names(cls, names: Iterable[NormalisedName], **kwargs: float) -> TokenFrequencies:
        counts: Counter[str] = Counter()
        n = 0
        for name in names:
            n += 1
            counts.update(set(name.phonetic))
        return cls(counts=counts, n_records=n, **kwargs)  # type: ignore[arg-type]

    def weight(self, phonetic_token: str) -> float:
        """Inverse document frequency ln(1 + N / df); unseen tokens get the top weight."""
        n = max(self.n_records, 1)
        df = max(self.counts.get(phonetic_token, 0), 1)
        if len(phonetic_token) == 1:
            # an initial carries little information whatever its frequency
            return 0.5
        return math.log(1.0 + n / df)

    def distinctive_weight(self) -> float:
        """Total token weight from which a whole name counts as very rare: that of two
        tokens each seen in at most three records."""
        return 2.0 * math.log(1.0 + max(self.n_records, 1) / 3.0)

    def rare_name_weight(self) -> float:
        """Total token weight from which a whole name counts as rare: that of two tokens
        each in at most ``common_share`` of the records (or ``rare_count`` of them)."""
        n = max(self.n_records, 1)
        df = max(float(self.rare_count), self.common_share * n)
        return 2.0 * math.log(1.0 + n / df)

    def is_rare(self, phonetic_token: str) -> bool:
        if len(phonetic_token) <= 1:
            return False
        df = self.counts.get(phonetic_token, 0)
        return df <= self.rare_count or df <= self.common_share * self.n_records

    def to_dict(self) -> dict[str, object]:
        return {
            "n_records": self.n_records,
            "common_share": self.common_share,
            "rare_count": self.rare_count,
            "counts": dict(self.counts),
        }
