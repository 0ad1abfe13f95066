"""Counting an organisation's caseload for dashboards and indicator reports (no Django).

Input: flat, coded records, one per victim in a case (:class:`VictimRecord`, schema in
``records.py``), and referrals (:class:`ReferralRecord`). Output: a :class:`Report` of
tables, with the caveats and data-quality lines a reader needs and the spec it ran with.

* :func:`build_dashboard`: registrations over time, victims by gender, age band,
  citizenship, country of exploitation, routes, types of exploitation, labour industry,
  methods of control and recruitment; referrals made and received; case status, ageing
  and support-plan outcomes.
* :func:`sdg_16_2_2`, :func:`unodc_global_report`, :func:`donor_summary`: the standard
  indicator reports; :func:`write_xlsx` and :func:`write_pdf` write any report.

Filters (period, types of exploitation, countries of exploitation) and small-cell
suppression with audited secondary suppression come from :class:`ReportSpec`. Every
number counts identified cases only, never prevalence.

>>> from datetime import date
>>> rows = records_from_rows([
...     {"case_id": "c1", "person_id": "p1", "registered_on": "2025-02-03", "status": "Active",
...      "gender": "Feminine", "age": 16, "exploitation_types": ["SexualExploitation"]},
... ])
>>> build_dashboard(rows).table("majority").cell(["Minor"]).value
1
"""

from .dashboard import IDENTIFIED_ONLY, build_dashboard
from .errors import ReportError, ReportInputError, ReportSpecError, SuppressionError
from .formats import write_pdf, write_xlsx
from .indicators import donor_summary, sdg_16_2_2, unodc_global_report
from .records import (
    ReferralRecord,
    SupportPlanRecord,
    VictimRecord,
    records_from_rows,
    referrals_from_rows,
)
from .spec import ReportSpec
from .suppression import DisclosureModel, SuppressionResult, audit, suppress
from .tables import Cell, Column, QualityLine, Report, Row, Table

REPORT_KINDS = ("sdg1622", "unodc", "donor")

__all__ = [
    "IDENTIFIED_ONLY",
    "REPORT_KINDS",
    "Cell",
    "Column",
    "DisclosureModel",
    "QualityLine",
    "ReferralRecord",
    "Report",
    "ReportError",
    "ReportInputError",
    "ReportSpec",
    "ReportSpecError",
    "Row",
    "SuppressionError",
    "SupportPlanRecord",
    "SuppressionResult",
    "Table",
    "VictimRecord",
    "audit",
    "build_dashboard",
    "donor_summary",
    "records_from_rows",
    "referrals_from_rows",
    "sdg_16_2_2",
    "suppress",
    "unodc_global_report",
    "write_pdf",
    "write_xlsx",
]
