#!/usr/bin/env python
"""Build tipdata's machine-readable HTCDS 2.0 data dictionary from the standard's sources.

Run at development time only (the package never reads the sources at run time):

    .venv/bin/python tools/build_dictionary.py \\
        --source ../shared/standards/htcds-2.0 --out src/tipdata/engines/standard/data/

It reads
  * ``HTCDS Field Standards 2.0.ods``   - entities (sections) and every field, with picklists;
  * ``Field Definitions.md``            - definitions of fields and of picklist values;
  * ``HTCDS Field Column Reference.md`` - what each spreadsheet column means;
  * ``toolkit/htcds_xlsform.xlsx``      - the XLSForm: every choice list, and form questions;
  * ``toolkit/HTCDS Excel Spreadsheet v2.0.xlsx`` - the column names the Excel toolkit uses;
  * ``guidance/7. Migration and International Protection.md`` - migration classifications;
  * ``LICENSE.md``                      - the CC BY 4.0 attribution;
plus the ISO 639-2 list from Debian's iso-codes (the project pycountry's data comes from)
and pycountry for ISO 3166-1 country codes,

and writes ``htcds-2.0.json`` (deterministic: the same sources give the same bytes). The
hand-maintained overlay ``privacy.yaml`` next to it is never written by this script; the
script checks it against the freshly built dictionary and exits non-zero if a field lacks a
privacy class or the overlay names a field that does not exist.

Every judgement the script makes about the sources (a definition whose key does not match a
value code exactly, a type conflict between spreadsheet and XLSForm, a typo in a toolkit
column name) is recorded in the output's ``build.report`` and printed, never silently fixed.
"""

from __future__ import annotations

import argparse
import difflib
import hashlib
import json
import re
import sys
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import pycountry

FORMAT = "tipdata-standard-dictionary"
FORMAT_VERSION = 1

SPREADSHEET = "HTCDS Field Standards 2.0.ods"
DEFINITIONS = "Field Definitions.md"
COLUMN_REFERENCE = "HTCDS Field Column Reference.md"
XLSFORM = "toolkit/htcds_xlsform.xlsx"
EXCEL_TOOLKIT = "toolkit/HTCDS Excel Spreadsheet v2.0.xlsx"
MIGRATION_GUIDANCE = "guidance/7. Migration and International Protection.md"
LICENSE = "LICENSE.md"
DEFAULT_ISO639_2 = "/usr/share/iso-codes/json/iso_639-2.json"

EXPECTED_COLUMNS = [
    "Section",
    "Status",
    "Core",
    "Field Name Prefix",
    "Field Name",
    "Field Label",
    "Field Name including Prefix",
    "Field Type",
    "Salesforce Standard or Custom",
    "Value Names (if picklist)",
    "Value Labels (if picklist)",
    "Description",
    "Notes",
]

# Spreadsheet section (whitespace-normalised) -> (entity key, label). The spreadsheet names
# sections in prose; tipdata needs stable keys. A new section fails the build on purpose.
SECTIONS: dict[str, tuple[str, str]] = {
    "Organization": ("organisation", "Organisation"),
    "Person": ("person", "Person"),
    "Person - Victim Context": ("victim_context", "Person - Victim Context"),
    "Person - Perpetrator Context": ("perpetrator_context", "Person - Perpetrator Context"),
    "Case": ("case", "Case"),
    "Referral Details": ("referral", "Referral Details"),
    "Case Comment": ("case_comment", "Case Comment"),
    "Historic Trafficking Events": ("historic_trafficking_event", "Historic Trafficking Event"),
    "Support Plan": ("support_plan", "Support Plan"),
    "Consent": ("consent", "Consent"),
    "Assessment and Planning - Individual Risk and Vulnerability": (
        "individual_risk_assessment",
        "Assessment and Planning - Individual Risk and Vulnerability",
    ),
    "Assessment and Planning - Household Risk and Vulnerability": (
        "household_risk_assessment",
        "Assessment and Planning - Household Risk and Vulnerability",
    ),
    "Assessment and Planning - Community Risk and Vulnerability": (
        "community_risk_assessment",
        "Assessment and Planning - Community Risk and Vulnerability",
    ),
}

# Spreadsheet "Field Type" -> tipdata type. Kept small: each tipdata type has one validator.
TYPES: dict[str, str] = {
    "Text": "text",
    "Long Text": "long_text",
    "Number": "number",
    "Date": "date",
    "Checkbox": "boolean",
    "Picklist": "select_one",
    "Multiselect Picklist": "select_multiple",
    "Picklist or Text": "select_one",  # becomes "text" when no list exists (see below)
    "Geolocation": "number",
    "Lookup [to organisation]": "lookup",
    "Lookup [to user]": "lookup",
    "Lookup [to person]": "lookup",
}

# Names for choice lists that exist only in the spreadsheet (XLSForm lists keep their own
# names so an XLSForm export round-trips). Fields sharing a name must have identical values;
# the build checks that. A spreadsheet picklist missing here fails the build on purpose.
SPREADSHEET_LIST_NAMES: dict[str, str] = {
    "org_Type": "organisation_type",
    "prs_MaritalStatus": "marital_status",
    "prs_HighestLevelOfEducation": "education_level",
    "vic_RelationshipToTrafficker": "relationship_to_trafficker",
    "vic_RecruitmentWebsitesAndApps": "websites_and_apps",
    "vic_ExploitationWebsitesAndApps": "websites_and_apps",
    "vic_Vulnerabilities": "vulnerabilities",
    "per_RoleInProcess": "perpetrator_role",
    "cas_ReasonForIncomingReferral": "referral_reason",
    "cas_ReasonForOutgoingReferral": "referral_reason",
    "hte_Type": "trafficking_event_type",
    "spl_Type": "support_plan_type",
}

