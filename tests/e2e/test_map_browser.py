"""Map journey in a real browser: change the indicator, click a gmina, the whole app selects it."""
import re

import pytest

from tests.e2e.conftest import KRAKOW, UNIT_PATH_AT, Page

pytestmark = pytest.mark.browser

PHONE_UA = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
            "Version/17.0 Mobile/15E148 Safari/604.1")

MAP_READY = """([indicator, lon, lat]) => {
  const gd = [...document.querySelectorAll('.js-plotly-plot')].find(g => g.layout && g.layout.meta && g.layout.meta.indicator);
  if (!gd || gd.layout.meta.indicator !== indicator) return false;
  return (""" + UNIT_PATH_AT + """)(gd, lon, lat) !== null;
}"""
SCREEN_XY = """([lon, lat]) => {
  const gd = [...document.querySelectorAll('.js-plotly-plot')].find(g => g.layout && g.layout.meta && g.layout.meta.indicator);
  const [path, pt] = (""" + UNIT_PATH_AT + """)(gd, lon, lat);
  const s = pt.matrixTransform(path.getScreenCTM());
  return [s.x, s.y];
}"""


def open_map(web, path):
    # A fresh server runs a deep link to /mapa as a legacy pages/ script (no router, no sidebar,
    # no URL sync) until some session has run app.py's st.navigation (see tests/conftest.py):
    # open the start page first and wait until the router's sidebar picker is there.
    start = web.open("/")
    start.get_by_test_id("stSidebar").get_by_test_id("stSelectbox").wait_for()
    page = web.open(path)
    page.get_by_test_id("stSidebar").get_by_test_id("stSelectbox").wait_for()
    return page


def wait_query(page, fragment):
    """The app rewrites the address bar with history.replaceState (no navigation event)."""
    page.wait_for_function("f => location.search.includes(f)", arg=fragment)


def wait_map(web, indicator):
    web.page.wait_for_function(MAP_READY, arg=[indicator, *KRAKOW], timeout=60_000)


def test_change_indicator_then_click_a_gmina_selects_it_everywhere(web):
    page = open_map(web, "/mapa")
    wait_map(web, "population_density")
    assert "Gęstość zaludnienia — gminy, 2019" in page.get_by_role("heading", level=1).first.inner_text()

    page.get_by_test_id("stSelectbox").filter(has_text="Wskaźnik").click()
    page.keyboard.type("Frekwencja – wybory do Sejmu")
    page.get_by_role("option").first.click()
    wait_map(web, "turnout_sejm")
    web.wait_idle()
    wait_query(page, "indicator=turnout_sejm")

    x, y = page.evaluate(SCREEN_XY, list(KRAKOW))
    page.mouse.move(x, y)
    tip = page.locator(".hoverlayer").first
    page.wait_for_function("() => document.querySelector('.hoverlayer') && "
                           "document.querySelector('.hoverlayer').textContent.includes('Kraków')")
    assert "miejsce" in tip.text_content() and "%" in tip.text_content()

    page.mouse.click(x, y)
    wait_query(page, "unit=1261011")
    web.wait_idle()
    wait_map(web, "turnout_sejm")
    sidebar_picker = page.get_by_test_id("stSidebar").get_by_test_id("stSelectbox")
    assert sidebar_picker.locator("input").input_value() == "Kraków — miasto na prawach powiatu (1261011)"
    assert "Kraków" in page.get_by_text(re.compile(r"miejsce \d+ z 2\u00a0477 gmin")).first.inner_text()
    web.screenshot("map-desktop-1920")


def test_phone_layout(browser, live_app):
    web = Page(browser, live_app, width=390, height=844, is_mobile=True, has_touch=True, user_agent=PHONE_UA,
               device_scale_factor=2)
    try:
        open_map(web, "/mapa?unit=1261011&indicator=net_migration_per_1000&year=2024")
        wait_map(web, "net_migration_per_1000")
        web.screenshot("map-phone-390-top")
        web.page.locator(".stPlotlyChart").first.scroll_into_view_if_needed()
        web.page.wait_for_timeout(500)
        web.screenshot("map-phone-390-map")
        web.page.get_by_text("Ranking:").first.scroll_into_view_if_needed()
        web.page.wait_for_timeout(500)
        web.screenshot("map-phone-390-ranking")
        assert web.blocked == []
    finally:
        web.close()
