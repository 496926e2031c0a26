"""Key journey in a real browser: build a functional area, save it, and open its permalink in a fresh
browser context — the same gminy and the same numbers come back."""
import re

import pytest

from tests.e2e.conftest import Page, add_area_member, area_chips

pytestmark = pytest.mark.browser

NAME = "Kraków i sąsiedzi (e2e)"


def figures(page) -> dict[str, str]:
    """Headline metrics (label -> value) and the breakdown's total line, as the user reads them."""
    out = {}
    page.get_by_test_id("stMetric").filter(has_text="Ludność ogółem").wait_for()
    for m in page.get_by_test_id("stMetric").all():
        label = m.get_by_test_id("stMetricLabel").inner_text().strip()
        out[label] = re.sub(r"\s", " ", m.get_by_test_id("stMetricValue").inner_text())
    total = page.locator("p").filter(has_text=re.compile(r"^Obszar: .* os(oby|ób|oba)")).first
    out["total"] = re.sub(r"\s", " ", total.inner_text())
    return out


@pytest.fixture
def saved_cleanup(sqlite_store):
    yield
    saved = sqlite_store.saved_areas()
    for i in saved.loc[saved["name"] == NAME, "id"]:
        sqlite_store.delete_area(int(i))


def test_build_save_and_reopen_area_by_permalink(web, browser, live_app, sqlite_store, saved_cleanup):
    page = web.open("/obszary")
    page.get_by_text("Wybierz co najmniej dwie gminy").wait_for()
    for code in ("1261011", "1206172", "1219053"):
        add_area_member(page, web, code)
    page.get_by_role("heading", name="obszar (3 gminy)").wait_for()
    web.wait_idle()
    assert area_chips(page) == ["1206172", "1219053", "1261011"]
    page.wait_for_url(re.compile(r"area=1206172(%2C|,)1219053(%2C|,)1261011"))

    # GUS 2024: Kraków 809,168 + Zielonki 28,079 + Wieliczka 69,791 residents
    before = figures(page)
    assert before["Ludność ogółem"] == "907 038 osób"
    assert before["total"].startswith("Obszar: 907 038 osób (2024; dane z 3 z 3 gmin)")

    page.get_by_label("Nazwa obszaru").fill(NAME)
    page.get_by_label("Nazwa obszaru").press("Enter")
    web.wait_idle()
    page.get_by_role("button", name="Zapisz jako nowy").click()
    web.wait_idle()
    page.get_by_text(f"Zapisano obszar „{NAME}”").wait_for()
    saved = sqlite_store.saved_areas()
    assert saved.loc[saved["name"] == NAME, "definition"].tolist() == ["1206172,1219053,1261011"]
    web.screenshot("areas-built-and-saved")

    link = page.locator('a[href*="/obszary?area="]').first
    url = link.get_attribute("href")
    assert url.startswith(live_app) and url.endswith("/obszary?area=1206172,1219053,1261011")

    fresh = Page(browser, live_app)  # new context: no cookies, no session state
    try:
        p2 = fresh.page
        p2.goto(url, wait_until="domcontentloaded")
        p2.wait_for_selector('[data-testid="stApp"]')
        fresh.wait_idle()
        p2.get_by_role("heading", name="obszar (3 gminy)").wait_for()
        fresh.wait_idle()
        assert area_chips(p2) == ["1206172", "1219053", "1261011"]
        assert figures(p2) == before
        # the saved area is in the store for everyone
        p2.get_by_test_id("stSelectbox").filter(has_text="Zapisane obszary").first.click()
        assert p2.get_by_role("option", name=re.compile(re.escape(NAME))).count() == 1
        p2.keyboard.press("Escape")
        fresh.screenshot("areas-permalink-fresh-context")
    finally:
        fresh.close()
    assert fresh.blocked == []


SKAWINA = (19.781, 49.9377)
# screen point of the filled gmina path under (lon, lat) on the SVG geo selection map
CLICK_XY = """([lon, lat]) => {
  const gd = document.querySelector('.js-plotly-plot');
  const g = gd && gd._fullLayout && gd._fullLayout.geo && gd._fullLayout.geo._subplot;
  const xy = g && g.projection && g.projection([lon, lat]);
  if (!xy) return null;
  const pt = new DOMPoint(xy[0], xy[1]);
  const path = [...gd.querySelectorAll('path.choroplethlocation')].find(p => p.isPointInFill(pt));
  if (!path) return null;
  const s = pt.matrixTransform(path.getScreenCTM());
  return [s.x, s.y];
}"""


def test_import_report_and_map_in_the_browser(web, tmp_path):
    page = web.open("/obszary?area=1261011,1206172")
    page.get_by_role("heading", name="obszar (2 gminy)").wait_for()
    page.get_by_text("Importuj listę gmin").click()
    csv_file = tmp_path / "lista.csv"
    csv_file.write_text("TERYT;Nazwa\n1219053;Wieliczka\n1206;powiat krakowski\nabc;\n", encoding="utf-8")
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(csv_file))
    web.wait_idle()
    page.get_by_text("Wpisy, których nie dodamy").wait_for()
    page.get_by_role("button", name="Dodaj do obszaru (1)").click()
    web.wait_idle()
    page.get_by_role("heading", name="obszar (3 gminy)").wait_for()
    web.screenshot("areas-import-report")
    page.get_by_text("Wybierz gminy na mapie").click()
    web.wait_idle()
    page.locator(".js-plotly-plot").first.wait_for()
    page.wait_for_timeout(1500)
    web.screenshot("areas-map")
    # a click on Skawina (representative point from the store's boundaries) adds it to the area
    x, y = page.wait_for_function(CLICK_XY, arg=list(SKAWINA)).json_value()
    page.mouse.click(x, y)
    web.wait_idle()
    page.get_by_role("heading", name="obszar (4 gminy)").wait_for()
    assert "1206113" in page.url
