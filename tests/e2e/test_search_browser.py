"""Issue 18 item 7 in a real browser: the unit pickers find names typed without Polish letters or
with a kind ("lodz", "gmina Klodzko"), offer a city with powiat rights as its gmina first, and in
the area builder Enter adds ONE gmina (never "Select 5 matches")."""
import re

import pytest

from tests.e2e.conftest import area_chips

pytestmark = pytest.mark.browser


def sidebar_box(page):
    return page.get_by_test_id("stSidebar").get_by_test_id("stSelectbox")


def type_in_sidebar(page, web, text):
    sidebar_box(page).click()
    page.keyboard.type(text)
    page.wait_for_timeout(300)


@pytest.mark.parametrize("text,code,name", [("lodz", "1061011", "Łódź"), ("gmina Klodzko", "0208072", "Kłodzko"),
                                            ("Klodzko", "0208021", "Kłodzko")])
def test_typed_name_without_diacritics_and_enter_selects_the_unit(web, text, code, name):
    page = web.open("/")
    sidebar_box(page).wait_for()
    type_in_sidebar(page, web, text)
    page.keyboard.press("Enter")
    web.wait_idle()
    page.wait_for_url(re.compile(rf"unit={code}"))
    assert name in page.get_by_role("heading", level=2).first.inner_text()


def test_lodz_offers_the_city_gmina_first_and_selects_it(web):
    page = web.open("/")
    sidebar_box(page).wait_for()
    type_in_sidebar(page, web, "Łódź")
    options = page.get_by_role("option")
    options.first.wait_for()
    # Streamlit lists the typed text first ("Add: Łódź", what Enter sends to the server search),
    # then the units whose label starts with it: the city gmina before its powiat
    listed = [o for o in options.all_inner_texts() if not o.startswith("Add:")]
    assert "(1061011)" in listed[0] and "(1061)" in listed[1], listed
    page.keyboard.press("Enter")
    web.wait_idle()
    page.wait_for_url(re.compile(r"unit=1061011"))
    web.screenshot("search-lodz")
    # its powiat is one click away on the profile
    page = web.open("/profil?unit=1061011")
    page.get_by_role("button", name=re.compile("jako powiat grodzki")).click()
    web.wait_idle()
    page.wait_for_url(re.compile(r"unit=1061(&|$)"))


def test_area_builder_enter_adds_one_gmina(web):
    page = web.open("/obszary")
    box = page.get_by_test_id("stMultiSelect").first
    box.wait_for()
    box.locator("input").click()
    page.keyboard.type("Wieliczka")
    page.wait_for_timeout(300)
    assert not page.get_by_role("option").filter(has_text=re.compile("Select .* matches|Zaznacz")).count()
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")
    web.wait_idle()
    assert area_chips(page) == ["1219053"]
    web.screenshot("search-area-wieliczka")
