"""What a report counts: the period, the filters and the disclosure rules, as a JSON spec.

Every report carries the spec it ran with (``Report.spec``), so the same numbers can be
produced again from the same records.

>>> spec = ReportSpec.from_json({"date_from": "2025-01-01", "date_to": "2025-12-31",
...                              "exploitation_types": ["ForcedLabour"], "suppress": True})
>>> spec.threshold, spec.to_json()["date_to"]
(5, '2025-12-31')
>>> ReportSpec.from_json(spec.to_json()) == spec
True
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields, replace
from datetime import date
from typing import Any

from .errors import ReportSpecError
from .records import allowed_codes

GRANULARITIES = ("auto", "month", "year")


@dataclass(frozen=True)
class ReportSpec:
    """Filters and rules of one report run.

    ``date_from``/``date_to`` bound the registration date of the cases counted (both
    inclusive; open-ended when ``None``). ``exploitation_types`` keeps victims with any of
    these types; ``places`` keeps victims exploited in any of these countries (ISO
    alpha-2). ``suppress`` withholds counts below ``threshold`` (and the counts that would
    reveal them). ``as_of`` is the day case ageing and support-plan status are measured on
    (default: ``date_to``, else the latest date in the records). ``statistics_consent_only``
    counts only victims who consented to de-identified statistics. ``detection_country`` is
    the organisation's country, for the UNODC domestic/foreign breakdown. ``granularity``
    of the registrations chart: ``auto`` is by month for periods up to two years.
    """

    date_from: date | None = None
    date_to: date | None = None
    exploitation_types: tuple[str, ...] = ()
    places: tuple[str, ...] = ()
    suppress: bool = False
    threshold: int = 5
    as_of: date | None = None
    lang: str = "en"
    statistics_consent_only: bool = False
    detection_country: str | None = None
    granularity: str = "auto"

    def __post_init__(self) -> None:
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise ReportSpecError(f"date_from {self.date_from} is after date_to {self.date_to}")
        if isinstance(self.threshold, bool) or not isinstance(self.threshold, int) or not 3 <= self.threshold <= 100:
            raise ReportSpecError(f"threshold: {self.threshold!r} is not allowed; allowed: a whole number from 3 to 100")
        bad = [t for t in self.exploitation_types if t not in allowed_codes("exploitation_types")]
        if bad:
            raise ReportSpecError(f"exploitation_types: {bad[0]!r} is not a vic_TypeOfExploitation code")
        bad = [p for p in self.places if p not in allowed_codes("country_of_exploitation")]
        if bad:
            raise ReportSpecError(f"places: {bad[0]!r} is not an ISO 3166-1 alpha-2 country code")
        if self.detection_country and self.detection_country not in allowed_codes("country_of_exploitation"):
            raise ReportSpecError(f"detection_country: {self.detection_country!r} is not an ISO 3166-1 alpha-2 country code")
        if self.granularity not in GRANULARITIES:
            raise ReportSpecError(f"granularity: {self.granularity!r} is not allowed; allowed: {', '.join(GRANULARITIES)}")

    @classmethod
    def for_year(cls, year: int, **options: Any) -> ReportSpec:
        """A calendar year, as the annual indicators use."""
        if not 1900 <= year <= 2200:
            raise ReportSpecError(f"year: {year} is not a plausible year")
        return cls(date_from=date(year, 1, 1), date_to=date(year, 12, 31), **options)

    def replace(self, **changes: Any) -> ReportSpec:
        return replace(self, **changes)

    def to_json(self) -> dict[str, Any]:
        out = asdict(self)
        for key in ("date_from", "date_to", "as_of"):
            out[key] = out[key].isoformat() if out[key] else None
        out["exploitation_types"] = list(self.exploitation_types)
        out["places"] = list(self.places)
        return out

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ReportSpec:
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ReportSpecError(f"unknown spec key(s) {unknown}; known: {', '.join(sorted(known))}")
        values: dict[str, Any] = dict(data)
        for key in ("date_from", "date_to", "as_of"):
            raw = values.get(key)
            if raw in (None, ""):
                values[key] = None
            elif not isinstance(raw, date):
                try:
                    values[key] = date.fromisoformat(str(raw))
                except ValueError as exc:
                    raise ReportSpecError(f"{key}: {raw!r} is not an ISO date such as 2025-12-31") from exc
        for key in ("exploitation_types", "places"):
            raw = values.get(key, ())
            if isinstance(raw, str) or not isinstance(raw, list | tuple):
                raise ReportSpecError(f"{key}: expected a list of codes, got {raw!r}")
            values[key] = tuple(raw)
        for key in ("suppress", "statistics_consent_only"):
            if key in values and not isinstance(values[key], bool):
                raise ReportSpecError(f"{key}: expected true or false, got {values[key]!r}")
        return cls(**values)
