"""Refresh the interface catalogues and say what is left to translate or review.

    .venv/bin/python tools/update_catalogues.py            # makemessages, mark, report
    .venv/bin/python tools/update_catalogues.py --check    # report only, change nothing

Steps (the default run):

1. ``tipdata makemessages`` for th, id, km, fil, vi (needs GNU gettext: xgettext,
   msgmerge) collects every ``{% translate %}``/``gettext`` string into
   ``src/tipdata/locale/<lang>/LC_MESSAGES/django.po``, keeping existing translations.
2. msgmerge "fuzzy-matches" each new string to a similar old one and copies that old
   translation (it turned "Consent recorded." into the Thai for "No consent recorded
   yet"). Such guesses are wrong often enough to be dangerous in case work, so every entry
   whose msgid was not in the catalogue before this run has its guess cleared: it is
   listed as untranslated instead.
3. Every entry without a reviewer's mark gets ``#, fuzzy`` and the extracted comment
   ``#. DRAFT: not reviewed by a fluent speaker`` (msgmerge drops ``#.`` comments that
   are not in the source code, so they are put back on each run). The reviewer's mark is
   a translator comment ``# Reviewed-by: NAME, DATE`` (msgmerge keeps those); this script
   never removes a fuzzy flag.
4. Per language it lists the msgids still untranslated (any empty plural form counts),
   entries whose placeholders differ from the English (``%(n)s``, ``{name}``), and
   reviewed entries whose English changed since (fuzzy again). Exit code 1 when anything
   is untranslated or a placeholder is wrong, 0 otherwise.

See ``docs/translations.md`` for how a fluent speaker reviews an entry.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "tipdata"
LOCALE = PACKAGE / "locale"
LANGUAGES = ("th", "id", "km", "fil", "vi")
DRAFT_COMMENT = "DRAFT: not reviewed by a fluent speaker"
REVIEWED = re.compile(r"^\s*reviewed[- ]by\s*:\s*\S", re.IGNORECASE)
# Python %-placeholders (named or positional) and str.format fields; Django's
# {% blocktranslate %} turns template variables into %(name)s.
PLACEHOLDER = re.compile(
    r"%\([A-Za-z_][A-Za-z0-9_]*\)[#0 +-]*\d*(?:\.\d+)?[sdifrx]|%[sdifr]|\{[A-Za-z_][A-Za-z0-9_]*\}"
)

Key = tuple[str, str | None]  # (msgid, msgctxt)


@dataclass
class Report:
    lang: str
    entries: int = 0
    reviewed: int = 0
    untranslated: list[str] = field(default_factory=list)
    cleared_guesses: list[str] = field(default_factory=list)
    placeholder_errors: list[str] = field(default_factory=list)
    changed_since_review: list[str] = field(default_factory=list)
    marked: int = 0


def po_path(lang: str) -> Path:
    return LOCALE / lang / "LC_MESSAGES" / "django.po"


def load(lang: str) -> Catalog:
    with po_path(lang).open("rb") as handle:
        return read_po(handle, locale=lang)


def save(lang: str, catalog: Catalog) -> None:
    with po_path(lang).open("wb") as handle:
        write_po(
            handle,
            catalog,
            width=79,
            no_location=True,
            ignore_obsolete=True,
            include_previous=True,
        )


def message_id(message: Message) -> str:
    return message.id[0] if isinstance(message.id, (tuple, list)) else message.id


def key_of(message: Message) -> Key:
    return (message_id(message), message.context)


def forms(message: Message) -> list[str]:
    """The translation as a list (one item, or one per plural form)."""
    if isinstance(message.string, (tuple, list)):
        return [s or "" for s in message.string]
    return [message.string or ""]


def is_translated(message: Message, nplurals: int) -> bool:
    strings = forms(message)
    if message.pluralizable and len(strings) < nplurals:
        return False
    return all(s.strip() for s in strings)


def is_reviewed(message: Message) -> bool:
    """A fluent speaker signed the entry off with a ``# Reviewed-by:`` comment."""
    return any(REVIEWED.match(c) for c in message.user_comments)


def placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text))


def placeholder_problem(message: Message) -> str | None:
    """Describe a translation whose placeholders differ from the English, else None."""
    ids = list(message.id) if isinstance(message.id, (tuple, list)) else [message.id]
    wanted = set(placeholders(ids[0])) | (set(placeholders(ids[1])) if len(ids) > 1 else set())
    for i, text in enumerate(forms(message)):
        if not text:
            continue
        if "python-format" in message.flags and "%" in PLACEHOLDER.sub("", text).replace("%%", ""):
            # Django formats these with %: a lone % breaks the page or eats a character.
            where = f"msgstr[{i}]" if message.pluralizable else "msgstr"
            return f"{where}: a lone % (write %% for a percent sign)"
        found = set(placeholders(text))
        # A plural form may leave the number out ("one case"), never add or rename one.
        missing = wanted - found if not message.pluralizable else set()
        extra = found - wanted
        if missing or extra:
            where = f"msgstr[{i}]" if message.pluralizable else "msgstr"
            parts = []
            if missing:
                parts.append(f"missing {sorted(missing)}")
            if extra:
                parts.append(f"unknown {sorted(extra)}")
            return f"{where}: {', '.join(parts)}"
    return None


