"""The disclosure-risk and utility report as one self-contained HTML page.

No scripts, fonts, images or style sheets from elsewhere: the page is read in offices
that are offline and behind strict content-security policies. Every value is escaped.
"""

from __future__ import annotations

from html import escape
from typing import Any

_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0 auto;max-width:60rem;
padding:1rem;color:#1b1b1b;line-height:1.45}
h1{font-size:1.5rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #ccc}
table{border-collapse:collapse;margin:.5rem 0;width:100%}th,td{text-align:left;padding:.25rem .5rem;
border-bottom:1px solid #e3e3e3;vertical-align:top}th{background:#f4f4f4}
td.n{text-align:right;font-variant-numeric:tabular-nums}
.bar{background:#e8e8e8;height:.9rem;width:100%;min-width:6rem}.bar span{display:block;height:100%}
.ok{background:#2e7d32}.warn{background:#c62828}.mid{background:#1565c0}
.note{color:#555;font-size:.9rem}.big{font-size:1.3rem;font-weight:600}
"""


class _Raw(str):
    """Trusted HTML made here (bars), inserted without escaping."""


def _fmt(v: Any) -> str:
    if isinstance(v, float):
        if v != v:  # NaN
            return "–"
        if v != 0 and abs(v) < 0.001:
            return f"{v:.3g}"
        return f"{v:,.4f}" if abs(v) < 1000 else f"{v:,.0f}"
    if isinstance(v, int) and not isinstance(v, bool):
        return f"{v:,}"
    if v is None:
        return "–"
    return str(v)


def _table(headers: list[str], rows: list[list[Any]], numeric: set[int] | None = None) -> str:
    numeric = numeric or set()
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = "".join(
        "<tr>"
        + "".join(
            f"<td>{c}</td>"
            if isinstance(c, _Raw)
            else f'<td class="n">{escape(_fmt(c))}</td>'
            if i in numeric
            else f"<td>{escape(_fmt(c))}</td>"
            for i, c in enumerate(r)
        )
        + "</tr>"
        for r in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _bar(share: float, cls: str) -> _Raw:
    pct = max(0.0, min(1.0, share)) * 100
    return _Raw(f'<div class="bar"><span class="{cls}" style="width:{pct:.1f}%"></span></div>')


def render_html_report(report: dict[str, Any]) -> str:
    """Render :func:`~tipdata.engines.deid.release.build_report` output as HTML."""
    k = report["k_anonymity"]
    recs = report["records"]
    comp = report["comparison_with_suppression_only"]
    dpr = report["differential_privacy"]
    parts: list[str] = []
    title = escape(str(report.get("title") or "Release report"))
    parts.append(f"<h1>{title}</h1>")
    parts.append(
        f'<p class="note">{escape(str(report.get("organisation") or ""))} · created '
        f'{escape(str(report["created_at"]))} · format {escape(str(report["format"]))}</p>'
    )

    parts.append("<h2>Summary</h2>")
    excl = recs["excluded_before_release"]
    rows = [[f"Left out before release: {reason}", n] for reason, n in excl.items()]
    rows += [
        ["Duplicate records of the same person dropped", recs["duplicate_person_records_dropped"]],
        ["Persons given to the de-identification engine", recs["input_to_release"]],
        ["Persons in the k-anonymous microdata", recs["released_in_microdata"]],
        ["k requested / k reached (recounted from the released values)", f"{k['k_requested']} / {k['k_reached']}"],
        ["Total privacy loss of the DP tables and synthetic data (epsilon)", dpr["total_epsilon"]],
    ]
    parts.append(_table(["", "value"], rows, {1}))

    parts.append("<h2>Disclosure risk of the microdata</h2>")
    risk = k["risk"]
    parts.append(
        _table(
            ["measure", "before", "after"],
            [
                ["Records unique on the quasi-identifiers", f"{k['uniqueness_before']:.1%}", f"{k['uniqueness_after']:.1%}"],
                [f"Records in classes smaller than k={k['k_requested']}", f"{k['records_in_small_classes_before']:.1%}", "0.0%"],
                ["Prosecutor risk, highest (1 / smallest class)", "1.0000", risk["prosecutor_max"]],
                ["Prosecutor risk, average", "", risk["prosecutor_mean"]],
                ["Journalist risk, highest", "", risk["journalist_max"]],
                ["Journalist risk, average", "", risk["journalist_mean"]],
            ],
            {1, 2},
        )
    )
    parts.append(f'<p class="note">Journalist model: {escape(risk["journalist_model"])}.</p>')
    if k.get("l_requested"):
        parts.append(f"<p>l-diversity: requested {k['l_requested']}, reached {k['l_reached']}.</p>")

    parts.append("<h2>How the quasi-identifiers were generalised</h2>")
    parts.append(
        _table(["quasi-identifier", "released at level"], [[c, lv] for c, lv in k["chosen_levels"].items()])
    )
    parts.append(
        "<p>Columns of the file that derive from them (the ones to recount k on): "
        + escape(", ".join(report["quasi_identifier_columns_in_file"]))
        + "</p>"
    )
    il = k["information_loss"]
    parts.append(
        _table(
            ["measure", "value"],
            [
                ["Quasi-identifier cells generalised", k["cells_generalised"]],
                ["Cells suppressed locally (outlier records)", k["cells_suppressed_local"]],
                ["Cells suppressed by withholding a whole column", k["cells_suppressed_by_full_generalisation"]],
                ["Records removed", k["records_suppressed"]],
                ["Information loss (normalised certainty penalty, 0 = none, 1 = all)", il["ncp"]],
                ["Generalisation height (share of the way to full suppression)", il["generalisation_height"]],
                ["Discernibility (sum of class sizes squared)", il["discernibility"]],
                ["Equivalence classes", k["classes"]],
                ["Lattice nodes / evaluated", f"{k['lattice']['nodes_total']} / {k['lattice']['nodes_evaluated']}"],
            ],
            {1},
        )
    )

    parts.append("<h2>Compared with suppression alone</h2>")
    eng, sup = comp["engine"], comp["suppression_only"]
    total = max(k["qi_cells_total"], 1)
    parts.append(
        _table(
            ["", "records released", "quasi-identifier cells suppressed", "", "information loss"],
            [
                ["This release", eng["records_released"], eng["cells_suppressed"],
                 _bar(eng["cells_suppressed"] / total, "mid"), eng["information_loss_ncp"]],
                ["Suppression only (delete every record in a class under k)", sup["records_released"],
                 sup["cells_suppressed"], _bar(sup["cells_suppressed"] / total, "warn"),
                 sup["information_loss_ncp"]],
            ],
            {1, 2, 4},
        )
    )
    parts.append(
        f'<p class="big">{_fmt(comp["records_saved"])} more persons and '
        f'{_fmt(comp["cells_saved"])} fewer suppressed cells than suppression alone.</p>'
    )

    parts.append("<h2>Differentially private tables</h2>")
    parts.append(
        f'<p class="note">Privacy unit: {escape(dpr["privacy_unit"])}. {escape(dpr["composition"])}.</p>'
    )
    parts.append(
        _table(
            ["table", "breakdown", "cells", "epsilon", "noise scale", "noise std. dev."],
            [
                [t["name"], " × ".join(t["breakdown"]), t["cells"], t["epsilon"], t["noise_scale"], t["noise_standard_deviation"]]
                for t in dpr["tables"]
            ],
            {2, 3, 4, 5},
        )
    )

    syn = dpr.get("synthetic")
    parts.append("<h2>Synthetic data</h2>")
    if syn is None:
        parts.append("<p>No synthetic data in this release.</p>")
    else:
        u = syn["utility"]
        parts.append(
            f"<p>{escape(syn['method'])}, {escape(syn['library'])}: epsilon {_fmt(syn['epsilon'])}, "
            f"delta {float(syn['delta']):.3g}, {_fmt(syn['records'])} synthetic records "
            f"from {_fmt(u['real_records'])} real ones.</p>"
        )
        parts.append(
            _table(
                ["parameter", "value"],
                [[key, val] for key, val in syn["parameters"].items() if not isinstance(val, dict | list)],
            )
        )
        parts.append(
            "<p>What the synthetic data can answer: the closer the total variation distance (TVD) "
            "is to 0, the closer the synthetic distribution is to the real one.</p>"
        )
        parts.append(
            _table(
                ["breakdown", "cells", "mean abs. error (count)", "TVD", ""],
                [
                    [" × ".join(o["columns"]), o["cells"], o["mean_absolute_error"], o["total_variation_distance"],
                     _bar(o["total_variation_distance"], "mid")]
                    for o in u["one_way"]
                ],
                {1, 2, 3},
            )
        )
        worst = sorted(u["two_way"], key=lambda o: -o["total_variation_distance"])[:15]
        parts.append("<p>Two-way tables with the largest errors:</p>")
        parts.append(
            _table(
                ["breakdown", "cells", "mean abs. error (count)", "TVD"],
                [[" × ".join(o["columns"]), o["cells"], o["mean_absolute_error"], o["total_variation_distance"]] for o in worst],
                {1, 2, 3},
            )
        )
        s1, s2 = u["summary"]["one_way"], u["summary"]["two_way"]
        parts.append(
            f"<p>Mean TVD: one-way {_fmt(s1['mean_tvd'])}, two-way {_fmt(s2['mean_tvd'])}. "
            f'<span class="note">{escape(u["note"])}</span></p>'
        )

    body = "\n".join(parts)
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{title}</title><style>{_CSS}</style></head><body>\n{body}\n</body></html>\n"
    )
