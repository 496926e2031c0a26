"""Issue 18 item 5 in a real browser: at 1600 px (desktop) and 390 px (phone), in Polish and
English, the start page's headline cards are not truncated and the value tables (start page,
map ranking) fit their box and the viewport, so no value needs sideways scrolling."""
import pytest

from tests.e2e.conftest import Page

pytestmark = pytest.mark.browser

PHONE_UA = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
            "Version/17.0 Mobile/15E148 Safari/604.1")

# every dataframe on the page: its box within the viewport, and the grid's scroller as wide as
# its content (glide-data-grid draws cells on a canvas; a wider scroll area = columns off-screen)
TABLES = """() => [...document.querySelectorAll('[data-testid="stDataFrame"]')].map(df => {
  const r = df.getBoundingClientRect(), sc = df.querySelector('.dvn-scroller');
  return {left: r.left, right: r.right, vw: window.innerWidth,
          scroll: sc ? sc.scrollWidth : -1, client: sc ? sc.clientWidth : -1};
})"""
# metric labels and values whose text is cut (an ellipsis: wider content than box)
CUT_METRICS = """() => [...document.querySelectorAll('[data-testid="stMetricValue"], [data-testid="stMetricLabel"]')]
  .flatMap(el => [el, ...el.querySelectorAll('*')])
  .filter(el => el.scrollWidth > el.clientWidth + 1 || el.getBoundingClientRect().right > window.innerWidth)
  .map(el => el.textContent)"""

# every option of the map's level control (segmented buttons): its box within the control's column
LEVEL_OPTIONS = """() => {
  const group = document.querySelector('[data-testid="stButtonGroup"]');
  if (!group) return null;
  const c = (group.closest('[data-testid="stColumn"]') || group.parentElement).getBoundingClientRect();
  return [...group.querySelectorAll('button')].map(b => {
    const r = b.getBoundingClientRect(), p = b.querySelector('p') || b;
    return {text: b.textContent.trim(), left: r.left, right: r.right, colLeft: c.left, colRight: c.right,
            scroll: p.scrollWidth, client: p.clientWidth};
  });
}"""


def page_at(browser, live_app, width):
    if width < 800:
        return Page(browser, live_app, width=width, height=2400, is_mobile=True, has_touch=True,
                    user_agent=PHONE_UA)
    return Page(browser, live_app, width=width, height=1400)


def wait_tables(web, n):
    web.page.wait_for_function(
        "n => document.querySelectorAll('[data-testid=stDataFrame] .dvn-scroller').length >= n", arg=n)
    web.page.wait_for_timeout(500)


def assert_fit(tables):
    assert tables
    for tb in tables:
        assert tb["left"] >= 0 and tb["right"] <= tb["vw"], tb
        assert tb["scroll"] <= tb["client"] + 1, f"columns past the table's edge: {tb}"


@pytest.mark.parametrize("lang", ["pl", "en"])
@pytest.mark.parametrize("width", [1600, 390])
def test_start_page_cards_and_table_fit(browser, live_app, width, lang):
    web = page_at(browser, live_app, width)
    try:
        page = web.open(f"/?unit=1261011&lang={lang}")
        page.get_by_test_id("stMetricValue").first.wait_for()
        wait_tables(web, 1)
        web.screenshot(f"fit-start-{lang}-{width}")
        assert page.evaluate(CUT_METRICS) == []
        assert len(page.get_by_test_id("stMetricValue").all()) == 4
        assert_fit(page.evaluate(TABLES))
        assert web.blocked == []
    finally:
        web.close()


@pytest.mark.parametrize("lang", ["pl", "en"])
@pytest.mark.parametrize("width", [1600, 390])
def test_map_ranking_values_fit(browser, live_app, width, lang):
    web = page_at(browser, live_app, width)
    try:
        web.open("/")  # a fresh server routes deep links once app.py's navigation has run
        page = web.open(f"/mapa?unit=0201043&lang={lang}")
        wait_tables(web, 1)
        web.page.get_by_test_id("stDataFrame").first.scroll_into_view_if_needed()
        web.page.wait_for_timeout(500)
        web.screenshot(f"fit-map-ranking-{lang}-{width}")
        assert_fit(page.evaluate(TABLES))
        text = page.inner_text("body")
        assert "po lewej" not in text and "on the left" not in text
        if width >= 800:  # the level control: "Województwa"/"Voivodeships" was clipped by 8 px at 1600 px
            opts = page.evaluate(LEVEL_OPTIONS)
            assert opts and len(opts) == 3, opts
            for o in opts:
                assert o["left"] >= o["colLeft"] - 0.5 and o["right"] <= o["colRight"] + 0.5, o
                assert o["scroll"] <= o["client"] + 1, o
    finally:
        web.close()
