"""Key journey in a real browser: build a functional area on /obszary, open the profile — the
area's profile shows (its gminy, its peers = its own gminy) — switch to the comparisons: the
charts say "gminy obszaru"; the map outlines the area; the sidebar can switch back to a unit."""
import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import add_area_member
from tests.e2e.test_profile_browser import _text, chart_caption, wait_url

pytestmark = pytest.mark.browser

MEMBERS = ("1261011", "1206172", "1219053", "1206113")  # Kraków, Zielonki, Wieliczka, Skawina


def nav(page, web, label: str) -> None:
    page.get_by_test_id("stSidebarNav").get_by_text(label, exact=True).click()
    web.wait_idle()


def test_build_an_area_then_profile_and_compare_it(web):
    page = web.open("/obszary")
    page.get_by_text("Wybierz co najmniej dwie gminy").wait_for()
    for code in MEMBERS:
        add_area_member(page, web, code)
    page.get_by_role("heading", name="obszar (4 gminy)").wait_for()
    wait_url(page, r"area=1206113,1206172,1219053,1261011")
    # the sidebar now carries the area (the same on every page)
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_text("Obszar funkcjonalny:", exact=False).wait_for()

    nav(page, web, "Profil")
    wait_url(page, r"/profil\?area=1206113,1206172,1219053,1261011")
    page.get_by_role("heading", name="Obszar funkcjonalny: 4 gminy").wait_for()
    web.wait_idle()
    # fewer than 5 gminy: the page opens against the 10 most similar powiaty and says why (issue 18);
    # the area's own gminy are one click away
    assert "Obszar ma 4 gminy — za mało, by porównywać go z jego własnymi gminami" in _text(page)
    page.get_by_role("radio", name="Gminy obszaru", exact=True).click()
    web.wait_idle()
    wait_url(page, r"peers=members")
    page.get_by_text("Grupa porównawcza: gminy należące do obszaru; n = 4").first.wait_for()
    text = _text(page)
    assert "Obszar: 4 gminy — Kraków, Skawina, Wieliczka, Zielonki" in text
    assert "Grupa porównawcza: gminy należące do obszaru; n = 4" in text
    assert "951 037 osób" in text  # GUS 2024, the four gminy summed
    assert "To suma gmin obszaru — nie porównujemy jej z pojedynczymi gminami." in text
    assert "wśród gmin obszaru:" in text and "dane z 4 z 4 gmin" in text
    assert "Tylko dla gmin obszaru" in text
    web.screenshot("journey-area-profile")

    nav(page, web, "Porównania")
    wait_url(page, r"/porownania\?area=1206113,1206172,1219053,1261011")
    page.locator(".js-plotly-plot").first.wait_for()
    caption = chart_caption(page)
    caption.wait_for()
    assert "Grupa porównawcza: gminy należące do obszaru; n = 4" in caption.inner_text().replace("\u00a0", " ")
    legend = page.locator(".js-plotly-plot").first.inner_text()
    assert "mediana gmin obszaru" in legend and "Obszar (4 gminy)" in legend
    page.wait_for_timeout(800)
    web.screenshot("journey-area-compare-series")

    page.get_by_role("tab", name="Ranking w grupie").click()
    web.wait_idle()
    page.get_by_text("Na górze najlepsze wartości.", exact=False).first.wait_for()
    plot = page.locator(".js-plotly-plot").first
    for name in ("Obszar (4 gminy)", "Skawina", "Zielonki"):
        expect(plot).to_contain_text(name)
    web.screenshot("journey-area-compare-ranking")

    nav(page, web, "Mapa")
    # the gmina layer is fetched once, then drawn with the area outlined
    expect(page.locator(".js-plotly-plot").first).to_contain_text("obszar funkcjonalny (4 gminy)")
    web.screenshot("journey-area-map")

    # pick a unit in the sidebar: the pages show the unit, the area stays one click away
    nav(page, web, "Profil")
    page.get_by_role("heading", name="Obszar funkcjonalny: 4 gminy").wait_for()
    box = sidebar.get_by_test_id("stSelectbox").filter(has_text="Jednostka").first
    box.click()
    page.keyboard.type("1206172")
    page.get_by_role("option").filter(has_text="1206172").first.click()
    web.wait_idle()
    page.get_by_role("heading", name="Zielonki — gmina wiejska (1206172)").wait_for()
    wait_url(page, r"subject=unit")
    assert "Strony pokazują teraz jednostkę" in sidebar.inner_text()
    web.screenshot("journey-unit-with-area-in-sidebar")
