"""A report as an XLSX workbook (openpyxl) or a PDF document (reportlab).

Both carry the same numbers as the report object, the caveats (identified cases only,
suppression, consent), the data-quality lines and the spec the report ran with. Withheld
cells are written as their display (``<5``, ``x``), never as numbers.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any
from xml.sax.saxutils import escape

from .tables import Report, Table, gettext_noop

FONT_CANDIDATES = (
    # A font with Latin, Vietnamese and many other scripts, when the system has one;
    # reportlab's built-in Helvetica covers Latin-1 only.
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf",
)


def _sheet_name(text: str, used: set[str]) -> str:
    base = "".join(ch for ch in text if ch not in "[]:*?/\\")[:31] or "table"
    name, n = base, 2
    while name in used:
        suffix = f" ({n})"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    used.add(name)
    return name


def _excel_value(display: str, value: int | None) -> Any:
    return value if value is not None else display


def write_xlsx(report: Report, target: str | Path | IO[bytes], *, organisation: str = "", generated: str = "",
               translate: Any = None) -> None:
    """Write the report as a workbook: a summary sheet, then one sheet per table."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    t = translate or (lambda s: s)
    book = Workbook()
    summary = book.active
    assert summary is not None
    used: set[str] = set()
    summary.title = _sheet_name(t(gettext_noop("Summary")), used)
    bold = Font(bold=True)
    summary.append([report.title])
    summary["A1"].font = Font(bold=True, size=14)
    for label, value in ((gettext_noop("Organisation"), organisation), (gettext_noop("Period"), report.period),
                         (gettext_noop("Generated"), generated)):
        if value:
            summary.append([t(label), value])
    summary.append([])
    summary.append([t(gettext_noop("About these numbers"))])
    summary.cell(summary.max_row, 1).font = bold
    for note in report.notes:
        summary.append([note])
    summary.append([])
    summary.append([t(gettext_noop("Counted"))])
    summary.cell(summary.max_row, 1).font = bold
    for name, count in report.counted.items():
        summary.append([name.replace("_", " "), count if count is not None else report.counted_display[name]])
    if report.quality:
        summary.append([])
        summary.append([t(gettext_noop("Data quality: share of counted victims with the field recorded"))])
        summary.cell(summary.max_row, 1).font = bold
        summary.append([t(gettext_noop("Field")), t(gettext_noop("Recorded (%)")), t(gettext_noop("Recorded")),
                        t(gettext_noop("Of"))])
        for line in report.quality:
            summary.append([line.label, line.percent if line.percent is not None else t(gettext_noop("not shown")),
                            line.recorded, line.of])
    if report.quality_scores:
        summary.append([])
        summary.append([t(gettext_noop("Data-quality scores of the organisation's records"))])
        summary.cell(summary.max_row, 1).font = bold
        if report.quality_source:
            summary.append([report.quality_source])
        for label, shown in report.quality_scores:
            summary.append([label, shown])
    summary.append([])
    summary.append([t(gettext_noop("Spec")), json.dumps(report.spec, sort_keys=True)])
    summary.column_dimensions["A"].width = 60
    summary.column_dimensions["B"].width = 18
    for row in summary.iter_rows():
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")

    for table in report.tables:
        sheet = book.create_sheet(_sheet_name(table.title, used))
        sheet.append([table.title])
        sheet["A1"].font = Font(bold=True, size=12)
        sheet.append([t(gettext_noop("Counts")) + ": " + table.counts])
        sheet.append([])
        sheet.append([*table.dimensions, *(c.label for c in table.columns)])
        for cell in sheet[sheet.max_row]:
            cell.font = bold
        for row in table.rows:
            sheet.append([*row.labels, *(_excel_value(c.display, c.value) for c in row.cells)])
            if row.is_total:
                for cell in sheet[sheet.max_row]:
                    cell.font = bold
        if table.notes or table.overlapping:
            sheet.append([])
        for note in table.notes:
            sheet.append([note])
        sheet.column_dimensions["A"].width = 42
        if len(table.dimensions) > 1:
            sheet.column_dimensions["B"].width = 30
    book.properties.title = report.title
    book.properties.creator = "tipdata"
    book.save(target)  # type: ignore[arg-type]


def _font() -> tuple[str, str]:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    for path in FONT_CANDIDATES:
        if Path(path).exists():
            if "TipdataSans" not in pdfmetrics.getRegisteredFontNames():
                pdfmetrics.registerFont(TTFont("TipdataSans", path))
            return "TipdataSans", "TipdataSans"
    return "Helvetica", "Helvetica-Bold"


