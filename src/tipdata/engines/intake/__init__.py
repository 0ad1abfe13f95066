"""Intake: bring existing case data in - CSV and XLSX spreadsheets, the HTCDS Excel
toolkit, Kobo/ODK form exports and CTDC global-dataset files - as HTCDS records.

Pure Python (no Django). Every input row ends as exactly one clean record or one
quarantined row with its reasons::

    from tipdata.engines.intake import IntakeRun, plan_import

    plan = plan_import("shelter-2023.xlsx")      # format, encoding, guessed column mapping
    plan.summary()                               # what to show a user for confirmation
    plan.mapping.save("shelter.mapping.yaml")    # edit, then plan_import(..., mapping=...)
    run = IntakeRun(plan)
    for result in run.results():                 # CleanRecord | QuarantinedRow, streamed
        ...
    run.report()                                 # counts, date formats read, notes

Writing records to the database (encrypted, audited, deduplicated on re-import) is the
Django app ``tipdata.intake``'s job; this package only reads, maps and checks.
"""

__version__ = "1"

from .errors import FileFormatError, IntakeError, LimitError, MappingError  # noqa: E402
from .export import EXPORT_FORMATS, export_columns, write_csv, write_json, write_xlsx  # noqa: E402
from .mapping import ColumnMapping, LocalFieldSpec, Target, guess_mapping, parse_target  # noqa: E402
from .pipeline import (  # noqa: E402
    FORMATS,
    CleanRecord,
    IntakeRun,
    Plan,
    QuarantinedRow,
    Reason,
    RowResult,
    plan_import,
    read_all,
)
from .quarantine import QuarantineWriter  # noqa: E402
from .readers import Limits  # noqa: E402
from .sniff import detect_encoding, file_kind  # noqa: E402
from .synonyms import load_synonyms  # noqa: E402
from .values import ValueMapper, parse_date  # noqa: E402
from .xlsform import build_xlsform, write_xlsform  # noqa: E402

__all__ = [
    "EXPORT_FORMATS",
    "FORMATS",
    "CleanRecord",
    "ColumnMapping",
    "FileFormatError",
    "IntakeError",
    "IntakeRun",
    "LimitError",
    "Limits",
    "LocalFieldSpec",
    "MappingError",
    "Plan",
    "QuarantineWriter",
    "QuarantinedRow",
    "Reason",
    "RowResult",
    "Target",
    "ValueMapper",
    "__version__",
    "build_xlsform",
    "detect_encoding",
    "export_columns",
    "file_kind",
    "guess_mapping",
    "load_synonyms",
    "parse_date",
    "parse_target",
    "plan_import",
    "read_all",
    "write_csv",
    "write_json",
    "write_xlsform",
    "write_xlsx",
]
