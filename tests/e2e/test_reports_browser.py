"""Key journey in a real browser: open a unit's reports page by URL, download the PDF and the
deck, and read the permalink the page offers (absolute, taken from the browser's address)."""
import io
import re

import pytest
from pptx import Presentation
from pypdf import PdfReader

pytestmark = pytest.mark.browser


def click_download(page, button, *, seconds: float = 90):
    """Click a download button and return the download. A second click if the first brought
    nothing within ``seconds / 2`` (as a person would click again): once in CI, under load, a
    click right after an expander opened started no download and the server never got the request
    (no error in its log); a button whose file really cannot be made fails both clicks."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        with page.expect_download(timeout=seconds * 500) as info:
            button.click()
        return info.value
    except PlaywrightTimeout:
        with page.expect_download(timeout=seconds * 1000) as info:
            button.click()
        return info.value


def test_download_pdf_report_from_the_reports_page(web):
    page = web.open("/raporty?unit=1261011")
    button = page.get_by_role("button", name=re.compile("Raport PDF"))
    button.wait_for()
    web.screenshot("reports-krakow")
    with page.expect_download(timeout=90_000) as info:
        button.click()
    download = info.value
    assert download.suggested_filename == "raport-krakow.pdf"
    data = open(download.path(), "rb").read()
    assert data.startswith(b"%PDF")
    text = re.sub(r"\s+", " ", "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages))
    assert "Kraków" in text and "809 168" in text


def test_download_deck_and_read_the_permalink(web):
    page = web.open("/raporty?unit=0201022&charts=trend:population_total&lang=en")
    button = page.get_by_role("button", name=re.compile("PowerPoint deck"))
    button.wait_for()
    with page.expect_download(timeout=90_000) as info:
        button.click()
    prs = Presentation(info.value.path())
    assert prs.slides[0].shapes.title.text_frame.text == "Bolesławiec"
    assert len(prs.slides) >= 4
    page.get_by_test_id("stExpander").first.click()
    png_button = page.get_by_role("button", name=re.compile("PNG image"))
    png_button.wait_for()
    png = click_download(page, png_button)
    from PIL import Image
    with Image.open(png.path()) as im:
        assert im.format == "PNG" and im.size == (1920, 1080)
    code = page.get_by_test_id("stCode").last.inner_text()
    assert re.search(r"^http://127\.0\.0\.1:\d+/raporty\?unit=0201022&charts=trend:population_total&lang=en$",
                     code.strip()), code
    web.screenshot("reports-boleslawiec-en")


def test_deep_link_as_the_first_request_of_a_fresh_server_gets_the_whole_app(browser, app_env):
    """Streamlit runs a deep link that arrives before any st.navigation call in its legacy
    pages/ mode (the page alone, no sidebar); components.state switches that off and reruns."""
    from tests.e2e.conftest import ARTIFACTS, Page, start_app

    proc, url = start_app(app_env, ARTIFACTS / "app-server-fresh.log")
    try:
        web = Page(browser, url)
        page = web.open("/raporty?unit=1261011&lang=en")
        page.get_by_role("button", name=re.compile("PDF report")).wait_for()
        sidebar = page.get_by_test_id("stSidebar")
        assert "English" in sidebar.inner_text() and "Reports" in sidebar.inner_text()
        assert re.search(r"/raporty\?unit=1261011&lang=en$", page.url)
        web.close()
        assert web.blocked == []
    finally:
        proc.terminate()
        proc.wait(10)
