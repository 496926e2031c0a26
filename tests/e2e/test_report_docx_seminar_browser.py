"""Key journeys in a real browser (issue 15): download the 'Raport o stanie gminy' Word draft from
/raporty, then paste a list of gminy into the seminar section and download one deck for all of them;
screenshots at 1,600 px and on a 390-px phone."""
import re

import pytest
from docx import Document
from pptx import Presentation

pytestmark = pytest.mark.browser


def test_download_the_word_draft_and_a_seminar_deck(web, browser, live_app):
    page = web.open("/raporty?unit=1602043")
    page.set_viewport_size({"width": 1600, "height": 1400})
    button = page.get_by_role("button", name=re.compile("Raport o stanie gminy"))
    button.wait_for()
    with page.expect_download(timeout=120_000) as info:
        button.click()
    assert info.value.suggested_filename == "raport-kietrz.docx"
    doc = Document(info.value.path())
    assert doc.paragraphs[0].text == "Raport o stanie gminy Kietrz — projekt"
    cells = [c.text for tb in doc.tables for row in tb.rows for c in row.cells]
    assert "10\xa0822" in cells  # GUS: Kietrz had 10 822 residents in 2019
    # the seminar section: paste codes and a name, one entry is no gmina
    area = page.get_by_label(re.compile("kody TERYT lub nazwy gmin"))
    area.fill("1261011, 0201022\nKietrz\nNibylandia")
    area.press("Control+Enter")
    web.wait_idle()
    page.get_by_text(re.compile("Rozpoznano")).first.wait_for()
    deck_button = page.get_by_role("button", name=re.compile(r"Prezentacja PowerPoint \(3 gminy\)"))
    deck_button.scroll_into_view_if_needed()
    web.screenshot("reports-seminar-1600")
    with page.expect_download(timeout=120_000) as info:
        deck_button.click()
    prs = Presentation(info.value.path())
    titles = [s.shapes.title.text_frame.text for s in list(prs.slides)[2:-1]]
    assert titles == ["Kraków", "Bolesławiec", "Kietrz"]
    body = "\n".join(sh.text_frame.text for sh in prs.slides[2].shapes if sh.has_text_frame)
    assert re.search(r"http://127\.0\.0\.1:\d+/profil\?unit=1261011", body), body  # the app's own address


def test_seminar_section_on_a_phone(browser, live_app):
    from tests.e2e.conftest import Page

    web = Page(browser, live_app, width=390, height=2400, is_mobile=True, has_touch=True)
    try:
        page = web.open("/raporty?unit=1602043")
        page.get_by_role("button", name=re.compile("Raport o stanie gminy")).wait_for()
        area = page.get_by_label(re.compile("kody TERYT lub nazwy gmin"))
        area.fill("Kietrz")
        area.press("Control+Enter")
        web.wait_idle()
        button = page.get_by_role("button", name=re.compile(r"Prezentacja PowerPoint \(1 gmina\)"))
        button.scroll_into_view_if_needed()
        box = button.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
        web.screenshot("reports-seminar-390")
        assert web.blocked == []
    finally:
        web.close()
