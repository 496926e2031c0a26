"""Accessibility and phone layout in a real browser (issue 8): keyboard-only use of the sidebar
picker, the language switch and the page controls; no horizontal scrolling at 390×844; text
contrast measured on the rendered page; the public version refusing private URLs."""
from __future__ import annotations

import re

import pytest

from domain.palettes import composite, contrast_ratio, parse_colour
from i18n import t
from tests.e2e.conftest import ARTIFACTS, Page
from tests.e2e.test_data_browser import public_app  # noqa: F401 - fixture

pytestmark = pytest.mark.browser
PHONE = dict(width=390, height=844, is_mobile=True, has_touch=True, device_scale_factor=2,
             user_agent="Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
                        "(KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1")

ACTIVE = """() => { const a = document.activeElement; if (!a) return null;
  const box = a.closest('[data-testid]'); const side = !!a.closest('[data-testid="stSidebar"]');
  const main = !!a.closest('[data-testid="stMain"]');
  const widget = a.closest('[data-testid="stSelectbox"],[data-testid="stRadio"],[data-testid="stMultiSelect"],'
    + '[data-testid="stSlider"],[data-testid="stButton"],[data-testid="stTextInput"],[data-testid="stToggle"],'
    + '[data-testid="stSegmentedControl"],[data-testid="stButtonGroup"],[data-testid="stCheckbox"],[data-testid="stTabs"]');
  return {tag: a.tagName, type: a.type || '', side, main, widget: widget ? widget.dataset.testid : null,
          label: widget ? (widget.innerText || '').split('\\n')[0] : (a.innerText || a.getAttribute('aria-label') || '')}; }"""


def tab_until(page, want, *, limit=90, shift=False):
    """Press Tab (or Shift+Tab) until ``want(active)`` holds; return the active element's info."""
    page.get_by_test_id("stSidebar").get_by_test_id("stSelectbox").first.wait_for()  # app.py has run
    seen = []
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if shift else "Tab")
        info = page.evaluate(ACTIVE)
        if info and want(info):
            return info
        seen.append(info and (info["tag"], info["widget"], info["label"][:20]))
    raise AssertionError(f"keyboard focus never reached the control; visited {seen}")


def test_keyboard_only_picker_language_and_page_controls(web):
    page = web.open("/")
    # 1. the sidebar unit picker, reached with Tab only; a gmina picked by typing its name + Enter
    info = tab_until(page, lambda a: a["side"] and a["widget"] == "stSelectbox" and a["tag"] == "INPUT")
    assert info["tag"] == "INPUT"
    page.keyboard.type("Bolesławiec — gmina wiejska")
    page.get_by_role("option").filter(has_text="Bolesławiec — gmina wiejska").first.wait_for()
    page.keyboard.press("Enter")
    web.wait_idle()
    page.wait_for_url(re.compile(r"unit=0201022"))
    assert "Bolesławiec" in page.get_by_role("heading", level=2).first.inner_text()
    # 2. the language switch (back up with Shift+Tab), changed with an arrow key
    page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"] input').focus()
    info = tab_until(page, lambda a: a["side"] and a["widget"] == "stRadio", shift=True)
    assert info["type"] == "radio"
    page.keyboard.press("ArrowRight")
    web.wait_idle()
    page.wait_for_url(re.compile(r"lang=en"))
    page.get_by_test_id("stSidebar").get_by_text(t("sidebar.unit", "en"), exact=True).first.wait_for()
    # 3. /mapa: from a fresh load, Tab reaches the page's own controls (after the sidebar); the
    #    indicator is changed by typing its name + Enter, and the URL follows
    page = web.open("/mapa?unit=0201022&lang=en")
    page.locator(".stPlotlyChart .main-svg").first.wait_for()
    info = tab_until(page, lambda a: a["main"] and a["widget"] == "stButtonGroup")
    assert info["label"] == t("map.level", "en"), info
    info = tab_until(page, lambda a: a["main"] and a["widget"] == "stSelectbox" and a["tag"] == "INPUT", limit=5)
    assert info["label"] == t("map.indicator", "en"), info
    page.keyboard.type("Population, total")
    page.get_by_role("option").filter(has_text="Population, total").first.wait_for()
    page.keyboard.press("Enter")
    web.wait_idle()
    page.wait_for_url(re.compile(r"indicator=population_total"))
    # 4. /profil: the peer-group controls come right after the sidebar too
    page = web.open("/profil?unit=0201022&lang=en")
    info = tab_until(page, lambda a: a["main"] and a["widget"] is not None)
    assert info["main"] and info["widget"], info
    web.screenshot("a11y-keyboard-profile-en")


