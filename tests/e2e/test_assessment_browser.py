"""Key journey in a real browser: open /ocena for a gmina by URL, read its overall score, rank and
interval, follow a sub-area that pulls it down to that indicator's card on /profil. Screenshots at
1600 px and on a 390 px phone."""
import pytest

from tests.e2e.conftest import Page

pytestmark = [pytest.mark.browser, pytest.mark.slow]

GMINA = "0201022"  # gmina wiejska Bolesławiec


def _text(page) -> str:
    return page.get_by_test_id("stMain").inner_text().replace("\u00a0", " ")


def test_ocena_to_the_card_of_a_weak_subarea(web):
    page = web.open("/")
    page.get_by_test_id("stSidebar").get_by_text("Jednostka").wait_for()
    page = web.open(f"/ocena?unit={GMINA}")
    page.get_by_text("Ocena ogólna (0–100)").first.wait_for()
    web.wait_idle()
    body = _text(page)
    assert "Bolesławiec" in body and "Miejsce w grupie" in body and "Przedział miejsca (90 %)" in body
    assert "Wymiary i obszary" in body and "Podobszary ciągnące w dół" in body
    page.locator(".js-plotly-plot").first.wait_for()
    web.page.set_viewport_size({"width": 1600, "height": 1000})
    web.wait_idle()
    web.screenshot("ocena-boleslawiec-1600")
    page.get_by_text("Poziom a dynamika").first.scroll_into_view_if_needed()
    web.screenshot("ocena-boleslawiec-1600-dynamics")
    # the first indicator button under "pulling down" leads to its card on /profil
    down = page.get_by_test_id("stColumn").filter(has_text="Podobszary ciągnące w dół").first
    button = down.get_by_role("button").filter(has_text="karta wskaźnika").first
    label = button.inner_text().replace("\u00a0", " ")
    name = label.strip().split("\n")[-1].split(" (")[0].strip()  # the icon name comes first
    button.click()
    web.wait_idle()
    page.wait_for_function("() => location.pathname.endsWith('/profil')")
    page.get_by_text(f"Wskaźnik z oceny syntetycznej: {name}").first.wait_for()
    web.screenshot("ocena-boleslawiec-profile-card")


def test_ocena_on_a_phone(browser, live_app):
    web = Page(browser, live_app, width=390, height=844, is_mobile=True, has_touch=True, device_scale_factor=2)
    try:
        page = web.open("/")
        page.wait_for_timeout(500)
        page = web.open(f"/ocena?unit={GMINA}&lang=en")
        page.get_by_text("Overall score (0–100)").first.wait_for()
        web.wait_idle()
        page.locator(".js-plotly-plot").first.wait_for()
        web.screenshot("ocena-boleslawiec-390")
        assert "Synthetic assessment" in _text(page)
        assert web.blocked == []
    finally:
        web.close()