# Fields whose picklist the standard gives as "use ISO 3166 / ISO 639-2" instead of values,
# or whose type is Text although they hold a country. tipdata validates them against the ISO
# list so that data from different organisations can be combined; the reason is recorded.
ISO_LIST_FIELDS: dict[str, tuple[str, str]] = {
    "org_ShippingCountry": ("citizenship", "The spreadsheet says to use ISO 3166 country codes."),
    "prs_Citizenship": ("citizenship", "The spreadsheet says to use ISO 3166 country codes."),
    "prs_MailingCountry": (
        "citizenship",
        "Type is Text in the spreadsheet but its values column says to use ISO 3166 "
        "two-letter codes; validated as a country code.",
    ),
    "hte_Country": (
        "citizenship",
        "Type is Text in the spreadsheet with no value guidance; tipdata validates it as an "
        "ISO 3166 two-letter code like every other country field so events can be compared "
        "across organisations.",
    ),
    "prs_PrimaryLanguage": ("languages", "The spreadsheet says to use ISO 639-2 codes."),
    "prs_SecondaryLanguage": ("languages", "The spreadsheet says to use ISO 639-2 codes."),
}

# Numeric constraints the standard implies but does not state; recorded as build notes.
CONSTRAINTS: dict[str, dict[str, Any]] = {
    "org_ShippingLongitude": {"minimum": -180, "maximum": 180},
    "org_ShippingLatitude": {"minimum": -90, "maximum": 90},
    "prs_MailingLongitude": {"minimum": -180, "maximum": 180},
    "prs_MailingLatitude": {"minimum": -90, "maximum": 90},
    "hte_Longitude": {"minimum": -180, "maximum": 180},
    "hte_Latitude": {"minimum": -90, "maximum": 90},
    "prs_NumberOfChildren": {"integer": True, "minimum": 0, "maximum": 50},
    "vic_AgeWhenTrafficked": {"integer": True, "minimum": 0, "maximum": 130},
}
EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"

# "Field Definitions.md" keys its Methods of Control table by variable names that mostly,
# but not always, match the picklist codes. Exact matches are made automatically; the rest
# are judged here (by reading both definition and label) and marked "inferred".
METHODS_OF_CONTROL_INFERRED: dict[str, str] = {
    "MethodsOfControlThreats": "PhysicalThreats",
    "MethodsOfControlThreatOfLawEnforcement": "ThreatsLawEnforcement",
    "MethodsOfControlUsesChildren": "ThreatensChildrenFamily",
    "MethodsOfControlPsychoactiveSubstances": "PsychoactiveSubstance",
}

# Prose sections of "Field Definitions.md" that define a field or an entity as a whole.
SECTION_DEFINITIONS: dict[str, tuple[str, str]] = {
    "Trafficking Status": ("field", "vic_TraffickingStatus"),
    "Labour Industry (TIER 1)": ("field", "vic_ForcedLabourIndustry"),
    "Assessment and Planning": ("assessment", ""),
}

MIGRATION_LISTS: dict[str, tuple[str, str]] = {
    "Migrant Type": ("migrant_type", "Migrant type"),
    "International Protection": ("international_protection", "International protection status"),
    "Other": ("other_migration_status", "Other migration or protection situation"),
}

# XLSForm survey rows that are form metadata, not HTCDS fields.
XLSFORM_METADATA = {"start", "end", "__version__"}


class BuildError(Exception):
    """A source file does not look the way this script expects; the message says where."""


# --------------------------------------------------------------------------------------
# small text helpers


def clean(text: Any) -> str:
    """Trim a cell and normalise the invisible characters the sources contain (NBSP, CRs)."""
    if text is None:
        return ""
    s = str(text).replace("\u00a0", " ").replace("\r", "")
    return re.sub(r"[ \t]+", " ", s).strip()


def lines(cell: Any) -> list[str]:
    return [clean(x) for x in str(cell or "").split("\n") if clean(x)]


def multiline(cell: Any) -> str:
    """Trim each line of a cell but keep its line breaks (questions lists, regex notes)."""
    text = "\n".join(clean(x) for x in str(cell or "").split("\n"))
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def snake(name: str) -> str:
    """PascalCase -> snake_case: ``MethodsOfControl`` -> ``methods_of_control``."""
    s = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name)
    s = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", s)
    return s.lower()


def loose(name: str) -> str:
    """Key for matching names across sources that differ only in case and underscores."""
    return re.sub(r"[^0-9a-z]", "", name.lower())


def pascal(label: str) -> str:
    """Generate a code for a value the sources give only a label for."""
    ascii_label = unicodedata.normalize("NFKD", label).encode("ascii", "ignore").decode()
    words = re.findall(r"[A-Za-z0-9]+", ascii_label)
    return "".join(w[:1].upper() + w[1:] for w in words)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --------------------------------------------------------------------------------------
# Field Definitions.md


@dataclass
class MdSection:
    level: int
    title: str
    parents: list[str]
    text: list[str] = field(default_factory=list)
    header: list[str] = field(default_factory=list)
    rows: list[tuple[str, str]] = field(default_factory=list)


