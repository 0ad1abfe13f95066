"""Cell values to dictionary values: codes from labels in any language, booleans, dates,
numbers and text.

``ValueMapper.map(field, raw)`` returns what ``Field.validate`` accepts (a code, a tuple of
codes, a ``date``, a number, ``True``/``False`` or text) together with a note of how it was
read (the date format), or raises ``ValueProblem`` saying what was expected. Dates are read
day-first unless a column's mapping says otherwise: ``03/04/2021`` is 3 April. Thai
Buddhist-era years (2564 = 2021) are converted and reported.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import difflib
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from tipdata.engines.standard import Dictionary, Field

from .synonyms import LANGUAGES, Synonyms, fold, norm

MONTHS: dict[str, int] = {}
for _i, _names in enumerate(
    (
        "january jan januari enero", "february feb februari febrero pebrero", "march mar maret marso",
        "april apr abril", "may mei mayo", "june jun juni hunyo", "july jul juli hulyo",
        "august aug agustus agosto", "september sep sept setyembre", "october oct oktober okt oktubre",
        "november nov nobyembre", "december dec desember des disyembre",
    ),
    start=1,
):
    for _n in _names.split():
        MONTHS[_n] = _i

# Explicit column formats a mapping may give, as the user writes them.
_FORMAT_TOKENS = (("YYYY", "%Y"), ("YY", "%y"), ("MM", "%m"), ("DD", "%d"), ("Mon", "%b"))
ALLOWED_DATE_FORMATS = (
    "DD/MM/YYYY", "MM/DD/YYYY", "YYYY-MM-DD", "DD.MM.YYYY", "DD-MM-YYYY", "YYYY/MM/DD",
    "MM-DD-YYYY", "DD/MM/YY", "MM/DD/YY", "YYYYMMDD", "DD Mon YYYY",
)  # fmt: skip
BUDDHIST_ERA_OFFSET = 543
EXCEL_EPOCH = dt.date(1899, 12, 30)


class ValueProblem(ValueError):
    """A cell that cannot become a value of its field; ``expected`` says what would do."""

    def __init__(self, expected: str, suggestion: str | None = None) -> None:
        self.expected = expected
        self.suggestion = suggestion
        super().__init__(expected + (f" (did you mean {suggestion!r}?)" if suggestion else ""))


@dataclass(frozen=True)
class Mapped:
    value: Any
    how: str | None = None  # e.g. the date format, "label (Thai)"


def is_missing(raw: Any, synonyms: Synonyms) -> bool:
    if raw is None:
        return True
    if isinstance(raw, float) and raw != raw:  # NaN
        return True
    if isinstance(raw, str):
        return not raw.strip() or synonyms.is_missing(raw)
    return False


def cell_text(raw: Any) -> str:
    """A cell as text the way a spreadsheet shows it (``812345678`` not ``812345678.0``)."""
    if isinstance(raw, bool):
        return "TRUE" if raw else "FALSE"
    if isinstance(raw, float) and raw.is_integer() and abs(raw) < 2**53:
        return str(int(raw))
    if isinstance(raw, dt.datetime):
        return raw.date().isoformat() if raw.time() == dt.time() else raw.isoformat(sep=" ")
    if isinstance(raw, dt.date):
        return raw.isoformat()
    return str(raw).strip()


# ------------------------------------------------------------------------------- dates


def _two_digit_year(yy: int, today: dt.date) -> int:
    return 2000 + yy if 2000 + yy <= today.year else 1900 + yy


def _make_date(y: int, m: int, d: int, label: str, value: Any) -> tuple[dt.date, str]:
    if y >= 2400:  # Thai Buddhist era (BE 2400 = AD 1857)
        y -= BUDDHIST_ERA_OFFSET
        label += " (Buddhist era year)"
    try:
        return dt.date(y, m, d), label
    except ValueError:
        raise ValueProblem(f"a real calendar date ({label}); {value!r} has no such day") from None


def parse_date(
    raw: Any, *, date_format: str | None = None, today: dt.date | None = None
) -> tuple[dt.date, str]:
    """Read a date; return it with the format it was read in.

    Accepts ``date``/``datetime`` cells, Excel serial numbers in numeric cells, ISO
    ``YYYY-MM-DD`` (with or without a time), ``YYYY/MM/DD``, day-first ``DD/MM/YYYY``,
    ``DD-MM-YYYY``, ``DD.MM.YYYY``, two-digit years, ``5 March 1990`` / ``Mar 5, 1990``
    (English, Indonesian and Filipino month names) and ``YYYYMMDD``. ``date_format`` (one
    of ``ALLOWED_DATE_FORMATS``) forces one reading.
    """
    today = today or dt.date.today()
    if isinstance(raw, dt.datetime):
        return raw.date(), "date and time (time dropped)" if raw.time() != dt.time() else "date cell"
    if isinstance(raw, dt.date):
        return raw, "date cell"
    if isinstance(raw, bool):
        raise ValueProblem("a date, not true/false")
    if isinstance(raw, int | float):
        serial = float(raw)
        if serial.is_integer() and 1000 <= serial <= 2_958_465 and not 1800 <= serial <= 2200:
            return EXCEL_EPOCH + dt.timedelta(days=int(serial)), "Excel serial number"
        if serial.is_integer() and 1800 <= serial <= 2200:
            raise ValueProblem(f"a full date, not only a year ({int(serial)})")
        raise ValueProblem("a date such as 2021-04-03 or 03/04/2021 (day first)")
    text = str(raw).strip()
    if date_format:
        return _parse_with_format(text, date_format)
    m = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ][0-9:.]+(?:Z|[+-]\d\d:?\d\d)?)?", text)
    if m:
        label = "YYYY-MM-DD" if "T" not in text and " " not in text else "YYYY-MM-DD with time (time dropped)"
        return _make_date(int(m[1]), int(m[2]), int(m[3]), label, raw)
    m = re.fullmatch(r"(\d{4})([/.])(\d{1,2})\2(\d{1,2})", text)
    if m:
        return _make_date(int(m[1]), int(m[3]), int(m[4]), f"YYYY{m[2]}MM{m[2]}DD", raw)
    m = re.fullmatch(r"(\d{1,2})([/.\-])(\d{1,2})\2(\d{4}|\d{2})", text)
    if m:
        d, mo, y = int(m[1]), int(m[3]), int(m[4])
        sep = m[2]
        label = f"DD{sep}MM{sep}{'YYYY' if len(m[4]) == 4 else 'YY'}"
        if len(m[4]) == 2:
            y = _two_digit_year(y, today)
            label += " (two-digit year)"
        if mo > 12 and d <= 12:
            raise ValueProblem(
                f"a day-first date ({label}); {text!r} would be month-first. If this column "
                "writes the month first, set date_format: MM/DD/YYYY for it in the mapping"
            )
        return _make_date(y, mo, d, label, raw)
    m = re.fullmatch(r"(\d{1,2})[\s\-/.]+([^\W\d_]+)\.?[\s\-/.,]+(\d{4}|\d{2})", text)
    if m and m[2].casefold() in MONTHS:
        y = int(m[3]) if len(m[3]) == 4 else _two_digit_year(int(m[3]), today)
        return _make_date(y, MONTHS[m[2].casefold()], int(m[1]), "DD Month YYYY", raw)
    m = re.fullmatch(r"([^\W\d_]+)\.?\s+(\d{1,2}),?\s+(\d{4})", text)
    if m and m[1].casefold() in MONTHS:
        return _make_date(int(m[3]), MONTHS[m[1].casefold()], int(m[2]), "Month DD, YYYY", raw)
    m = re.fullmatch(r"(\d{4})(\d{2})(\d{2})", text)
    if m:
        return _make_date(int(m[1]), int(m[2]), int(m[3]), "YYYYMMDD", raw)
    if re.fullmatch(r"\d{4}", text):
        raise ValueProblem(f"a full date, not only a year ({text})")
    if re.fullmatch(r"\d{4,5}(\.0)?", text):
        serial = int(float(text))
        return EXCEL_EPOCH + dt.timedelta(days=serial), "Excel serial number"
    raise ValueProblem("a date such as 2021-04-03 or 03/04/2021 (day first)")


def _parse_with_format(text: str, date_format: str) -> tuple[dt.date, str]:
    if date_format not in ALLOWED_DATE_FORMATS:
        raise ValueProblem(f"a known date_format ({', '.join(ALLOWED_DATE_FORMATS)})")
    pattern = date_format
    for token, directive in _FORMAT_TOKENS:
        pattern = pattern.replace(token, directive)
    try:
        parsed = dt.datetime.strptime(text.split("T")[0].split(" ")[0] if "Mon" not in date_format else text, pattern)
    except ValueError:
        raise ValueProblem(f"a date written {date_format}") from None
    y = parsed.year - BUDDHIST_ERA_OFFSET if parsed.year >= 2400 else parsed.year
    return parsed.date().replace(year=y), date_format


# ------------------------------------------------------------------------------- mapper


class ValueMapper:
    """Maps raw cells to values of dictionary fields, with per-field indexes of every
    spelling of every code (code, English label, translated and CLDR labels, ISO aliases,
    the synonyms file, and the organisation's own ``extra`` spellings)."""

    def __init__(
        self,
        dictionary: Dictionary,
        synonyms: Synonyms,
        *,
        extra: Mapping[str, Mapping[str, str]] | None = None,
        languages: Iterable[str] = LANGUAGES,
        today: dt.date | None = None,
    ) -> None:
        self.dictionary = dictionary
        self.synonyms = synonyms
        self.extra = {k: dict(v) for k, v in (extra or {}).items()}
        self.languages = tuple(languages)
        self.today = today or dt.date.today()
        self._indexes: dict[str, dict[str, str | None]] = {}
        self._bool = self._boolean_index()

    # -- indexes

    def _boolean_index(self) -> dict[str, bool]:
        out: dict[str, bool] = {}
        for word_value, words in self.synonyms.values.get("boolean", {}).items():
            flag = word_value == "true"
            for w in words:
                out[norm(w)] = flag
                out[fold(w)] = flag
        return out

    def index(self, f: Field) -> dict[str, str | None]:
        """norm/fold spelling -> code (``None`` where two codes share a spelling)."""
        cached = self._indexes.get(f.name)
        if cached is not None:
            return cached
        idx: dict[str, str | None] = {}
        strong: dict[str, str] = {}

        def add(spelling: str, code: str, *, strong_entry: bool = False) -> None:
            for key in {norm(spelling), fold(spelling)}:
                if not key:
                    continue
                if strong_entry:
                    strong[key] = code
                    continue
                if key in idx and idx[key] != code:
                    idx[key] = None  # ambiguous: refuse rather than guess
                else:
                    idx[key] = code

        for v in f.values:
            add(v.code, v.code)
            add(v.label, v.code)
            for a in v.aliases:
                add(a, v.code)
            for lang in self.languages:
                if lang != "en":
                    add(v.label_for(lang), v.code)
        lists = [f.choice_list] if f.choice_list else []
        if f.type == "boolean":
            lists.append("boolean")
        for list_name in lists:
            for code, spellings in self.synonyms.values.get(list_name or "", {}).items():
                if list_name == "boolean" or code in f.allowed_codes:
                    for s in spellings:
                        add(s, code)
        # Codes and English labels win over any synonym; the organisation's own spellings
        # win over everything.
        for v in f.values:
            add(v.code, v.code, strong_entry=True)
        for spelling, code in self.extra.get(f.name, {}).items():
            add(spelling, code, strong_entry=True)
        idx.update(strong)
        self._indexes[f.name] = idx
        return idx

    def _lookup(self, f: Field, text: str) -> str | None:
        idx = self.index(f)
        for key in (norm(text), fold(text)):
            if key in idx:
                return idx[key]
        return None

    def expected(self, f: Field) -> str:
        """What a cell of this field should hold, in words."""
        if f.type in ("select_one", "select_multiple"):
            if f.choice_list == "citizenship" or len(f.values) > 40:
                what = "an ISO country code or a country name" if f.choice_list == "citizenship" else (
                    f"one of the {len(f.values)} codes of {f.htcds_name} or their labels")
            else:
                what = "one of " + ", ".join(v.code for v in f.values) + " (or their labels)"
            if f.multiple:
                what += "; several separated by spaces, ';' or ','"
            return what
        if f.type == "date":
            return "a date such as 2021-04-03 or 03/04/2021 (day first)"
        if f.type == "number":
            bounds = ""
            if f.minimum is not None and f.maximum is not None:
                bounds = f" from {f.minimum:g} to {f.maximum:g}"
            elif f.minimum is not None:
                bounds = f" of at least {f.minimum:g}"
            return ("a whole number" if f.integer else "a number") + bounds
        if f.type == "boolean":
            return "yes or no (also true/false, 1/0)"
        return "text"

    def _suggest(self, f: Field, text: str) -> str | None:
        labels = {v.label: v.code for v in f.values} | {v.code: v.code for v in f.values}
        hits = difflib.get_close_matches(text, list(labels), n=1, cutoff=0.75)
        return labels[hits[0]] if hits else None

    # -- mapping

    def map(self, f: Field, raw: Any, *, date_format: str | None = None) -> Mapped:
        """The value for ``f`` read from ``raw`` (never a missing cell: check first)."""
        if f.type == "select_one":
            return Mapped(self._one(f, raw))
        if f.type == "select_multiple":
            return Mapped(self._many(f, raw))
        if f.type == "boolean":
            return Mapped(self._boolean(f, raw))
        if f.type == "date":
            value, how = parse_date(raw, date_format=date_format, today=self.today)
            return Mapped(value, how)
        if f.type == "number":
            return Mapped(self._number(f, raw))
        if f.type == "lookup":
            return Mapped(cell_text(raw))
        return Mapped(cell_text(raw))

    def _one(self, f: Field, raw: Any) -> str:
        text = cell_text(raw)
        code = self._lookup(f, text)
        if code is None:
            raise ValueProblem(self.expected(f), self._suggest(f, text))
        return code

    def _many(self, f: Field, raw: Any) -> tuple[str, ...]:
        if isinstance(raw, list | tuple):
            parts = [cell_text(p) for p in raw]
            codes = [self._lookup(f, p) for p in parts]
            bad = [p for p, c in zip(parts, codes, strict=True) if c is None]
            if bad:
                raise ValueProblem(self.expected(f), self._suggest(f, bad[0]))
            return tuple(dict.fromkeys(c for c in codes if c))
        text = cell_text(raw)
        whole = self._lookup(f, text)
        if whole is not None:
            return (whole,)
        for attempt in (self._split_labels, self._split_codes):
            found = attempt(f, text)
            if found is not None:
                return tuple(dict.fromkeys(found))
        pieces = [p for p in re.split(r"[;,|\n\s]+", text) if p]
        culprit = next((piece for piece in pieces if self._lookup(f, piece) is None), text)
        raise ValueProblem(self.expected(f), self._suggest(f, culprit))

    def _split_labels(self, f: Field, text: str) -> list[str] | None:
        """Labels separated by ``;``, ``,``, ``|`` or line breaks; labels that contain a
        comma ("Agriculture, forestry and fishing") are put back together greedily."""
        parts = [p.strip() for p in re.split(r"[;,|\n、]", text)]
        parts = [p for p in parts if p]
        if len(parts) < 2:
            return None
        out: list[str] = []
        i = 0
        while i < len(parts):
            for j in range(len(parts), i, -1):
                code = self._lookup(f, ", ".join(parts[i:j]))
                if code is not None:
                    out.append(code)
                    i = j
                    break
            else:
                return None
        return out

    def _split_codes(self, f: Field, text: str) -> list[str] | None:
        parts = text.split()
        if len(parts) < 2:
            return None
        codes = [self._lookup(f, p) for p in parts]
        if any(c is None for c in codes):
            return None
        return [c for c in codes if c]

    def _boolean(self, f: Field, raw: Any) -> bool:
        if isinstance(raw, bool):
            return raw
        if isinstance(raw, int | float) and raw in (0, 1):
            return bool(raw)
        text = cell_text(raw)
        for key in (norm(text), fold(text)):
            if key in self._bool:
                return self._bool[key]
        code = self._lookup(f, text) if f.values else None
        if code is not None:
            return code.casefold() in ("true", "yes", "1")
        raise ValueProblem(self.expected(f))

    def _number(self, f: Field, raw: Any) -> int | float:
        if isinstance(raw, bool):
            raise ValueProblem(self.expected(f))
        if isinstance(raw, int):
            return raw
        if isinstance(raw, float):
            return int(raw) if raw.is_integer() and f.integer else raw
        text = cell_text(raw).replace("\u00a0", "").replace(" ", "")
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise ValueProblem(self.expected(f)) from None
        if not number.is_finite():
            raise ValueProblem(self.expected(f))
        return int(number) if number == number.to_integral_value() else float(number)

    def map_local(self, spec: Any, raw: Any) -> Any:
        """A value of a declared local field (``mapping.LocalFieldSpec``), JSON-ready."""
        if spec.type == "boolean":
            if isinstance(raw, bool):
                return raw
            if isinstance(raw, int | float) and raw in (0, 1):
                return bool(raw)
            key = norm(cell_text(raw))
            if key in self._bool:
                return self._bool[key]
            raise ValueProblem("yes or no (also true/false, 1/0)")
        if spec.type == "number":
            if isinstance(raw, int | float) and not isinstance(raw, bool):
                return int(raw) if float(raw).is_integer() else raw
            try:
                number = Decimal(cell_text(raw))
            except InvalidOperation:
                raise ValueProblem("a number") from None
            return int(number) if number == number.to_integral_value() else float(number)
        if spec.type == "date":
            return parse_date(raw, today=self.today)[0].isoformat()
        if spec.type in ("select_one", "select_multiple"):
            by_key: dict[str, str] = {}
            for code, label in spec.values:
                by_key.setdefault(norm(label), code)
                by_key[norm(code)] = code
            if isinstance(raw, str) and raw.strip().startswith("["):
                with contextlib.suppress(ValueError):
                    raw = json.loads(raw)
            if isinstance(raw, list | tuple):
                parts = [cell_text(p) for p in raw]
            else:
                text = cell_text(raw)
                whole = by_key.get(norm(text))
                parts = [text] if whole is not None else [p for p in re.split(r"[;,|\n\s]+", text) if p]
            codes = [by_key.get(norm(p)) for p in parts]
            if any(c is None for c in codes) or not codes:
                raise ValueProblem(f"one of {', '.join(spec.codes)}")
            if spec.type == "select_one":
                if len(codes) != 1:
                    raise ValueProblem(f"one code of {', '.join(spec.codes)}")
                return codes[0]
            return list(dict.fromkeys(c for c in codes if c))
        text = cell_text(raw)
        if len(text) > 500:
            raise ValueProblem("text of at most 500 characters (local fields hold no narratives)")
        return text

    def flag(self, raw: Any) -> bool:
        """A 0/1 choice column (Kobo's split select_multiple, CTDC's flags): set or not."""
        if isinstance(raw, bool):
            return raw
        if isinstance(raw, int | float):
            if raw in (0, 1):
                return bool(raw)
            raise ValueProblem("1 (chosen) or 0 (not chosen)")
        text = cell_text(raw)
        if re.fullmatch(r"\s*1(\.0+)?\s*", text) or norm(text) in ("x", "true", "yes", "y"):
            return True
        if re.fullmatch(r"\s*0(\.0+)?\s*", text) or norm(text) in ("false", "no", "n"):
            return False
        key = norm(text)
        if key in self._bool:
            return self._bool[key]
        raise ValueProblem("1 (chosen) or 0 (not chosen)")