def overflow(page) -> dict:
    return page.evaluate("""() => { const m = document.querySelector('[data-testid="stMain"]');
      const block = document.querySelector('[data-testid="stMainBlockContainer"]') || m;
      return {doc: document.scrollingElement.scrollWidth, vw: window.innerWidth,
              main: m ? m.scrollWidth - m.clientWidth : 0, block: block ? block.scrollWidth - block.clientWidth : 0}; }""")


def assert_no_horizontal_scroll(page, where):
    o = overflow(page)
    assert o["doc"] <= o["vw"] + 1, f"{where}: page scrolls sideways by {o['doc'] - o['vw']} px"
    assert o["main"] <= 1 and o["block"] <= 1, f"{where}: main block overflows {o}"


@pytest.mark.parametrize("lang", ["pl", "en"])
def test_phone_390_start_map_profile(browser, live_app, lang):
    web = Page(browser, live_app, **PHONE)
    try:
        page = web.open(f"/?lang={lang}")
        # the sidebar is folded away on a phone: the start page offers the picker in its body
        picker = page.get_by_test_id("stMain").get_by_test_id("stSelectbox").first
        picker.wait_for()
        assert_no_horizontal_scroll(page, "start")
        b = picker.bounding_box()
        assert b["x"] >= 0 and b["x"] + b["width"] <= 391 and b["y"] + b["height"] <= 844, b
        web.screenshot(f"a11y-phone-start-{lang}")
        picker.click()
        page.keyboard.type("1261011")  # by TERYT code: "Kraków" alone lists the city-powiat (1261) first
        page.get_by_role("option").first.click()
        web.wait_idle()
        page.wait_for_url(re.compile(r"unit=1261011"))
        page.get_by_test_id("stMetric").first.wait_for()
        assert_no_horizontal_scroll(page, "start with Kraków")
        page = web.open(f"/mapa?unit=1261011&lang={lang}")
        chart = page.locator(".stPlotlyChart").first
        chart.wait_for()
        page.locator(".stPlotlyChart .main-svg").first.wait_for()
        assert_no_horizontal_scroll(page, "mapa")
        box = chart.bounding_box()
        assert box and box["width"] >= 300 and box["x"] >= 0 and box["x"] + box["width"] <= 391, box
        chart.scroll_into_view_if_needed()
        web.screenshot(f"a11y-phone-map-{lang}")
        page = web.open(f"/profil?unit=1261011&lang={lang}")
        cards = page.get_by_test_id("stMetric")
        cards.first.wait_for()
        assert_no_horizontal_scroll(page, "profil")
        n = min(cards.count(), 6)
        assert n >= 3
        for i in range(n):
            card = cards.nth(i)
            card.scroll_into_view_if_needed()
            b = card.bounding_box()
            assert b["x"] >= 0 and b["x"] + b["width"] <= 391, (i, b)
            value = card.get_by_test_id("stMetricValue")
            clipped = value.evaluate("e => e.scrollWidth > e.clientWidth + 1")
            assert not clipped, f"card {i}: value clipped ({value.inner_text()!r})"
        cards.first.scroll_into_view_if_needed()
        web.screenshot(f"a11y-phone-profile-{lang}")
        assert web.blocked == []
    finally:
        web.close()