def parse_markdown_tables(path: Path) -> list[MdSection]:
    """Split a Markdown file into heading sections with their prose and two-column tables."""
    sections: list[MdSection] = []
    stack: list[MdSection] = []
    current: MdSection | None = None
    for lineno, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.rstrip()
        heading = re.match(r"^(#+)\s*(.*?)\s*$", line)
        if heading:
            level = len(heading.group(1))
            stack = [s for s in stack if s.level < level]
            current = MdSection(level, heading.group(2), [s.title for s in stack])
            stack.append(current)
            sections.append(current)
            continue
        if current is None:
            continue
        if line.lstrip().startswith("|"):
            cells = [clean(c) for c in line.strip().strip("|").split("|")]
            if all(re.fullmatch(r":?-*:?", c) for c in cells):
                continue  # the |---|---| separator
            if len(cells) < 2:
                raise BuildError(f"{path.name} line {lineno}: table row with fewer than 2 cells")
            # Some definitions contain no '|', but rows may have trailing empty cells.
            key, definition = cells[0], " ".join(c for c in cells[1:] if c)
            if not current.header:
                current.header = [key, definition]
            else:
                current.rows.append((key, definition))
        elif clean(line):
            current.text.append(clean(line))
    return sections


# --------------------------------------------------------------------------------------
# the spreadsheet


@dataclass
class SheetField:
    row: int  # 1-based row in the sheet, header = row 1, for messages
    section: str
    status: str
    core: bool
    prefix: str
    short_name: str
    label: str
    htcds_name: str
    source_type: str
    salesforce: str
    value_names: list[str]
    value_labels: list[str]
    description: str
    notes: str


@dataclass
class SheetSection:
    title: str
    raw_title: str
    description: str
    notes: str
    fields: list[SheetField] = field(default_factory=list)
    example_questions: list[str] = field(default_factory=list)


def read_spreadsheet(path: Path, report: dict[str, Any]) -> list[SheetSection]:
    sheets = pd.read_excel(
        path, engine="odf", sheet_name=None, header=None, dtype=str, keep_default_na=False
    )
    report["spreadsheet_sheets"] = list(sheets)
    if "Field_Standards" not in sheets:
        raise BuildError(f"{path.name}: no sheet 'Field_Standards' (sheets: {list(sheets)})")
    other = [s for s in sheets if s != "Field_Standards"]
    if other:
        # The 2.0 file has one sheet; a later edition adding sheets needs a human to look.
        raise BuildError(f"{path.name}: unexpected sheets {other}; teach the build about them")
    frame = sheets["Field_Standards"]
    header = [clean(c) for c in frame.iloc[0].tolist()]
    if header != EXPECTED_COLUMNS:
        raise BuildError(f"{path.name}: columns are {header}, expected {EXPECTED_COLUMNS}")
    sections: list[SheetSection] = []
    for i in range(1, len(frame)):
        cells = dict(zip(EXPECTED_COLUMNS, frame.iloc[i].tolist(), strict=True))
        rowno = i + 1
        if not any(clean(v) for v in cells.values()):
            continue
        section_title = clean(cells["Section"])
        if section_title:
            title = re.sub(r"\s+", " ", section_title)
            if title not in SECTIONS:
                raise BuildError(f"{path.name} row {rowno}: unknown section {title!r}")
            sections.append(
                SheetSection(
                    title=title,
                    raw_title=str(cells["Section"]),
                    description=clean(cells["Description"]),
                    notes=clean(cells["Notes"]),
                )
            )
            continue
        if not sections:
            raise BuildError(f"{path.name} row {rowno}: field before the first section")
        label = str(cells["Field Label"]).strip()
        # Example-question rows carry "N/A" in the name columns; the label says what they are.
        if label.startswith("EXAMPLE QUESTION"):
            question = clean(label.split("\n", 1)[1] if "\n" in label else label)
            sections[-1].example_questions.append(question)
            continue
        short_name = clean(cells["Field Name"])
        prefix = clean(cells["Field Name Prefix"])
        if not short_name or not prefix:
            raise BuildError(f"{path.name} row {rowno}: a row with neither section nor field")
        full = clean(cells["Field Name including Prefix"]) or prefix + short_name
        if full != prefix + short_name:
            raise BuildError(
                f"{path.name} row {rowno}: 'Field Name including Prefix' is {full!r} but "
                f"prefix + name is {prefix + short_name!r}"
            )
        sections[-1].fields.append(
            SheetField(
                row=rowno,
                section=sections[-1].title,
                status=clean(cells["Status"]).lower(),
                core=clean(cells["Core"]).lower() == "core",
                prefix=prefix,
                short_name=short_name,
                label=clean(cells["Field Label"]),
                htcds_name=full,
                source_type=clean(cells["Field Type"]),
                salesforce=clean(cells["Salesforce Standard or Custom"]),
                value_names=lines(cells["Value Names (if picklist)"]),
                value_labels=lines(cells["Value Labels (if picklist)"]),
                description=multiline(cells["Description"]),
                notes=multiline(cells["Notes"]),
            )
        )
    return sections


# --------------------------------------------------------------------------------------
# XLSForm and Excel toolkit


def read_xlsform(path: Path) -> tuple[pd.DataFrame, dict[str, list[dict[str, str]]]]:
    # keep_default_na=False matters: Namibia's code "NA" must not become a missing value.
    survey = pd.read_excel(path, sheet_name="survey", dtype=str, keep_default_na=False)
    choices = pd.read_excel(path, sheet_name="choices", dtype=str, keep_default_na=False)
    for col in ("list_name", "name", "label"):
        if col not in choices.columns:
            raise BuildError(f"{path.name} sheet 'choices': no column {col!r}")
    lists: dict[str, list[dict[str, str]]] = {}
    for i, row in enumerate(choices.itertuples(index=False), start=2):
        list_name = clean(row.list_name)
        if not list_name:
            continue
        code = clean(row.name)
        if not code:
            raise BuildError(f"{path.name} sheet 'choices' row {i}: empty choice name")
        lists.setdefault(list_name, []).append(
            {"code": code, "raw_code": str(row.name), "label": clean(row.label), "row": str(i)}
        )
    return survey, lists


