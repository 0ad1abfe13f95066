"""BCa bootstrap confidence intervals that repeat the model selection.

Following Chan, Silverman and Vincent (2021, section 3.3) and the
MultipleSystemsEstimation package (``estimatepopulation`` / ``bcaconfvalues``):

1. Draw ``B`` tables by multinomial resampling of the observed persons: the total
   stays the observed number ``n``, and each observed capture history is drawn
   with probability count / n.
2. Re-run the *whole* estimator (model selection included) on every resample.
3. Bias correction ``z0 = Phi^-1(share of bootstrap estimates below the point
   estimate)``.
4. Acceleration from the delete-one jackknife: remove one person of each observed
   history in turn (the same for every person in a history, so one fit per
   history weighted by its count)::

       d_h = mean_jack - est_without_one_of_h,
       a = sum(c_h d_h^3) / (6 * (sum(c_h d_h^2))^1.5)

5. The interval's ends are bootstrap quantiles (R's type 8, as the package) at
   ``Phi(z0 + (z0 + z_alpha) / (1 - a (z0 + z_alpha)))``.

Resamples on which no estimate exists (e.g. a list loses all its overlaps) are
counted in ``n_failed`` and treated as an unbounded estimate, which is where the
R implementation's diverging fits would place them; if the jackknife fails the
interval is refused. When every bootstrap estimate lies on one side of the point
estimate the share in step 3 is clamped to [1/(2B), 1 - 1/(2B)] (R would return
no interval); this is recorded in the interval's notes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from scipy.stats import norm

from .data import CaptureTable
from .errors import EstimateNotAvailable, IntervalNotAvailable

Estimator = Callable[[np.ndarray], float]
Progress = Callable[[int, int], None]


@dataclass
class Interval:
    lower: float
    upper: float
    level: float
    n_bootstrap: int
    seed: int
    acceleration: float
    bias_correction: float
    n_failed: int
    method: str = "BCa"
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, object]:
        def num(x: float) -> float | None:
            return float(x) if np.isfinite(x) else None

        return {
            "lower": num(self.lower),
            "upper": num(self.upper),
            "level": self.level,
            "method": self.method,
            "n_bootstrap": self.n_bootstrap,
            "seed": self.seed,
            "acceleration": self.acceleration,
            "bias_correction": self.bias_correction,
            "n_failed": self.n_failed,
            "notes": list(self.notes),
        }


def quantile_type8(values: np.ndarray, probs: np.ndarray) -> np.ndarray:
    """R's ``quantile(type = 8)`` (median-unbiased); tolerates +inf values."""
    x = np.sort(np.asarray(values, dtype=float))
    n = x.size
    probs = np.atleast_1d(np.asarray(probs, dtype=float))
    fuzz = 4 * np.finfo(float).eps
    nppm = 1 / 3 + probs * (n + 1 / 3)
    j = np.floor(nppm + fuzz).astype(int)
    h = nppm - j
    h[np.abs(h) < fuzz] = 0.0
    xp = np.concatenate([[x[0], x[0]], x, [x[-1], x[-1]]])
    lo = xp[j + 1]
    hi = xp[j + 2]
    out = lo.copy()
    take_hi = h == 1
    out[take_hi] = hi[take_hi]
    mix = (h > 0) & (h < 1) & (lo != hi)
    with np.errstate(invalid="ignore"):
        out[mix] = ((1 - h) * lo + h * hi)[mix]
    return out


def resample_counts(table: CaptureTable, n_bootstrap: int, seed: int) -> np.ndarray:
    """(n_bootstrap, 2**t) multinomial resamples of the observed persons."""
    hist = np.nonzero(table.counts)[0]
    c = table.counts[hist].astype(float)
    rng = np.random.Generator(np.random.PCG64(seed))
    draws = rng.multinomial(int(c.sum()), c / c.sum(), size=n_bootstrap)
    out = np.zeros((n_bootstrap, table.counts.size), dtype=np.int64)
    out[:, hist] = draws
    return out


def bca_interval(
    table: CaptureTable,
    estimator: Estimator,
    point: float,
    *,
    n_bootstrap: int,
    seed: int,
    level: float = 0.95,
    progress: Progress | None = None,
) -> tuple[Interval, np.ndarray]:
    """BCa interval for ``estimator`` (counts -> total population) on ``table``."""
    if n_bootstrap < 1:
        raise ValueError("n_bootstrap must be at least 1")
    if not 0 < level < 1:
        raise ValueError("level must be between 0 and 1")
    samples = resample_counts(table, n_bootstrap, seed)
    hist = np.nonzero(table.counts)[0]
    total_steps = n_bootstrap + hist.size
    boot = np.empty(n_bootstrap)
    failed = 0
    for b in range(n_bootstrap):
        try:
            boot[b] = estimator(samples[b])
        except EstimateNotAvailable:
            boot[b] = np.inf
            failed += 1
        if progress is not None:
            progress(b + 1, total_steps)

    c = table.counts[hist].astype(float)
    jack = np.empty(hist.size)
    for i, h in enumerate(hist):
        counts = table.counts.copy()
        counts[h] -= 1
        try:
            jack[i] = estimator(counts)
        except EstimateNotAvailable as exc:
            raise IntervalNotAvailable(
                "the jackknife needed for the BCa interval failed: removing one person "
                f"with capture history {h:b} leaves data that cannot support an "
                f"estimate ({exc}). The data are too sparse for a bootstrap interval."
            ) from exc
        if progress is not None:
            progress(n_bootstrap + i + 1, total_steps)
    d = (c * jack).sum() / c.sum() - jack
    denom = (c * d**2).sum()
    accel = float((c * d**3).sum() / (6 * denom**1.5)) if denom > 0 else 0.0

    notes = []
    share = float(np.mean(boot < point))
    clamp = 1 / (2 * n_bootstrap)
    if share < clamp or share > 1 - clamp:
        notes.append(
            f"all bootstrap estimates fell on one side of the point estimate; the "
            f"bias-correction share {share:.3f} was clamped to [{clamp:.4g}, {1 - clamp:.4g}]"
        )
        share = min(max(share, clamp), 1 - clamp)
    z0 = float(norm.ppf(share))
    alpha = (1 - level) / 2
    za = norm.ppf(np.array([alpha, 1 - alpha]))
    za0 = z0 + za
    probs = norm.cdf(z0 + za0 / (1 - accel * za0))
    lo, hi = quantile_type8(boot, probs)
    if failed:
        notes.append(
            f"{failed} of {n_bootstrap} resamples could not be estimated and count as "
            "unbounded estimates"
        )
    if not np.isfinite(hi):
        notes.append("the upper limit is unbounded: too many resamples had no estimate")
    return (
        Interval(
            lower=float(lo),
            upper=float(hi),
            level=level,
            n_bootstrap=n_bootstrap,
            seed=seed,
            acceleration=accel,
            bias_correction=z0,
            n_failed=failed,
            notes=notes,
        ),
        boot,
    )
