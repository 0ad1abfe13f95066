"""tools/update_catalogues.py: gettext's guesses are cleared, unreviewed entries are marked
fuzzy, reviewed ones are left alone, and what is left to translate is reported."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
from babel.messages.catalog import Catalog

TOOL = Path(__file__).resolve().parent.parent / "tools" / "update_catalogues.py"


def _load_tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location("update_catalogues", TOOL)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["update_catalogues"] = module  # dataclasses look the module up by name
    spec.loader.exec_module(module)
    return module


uc = _load_tool()


def _catalog() -> Catalog:
    catalog = Catalog(locale="th")
    catalog.add("Case", "กรณี", flags=("fuzzy",), auto_comments=[uc.DRAFT_COMMENT])
    catalog.add("Save", "บันทึก")  # translated by someone, never reviewed, not fuzzy
    catalog.add("Sign in", "เข้าสู่ระบบ", user_comments=["Reviewed-by: Somchai P., 2026-12-01"])
    catalog.add("Refer to", "ส่งต่อไปยัง", flags=("fuzzy",), user_comments=["Reviewed-by: A. B."])
    # What msgmerge does with a new string: copies a similar old translation, fuzzy.
    catalog.add("Consent recorded.", "ยังไม่มีการบันทึกความยินยอม", flags=("fuzzy",))
    catalog.add("Filter", "")
    return catalog


def test_marks_unreviewed_clears_guesses_and_keeps_reviewed() -> None:
    catalog = _catalog()
    before = {("Case", None), ("Save", None), ("Sign in", None), ("Refer to", None)}
    report = uc.Report("th")
    assert uc.mark(catalog, before, report) is True
    assert report.cleared_guesses == ["Consent recorded."]
    assert catalog["Consent recorded."].string == ""
    save = catalog["Save"]
    assert save.fuzzy and uc.DRAFT_COMMENT in save.auto_comments
    assert not catalog["Sign in"].fuzzy  # signed off by a fluent speaker: untouched
    assert uc.DRAFT_COMMENT not in catalog["Sign in"].auto_comments
    assert catalog["Refer to"].fuzzy  # the tool never removes a fuzzy flag
    assert catalog["Case"].auto_comments == [uc.DRAFT_COMMENT]  # not added twice

    uc.survey(catalog, report)
    assert report.untranslated == ["Consent recorded.", "Filter"]
    assert report.reviewed == 1
    assert report.changed_since_review == ["Refer to"]
    assert report.entries == 6


def test_without_a_snapshot_no_translation_is_cleared() -> None:
    catalog = _catalog()
    report = uc.Report("th")
    uc.mark(catalog, set(), report)
    assert report.cleared_guesses == []
    assert catalog["Consent recorded."].string  # kept (and fuzzy): nothing to compare with


def test_placeholders_must_match_the_english() -> None:
    catalog = Catalog(locale="th")
    catalog.add("You work for %(org)s as %(role)s.", "คุณทำงานให้ %(org)s")
    catalog.add("%(n)s case", "%(n)s กรณี")
    catalog.add("Hello {name}", "สวัสดี {nmae}")
    catalog.add(("%(n)s issue", "%(n)s issues"), ("พบปัญหา %(n)s รายการ",))
    catalog.add(("one file", "%(n)s files"), ("%(n)s ไฟล์",))
    catalog.add(("%(n)s release", "%(n)s releases"), ("%(count)s ชุด",))
    problems = {
        m.id if isinstance(m.id, str) else m.id[0]: uc.placeholder_problem(m)
        for m in catalog
        if m.id
    }
    assert problems["You work for %(org)s as %(role)s."] == "msgstr: missing ['%(role)s']"
    assert problems["%(n)s case"] is None
    assert "unknown ['{nmae}']" in str(problems["Hello {name}"])
    assert problems["one file"] is None  # a plural form may use the number the English omits
    report = uc.Report("th")
    uc.survey(catalog, report)
    assert sorted(report.placeholder_errors) == [
        "'%(n)s release': msgstr[0]: unknown ['%(count)s']",
        "'Hello {name}': msgstr: missing ['{name}'], unknown ['{nmae}']",
        "'You work for %(org)s as %(role)s.': msgstr: missing ['%(role)s']",
    ]


def test_a_lone_percent_sign_in_a_python_format_string_is_reported() -> None:
    catalog = Catalog(locale="th")
    catalog.add("95%% interval", "ช่วง 95%", flags=("python-format",))
    catalog.add("Recorded (%)", "บันทึกแล้ว (%)")  # not python-format: % is plain text
    catalog.add("50%% of %(n)s", "50%% จาก %(n)s", flags=("python-format",))
    assert uc.placeholder_problem(catalog["95%% interval"]) == (
        "msgstr: a lone % (write %% for a percent sign)"
    )
    assert uc.placeholder_problem(catalog["Recorded (%)"]) is None
    assert uc.placeholder_problem(catalog["50%% of %(n)s"]) is None


def test_plural_entry_with_too_few_forms_is_untranslated() -> None:
    catalog = Catalog(locale="fil")  # Filipino has two plural forms
    catalog.add(("%(n)s case", "%(n)s cases"), ("%(n)s kaso", ""))
    message = catalog["%(n)s case"]
    assert not uc.is_translated(message, catalog.num_plurals)
    message.string = ("%(n)s kaso", "%(n)s kaso")
    assert uc.is_translated(message, catalog.num_plurals)


def test_write_and_read_back_keeps_marks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(uc, "LOCALE", tmp_path)
    (tmp_path / "th" / "LC_MESSAGES").mkdir(parents=True)
    catalog = _catalog()
    uc.mark(catalog, set(), uc.Report("th"))
    uc.save("th", catalog)
    again = uc.load("th")
    assert again["Save"].fuzzy and uc.DRAFT_COMMENT in again["Save"].auto_comments
    assert again["Sign in"].user_comments == ["Reviewed-by: Somchai P., 2026-12-01"]
    assert not again["Sign in"].fuzzy


@pytest.mark.skipif(shutil.which("msgmerge") is None, reason="GNU gettext not installed")
def test_gettext_keeps_reviewed_by_but_drops_draft_comments(tmp_path: Path) -> None:
    # The reason for the tool's design: msgmerge (what makemessages runs) keeps translator
    # comments and flags, but replaces extracted (#.) comments with the source code's.
    po = tmp_path / "django.po"
    po.write_text(
        'msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        "# Reviewed-by: Somchai P.\n"
        'msgid "Sign in"\nmsgstr "เข้าสู่ระบบ"\n\n'
        f"#. {uc.DRAFT_COMMENT}\n#, fuzzy\n"
        'msgid "Case"\nmsgstr "กรณี"\n',
        encoding="utf-8",
    )
    pot = tmp_path / "django.pot"
    pot.write_text(
        'msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgid "Sign in"\nmsgstr ""\n\nmsgid "Case"\nmsgstr ""\n',
        encoding="utf-8",
    )
    subprocess.run(
        ["msgmerge", "-q", "--backup=none", "--previous", "--update", str(po), str(pot)],
        check=True,
    )
    text = po.read_text(encoding="utf-8")
    assert "# Reviewed-by: Somchai P." in text
    assert "#, fuzzy" in text
    assert "DRAFT" not in text