def read_excel_toolkit(path: Path) -> list[tuple[int, str, str]]:
    """(column number, name in row 1, label in row 2) of the Excel toolkit's data sheet."""
    frame = pd.read_excel(path, sheet_name=None, header=None, dtype=str, keep_default_na=False)
    if list(frame) != ["Sheet1"]:
        raise BuildError(f"{path.name}: expected one sheet 'Sheet1', found {list(frame)}")
    sheet = frame["Sheet1"]
    columns = []
    for col in range(sheet.shape[1]):
        name, label = clean(sheet.iat[0, col]), clean(sheet.iat[1, col])
        if name or label:
            columns.append((col + 1, name, label))
    return columns


# --------------------------------------------------------------------------------------
# ISO lists


def country_values(xlsform_values: list[dict[str, str]], report: dict[str, Any]) -> list[dict]:
    values = []
    unmapped = []
    label_differs = []
    for v in xlsform_values:
        country = pycountry.countries.get(alpha_2=v["code"])
        entry: dict[str, Any] = {"code": v["code"], "label": v["label"]}
        if country is None:
            unmapped.append(v["code"])
        else:
            entry["iso_alpha2"] = country.alpha_2
            entry["iso_alpha3"] = country.alpha_3
            entry["iso_numeric"] = country.numeric
            entry["aliases"] = [country.alpha_3]
            if country.name != v["label"]:
                label_differs.append(f"{v['code']}: form {v['label']!r}, ISO {country.name!r}")
        values.append(entry)
    report["countries_unmapped"] = unmapped
    report["countries_iso_name_differs"] = label_differs
    missing = sorted({c.alpha_2 for c in pycountry.countries} - {v["code"] for v in values})
    report["iso3166_codes_not_in_xlsform"] = missing
    return values


def language_values(path: Path, report: dict[str, Any]) -> list[dict]:
    if not path.exists():
        raise BuildError(
            f"{path}: ISO 639-2 list not found. Install Debian's iso-codes "
            "(apt-get install iso-codes) or pass --iso639-2 PATH to its iso_639-2.json."
        )
    data = json.loads(path.read_text(encoding="utf-8"))
    values = []
    skipped = []
    not_in_pycountry = []
    for item in data["639-2"]:
        code = item["alpha_3"]
        if not re.fullmatch(r"[a-z]{3}", code):
            skipped.append(code)  # "qaa-qtz" is a reserved range, not a language
            continue
        entry: dict[str, Any] = {"code": code, "label": item["name"], "iso_alpha3": code}
        aliases = []
        if "alpha_2" in item:
            entry["iso_alpha2"] = item["alpha_2"]
            aliases.append(item["alpha_2"])
        if "bibliographic" in item:
            aliases.append(item["bibliographic"])
        if aliases:
            entry["aliases"] = aliases
        found = pycountry.languages.get(alpha_3=code) or pycountry.language_families.get(
            alpha_3=code
        )
        if found is None:
            not_in_pycountry.append(code)
        values.append(entry)
    report["languages_skipped"] = skipped
    report["languages_not_in_pycountry"] = not_in_pycountry
    return values


# --------------------------------------------------------------------------------------
# the build


def values_from_sheet(f: SheetField) -> list[dict[str, Any]]:
    if len(f.value_names) != len(f.value_labels):
        raise BuildError(
            f"{SPREADSHEET} row {f.row} ({f.htcds_name}): {len(f.value_names)} value names "
            f"but {len(f.value_labels)} value labels"
        )
    return [{"code": n, "label": lab} for n, lab in zip(f.value_names, f.value_labels, strict=True)]


def is_iso_instruction(f: SheetField) -> bool:
    joined = " ".join(f.value_names + f.value_labels)
    return "ISO 3166" in joined or "ISO 639" in joined


