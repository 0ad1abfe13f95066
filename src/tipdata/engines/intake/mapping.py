"""Column mappings: which column feeds which HTCDS field - guessed, shown, saved, reused.

A target is written as text (the same in Python and in the YAML file)::

    prs_first_name                       a dictionary field (any spelling is accepted)
    vic_methods_of_control=DebtBondage   a 0/1 column that marks one choice of a multi-select
    vic_type_of_exploitation=ForcedLabour+SexualExploitation   ... or several
    local_ForcedCriminality              one of the organisation's declared local fields
    local_ctdc_type_of_labour=Begging    a 0/1 column adding a code to a local multi-select
    meta:registered_on                   tipdata's case columns: registered_on, closed_on,
    meta:reference                       reference, case_id (a tipdata export's case id),
                                         submitted_at, registered_year
    key                                  the submission key (re-imports update, not duplicate)
    ignore                               not imported (the column stays in the quarantine file)

The YAML file (``Mapping.save``/``Mapping.load``)::

    format: tipdata-intake-mapping
    format_version: 1
    source_format: kobo
    key: _uuid
    columns:
      group_person/prs_First_Name: prs_first_name
      Date of birth: {target: prs_birthdate, date_format: MM/DD/YYYY}
      Sex: {target: prs_gender, check: "synonym (en)"}   # "check": a guess to confirm
    values:                                  # the organisation's own spellings
      prs_gender: {W: Feminine}
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from tipdata.engines.standard import Dictionary, Field

from .ctdc import ctdc_target
from .errors import MappingError
from .synonyms import LANGUAGES, Synonyms, norm
from .values import ALLOWED_DATE_FORMATS

MAPPING_FORMAT = "tipdata-intake-mapping"
MAPPING_VERSION = 1
META_TARGETS = ("registered_on", "reference", "closed_on", "case_id", "submitted_at", "registered_year")
CONFIDENT = 0.9
# Entities whose bare field names ("Gender", "Email") are safe guesses.
MAIN_ENTITIES = frozenset({"person", "victim_context", "case", "referral", "consent"})

KEY_COLUMNS = ("meta/rootUuid", "_uuid", "KEY", "meta/instanceID", "meta-instanceID", "instanceID",
               "tipdata_case_id")
SUBMITTED_AT = ("_submission_time", "SubmissionDate", "end", "start", "today")
FORM_SYSTEM = frozenset({
    "_id", "_submission_time", "_validation_status", "_notes", "_status", "_submitted_by",
    "__version__", "_version_", "_tags", "_index", "_attachments", "_geolocation",
    "_xform_id_string", "formhub/uuid", "meta/deprecatedID", "meta/instanceName", "start", "end",
    "today", "deviceid", "subscriberid", "simserial", "phonenumber", "username", "audit",
    "_parent_table_name", "_parent_index", "_submission__id", "_submission__uuid",
    "_submission__submission_time", "_submission__validation_status", "_submission__notes",
    "_submission__status", "_submission__submitted_by", "_submission___version__",
    "_submission__tags", "SubmissionDate", "meta-instanceName", "SubmitterID", "SubmitterName",
    "AttachmentsPresent", "AttachmentsExpected", "Status", "ReviewState", "DeviceID", "Edits",
    "FormVersion", "PARENT_KEY", "meta/rootUuid", "_uuid", "KEY", "meta/instanceID",
    "meta-instanceID", "instanceID", "calculate",
})  # fmt: skip
REPORT_COLUMNS = frozenset({"tipdata_reasons", "tipdata_row"})
LOCAL_PREFIX = "local_"
LOCAL_NAME = re.compile(r"^local_[A-Za-z][A-Za-z0-9_]{1,56}$")


@dataclass(frozen=True)
class LocalFieldSpec:
    """An organisation's own field, as declared (``cases.LocalField`` in the app): the
    engine maps and checks its values the way it does for dictionary fields."""

    name: str
    label: str = ""
    type: str = "text"  # text, number, date, boolean, select_one, select_multiple
    values: tuple[tuple[str, str], ...] = ()  # (code, label)

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(c for c, _ in self.values)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> LocalFieldSpec:
        values = tuple((str(v["code"]), str(v.get("label") or v["code"])) for v in data.get("values") or ())
        return cls(str(data["name"]), str(data.get("label") or data["name"]), str(data.get("type") or "text"), values)

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "label": self.label, "type": self.type,
                "values": [{"code": c, "label": lab} for c, lab in self.values]}


@dataclass(frozen=True)
class Target:
    """Where one column goes. ``kind`` is field, choice, local, local_choice, meta, key or
    ignore; ``name`` the field, local field or meta name; ``codes`` the choices a 0/1
    column marks."""

    kind: str
    name: str = ""
    codes: tuple[str, ...] = ()
    date_format: str | None = None
    confidence: float = 1.0
    reason: str = ""

    @property
    def spec(self) -> str:
        if self.kind in ("ignore", "key"):
            return self.kind
        if self.kind == "meta":
            return f"meta:{self.name}"
        return self.name + ("=" + "+".join(self.codes) if self.codes else "")

    def to_yaml(self) -> str | dict[str, str]:
        extra: dict[str, str] = {}
        if self.date_format:
            extra["date_format"] = self.date_format
        if self.confidence < CONFIDENT and self.kind != "ignore":
            extra["check"] = self.reason or "a guess"
        if not extra:
            return self.spec
        return {"target": self.spec, **extra}

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"target": self.spec, "confidence": round(self.confidence, 2),
                               "reason": self.reason}
        if self.date_format:
            out["date_format"] = self.date_format
        return out


IGNORE = Target("ignore")


def parse_target(
    text: str, dictionary: Dictionary, *, where: str = "",
    local_fields: Iterable[LocalFieldSpec] | None = None,
) -> Target:
    """A target from its text form; ``MappingError`` naming ``where`` when it is wrong."""
    spec = text.strip()
    at = f"{where}: " if where else ""
    if spec in ("ignore", "", "-"):
        return IGNORE
    if spec == "key":
        return Target("key", reason="submission key")
    if spec.startswith("meta:"):
        name = spec[5:]
        if name not in META_TARGETS:
            raise MappingError(f"{at}unknown meta target {name!r}; one of {', '.join(META_TARGETS)}")
        return Target("meta", name)
    codes: tuple[str, ...] = ()
    base = spec
    if "=" in spec:
        base, _, code_text = spec.partition("=")
        codes = tuple(c.strip() for c in code_text.split("+") if c.strip())
        if not codes:
            raise MappingError(f"{at}{spec!r}: no choice after '='")
    if base.startswith("local:"):  # tolerated spelling: local:Name == local_Name
        base = LOCAL_PREFIX + base[6:].strip().removeprefix(LOCAL_PREFIX)
    if base.startswith(LOCAL_PREFIX):
        if not LOCAL_NAME.match(base):
            raise MappingError(f"{at}local field name {base!r} must look like local_SomeName")
        if local_fields is not None:
            spec_of = {lf.name: lf for lf in local_fields}
            if base not in spec_of:
                raise MappingError(
                    f"{at}{base} is not a declared local field of this organisation; declared: "
                    + (", ".join(sorted(spec_of)) or "none")
                )
            lf = spec_of[base]
            if codes:
                if not lf.type.startswith("select"):
                    raise MappingError(f"{at}{base} has no choices; '={codes[0]}' cannot apply")
                bad = [c for c in codes if c not in lf.codes]
                if bad:
                    raise MappingError(f"{at}{bad[0]!r} is not a code of {base}; allowed: {', '.join(lf.codes)}")
        return Target("local_choice" if codes else "local", base, codes)
    f = dictionary.find_field(base)
    if f is None:
        sugg = dictionary.suggest(base)
        raise MappingError(
            f"{at}unknown field {base!r}" + (f"; did you mean {', '.join(sugg)}?" if sugg else "")
        )
    if codes:
        if not f.is_picklist:
            raise MappingError(f"{at}{f.name} has no choices; '={codes[0]}' cannot apply")
        canon: list[str] = []
        for c in codes:
            hit = next((v.code for v in f.values if v.code.casefold() == c.casefold()), None)
            if hit is None:
                raise MappingError(
                    f"{at}{c!r} is not a code of {f.name}; allowed: {', '.join(f.allowed_codes)}"
                )
            canon.append(hit)
        return Target("choice", f.name, tuple(canon))
    return Target("field", f.name)


@dataclass
class Mapping_:
    """A column mapping (named ``ColumnMapping`` outside this module)."""

    columns: dict[str, Target]
    key: str | None = None
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    source_format: str = "csv"

    # -- views

    def targets(self) -> Iterable[tuple[str, Target]]:
        return self.columns.items()

    def needs_check(self) -> list[str]:
        """Columns whose target is a guess to confirm."""
        return [h for h, t in self.columns.items() if t.kind != "ignore" and t.confidence < CONFIDENT]

    def ignored(self) -> list[str]:
        return [h for h, t in self.columns.items() if t.kind == "ignore"]

    def date_format(self, header: str) -> str | None:
        t = self.columns.get(header)
        return t.date_format if t else None

    def to_dict(self) -> dict[str, Any]:
        """The YAML/JSON form (what ``from_dict`` reads back)."""
        out: dict[str, Any] = {
            "format": MAPPING_FORMAT,
            "format_version": MAPPING_VERSION,
            "source_format": self.source_format,
            "key": self.key,
            "columns": {h: t.to_yaml() for h, t in self.columns.items()},
        }
        if self.values:
            out["values"] = {k: dict(v) for k, v in self.values.items()}
        return out

    def report(self) -> list[dict[str, Any]]:
        """One entry per column, with confidence and reason: what a user confirms."""
        return [{"column": h, **t.to_dict()} for h, t in self.columns.items()]

    def fingerprint(self) -> str:
        body = json.dumps(self.to_dict(), sort_keys=True, ensure_ascii=False, default=str)
        return hashlib.sha256(body.encode()).hexdigest()[:16]

    def save(self, path: str | Path) -> Path:
        p = Path(path)
        text = (
            "# tipdata column mapping: edit the targets, remove 'check' once confirmed.\n"
            "# Targets: a field (prs_first_name), field=Code for 0/1 choice columns,\n"
            "# local_Name, meta:registered_on|reference|closed_on|case_id, key, ignore.\n"
        )
        text += yaml.safe_dump(self.to_dict(), allow_unicode=True, sort_keys=False, width=100)
        p.write_text(text, encoding="utf-8")
        return p

    @classmethod
    def load(cls, path: str | Path, dictionary: Dictionary,
             local_fields: Iterable[LocalFieldSpec] | None = None) -> Mapping_:
        p = Path(path)
        try:
            data = yaml.safe_load(p.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise MappingError(f"{p}: mapping file not found") from None
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
            raise MappingError(f"{p}: cannot read the mapping file: {exc}") from exc
        return cls.from_dict(data, dictionary, where=str(p), local_fields=local_fields)

    @classmethod
    def from_dict(cls, data: Any, dictionary: Dictionary, *, where: str = "mapping",
                  local_fields: Iterable[LocalFieldSpec] | None = None) -> Mapping_:
        if not isinstance(data, dict):
            raise MappingError(f"{where}: must be a mapping with 'columns'")
        if data.get("format", MAPPING_FORMAT) != MAPPING_FORMAT:
            raise MappingError(f"{where}: format must be {MAPPING_FORMAT!r}")
        if data.get("format_version", MAPPING_VERSION) != MAPPING_VERSION:
            raise MappingError(f"{where}: format_version must be {MAPPING_VERSION}")
        unknown = set(data) - {"format", "format_version", "source_format", "key", "columns", "values"}
        if unknown:
            raise MappingError(f"{where}: unknown keys {', '.join(sorted(map(str, unknown)))}")
        raw_columns = data.get("columns")
        if not isinstance(raw_columns, dict) or not raw_columns:
            raise MappingError(f"{where}: 'columns' must map column names to targets")
        columns: dict[str, Target] = {}
        for header, spec in raw_columns.items():
            at = f"{where}: columns.{header}"
            date_format = None
            if isinstance(spec, dict):
                bad = set(spec) - {"target", "date_format", "check"}
                if bad:
                    raise MappingError(f"{at}: unknown keys {', '.join(sorted(map(str, bad)))}")
                date_format = spec.get("date_format")
                spec = spec.get("target", "")
            if spec is None:
                spec = "ignore"
            if not isinstance(spec, str):
                raise MappingError(f"{at}: target must be text, e.g. prs_first_name or ignore")
            target = parse_target(spec, dictionary, where=at,
                                  local_fields=None if local_fields is None else tuple(local_fields))
            if date_format is not None:
                if date_format not in ALLOWED_DATE_FORMATS:
                    raise MappingError(
                        f"{at}: date_format {date_format!r} is not known; one of {', '.join(ALLOWED_DATE_FORMATS)}"
                    )
                target = replace(target, date_format=date_format)
            columns[str(header)] = replace(target, reason="from the mapping file")
        values: dict[str, dict[str, str]] = {}
        for fname, spellings in (data.get("values") or {}).items():
            f = dictionary.find_field(str(fname))
            if f is None or not f.is_picklist and f.type != "boolean":
                raise MappingError(f"{where}: values.{fname}: not a picklist field of the dictionary")
            if not isinstance(spellings, dict):
                raise MappingError(f"{where}: values.{fname} must map spellings to codes")
            checked: dict[str, str] = {}
            for spelling, code in spellings.items():
                if f.values and str(code) not in f.allowed_codes:
                    raise MappingError(
                        f"{where}: values.{fname}.{spelling}: {code!r} is not a code of {f.name}; "
                        f"allowed: {', '.join(f.allowed_codes[:30])}"
                    )
                checked[str(spelling)] = str(code)
            values[f.name] = checked
        key = data.get("key")
        if key is not None and str(key) not in columns:
            raise MappingError(f"{where}: key {key!r} is not one of the columns")
        return cls(columns, str(key) if key is not None else None, values,
                   str(data.get("source_format") or "csv"))

    def check_headers(self, headers: list[str], *, where: str) -> Mapping_:
        """This mapping applied to a file's headers: columns the mapping does not name are
        ignored (and reported); columns it names that the file lacks are an error."""
        missing = [h for h in self.columns if h not in headers]
        if missing:
            raise MappingError(
                f"{where}: the mapping names columns the file does not have: "
                + ", ".join(repr(m) for m in missing[:10])
                + (" ..." if len(missing) > 10 else "")
            )
        columns = {
            h: self.columns.get(h, replace(IGNORE, reason="not in the mapping file")) for h in headers
        }
        return Mapping_(columns, self.key, self.values, self.source_format)


ColumnMapping = Mapping_


# ----------------------------------------------------------------------------- guessing


# Dictionaries and synonym tables are not hashable (they hold dicts); cache by identity.
_CACHE: dict[tuple[str, int, int, tuple[str, ...]], Any] = {}


def _label_index(dictionary: Dictionary, languages: tuple[str, ...]) -> dict[str, tuple[str, str] | None]:
    cache_key = ("labels", id(dictionary), 0, languages)
    if cache_key in _CACHE:
        return _CACHE[cache_key]  # type: ignore[no-any-return]
    out: dict[str, tuple[str, str] | None] = {}
    for f in dictionary.fields:
        for lang in languages:
            key = norm(f.label_for(lang))
            if not key:
                continue
            if key in out and out[key] is not None and out[key][0] != f.name:  # type: ignore[index]
                out[key] = None
            elif key not in out:
                out[key] = (f.name, lang)
    _CACHE[cache_key] = out
    return out


def _exact_field(dictionary: Dictionary, text: str) -> tuple[Field | None, bool]:
    """(field, exact) for a name: exact = one of the field's own spellings, not a bare name."""
    f = dictionary.find_field(text)
    if f is None:
        return None, False
    key = re.sub(r"[^0-9a-z]", "", text.casefold())
    exact = key in {re.sub(r"[^0-9a-z]", "", n.casefold()) for n in f.names}
    return f, exact


