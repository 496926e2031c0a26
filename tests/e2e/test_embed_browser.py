"""Embeds in a real browser: a plain HTML page served from 127.0.0.1 (another port, as a gmina's own
website would be another site) with two iframes — a map and a chart — both render with no sidebar,
no navigation and no Streamlit header, and no request leaves the machine."""
from __future__ import annotations

import functools
import http.server
import threading
from html import escape

import pytest

from tests.e2e.conftest import ARTIFACTS, Page

pytestmark = pytest.mark.browser

MAP = "/mapa?indicator=population_total&year=2024&level=gmina&unit=1261011&view=embed&el=map&eh=560&ew=760"
CHART = "/porownania?unit=1261011&view=embed&el=chart:trend:turnout_sejm&eh=460&ew=760&lang=en"

HOST_PAGE = """<!doctype html><html lang="pl"><head><meta charset="utf-8"><title>Gmina — nasze liczby</title>
<style>body{{font-family:sans-serif;margin:16px}} iframe{{display:block;margin:12px 0}}</style></head>
<body><h1>Strona gminy</h1><p>Tekst gminy przed mapą.</p>
<iframe id="map" src="{base}{map}" width="760" height="560" title="Mapa" style="border:0;max-width:100%"></iframe>
<p>Tekst między osadzeniami.</p>
<iframe id="chart" src="{base}{chart}" width="760" height="460" title="Chart" style="border:0;max-width:100%"></iframe>
</body></html>"""


@pytest.fixture
def host_site(tmp_path, live_app):
    """The other website: a static page on its own loopback port, embedding two views of the app."""
    (tmp_path / "index.html").write_text(HOST_PAGE.format(base=escape(live_app), map=escape(MAP),
                                                          chart=escape(CHART)), encoding="utf-8")
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(tmp_path))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


FRAME_READY = """([min_paths]) => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
  const gd = document.querySelector('.js-plotly-plot');
  return !!gd && gd.querySelectorAll('path').length >= min_paths
    && !!document.querySelector('.mrl-embed-footer a');
}"""


def frame_of(page, frame_id: str):
    return page.frame_locator(f"#{frame_id}")


def check_frame(page, frame_id: str, min_paths: int) -> dict:
    handle = page.locator(f"#{frame_id}").element_handle()
    frame = handle.content_frame()
    frame.wait_for_function(FRAME_READY, arg=[min_paths], timeout=90_000)
    return frame.evaluate("""() => ({
      sidebar: document.querySelectorAll('[data-testid="stSidebar"]').length,
      nav: document.querySelectorAll('[data-testid="stSidebarNav"], [data-testid="stNavigation"]').length,
      header: [...document.querySelectorAll('[data-testid="stHeader"], [data-testid="stToolbar"]')]
              .filter(e => e.offsetParent !== null && e.getBoundingClientRect().height > 0).length,
      titles: document.querySelectorAll('h1').length,
      footer: document.querySelector('.mrl-embed-footer').innerText,
      link: document.querySelector('.mrl-embed-footer a').getAttribute('href'),
      target: document.querySelector('.mrl-embed-footer a').getAttribute('target'),
      paths: document.querySelector('.js-plotly-plot').querySelectorAll('path').length,
      text: document.body.innerText,
    })""")


PHONE_UA = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
            "Version/17.0 Mobile/15E148 Safari/604.1")


@pytest.mark.parametrize("width,height,name,ua", [(1600, 1300, "embed_host_1600", None),
                                                  (390, 1400, "embed_host_phone", PHONE_UA)])
def test_two_iframes_on_another_site(browser, live_app, host_site, width, height, name, ua):
    warm = Page(browser, live_app)  # a fresh server routes deep links only after app.py has run once
    warm.open("/")
    warm.close()
    web = Page(browser, host_site, width=width, height=height, **({"user_agent": ua} if ua else {}))
    try:
        page = web.page
        page.goto(host_site + "/index.html", wait_until="domcontentloaded")
        m = check_frame(page, "map", 300)  # a choropleth of ~2,500 gminy draws thousands of paths
        c = check_frame(page, "chart", 3)
        for info in (m, c):
            assert info["sidebar"] == 0 and info["nav"] == 0 and info["header"] == 0 and info["titles"] == 0
            assert "Monitor Rozwoju Lokalnego" in info["footer"] and info["target"] == "_blank"
            assert "view=embed" not in info["link"] and info["link"].startswith(live_app)
        assert "Ludność ogółem — gminy, 2024" in m["text"] and m["footer"].startswith("Źródło: GUS")
        assert "/mapa?" in m["link"] and "unit=1261011" in m["link"]
        assert "Turnout" in c["text"] and c["footer"].startswith("Source:") and "/porownania?" in c["link"]
        page.wait_for_timeout(500)
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"))
        assert web.blocked == [], web.blocked  # nothing left 127.0.0.1: no CDN, no fonts, no telemetry
    finally:
        web.close()