def build(source: Path, iso639_2: Path) -> dict[str, Any]:
    report: dict[str, Any] = {}
    sections = read_spreadsheet(source / SPREADSHEET, report)
    md = parse_markdown_tables(source / DEFINITIONS)
    survey, xls_lists = read_xlsform(source / XLSFORM)
    excel_columns = read_excel_toolkit(source / EXCEL_TOOLKIT)
    migration = parse_markdown_tables(source / MIGRATION_GUIDANCE)

    sheet_fields = [f for s in sections for f in s.fields]
    by_loose: dict[str, SheetField] = {}
    for f in sheet_fields:
        key = loose(f.htcds_name)
        if key in by_loose:
            raise BuildError(
                f"{SPREADSHEET}: {f.htcds_name} clashes with {by_loose[key].htcds_name}"
            )
        by_loose[key] = f

    # ---- XLSForm questions -> spreadsheet fields
    xls_question: dict[str, dict[str, str]] = {}
    unmapped_questions = []
    for i, row in enumerate(survey.itertuples(index=False), start=2):
        qtype, qname = clean(row.type), clean(row.name)
        if qname in XLSFORM_METADATA:
            continue
        target = by_loose.get(loose(qname))
        if target is None:
            unmapped_questions.append(f"row {i}: {qname} ({qtype})")
            continue
        list_name = ""
        m = re.match(r"^(select_one|select_multiple)\s+(\S+)$", qtype)
        if m:
            list_name = m.group(2)
            if list_name not in xls_lists:
                raise BuildError(f"{XLSFORM} survey row {i}: list {list_name!r} not in choices")
        xls_question[target.htcds_name] = {
            "name": qname,
            "type": qtype,
            "list": list_name,
            "label": clean(row.label),
            "row": str(i),
        }
    report["xlsform_metadata_questions"] = sorted(XLSFORM_METADATA)
    report["xlsform_questions_unmapped"] = unmapped_questions

    # ---- choice lists
    lists: dict[str, dict[str, Any]] = {}
    conflicts: list[str] = []
    field_list: dict[str, str] = {}

    def add_list(name: str, label: str, source_desc: str, values: list[dict], **extra: Any) -> None:
        codes = [v["code"] for v in values]
        dupes = sorted({c for c in codes if codes.count(c) > 1})
        if dupes:
            raise BuildError(f"list {name}: duplicate codes {dupes}")
        bad = [c for c in codes if re.search(r"\s", c)]
        if bad:
            raise BuildError(f"list {name}: codes with whitespace {bad}")
        lists[name] = {
            "name": name,
            "label": label,
            "source": source_desc,
            **extra,
            "values": values,
        }

    for list_name, items in xls_lists.items():
        raw_spaces = [i["raw_code"] for i in items if i["raw_code"] != i["code"]]
        if raw_spaces:
            conflicts.append(
                f"XLSForm list {list_name}: choice names with stray whitespace {raw_spaces!r}; "
                "stored trimmed"
            )
        values = [{"code": i["code"], "label": i["label"]} for i in items]
        if list_name == "citizenship":
            values = country_values(items, report)
            add_list(
                list_name,
                "Countries (ISO 3166-1)",
                f"{XLSFORM} choices; ISO 3166-1 via pycountry",
                values,
            )
        else:
            add_list(list_name, list_name, f"{XLSFORM} choices", values)
    report["xlsform_choice_lists"] = {k: len(v) for k, v in xls_lists.items()}

    add_list(
        "languages",
        "Languages (ISO 639-2)",
        f"ISO 639-2 from Debian iso-codes ({iso639_2.name}); pycountry for cross-checks",
        language_values(iso639_2, report),
    )

    # ---- fields
    out_sections: list[dict[str, Any]] = []
    for s in sections:
        key, label = SECTIONS[s.title]
        ent: dict[str, Any] = {
            "key": key,
            "label": label,
            "section": s.raw_title.strip(),
            "prefix": None,
            "description": s.description or None,
            "notes": s.notes or None,
            "definition": None,
            "example_questions": s.example_questions,
            "fields": [],
        }
        prefixes = sorted({f.prefix for f in s.fields})
        if len(prefixes) > 1:
            raise BuildError(f"{SPREADSHEET}: section {s.title!r} mixes prefixes {prefixes}")
        ent["prefix"] = prefixes[0] if prefixes else None
        for f in s.fields:
            ent["fields"].append(
                build_field(f, xls_question, xls_lists, lists, field_list, conflicts)
            )
        out_sections.append(ent)

    # lists named after spreadsheet fields (checked identical when shared)
    report["type_and_list_conflicts"] = conflicts

    # ---- definitions from Field Definitions.md
    fields_by_name = {f["htcds_name"]: f for e in out_sections for f in e["fields"]}
    unmatched_definitions: list[str] = []
    apply_definitions(
        md, fields_by_name, lists, field_list, out_sections, unmatched_definitions, report
    )
    add_industry_subdivisions(md, lists, unmatched_definitions)
    report["definitions_unmatched"] = unmatched_definitions

    # ---- guidance: migration classifications (lists without a spreadsheet field)
    for sec in migration:
        if sec.title in MIGRATION_LISTS and sec.rows:
            name, list_label = MIGRATION_LISTS[sec.title]
            guidance_values: list[dict[str, Any]] = [
                {"code": pascal(k), "label": k, "definition": d, "code_generated": True}
                for k, d in sec.rows
            ]
            add_list(
                name,
                list_label,
                f"{MIGRATION_GUIDANCE} (guidance; not a spreadsheet field)",
                guidance_values,
                description="\n".join(sec.text) or None,
            )

    # ---- Excel toolkit column names -> aliases
    excel_report = apply_excel_toolkit(excel_columns, fields_by_name)
    report["excel_toolkit"] = excel_report

    # ---- used_by for every list, after all fields are known
    for lst in lists.values():
        lst["used_by"] = sorted(
            f["name"] for f in fields_by_name.values() if f["choice_list"] == lst["name"]
        )

    # ---- name uniqueness across every accepted spelling (the loader relies on it)
    check_names_unique(fields_by_name.values())

    license_text = (source / LICENSE).read_text(encoding="utf-8")
    notice = ""
    m = re.search(r"\*\*(Use of this work.*?)\*\*", license_text, re.S)
    if m:
        notice = clean(m.group(1))
    column_reference = {
        sec.title: " ".join(sec.text)
        for sec in parse_markdown_tables(source / COLUMN_REFERENCE)
        if sec.level == 3
    }
    sources = [
        SPREADSHEET,
        DEFINITIONS,
        COLUMN_REFERENCE,
        XLSFORM,
        EXCEL_TOOLKIT,
        MIGRATION_GUIDANCE,
        LICENSE,
    ]
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "dictionary": "htcds-2.0",
        "standard": {
            "name": "Human Trafficking Case Data Standard",
            "abbreviation": "HTCDS",
            "version": "2.0",
            "publisher": "International Organization for Migration (IOM)",
            "license": "CC BY 4.0",
            "license_url": "https://creativecommons.org/licenses/by/4.0/",
            "source_url": "https://github.com/UNMigration/HTCDS",
            "attribution": (
                "Human Trafficking Case Data Standard (HTCDS) 2.0 by IOM, licensed under "
                "CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/). Source: "
                "https://github.com/UNMigration/HTCDS."
            ),
            "changes": (
                "Converted by tipdata from the HTCDS 2.0 field-standards spreadsheet, field "
                "definitions, column reference, XLSForm and Excel toolkit into one JSON "
                "dictionary; whitespace trimmed; dictionary names, normalised types, ISO "
                "3166/639-2 codes, generated codes for industry subdivisions and migration "
                "classifications added. Privacy classes, purposes and categories are tipdata's "
                "additions, kept in a separate file. IOM does not endorse tipdata."
            ),
            "notice": notice,
            "column_reference": column_reference,
        },
        "build": {
            "tool": "tools/build_dictionary.py",
            "sources": [{"path": p, "sha256": sha256(source / p)} for p in sources],
            "pycountry_version": _pycountry_version(),
            "report": report,
        },
        "entities": out_sections,
        "lists": list(lists.values()),
    }