TEXT_SELECTORS = {
    "body text": '[data-testid="stMarkdownContainer"] p',
    "caption": '[data-testid="stCaptionContainer"] p',
    "metric label": '[data-testid="stMetricLabel"]',
    "metric value": '[data-testid="stMetricValue"]',
    "metric delta": '[data-testid="stMetricDelta"]',
    "sidebar label": '[data-testid="stSidebar"] [data-testid="stWidgetLabel"]',
    "sidebar nav link": '[data-testid="stSidebarNav"] a span',
    "page link": '[data-testid="stPageLink"] p',
    "alert text": '[data-testid="stAlertContainer"] p',
    "heading": 'h1, h2, h3',
}
COLOURS = """(sel) => { const els = [...document.querySelectorAll(sel)].filter(e => e.offsetParent !== null).slice(0, 40);
  function bg(e) { let n = e; const layers = [];
    while (n && n.nodeType === 1) { const c = getComputedStyle(n).backgroundColor;
      if (c && c !== 'rgba(0, 0, 0, 0)' && c !== 'transparent') { layers.push(c); if (!c.startsWith('rgba')) break; }
      n = n.parentElement; }
    return layers.length ? layers : ['rgb(255, 255, 255)']; }
  function opacity(e) { let o = 1; for (let n = e; n && n.nodeType === 1; n = n.parentElement) o *= parseFloat(getComputedStyle(n).opacity); return o; }
  return els.map(e => ({fg: getComputedStyle(e).color, bg: bg(e), opacity: opacity(e),
                        text: (e.innerText || '').slice(0, 40)})); }"""


def flatten(layers: list[str]) -> str:
    """The opaque background: translucent layers composited from the innermost opaque one out."""
    base = layers[-1] if not layers[-1].startswith("rgba") else composite(layers[-1], "#ffffff")
    for c in reversed(layers[:-1]):
        base = composite(c, base)
    return base


def test_rendered_text_contrast_is_aa(web):
    """Measured on the page as drawn (theme + Streamlit CSS), not assumed: every sampled text colour
    against its effective background is at least 4.5:1."""
    page = web.open("/profil?unit=1261011")
    page.get_by_test_id("stMetric").first.wait_for()
    found, low = {}, []
    for name, sel in TEXT_SELECTORS.items():
        for s in page.evaluate(COLOURS, sel):
            bg = flatten(s["bg"])
            fg = s["fg"]
            if s["opacity"] < 1:  # a faded element: its colour blended with the background
                r, g, b, a = parse_colour(fg)
                fg = f"rgba({r}, {g}, {b}, {a * s['opacity']})"
            ratio = contrast_ratio(fg, bg)
            found.setdefault(name, []).append(round(ratio, 2))
            if ratio < 4.5:
                low.append((name, fg, bg, round(ratio, 2), s["text"]))
    (ARTIFACTS / "a11y-contrast.txt").write_text(
        "\n".join(f"{k}: min {min(v)} over {len(v)} elements" for k, v in found.items()), encoding="utf-8")
    for name in ("body text", "caption", "metric value", "sidebar label", "heading"):
        assert found.get(name), f"no {name} sampled"
    assert not low, low[:8]


def test_public_version_refuses_private_urls_and_keeps_the_rest(browser, public_app):  # noqa: F811
    web = Page(browser, public_app)
    try:
        for path in ("/dane", "/dane?tab=upload", "/dane?lang=en"):
            page = web.open(path)
            notice = "not available in the public version" if "lang=en" in path else \
                "nie jest dostępne w wersji publicznej"
            page.get_by_text(notice).first.wait_for()
            main = page.get_by_test_id("stMain")
            assert page.locator('input[type="file"]').count() == 0
            assert main.get_by_test_id("stTextInput").count() == 0 and main.get_by_test_id("stButton").count() == 0
        page = web.open("/obszary?area=1206113,1206172,1219053,1261011")
        page.get_by_text("W wersji publicznej nie można zapisywać").wait_for()
        for label in ("Zapisz jako nowy", "Zapisz zmiany", "Usuń zapisany obszar"):
            assert page.get_by_role("button", name=label).count() == 0
        page = web.open("/mapa?unit=1261011")
        page.locator(".stPlotlyChart .main-svg").first.wait_for()
        page = web.open("/profil?unit=1261011")
        page.get_by_test_id("stMetric").first.wait_for()
        page = web.open("/raporty?unit=1261011")
        page.get_by_test_id("stDownloadButton").first.wait_for()
        assert page.get_by_test_id("stDownloadButton").count() >= 2
        web.screenshot("a11y-public-report")
    finally:
        web.close()
    assert web.blocked == []