def _choice_code(f: Field, text: str) -> str | None:
    for v in f.values:
        if v.code == text or v.code.casefold() == text.casefold():
            return v.code
    return None


def _segments(header: str, source_format: str) -> list[list[str]]:
    """Ways to split a header into group path segments (Kobo '/', ODK Central '-', '.')."""
    out = [[header]]
    for sep in ("/", "-", ".", ":"):
        if sep in header:
            parts = [p for p in header.split(sep) if p]
            if len(parts) > 1:
                out.append(parts)
    return out


def guess_target(
    header: str,
    dictionary: Dictionary,
    synonyms: Synonyms,
    *,
    source_format: str = "csv",
    local_fields: Iterable[LocalFieldSpec] | None = None,
    languages: tuple[str, ...] = LANGUAGES,
) -> Target:
    """The most likely target of one column, with a confidence and the reason."""
    h = header.strip()
    if h in REPORT_COLUMNS:
        return replace(IGNORE, reason="tipdata's quarantine report column")
    if h in KEY_COLUMNS:
        if h == "tipdata_case_id":
            return Target("meta", "case_id", reason="tipdata export's case id")
        return Target("key", reason="form submission key")
    if h in SUBMITTED_AT and source_format in ("kobo", "odk"):
        return Target("meta", "submitted_at", reason="submission time (registration date if none given)")
    if h in FORM_SYSTEM and source_format in ("kobo", "odk"):
        return replace(IGNORE, reason="form system column")
    if h.startswith("_") and source_format in ("kobo", "odk"):
        return replace(IGNORE, reason="form system column")
    declared = {lf.name: lf for lf in local_fields} if local_fields is not None else None
    if declared is not None:
        for lf in declared.values():
            if norm(h) in (norm(lf.name), norm(lf.label)) or norm(h.split("/")[-1]) == norm(lf.name):
                return Target("local", lf.name, reason="declared local field")
    if LOCAL_NAME.match(h):
        if declared is not None and h not in declared:
            return replace(IGNORE, reason=f"{h} is not a declared local field of this organisation")
        return Target("local", h, reason="local field column")
    if source_format == "ctdc":
        found = ctdc_target(h)
        if found is not None:
            target = parse_target(found[0], dictionary)
            if target.kind.startswith("local") and declared is not None and target.name not in declared:
                return replace(IGNORE, reason=f"{target.name} is not a declared local field")
            return replace(target, reason=found[1])
    # Exact field names, also inside group paths, and field/choice flag columns.
    for parts in _segments(h, source_format):
        if len(parts) >= 2:
            f, exact = _exact_field(dictionary, parts[-2])
            if f is not None and exact and f.is_picklist:
                code = _choice_code(f, parts[-1])
                if code is not None:
                    return Target("choice", f.name, (code,), reason="choice column (0/1)")
        f, exact = _exact_field(dictionary, parts[-1])
        if f is not None and exact:
            why = "field name" if len(parts) == 1 else "field name in a group path"
            return Target("field", f.name, reason=why)
    # Synonyms and labels in every language.
    index = synonyms.header_index()
    labels = _label_index(dictionary, languages)
    for parts in _segments(h, source_format):
        key = norm(parts[-1])
        if key in index:
            kind, name, lang = index[key]
            if kind == "meta":
                return Target("meta", name, confidence=0.9, reason=f"case column name ({lang})")
            return Target("field", dictionary.field(name).name, confidence=0.9,
                          reason=f"common column name ({lang})")
        hit = labels.get(key)
        if hit is not None:
            return Target("field", hit[0], confidence=0.85, reason=f"the field's label ({hit[1]})")
    for parts in _segments(h, source_format):
        f, exact = _exact_field(dictionary, parts[-1])
        if f is not None and f.entity in MAIN_ENTITIES:
            return Target("field", f.name, confidence=0.75, reason="field name without its prefix")
    fuzzy = _fuzzy(h, dictionary, synonyms, languages)
    if fuzzy is not None:
        return fuzzy
    return replace(IGNORE, reason="no field matches; map it by hand or leave it out")