def _pycountry_version() -> str:
    from importlib.metadata import version

    return version("pycountry")


def build_field(
    f: SheetField,
    xls_question: dict[str, dict[str, str]],
    xls_lists: dict[str, list[dict[str, str]]],
    lists: dict[str, dict[str, Any]],
    field_list: dict[str, str],
    conflicts: list[str],
) -> dict[str, Any]:
    notes: list[str] = []
    label = f.label
    if not label:
        label = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", f.short_name)
        notes.append(f"The spreadsheet gives no label (row {f.row}); derived from the field name.")
    source_type = f.source_type
    lookup_target = None
    if source_type in TYPES:
        ftype = TYPES[source_type]
    elif not source_type and f.htcds_name == "per_Organisation":
        ftype, lookup_target = "lookup", "organisation"
        notes.append(
            "The spreadsheet gives no type (row "
            f"{f.row}); treated as a lookup to an organisation, like the other organisation "
            "references in the standard."
        )
    else:
        raise BuildError(
            f"{SPREADSHEET} row {f.row} ({f.htcds_name}): unknown type {source_type!r}"
        )
    m = re.match(r"Lookup \[to (\w+)\]", source_type)
    if m:
        lookup_target = m.group(1)

    question = xls_question.get(f.htcds_name)
    choice_list: str | None = None
    if f.htcds_name in ISO_LIST_FIELDS:
        choice_list, why = ISO_LIST_FIELDS[f.htcds_name]
        if ftype not in ("select_one", "select_multiple"):
            notes.append(why)
            ftype = "select_one"
        elif f.htcds_name == "org_ShippingCountry":
            notes.append("'Picklist or Text': validated as an ISO 3166 code. " + why)
        field_list[f.htcds_name] = choice_list
    elif f.value_names and not is_iso_instruction(f):
        sheet_values = values_from_sheet(f)
        xls_name = question["list"] if question else ""
        if xls_name:
            xls_values = [{"code": v["code"], "label": v["label"]} for v in xls_lists[xls_name]]
            if [v["code"] for v in xls_values] != [v["code"] for v in sheet_values]:
                conflicts.append(
                    f"{f.htcds_name}: spreadsheet codes differ from XLSForm list {xls_name}; "
                    "the spreadsheet's are used"
                )
                lists[xls_name]["values"] = sheet_values
            else:
                diffs = [
                    f"{a['code']}: spreadsheet {a['label']!r}, XLSForm {b['label']!r}"
                    for a, b in zip(sheet_values, xls_values, strict=True)
                    if a["label"] != b["label"]
                ]
                if diffs:
                    conflicts.append(f"{f.htcds_name}: labels differ: {diffs}; spreadsheet's used")
                    for v, sv in zip(lists[xls_name]["values"], sheet_values, strict=True):
                        v["label"] = sv["label"]
            lists[xls_name]["source"] = f"{SPREADSHEET} row {f.row}; {XLSFORM} choices"
            lists[xls_name]["label"] = label
            choice_list = xls_name
        else:
            name = SPREADSHEET_LIST_NAMES.get(f.htcds_name)
            if name is None:
                raise BuildError(
                    f"{SPREADSHEET} row {f.row}: picklist {f.htcds_name} has no XLSForm list and "
                    "no entry in SPREADSHEET_LIST_NAMES; add one"
                )
            if name in lists:
                if lists[name]["values"] != sheet_values:
                    raise BuildError(
                        f"list {name}: {f.htcds_name} has different values from its other user"
                    )
            else:
                lists[name] = {
                    "name": name,
                    "label": label,
                    "source": f"{SPREADSHEET} row {f.row}",
                    "values": sheet_values,
                }
            choice_list = name
        field_list[f.htcds_name] = choice_list
    elif question and question["list"]:
        # e.g. con_Consent: a checkbox in the spreadsheet, select_one yes/no in the XLSForm.
        choice_list = question["list"]
        lists[choice_list]["label"] = label
        field_list[f.htcds_name] = choice_list
    if ftype == "select_one" and choice_list is None:
        # 'Picklist or Text' with no list in any source (org_ShippingState) is free text.
        ftype = "text"
        notes.append("'Picklist or Text' with no picklist in the sources: validated as text.")

    if question:
        xls_kind = question["type"].split()[0]
        expected = {
            "text": {"text", "long_text", "lookup"},
            "date": {"date"},
            "select_one": {"select_one", "boolean"},
            "select_multiple": {"select_multiple"},
        }.get(xls_kind, set())
        if ftype not in expected:
            conflicts.append(
                f"{f.htcds_name}: spreadsheet type {source_type!r} ({ftype}) but XLSForm question "
                f"{question['name']} is {question['type']!r}; the spreadsheet's type is used"
            )
        if question["label"] and question["label"] != label:
            conflicts.append(
                f"{f.htcds_name}: XLSForm label {question['label']!r} differs from spreadsheet "
                f"label {label!r}; the spreadsheet's is used"
            )

    pattern = None
    regex = re.search(r"Regular Expression:\s*(\S+)", f.notes)
    if regex:
        pattern = regex.group(1)
    if f.short_name == "Email":
        pattern = EMAIL_PATTERN
        notes.append("The standard gives no email format; tipdata checks a minimal 'x@y.z' shape.")
    constraints = CONSTRAINTS.get(f.htcds_name, {})
    if constraints:
        notes.append(
            "Range not stated by the standard; tipdata checks "
            + ", ".join(f"{k}={v}" for k, v in constraints.items())
            + "."
        )

    return {
        "name": f"{f.prefix}{snake(f.short_name)}",
        "htcds_name": f.htcds_name,
        "label": label,
        "type": ftype,
        "source_type": source_type,
        "core": f.core,
        "status": f.status or "draft",
        "salesforce": f.salesforce or None,
        "description": f.description or None,
        "notes": f.notes or None,
        "definition": None,
        "definition_source": None,
        "choice_list": choice_list,
        "lookup_target": lookup_target,
        "pattern": pattern,
        "minimum": constraints.get("minimum"),
        "maximum": constraints.get("maximum"),
        "integer": bool(constraints.get("integer", False)),
        "xlsform_name": question["name"] if question else None,
        "xlsform_type": question["type"] if question else None,
        "aliases": [],
        "source_row": f.row,
        "build_notes": notes,
    }