def write_pdf(report: Report, target: str | Path | IO[bytes], *, organisation: str = "", generated: str = "",
              translate: Any = None) -> None:
    """Write the report as an A4 PDF: caveats first, then every table, then data quality."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
    from reportlab.lib.units import mm
    from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer
    from reportlab.platypus import Table as PdfTable

    t = translate or (lambda s: s)
    regular, bold = _font()
    styles = getSampleStyleSheet()
    body = ParagraphStyle("body", parent=styles["BodyText"], fontName=regular, fontSize=9, leading=12)
    small = ParagraphStyle("small", parent=body, fontSize=8, leading=10, textColor=colors.HexColor("#444444"))
    heading = ParagraphStyle("h", parent=styles["Heading2"], fontName=bold, fontSize=12, leading=15)
    title = ParagraphStyle("t", parent=styles["Title"], fontName=bold, fontSize=16, leading=20)
    cellstyle = ParagraphStyle("cell", parent=body, fontSize=8, leading=10)

    story: list[Any] = [Paragraph(escape(report.title), title)]
    meta = [(gettext_noop("Organisation"), organisation), (gettext_noop("Period"), report.period),
            (gettext_noop("Generated"), generated)]
    for label, value in meta:
        if value:
            story.append(Paragraph(f"<b>{escape(t(label))}:</b> {escape(value)}", body))
    story.append(Spacer(1, 4 * mm))
    for note in report.notes:
        story.append(Paragraph(escape(note), body))
    counted = ", ".join(f"{k.replace('_', ' ')}: {report.counted_display.get(k, v)}"
                        for k, v in report.counted.items())
    story.append(Paragraph(f"<b>{escape(t(gettext_noop('Counted')))}:</b> {escape(counted)}", body))
    story.append(Spacer(1, 4 * mm))

    for table in report.tables:
        story.append(KeepTogether(_pdf_table(table, heading, small, cellstyle, bold, PdfTable, Paragraph, colors, mm, t)))
        story.append(Spacer(1, 5 * mm))

    if report.quality:
        story.append(Paragraph(escape(t(gettext_noop("Data quality"))), heading))
        story.append(Paragraph(escape(t(gettext_noop(
            "Share of the counted victims whose record has each field the report uses. Missing values are "
            "counted as 'not recorded' in the tables; read the numbers with these shares in mind."))), small))
        rows: list[Sequence[Any]] = [[t(gettext_noop("Field")), t(gettext_noop("Recorded (%)")),
                                      t(gettext_noop("Recorded")), t(gettext_noop("Of"))]]
        for line in report.quality:
            rows.append([Paragraph(escape(line.label), cellstyle),
                         "" if line.percent is None else f"{line.percent}%",
                         "" if line.recorded is None else str(line.recorded), "" if line.of is None else str(line.of)])
        quality = PdfTable(rows, colWidths=[90 * mm, 25 * mm, 22 * mm, 22 * mm], repeatRows=1)
        quality.setStyle(_grid(colors, bold, regular))
        story.append(quality)
    if report.quality_scores:
        story.append(Spacer(1, 3 * mm))
        story.append(Paragraph(escape(t(gettext_noop("Data-quality scores of the organisation's records"))), heading))
        if report.quality_source:
            story.append(Paragraph(escape(report.quality_source), small))
        scores = PdfTable([[Paragraph(escape(label), cellstyle), shown] for label, shown in report.quality_scores],
                          colWidths=[90 * mm, 25 * mm])
        scores.setStyle(_grid(colors, regular, regular))
        story.append(scores)
    story.append(Spacer(1, 4 * mm))
    story.append(Paragraph(escape(t(gettext_noop("Spec")) + ": " + json.dumps(report.spec, sort_keys=True)), small))

    doc = SimpleDocTemplate(
        target, pagesize=A4, leftMargin=15 * mm, rightMargin=15 * mm, topMargin=15 * mm, bottomMargin=15 * mm,
        title=report.title, author=organisation or "tipdata", creator="tipdata", invariant=True,
    )
    doc.build(story)


def _grid(colors: Any, bold: str, regular: str) -> Any:
    from reportlab.platypus import TableStyle

    return TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), regular),
        ("FONTNAME", (0, 0), (-1, 0), bold),
        ("FONTSIZE", (0, 0), (-1, -1), 8),
        ("GRID", (0, 0), (-1, -1), 0.25, colors.HexColor("#999999")),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("ALIGN", (1, 1), (-1, -1), "RIGHT"),
    ])


def _pdf_table(table: Table, heading: Any, small: Any, cellstyle: Any, bold: str, PdfTable: Any,
               Paragraph: Any, colors: Any, mm: float, t: Any) -> list[Any]:
    parts: list[Any] = [Paragraph(escape(table.title), heading),
                        Paragraph(escape(t(gettext_noop("Counts")) + ": " + table.counts), small)]
    header = [*table.dimensions, *(c.label for c in table.columns)]
    rows: list[list[Any]] = [[Paragraph(f"<b>{escape(h)}</b>", cellstyle) for h in header]]
    for row in table.rows:
        labels = [Paragraph(("<b>%s</b>" if row.is_total else "%s") % escape(label), cellstyle) for label in row.labels]
        rows.append([*labels, *(c.display for c in row.cells)])
    width = 180 * mm
    label_width = min(70 * mm, width * 0.45) if len(table.dimensions) == 1 else 55 * mm
    number_width = (width - label_width * len(table.dimensions)) / max(1, len(table.columns))
    widths = [label_width] * len(table.dimensions) + [number_width] * len(table.columns)
    pdf = PdfTable(rows, colWidths=widths, repeatRows=1)
    style = _grid(colors, bold, _regular_of(bold))
    for index, row in enumerate(table.rows, start=1):
        if row.is_total:
            style.add("FONTNAME", (0, index), (-1, index), bold)
    pdf.setStyle(style)
    parts.append(pdf)
    for note in table.notes:
        parts.append(Paragraph(escape(note), small))
    return parts


def _regular_of(bold: str) -> str:
    return "TipdataSans" if bold == "TipdataSans" else "Helvetica"
