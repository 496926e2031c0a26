"""Key journey in a real browser: open a gmina's profile by URL, switch the peer method, see the
group, the summary and the comparison charts change (asserted on the visible captions)."""
import pytest

from tests.e2e.conftest import ARTIFACTS, start_app

pytestmark = pytest.mark.browser

TYPOLOGY = "gminy wiejskie, od 10\u00a0000 do 19\u00a0999 mieszkańców"
KNN = "10 jednostek najbardziej podobnych pod względem"


def wait_url(page, pattern: str) -> None:
    """Streamlit rewrites the address bar with history.replaceState (no navigation event)."""
    page.wait_for_function("p => new RegExp(p).test(decodeURIComponent(location.href))", arg=pattern)


def chart_caption(page):
    """The caption under the chart (source, years, peer group)."""
    return page.get_by_test_id("stCaptionContainer").filter(has_text="Źródło:").filter(has_text="Lata: ").first


def _text(page) -> str:
    return page.get_by_test_id("stMain").inner_text().replace("\u00a0", " ")


def test_profile_by_url_switch_peers_and_compare(web):
    # A fresh server serves a deep link in Streamlit's legacy pages/ mode until "/" has run
    # st.navigation once (see test_deep_link_on_a_fresh_server below): let "/" finish first —
    # the sidebar's unit picker only exists once app.py has run.
    page = web.open("/")
    page.get_by_test_id("stSidebar").get_by_text("Jednostka").wait_for()
    page = web.open("/profil?unit=0201022")
    page.get_by_role("radio", name="Ten sam typ i wielkość").wait_for()
    web.wait_idle()
    assert "Bolesławiec" in page.get_by_role("heading", level=2).first.inner_text()
    page.get_by_text("Grupa porównawcza:", exact=False).first.wait_for()
    assert TYPOLOGY.replace("\u00a0", " ") in _text(page)
    assert "Mocne strony" in _text(page) and "Słabe strony" in _text(page)
    # the population card: GUS 2024, Polish number format, with source
    assert "15 359 osób" in _text(page) and "Źródło: GUS" in _text(page)
    web.screenshot("profile-boleslawiec-typology")

    page.get_by_role("radio", name="Najbardziej podobne (statystycznie)").click()
    web.wait_idle()
    page.get_by_text(KNN, exact=False).first.wait_for()
    wait_url(page, r"peers=knn:k=10")
    assert TYPOLOGY.replace("\u00a0", " ") not in _text(page)
    # the group is explained, peer by peer
    page.get_by_text("Jednostki w grupie porównawczej (10)").click()
    web.wait_idle()
    page.get_by_test_id("stDataFrame").first.wait_for()
    # the grid is drawn on a canvas; its column headers exist for screen readers
    page.get_by_role("columnheader", name="Różni się głównie", include_hidden=True).first.wait_for(state="attached")
    web.screenshot("profile-boleslawiec-knn")

    page.get_by_test_id("stSidebarNav").get_by_text("Porównania").click()
    web.wait_idle()
    wait_url(page, r"/porownania\?.*unit=0201022")
    page.locator(".js-plotly-plot").first.wait_for()
    caption = chart_caption(page)
    caption.wait_for()
    text = caption.inner_text().replace("\u00a0", " ")
    assert "Grupa porównawcza: " + KNN in text and "Źródło: GUS" in text
    assert "Linia przerywana = mediana grupy porównawczej" in text
    web.screenshot("compare-boleslawiec-series-knn")

    page.get_by_role("tab", name="Ranking w grupie").click()
    web.wait_idle()
    page.get_by_text("Na górze najlepsze wartości.", exact=False).first.wait_for()
    assert KNN in chart_caption(page).inner_text().replace("\u00a0", " ")
    wait_url(page, r"tab=ranking")
    # the highlighted bar is the selected gmina
    assert "Bolesławiec" in page.locator(".js-plotly-plot").first.inner_text()
    web.screenshot("compare-boleslawiec-ranking-knn")

    # back to the typology group from the comparison page: the chart caption follows
    page.get_by_text("Zmień grupę porównawczą").click()
    page.get_by_role("radio", name="Ten sam typ i wielkość").click()
    web.wait_idle()
    page.get_by_text("Pokazano 25 z 233 jedn.", exact=False).first.wait_for()
    assert "Grupa porównawcza: " + TYPOLOGY.replace("\u00a0", " ") in chart_caption(page).inner_text().replace(
        "\u00a0", " ")
    web.screenshot("compare-boleslawiec-ranking-typology")


def test_deep_link_on_a_fresh_server(app_env, browser):
    proc, url = start_app(app_env, ARTIFACTS / "app-server-fresh.log")
    try:
        from tests.e2e.conftest import Page

        p = Page(browser, url)
        page = p.open("/profil?unit=0201022")
        page.get_by_role("heading", level=2).first.wait_for(timeout=30_000)
        assert "Bolesławiec" in page.get_by_role("heading", level=2).first.inner_text()
        assert "Jednostka" in page.get_by_test_id("stSidebar").inner_text()  # the unit picker
        p.close()
    finally:
        proc.terminate()
        proc.wait(10)