def apply_definitions(
    md: list[MdSection],
    fields_by_name: dict[str, dict[str, Any]],
    lists: dict[str, dict[str, Any]],
    field_list: dict[str, str],
    entities: list[dict[str, Any]],
    unmatched: list[str],
    report: dict[str, Any],
) -> None:
    inferred: list[str] = []
    for sec in md:
        if sec.title in SECTION_DEFINITIONS and sec.text:
            kind, target = SECTION_DEFINITIONS[sec.title]
            text = "\n".join(sec.text)
            if kind == "field":
                fields_by_name[target]["definition"] = text
                fields_by_name[target]["definition_source"] = f"{DEFINITIONS}: {sec.title}"
            elif kind == "assessment":
                for e in entities:
                    if e["key"].endswith("_risk_assessment"):
                        e["definition"] = text
        if sec.title == "Methods Of Control":
            values = {v["code"]: v for v in lists[field_list["vic_MethodsOfControl"]]["values"]}
            for key, definition in sec.rows:
                code = key.removeprefix("MethodsOfControl")
                how = "exact"
                if code not in values and key in METHODS_OF_CONTROL_INFERRED:
                    code, how = METHODS_OF_CONTROL_INFERRED[key], "inferred"
                    inferred.append(f"{key} -> {code}")
                if code not in values:
                    unmatched.append(
                        f"{DEFINITIONS} / Methods Of Control: {key} has no picklist value"
                    )
                    continue
                values[code]["definition"] = definition
                values[code]["definition_source"] = f"{DEFINITIONS}: {key} ({how} match)"
        elif sec.title == "Trafficking Status":
            values = {
                v["label"].lower(): v for v in lists[field_list["vic_TraffickingStatus"]]["values"]
            }
            for key, definition in sec.rows:
                v = values.get(key.lower())
                if v is None:
                    unmatched.append(f"{DEFINITIONS} / Trafficking Status: {key}")
                    continue
                v["definition"] = definition
                v["definition_source"] = f"{DEFINITIONS}: Trafficking Status / {key}"
        elif sec.title == "Labour Industry (TIER 1)":
            values = {v["code"]: v for v in lists[field_list["vic_ForcedLabourIndustry"]]["values"]}
            for key, definition in sec.rows:
                if key not in values:
                    unmatched.append(f"{DEFINITIONS} / Labour Industry (TIER 1): {key}")
                    continue
                values[key]["definition"] = definition
                values[key]["definition_source"] = (
                    f"{DEFINITIONS}: Labour Industry (TIER 1) / {key}"
                )
    report["definitions_inferred_matches"] = inferred


def add_industry_subdivisions(
    md: list[MdSection], lists: dict[str, dict[str, Any]], unmatched: list[str]
) -> None:
    """Tier 2 and tier 3 industry sub-levels: optional narrower codes under each tier-1 code.

    The sources give only labels; codes are generated as ``<parent code>.<PascalLabel>`` so
    they are stable, unique and show their parent.
    """
    tier1 = lists["forcedlabourindustry"]["values"]
    tier2: list[dict[str, Any]] = []
    tier3: list[dict[str, Any]] = []

    def parent_for(title: str, candidates: list[dict[str, Any]]) -> dict[str, Any] | None:
        t = title.lower()
        for v in candidates:
            if v["label"].lower() == t:
                return v
        for v in candidates:  # "Administrative and support service activities, including ..."
            if t.startswith(v["label"].lower()):
                return v
        return None

    descriptions = {2: "", 3: ""}
    for sec in md:
        if sec.title == "Labour Subdivisions (TIER 2)" and sec.text:
            descriptions[2] = "\n".join(sec.text)
        if "Labour Subdivisions (TIER 3)" in sec.parents and sec.text:
            descriptions[3] = "\n".join(sec.text)
        if not sec.rows:
            continue
        in_tier2 = "Labour Subdivisions (TIER 2)" in sec.parents
        in_tier3 = "Labour Subdivisions (TIER 3)" in sec.parents
        if not (in_tier2 or in_tier3):
            continue
        parent = parent_for(sec.title, tier1 if in_tier2 else tier2)
        if parent is None:
            unmatched.append(
                f"{DEFINITIONS} / {' / '.join(sec.parents[1:] + [sec.title])}: no parent"
            )
            continue
        target = tier2 if in_tier2 else tier3
        for label, definition in sec.rows:
            target.append(
                {
                    "code": f"{parent['code']}.{pascal(label)}",
                    "label": label,
                    "definition": definition,
                    "definition_source": f"{DEFINITIONS}: {' / '.join(sec.parents[1:] + [sec.title])}",
                    "parent": parent["code"],
                    "code_generated": True,
                }
            )
    lists["forcedlabourindustry_tier2"] = {
        "name": "forcedlabourindustry_tier2",
        "label": "Forced labour industry: tier 2 subdivisions (optional)",
        "source": f"{DEFINITIONS}: Labour Subdivisions (TIER 2); codes generated by tipdata",
        "extends": "forcedlabourindustry",
        "description": descriptions[2] or None,
        "values": tier2,
    }
    lists["forcedlabourindustry_tier3"] = {
        "name": "forcedlabourindustry_tier3",
        "label": "Forced labour industry: tier 3 subdivisions (optional)",
        "source": f"{DEFINITIONS}: Labour Subdivisions (TIER 3); codes generated by tipdata",
        "extends": "forcedlabourindustry_tier2",
        "description": descriptions[3] or None,
        "values": tier3,
    }


