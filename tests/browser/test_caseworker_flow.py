"""A caseworker, on a phone-sized screen: signs in, records a case, finds it by name, reads Thai."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_sign_in_create_case_find_by_name_switch_to_thai(page: Any, make_org: Any, make_user: Any) -> None:
    make_user(make_org("Mekong Shelter"), "caseworker", username="sokha")
    page.goto("/login/")
    page.get_by_label("Username").fill("sokha")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Cases").first.click()
    page.get_by_role("link", name="New case").click()

    page.get_by_label("Given name").fill("Sreymom")
    page.get_by_label("Family name").fill("Chhun")
    page.get_by_label("Date of birth").fill("2003-06-14")
    page.get_by_label("Gender").select_option("Feminine")
    page.get_by_label("Citizenship").select_option("KH")
    page.get_by_label("Forced labour").check()
    page.get_by_label("Debt bondage").check()
    page.get_by_label("Registered on").fill("2026-02-01")
    page.get_by_role("button", name="Save case").click()
    assert page.get_by_role("heading", name="Victim: Sreymom Chhun").is_visible()

    page.get_by_role("link", name="Cases").first.click()
    page.get_by_label("Name or ID number").fill("sreymom")
    page.get_by_role("button", name="Search").click()
    assert "1 case" in page.content()
    assert page.get_by_role("cell", name="Sreymom Chhun").is_visible()
    assert "sreymom" not in page.url.lower()  # names never travel in URLs

    page.get_by_label("Language").select_option("th")
    page.get_by_role("button", name="Change").click()
    assert page.locator("html").get_attribute("lang") == "th"
    assert page.get_by_role("link", name="หน้าแรก").is_visible()
    assert page.get_by_role("button", name="ออกจากระบบ").is_visible()
