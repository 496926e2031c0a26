"""Key journey in a real browser: open a gmina by URL and read its real population."""
import re

import pytest

pytestmark = pytest.mark.browser


def test_gmina_population_by_url(web):
    page = web.open("/?unit=1261011")
    # GUS table IV: Kraków had 809,168 residents on 31.12.2024 (Polish format, non-breaking space)
    metric = page.get_by_test_id("stMetricValue").first
    metric.wait_for()
    assert re.sub(r"\s", " ", metric.inner_text()) == "809 168 osób"
    assert "Kraków" in page.get_by_role("heading", level=2).first.inner_text()
    web.screenshot("start-krakow")


def test_picker_selects_another_unit_and_updates_url(web):
    page = web.open("/")
    box = page.get_by_test_id("stSelectbox").first
    box.click()
    page.keyboard.type("Bolesławiec — gmina wiejska")
    page.get_by_role("option").first.click()
    web.wait_idle()
    page.wait_for_url(re.compile(r"unit=0201022"))
    assert "Bolesławiec" in page.get_by_role("heading", level=2).first.inner_text()
    web.screenshot("start-picker")