def apply_excel_toolkit(
    columns: list[tuple[int, str, str]], fields_by_name: dict[str, dict[str, Any]]
) -> dict[str, Any]:
    matched, aliased, by_label, unmatched = [], [], [], []
    loose_names = {loose(n): n for n in fields_by_name}
    labels = {f["label"].lower(): n for n, f in fields_by_name.items()}
    for col, name, label in columns:
        if name in fields_by_name:
            matched.append(name)
        elif name:
            close = difflib.get_close_matches(loose(name), list(loose_names), n=1, cutoff=0.9)
            if close:
                target = loose_names[close[0]]
                fields_by_name[target]["aliases"].append(name)
                aliased.append(f"column {col}: {name!r} -> {target} (misspelt in the toolkit)")
            else:
                unmatched.append(f"column {col}: {name!r}")
        elif label.lower() in labels:
            by_label.append(f"column {col}: no name, label {label!r} -> {labels[label.lower()]}")
        else:
            unmatched.append(f"column {col}: label {label!r}")
    return {
        "columns": len(columns),
        "matched_by_name": len(matched),
        "aliases_added": aliased,
        "matched_by_label_only": by_label,
        "unmatched": unmatched,
        "note": (
            "Row 2 (labels) of the toolkit's mailing-address columns is in a different order "
            "from row 1 (names); the names in row 1 are used."
        ),
    }


def check_names_unique(fields: Iterable[dict[str, Any]]) -> None:
    seen: dict[str, str] = {}
    for f in fields:
        spellings = {f["name"], f["htcds_name"], *(f["aliases"])}
        if f["xlsform_name"]:
            spellings.add(f["xlsform_name"])
        for s in spellings:
            key = loose(s)
            if key in seen and seen[key] != f["name"]:
                raise BuildError(f"name {s!r} of {f['name']} also names {seen[key]}")
            seen[key] = f["name"]


# --------------------------------------------------------------------------------------
# command line


def render(doc: dict[str, Any]) -> str:
    return json.dumps(doc, ensure_ascii=False, indent=1) + "\n"


def print_summary(doc: dict[str, Any]) -> None:
    print(
        f"{doc['dictionary']}: {len(doc['entities'])} entities, "
        f"{sum(len(e['fields']) for e in doc['entities'])} fields, {len(doc['lists'])} lists"
    )
    for e in doc["entities"]:
        print(
            f"  {e['key']:<28} {e['prefix'] or '-':<5} {len(e['fields']):>3} fields"
            + (
                f", {len(e['example_questions'])} example questions"
                if e["example_questions"]
                else ""
            )
        )
    for lst in doc["lists"]:
        print(
            f"  list {lst['name']:<36} {len(lst['values']):>4} values  used by {', '.join(lst['used_by']) or '-'}"
        )
    rep = doc["build"]["report"]
    for key in (
        "type_and_list_conflicts",
        "definitions_inferred_matches",
        "definitions_unmatched",
        "xlsform_questions_unmapped",
        "countries_unmapped",
        "languages_skipped",
        "languages_not_in_pycountry",
    ):
        items = rep.get(key) or []
        print(f"{key}: {len(items)}")
        for item in items:
            print(f"    {item}")
    excel = rep["excel_toolkit"]
    print(f"excel toolkit: {excel['columns']} columns, {excel['matched_by_name']} by name")
    for item in excel["aliases_added"] + excel["matched_by_label_only"] + excel["unmatched"]:
        print(f"    {item}")


def check_overlay(out: Path, json_path: Path) -> list[str]:
    """Load the built dictionary with the package's own loader, which checks privacy.yaml."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    from tipdata.engines.standard import DictionaryFileError, load_dictionary

    try:
        load_dictionary(json_path, overlay_path=out / "privacy.yaml")
    except DictionaryFileError as exc:
        return [str(exc)]
    return []


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--source", type=Path, required=True, help="folder with the HTCDS 2.0 sources"
    )
    parser.add_argument("--out", type=Path, required=True, help="the package's data folder")
    parser.add_argument(
        "--iso639-2",
        type=Path,
        default=Path(DEFAULT_ISO639_2),
        dest="iso639_2",
        help=f"Debian iso-codes' iso_639-2.json (default {DEFAULT_ISO639_2})",
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="do not write; exit 1 if the data file is not what the sources give",
    )
    parser.add_argument("--quiet", action="store_true", help="print only problems")
    args = parser.parse_args(argv)
    try:
        doc = build(args.source, args.iso639_2)
    except BuildError as exc:
        print(f"build_dictionary: {exc}", file=sys.stderr)
        return 2
    text = render(doc)
    target = args.out / "htcds-2.0.json"
    if args.check:
        current = target.read_text(encoding="utf-8") if target.exists() else ""
        if current != text:
            print(f"{target} is out of date; rerun tools/build_dictionary.py", file=sys.stderr)
            return 1
    else:
        args.out.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    if not args.quiet:
        print_summary(doc)
        print(f"{'checked' if args.check else 'wrote'} {target} ({len(text.encode())} bytes)")
    problems = check_overlay(args.out, target)
    for p in problems:
        print(f"overlay: {p}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