def run_makemessages(languages: list[str]) -> None:
    missing = [tool for tool in ("xgettext", "msgmerge", "msguniq") if not shutil.which(tool)]
    if missing:
        raise SystemExit(
            f"GNU gettext is needed for makemessages ({', '.join(missing)} not found); "
            "install the 'gettext' package, or run with --check to only report"
        )
    env = dict(os.environ)
    env.setdefault("TIPDATA_ENV", "test")  # needs no secrets, only the settings
    command = [
        sys.executable,
        "-m",
        "tipdata.cli",
        "makemessages",
        "--no-obsolete",
        "--no-location",
    ]
    for lang in languages:
        command += ["-l", lang]
    # Fixed argument list, our own interpreter: no untrusted input reaches the command.
    result = subprocess.run(command, cwd=PACKAGE, env=env, capture_output=True, text=True)  # noqa: S603
    if result.returncode != 0:
        raise SystemExit(f"makemessages failed:\n{result.stdout}\n{result.stderr}")


def mark(catalog: Catalog, before: set[Key], report: Report) -> bool:
    """Clear msgmerge's guesses and mark unreviewed entries; True if anything changed."""
    changed = False
    nplurals = catalog.num_plurals
    for message in catalog:
        if not message.id:
            continue
        if before and key_of(message) not in before and any(forms(message)) and message.fuzzy:
            # A fuzzy-matched guess copied from another string: never keep it.
            report.cleared_guesses.append(message_id(message))
            message.string = ("",) * nplurals if message.pluralizable else ""
            message.previous_id = []
            changed = True
        if is_reviewed(message):
            continue
        if not message.fuzzy:
            message.flags.add("fuzzy")
            report.marked += 1
            changed = True
        if DRAFT_COMMENT not in message.auto_comments:
            message.auto_comments.append(DRAFT_COMMENT)
            changed = True
    return changed


def survey(catalog: Catalog, report: Report) -> None:
    nplurals = catalog.num_plurals
    for message in catalog:
        if not message.id:
            continue
        report.entries += 1
        mid = message_id(message)
        if not is_translated(message, nplurals):
            report.untranslated.append(mid)
        problem = placeholder_problem(message)
        if problem:
            report.placeholder_errors.append(f"{mid!r}: {problem}")
        if is_reviewed(message):
            if message.fuzzy:
                report.changed_since_review.append(mid)
            else:
                report.reviewed += 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "-l",
        "--language",
        action="append",
        choices=LANGUAGES,
        help="only this language (repeatable); default: all five",
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="change nothing: no makemessages, no marking; only report",
    )
    parser.add_argument(
        "--skip-makemessages",
        action="store_true",
        help="mark and report without collecting strings (no gettext needed)",
    )
    args = parser.parse_args(argv)
    languages = args.language or list(LANGUAGES)

    for lang in languages:
        if not po_path(lang).is_file():
            raise SystemExit(f"{po_path(lang)} does not exist")
    before = {lang: {key_of(m) for m in load(lang) if m.id} for lang in languages}
    if not (args.check or args.skip_makemessages):
        run_makemessages(languages)

    # Mark and save every catalogue before printing anything, so a closed pipe
    # (``| head``) cannot leave some catalogues merged but unmarked.
    reports = []
    for lang in languages:
        report = Report(lang)
        catalog = load(lang)
        guesses_from = before[lang] if not args.skip_makemessages else set()
        if not args.check and mark(catalog, guesses_from, report):
            save(lang, catalog)
            catalog = load(lang)
        survey(catalog, report)
        reports.append(report)

    failed = False
    for report in reports:
        draft = report.entries - report.reviewed
        print(
            f"{report.lang}: {report.entries} entries, {report.reviewed} reviewed, {draft} draft "
            f"(fuzzy), {len(report.untranslated)} untranslated"
        )
        if report.marked:
            print(f"  marked fuzzy (no Reviewed-by comment): {report.marked}")
        for text in report.placeholder_errors:
            print(f"  placeholder mismatch: {text}")
        for mid in report.changed_since_review:
            print(f"  English changed since review (fuzzy again): {mid!r}")
        failed = failed or bool(report.untranslated or report.placeholder_errors)
    # The same new strings are usually missing everywhere: list each once, with its languages.
    for title, attribute in (
        ("cleared msgmerge guesses (new strings)", "cleared_guesses"),
        ("untranslated", "untranslated"),
    ):
        langs_by_id: dict[str, list[str]] = {}
        for report in reports:
            for mid in getattr(report, attribute):
                langs_by_id.setdefault(mid, []).append(report.lang)
        if langs_by_id:
            print(f"\n{title}:")
            for mid, langs in langs_by_id.items():
                print(f"  [{' '.join(langs)}] {mid!r}")
    if failed:
        print(
            "\nTranslate the entries listed above (keep them fuzzy: see docs/translations.md),"
            " then run tools/compile_messages.py."
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
