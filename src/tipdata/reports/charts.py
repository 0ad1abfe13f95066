"""Vega-Lite specs for the dashboard's tables, drawn in the browser.

Values are computed here (bar length 0 and the "<5" label for a withheld cell, line
widths for routes), so the specs need no calculated fields. Withheld cells never carry a
number into the page.
"""

from __future__ import annotations

from typing import Any

from tipdata.engines.reports import Table

VEGA_LITE_SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json"  # an identifier, never fetched
COLOUR = "#2b6cb0"
MUTED = "#9aa5b1"


def _base(description: str) -> dict[str, Any]:
    return {
        "$schema": VEGA_LITE_SCHEMA,
        "description": description,
        "width": "container",
        "autosize": {"contains": "padding", "resize": True},
        "config": {"view": {"stroke": None}, "axis": {"labelLimit": 220, "labelFontSize": 12, "titleFontSize": 12},
                   "font": "system-ui, sans-serif"},
    }


def _values(table: Table) -> list[dict[str, Any]]:
    values = []
    for item in table.long_rows():
        label = " · ".join(str(item[f"label{i}"]) for i in range(len(table.dimensions)))
        values.append({
            "label": label, "n": item["n"] if item["n"] is not None else 0,
            "display": item["display"], "withheld": item["withheld"], "order": item["order"],
            # what screen readers say for the mark: the shown value, never the 0 a withheld bar is drawn with
            "aria": f"{label}: {item['display']}",
        })
    return values


DESCRIPTION = {"description": {"field": "aria"}}
WHOLE = {"format": "d", "tickMinStep": 1}  # counts: whole-number ticks


def bar_chart(table: Table) -> dict[str, Any]:
    values = _values(table)
    spec = _base(table.title)
    spec["height"] = {"step": 22}
    spec["data"] = {"values": values}
    y = {"field": "label", "type": "nominal", "title": None, "sort": None}  # the table's order (values come sorted)
    # One shared encoding: the bars and their labels use the same scales.
    spec["encoding"] = {"y": y, "x": {"field": "n", "type": "quantitative", "title": table.columns[0].label,
                                      "axis": WHOLE}}
    spec["layer"] = [
        {"mark": {"type": "bar", "color": COLOUR},
         "encoding": {**DESCRIPTION, "tooltip": [{"field": "label", "title": table.dimensions[0]},
                                  {"field": "display", "title": table.columns[0].label}]}},
        {"mark": {"type": "text", "align": "left", "dx": 4, "color": "#1a202c"},
         "encoding": {"text": {"field": "display"}}},
    ]
    return spec


def line_chart(table: Table) -> dict[str, Any]:
    values = _values(table)
    spec = _base(table.title)
    spec["height"] = 220
    spec["data"] = {"values": values}
    # Months (YYYY-MM) and years sort as text in time order.
    x = {"field": "label", "type": "ordinal", "title": table.dimensions[0], "axis": {"labelAngle": -45}}
    spec["layer"] = [
        {"mark": {"type": "line", "color": COLOUR, "point": True},
         "encoding": {**DESCRIPTION, "x": x, "y": {"field": "n", "type": "quantitative", "title": table.columns[0].label,
                                                   "axis": WHOLE},
                      "tooltip": [{"field": "label", "title": table.dimensions[0]},
                                  {"field": "display", "title": table.columns[0].label}]}},
        {"transform": [{"filter": {"field": "withheld", "equal": True}}],
         "mark": {"type": "text", "dy": -10, "color": MUTED},
         "encoding": {"x": x, "y": {"field": "n", "type": "quantitative"}, "text": {"field": "display"}}},
    ]
    return spec


def routes_chart(table: Table) -> dict[str, Any]:
    """A flow picture: each route a line from citizenship (left) to country of exploitation (right)."""
    left, right = table.dimensions[0], table.dimensions[1]
    values: list[dict[str, Any]] = []
    for index, row in enumerate(table.body):
        cell = row.cells[0]
        weight = cell.value if cell.value is not None else 1
        for side, label in ((left, row.labels[0]), (right, row.labels[1])):
            route = f"{row.labels[0]} → {row.labels[1]}"
            values.append({"route": index, "side": side, "country": label, "n": weight, "display": cell.display,
                           "withheld": cell.value is None, "route_label": route, "aria": f"{route}: {cell.display}"})
    countries = sorted({str(v["country"]) for v in values})
    spec = _base(table.title)
    spec["height"] = max(160, 24 * len(countries))
    spec["data"] = {"values": values}
    x = {"field": "side", "type": "ordinal", "sort": [left, right], "title": None,
         "axis": {"labelAngle": 0, "orient": "top"}}
    y = {"field": "country", "type": "nominal", "title": None, "sort": countries}
    spec["layer"] = [
        {"mark": {"type": "line", "color": COLOUR, "opacity": 0.6},
         "encoding": {**DESCRIPTION, "x": x, "y": y, "detail": {"field": "route"},
                      "strokeWidth": {"field": "n", "type": "quantitative", "scale": {"range": [1, 14]},
                                      "legend": {"title": table.columns[0].label}},
                      "strokeDash": {"field": "withheld", "type": "nominal", "scale": {"domain": [False, True],
                                                                                         "range": [[1, 0], [4, 3]]},
                                     "legend": None},
                      "tooltip": [{"field": "route_label", "title": table.title},
                                  {"field": "display", "title": table.columns[0].label}]}},
        {"mark": {"type": "point", "filled": True, "color": "#1a202c", "size": 30},
         "encoding": {"x": x, "y": y}},
    ]
    return spec


def chart_for(table: Table) -> dict[str, Any] | None:
    """The Vega-Lite spec for a table, or None for tables shown only as numbers."""
    if not table.body:
        return None
    if table.chart == "line":
        return line_chart(table)
    if table.chart == "routes":
        return routes_chart(table)
    if table.chart == "bar":
        return bar_chart(table)
    return None
