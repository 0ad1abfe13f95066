"""The dashboard in headless Chromium: every chart is drawn, nothing breaks the CSP, filters redraw."""

from __future__ import annotations

from typing import Any

import pytest

from tipdata.demo.generator import DEMO_PASSWORD
from tipdata.demo.services import demo_load

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RECORD_CSP_VIOLATIONS = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push(e.violatedDirective + " " + e.blockedURI + " " + e.sourceFile + ":" + e.lineNumber + " " + e.sample);
});
"""
ALL_DRAWN = "() => [...document.querySelectorAll('.chart[data-spec-id]')].every(c => c.dataset.rendered)"


def _charts(page: Any) -> dict[str, str]:
    """Chart id -> the SVG it holds, after checking each one is drawn and not blank."""
    page.wait_for_function(ALL_DRAWN)
    drawn = {}
    containers = page.locator(".chart[data-spec-id]")
    assert containers.count() >= 10
    for i in range(containers.count()):
        container = containers.nth(i)
        chart_id = container.get_attribute("id")
        assert container.get_attribute("data-rendered") == "true", chart_id
        svg = container.locator("svg").first
        box = svg.bounding_box()
        assert box is not None and box["width"] > 50 and box["height"] > 50, (chart_id, box)
        marks = svg.locator("path, rect, line, circle").count()
        assert marks > 0, chart_id
        drawn[chart_id] = svg.inner_html()
    return drawn


def test_dashboard_draws_every_chart_and_a_filter_changes_them(page: Any) -> None:
    demo_load(seed=1, persons=200)
    console: list[str] = []
    page.on("console", lambda message: console.append(f"{message.type}: {message.text}"))
    page.on("pageerror", lambda error: console.append(f"pageerror: {error}"))
    failed: list[str] = []
    page.on("response", lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400 and "/static/" in r.url else None)
    page.add_init_script(RECORD_CSP_VIOLATIONS)

    page.goto("/login/")
    page.get_by_label("Username").fill("supervisor-shelter-kh")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Dashboard").click()
    heading = page.get_by_role("heading", name="Victims by gender")
    heading.wait_for()
    assert heading.is_visible(), page.content()[:3000]

    before = _charts(page)
    assert "chart-routes" in before and "chart-registrations" in before
    assert page.evaluate("window.__csp") == []
    assert not failed, failed

    assert not [line for line in console if "Content Security Policy" in line or "Refused to" in line
                or line.startswith("pageerror")
                or (line.startswith("error") and "Failed to load resource" not in line)], console

    page.locator("#id_exploitation_type").select_option("SexualExploitation")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url("**exploitation_type=SexualExploitation**")
    after = _charts(page)
    changed = [chart for chart in before if chart in after and before[chart] != after[chart]]
    assert "chart-gender" in changed and "chart-exploitation_type" in changed, changed
    assert page.evaluate("window.__csp") == []
    assert not [line for line in console if "Refused to" in line or line.startswith("pageerror")], console