def _fuzzy(header: str, dictionary: Dictionary, synonyms: Synonyms, languages: tuple[str, ...]) -> Target | None:
    from rapidfuzz import fuzz, process

    choices = _fuzzy_choices(dictionary, synonyms, languages)
    key = norm(header)
    if len(key) < 5:
        return None
    best = process.extractOne(key, list(choices), scorer=fuzz.ratio, score_cutoff=88)
    if best is None:
        return None
    kind, target = choices[best[0]]
    if kind == "meta":
        return Target("meta", target, confidence=0.6, reason=f"close to {best[0]!r}")
    return Target("field", target, confidence=0.6, reason=f"close to {best[0]!r} (a typing slip?)")


def _fuzzy_choices(dictionary: Dictionary, synonyms: Synonyms, languages: tuple[str, ...]) -> dict[str, tuple[str, str]]:
    cache_key = ("fuzzy", id(dictionary), id(synonyms), languages)
    if cache_key in _CACHE:
        return _CACHE[cache_key]  # type: ignore[no-any-return]
    out: dict[str, tuple[str, str]] = {}
    for f in dictionary.fields:
        if f.entity not in MAIN_ENTITIES:
            continue
        for n in (*f.names, f.label):
            out.setdefault(norm(n), ("field", f.name))
    for key, (kind, target, _lang) in synonyms.header_index().items():
        out.setdefault(key, (kind, target if kind == "meta" else dictionary.field(target).name))
    _CACHE[cache_key] = out
    return out


