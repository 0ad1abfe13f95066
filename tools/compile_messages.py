"""Compile the translation catalogues (.po -> .mo) with Babel, no GNU gettext needed.

Entries marked fuzzy (drafts no fluent speaker has reviewed yet) are compiled too, so the
interface is usable in every language; the pages say that the translation is unreviewed.
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LOCALE = Path(__file__).resolve().parent.parent / "src" / "tipdata" / "locale"


def main() -> int:
    compiled = 0
    for po_path in sorted(LOCALE.glob("*/LC_MESSAGES/*.po")):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as handle:
            catalog = read_po(handle, locale=po_path.parent.parent.name)
        with mo_path.open("wb") as handle:
            write_mo(handle, catalog, use_fuzzy=True)
        compiled += 1
    if compiled:
        print(f"compiled {compiled} translation catalogue(s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
