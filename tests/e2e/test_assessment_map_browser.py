"""The synthetic assessment on /mapa in a real browser (issue 13, item 4): the overall score for a
gmina — its legend (classes in points, "brak danych") and the derived-figure note with the method
link are visible, at 1600 px and on a 390 px phone; and the level control's options all fit
(the last one, "Województwa", was clipped by 8 px at 1600 px; also in test_fit_browser)."""
import pytest

from tests.e2e.conftest import Page

pytestmark = pytest.mark.browser

PHONE_UA = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
            "Version/17.0 Mobile/15E148 Safari/604.1")

LEGEND = """() => {
  const gd = [...document.querySelectorAll('.js-plotly-plot')].find(g => g.layout && g.layout.meta && g.layout.meta.indicator);
  if (!gd) return null;
  const vis = el => { const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0; };
  return {indicator: gd.layout.meta.indicator,
          title: [...gd.querySelectorAll('.legendtitletext')].filter(vis).map(e => e.textContent),
          items: [...gd.querySelectorAll('.legend .traces .legendtext')].filter(vis).map(e => e.textContent)};
}"""
# every option of the map's level control: its text box within its button and within the column
LEVEL_OPTIONS = """() => {
  const group = document.querySelector('.st-key-map_level [data-testid="stButtonGroup"]')
    || document.querySelector('[data-testid="stButtonGroup"]');
  if (!group) return null;
  const col = group.closest('[data-testid="stColumn"]') || group.parentElement;
  const c = col.getBoundingClientRect();
  return [...group.querySelectorAll('button')].map(b => {
    const r = b.getBoundingClientRect(), p = b.querySelector('p') || b;
    return {text: b.textContent.trim(), right: r.right, colRight: c.right, left: r.left, colLeft: c.left,
            scroll: p.scrollWidth, client: p.clientWidth};
  });
}"""


def open_map(web, path):
    start = web.open("/")  # a fresh server routes deep links once app.py's navigation has run
    start.get_by_test_id("stSidebar").get_by_test_id("stSelectbox").wait_for()
    return web.open(path)


def wait_legend(web, indicator):
    web.page.wait_for_function(
        "ind => { const f = (" + LEGEND + ")(); return f && f.indicator === ind && f.items.length > 0; }",
        arg=indicator, timeout=60_000)


def assert_level_options_fit(page):
    opts = page.evaluate(LEVEL_OPTIONS)
    assert opts and len(opts) == 3, opts
    for o in opts:
        assert o["right"] <= o["colRight"] + 0.5 and o["left"] >= o["colLeft"] - 0.5, o
        assert o["scroll"] <= o["client"] + 1, f"option text cut: {o}"


@pytest.mark.parametrize("width", [1600, 390])
def test_map_of_the_overall_score_shows_legend_and_derived_note(browser, live_app, width):
    if width < 800:
        web = Page(browser, live_app, width=width, height=2600, is_mobile=True, has_touch=True, user_agent=PHONE_UA)
    else:
        web = Page(browser, live_app, width=width, height=1500)
    try:
        page = open_map(web, "/mapa?indicator=ocena_overall&unit=1602043")
        wait_legend(web, "ocena_overall")
        legend = page.evaluate(LEGEND)
        assert any(x.startswith("pkt") for x in legend["title"]), legend
        classes = [x for x in legend["items"] if "–" in x]
        assert len(classes) == 5, legend["items"]
        # 2,477 gminy have a score; Szczawa and Grabówka (2025) have none and no geometry to draw, so
        # the page names them under the map instead of an empty legend entry
        assert sum(int(x.rsplit("(", 1)[1].rstrip(")").replace("\u00a0", "").replace(" ", "")) for x in classes) == 2477
        assert any(x.startswith("▭ wybrana: Kietrz") for x in legend["items"]), " | ".join(legend["items"])
        note = page.get_by_text("Wartość wyliczona w aplikacji, nie statystyka publiczna")
        note.scroll_into_view_if_needed()
        assert note.is_visible()
        method = page.locator('a[href$="/o-danych#ocena"]').first
        assert method.is_visible() and method.inner_text() == "Metoda oceny"
        unit = page.locator('a[href$="/ocena?unit=1602043"]').first
        assert unit.is_visible() and "Kietrz" in unit.inner_text()
        page.get_by_test_id("stMain").evaluate("el => el.scrollTo(0, 0)")
        web.page.wait_for_timeout(300)
        web.screenshot(f"assessment-map-{width}")
        if width >= 800:
            assert_level_options_fit(page)
        text = page.inner_text("body")
        for word in ("points", "Synthetic assessment", "no data", "Computed by the app"):
            assert word not in text, word
        assert web.blocked == []
    finally:
        web.close()