def guess_mapping(
    headers: list[str],
    dictionary: Dictionary,
    synonyms: Synonyms,
    *,
    source_format: str = "csv",
    local_fields: Iterable[LocalFieldSpec] | None = None,
    headerless: Iterable[int] = (),
    values: Mapping[str, Mapping[str, str]] | None = None,
) -> Mapping_:
    """A guessed mapping for every header (one target per column, with confidence).

    Two columns never feed one single-valued target: the surer (then the first) wins and
    the other is ignored with the reason. Any number of columns may feed a multi-select.
    """
    skip = set(headerless)
    local = tuple(local_fields) if local_fields is not None else None
    columns: dict[str, Target] = {}
    for i, h in enumerate(headers):
        if i in skip:
            columns[h] = replace(IGNORE, reason="column without a header")
            continue
        columns[h] = guess_target(h, dictionary, synonyms, source_format=source_format, local_fields=local)
    # One key column, by preference order.
    keys = [h for h in headers if columns[h].kind == "key"]
    key = min(keys, key=lambda h: KEY_COLUMNS.index(h) if h in KEY_COLUMNS else 99) if keys else None
    for h in keys:
        if h != key:
            columns[h] = replace(IGNORE, reason=f"another submission key ({key}) is used")
    used: dict[tuple[str, str], str] = {}
    for h in sorted(headers, key=lambda x: (-columns[x].confidence, headers.index(x))):
        t = columns[h]
        if t.kind in ("field", "meta", "local"):
            if t.kind == "field" and dictionary.field(t.name).multiple:
                continue
            slot = (t.kind, t.name)
            if slot in used:
                columns[h] = replace(IGNORE, reason=f"{t.spec} is already fed by column {used[slot]!r}")
            else:
                used[slot] = h
    return Mapping_(columns, key, {k: dict(v) for k, v in (values or {}).items()}, source_format)
