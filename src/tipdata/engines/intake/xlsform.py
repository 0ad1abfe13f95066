"""An XLSForm of the organisation's dictionary for KoboToolbox and ODK: HTCDS core fields
(grouped by entity) plus the organisation's local fields, labels in every configured
language (``label::English (en)``, ``label::Thai (th)`` ...).

Question names are the HTCDS spreadsheet names (``prs_FirstName``), choice names the
dictionary codes, so a submission exported from Kobo or ODK imports back with no mapping
(``tipdata import --format kobo``): group paths are stripped, ``field/Code`` columns read
as choices. Labels with no reviewed translation fall back to English; country and
language names come from CLDR in every language.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from tipdata.engines.standard import Dictionary, Field

from .mapping import LocalFieldSpec

YES_NO = {
    "en": ("Yes", "No"), "th": ("ใช่", "ไม่ใช่"), "id": ("Ya", "Tidak"), "km": ("បាទ/ចាស", "ទេ"),
    "fil": ("Oo", "Hindi"), "vi": ("Có", "Không"),
}  # fmt: skip
REGISTERED_ON = {
    "en": "Date the case was registered", "th": "วันที่ลงทะเบียนกรณี", "id": "Tanggal kasus didaftarkan",
    "km": "កាលបរិច្ឆេទចុះឈ្មោះករណី", "fil": "Petsa ng pagpaparehistro ng kaso", "vi": "Ngày đăng ký hồ sơ",
}  # fmt: skip
LOCAL_GROUP = {
    "en": "Our own fields", "th": "ข้อมูลเฉพาะขององค์กร", "id": "Isian khusus lembaga",
    "km": "ព័ត៌មានផ្ទាល់របស់អង្គការ", "fil": "Sariling mga field", "vi": "Trường thông tin riêng",
}  # fmt: skip
GROUPED = ("consent", "person", "victim_context", "case", "referral")
SHEETS = ("survey", "choices", "settings")


def _question_type(f: Field) -> tuple[str, str, str | None]:
    """(XLSForm type, appearance, constraint) for a dictionary field."""
    if f.type in ("select_one", "select_multiple"):
        return f"{f.type} {f.choice_list}", "minimal" if len(f.values) > 30 else "", None
    if f.type == "boolean":
        return f"select_one {f.choice_list or 'yes_no'}", "", None
    if f.type == "date":
        return "date", "", None
    if f.type == "number":
        bounds = []
        if f.minimum is not None:
            bounds.append(f". >= {f.minimum:g}")
        if f.maximum is not None:
            bounds.append(f". <= {f.maximum:g}")
        return ("integer" if f.integer else "decimal"), "", " and ".join(bounds) or None
    if f.type == "long_text":
        return "text", "multiline", None
    return "text", "", None


def build_xlsform(
    dictionary: Dictionary,
    *,
    languages: Sequence[tuple[str, str]] = (("en", "English"),),
    local_fields: Iterable[LocalFieldSpec] = (),
    local_labels: dict[str, dict[str, str]] | None = None,
    title: str = "HTCDS 2.0 case record",
    form_id: str = "htcds_tipdata",
    version: str | None = None,
    core_only: bool = True,
) -> dict[str, list[dict[str, Any]]]:
    """The form as sheets of rows (``survey``, ``choices``, ``settings``), ready for
    ``write_xlsform`` or for ``pyxform.xls2xform.convert`` as a dict."""
    langs = [(code, f"{name} ({code})") for code, name in languages]
    default = langs[0][1]

    def labels(text_for: Any, column: str = "label") -> dict[str, str]:
        return {f"{column}::{lang_label}": text_for(code) for code, lang_label in langs}

    survey: list[dict[str, Any]] = []
    choices: list[dict[str, Any]] = []
    lists_done: set[str] = set()

    def add_list(name: str, values: list[tuple[str, Any]]) -> None:
        if name in lists_done:
            return
        lists_done.add(name)
        for code, label_for in values:
            choices.append({"list_name": name, "name": code, **labels(label_for)})

    for entity in dictionary.entities:
        if entity.key not in GROUPED:
            continue
        fields = [f for f in entity.fields if f.core or not core_only]
        if not fields:
            continue
        survey.append({"type": "begin_group", "name": entity.key, **labels(entity.label_for)})
        if entity.key == "case":
            survey.append({"type": "date", "name": "case_registered_on",
                           **labels(lambda c: REGISTERED_ON.get(c, REGISTERED_ON["en"]))})
        for f in fields:
            qtype, appearance, constraint = _question_type(f)
            row: dict[str, Any] = {"type": qtype, "name": f.htcds_name, **labels(f.label_for)}
            hint = f.definition or f.description
            if hint:
                row.update({k: hint.strip()[:300] for k in labels(lambda _c: "", "hint")})
            if appearance:
                row["appearance"] = appearance
            if constraint:
                row["constraint"] = constraint
            survey.append(row)
            if f.type == "boolean" and not f.values:
                add_list("yes_no", [("yes", lambda c: YES_NO.get(c, YES_NO["en"])[0]),
                                    ("no", lambda c: YES_NO.get(c, YES_NO["en"])[1])])
            elif f.values:
                add_list(f.choice_list or f.name, [(v.code, v.label_for) for v in f.values])
        survey.append({"type": "end_group", "name": entity.key})
    local = list(local_fields)
    if local:
        survey.append({"type": "begin_group", "name": "local", **labels(lambda c: LOCAL_GROUP.get(c, LOCAL_GROUP["en"]))})
        for lf in local:
            names = (local_labels or {}).get(lf.name, {})

            def local_label(code: str, lf: LocalFieldSpec = lf, names: dict[str, str] = names) -> str:
                return names.get(code) or lf.label or lf.name

            qtype = {"text": "text", "number": "decimal", "date": "date", "boolean": "select_one yes_no",
                     "select_one": f"select_one {lf.name}", "select_multiple": f"select_multiple {lf.name}"}[lf.type]
            survey.append({"type": qtype, "name": lf.name, **labels(local_label)})
            if lf.type == "boolean":
                add_list("yes_no", [("yes", lambda c: YES_NO.get(c, YES_NO["en"])[0]),
                                    ("no", lambda c: YES_NO.get(c, YES_NO["en"])[1])])
            elif lf.values:
                add_list(lf.name, [(code, lambda _c, label=label: label) for code, label in lf.values])
        survey.append({"type": "end_group", "name": "local"})
    settings = [{
        "form_title": title,
        "form_id": form_id,
        "version": version or dictionary.standard.version,
        "default_language": default,
    }]
    return {"survey": survey, "choices": choices, "settings": settings}


def write_xlsform(path: str | Path, sheets: dict[str, list[dict[str, Any]]]) -> Path:
    """Write the sheets as an .xlsx workbook (header row from the union of row keys)."""
    import openpyxl

    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name in SHEETS:
        rows = sheets.get(name, [])
        ws = wb.create_sheet(name)
        columns: list[str] = []
        for row in rows:
            for key in row:
                if key not in columns:
                    columns.append(key)
        ws.append(columns)
        for row in rows:
            ws.append([row.get(c, "") for c in columns])
    out = Path(path)
    wb.save(out)
    return out
