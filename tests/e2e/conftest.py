"""Real-browser fixtures: the app as a subprocess on a free loopback port, Debian Chromium via
Playwright (never `playwright install`). Every request that leaves 127.0.0.1 is blocked and
recorded, so a test also proves the page needs no internet."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import ROOT

CHROMIUM = os.environ.get("MRL_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"]
TIMEOUT_MS = 60_000
IDLE_JS = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  const state = app && app.getAttribute('data-test-script-state');
  return !!app && !['running', 'rerunRequested', 'stopRequested'].includes(state)
    && !document.querySelector('[data-testid="stStatusWidget"]');
}"""


KRAKOW = (19.9940, 50.0458)  # representative point of Kraków (1261011) from the store's boundaries

# the map figure (its layout.meta names the indicator) drawn as SVG (plotly geo): the filled unit
# path under a point (skipping outline traces, whose fill is transparent)
UNIT_PATH_AT = """(gd, lon, lat) => {
  const g = gd._fullLayout.geo && gd._fullLayout.geo._subplot;
  const xy = g && g.projection && g.projection([lon, lat]);
  if (!xy) return null;
  const pt = new DOMPoint(xy[0], xy[1]);
  const path = [...gd.querySelectorAll('path.choroplethlocation')].find(p => {
    const d = p.__data__, f = p.getAttribute('fill');
    if (!f || f === 'rgba(0, 0, 0, 0)' || f === 'none') return false;
    if (d && d.ct && (Math.abs(d.ct[0] - lon) > 1 || Math.abs(d.ct[1] - lat) > 1)) return false;
    return p.isPointInFill(pt);
  });
  return path ? [path, pt] : null;
}"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_app(env_extra: dict[str, str], log: Path, script: Path = ROOT / "app.py",
              cwd: Path = ROOT) -> tuple[subprocess.Popen, str]:
    """Start ``streamlit run script`` on a free loopback port; return (process, base URL) once healthy."""
    port = _free_port()
    env = {**os.environ, **env_extra, "PYTHONUNBUFFERED": "1"}
    cmd = [sys.executable, "-m", "streamlit", "run", str(script), "--server.port", str(port),
           "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false"]
    fh = log.open("w")
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=fh, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 90
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"app exited early, see {log}")
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as r:
                if r.read().strip() == b"ok":
                    return proc, url
        except OSError:
            time.sleep(0.3)
    proc.kill()
    raise RuntimeError(f"app did not become healthy, see {log}")


def stop_app(proc: subprocess.Popen) -> None:
    """Stop a server started by start_app: politely, then for good after 10 s."""
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture(scope="session")
def chromium_path() -> str:
    if not Path(CHROMIUM).exists():
        if os.environ.get("MRL_REQUIRE_BROWSER") == "1":
            pytest.fail(f"Chromium not found at {CHROMIUM}")
        pytest.skip(f"Chromium not found at {CHROMIUM}")
    return CHROMIUM


@pytest.fixture(scope="session")
def live_app(app_env, chromium_path):
    ARTIFACTS.mkdir(exist_ok=True)
    proc, url = start_app(app_env, ARTIFACTS / "app-server.log")
    yield url
    stop_app(proc)


@pytest.fixture(scope="session")
def browser(chromium_path):
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=TIMEOUT_MS)  # expect(...) polls as long as any other wait here

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


def loopback_only(route, blocked: list[str]) -> None:
    """Playwright route handler: let requests to this machine through, abort (and record) the rest."""
    url = route.request.url
    if url.startswith(("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:")):
        route.continue_()
    else:
        blocked.append(url)
        route.abort()


class Page:
    """A browser page bound to the live app, recording any non-loopback request it blocked."""

    def __init__(self, browser, base_url: str, *, width=1920, height=1080, **ctx):
        self.base_url = base_url
        self.context = browser.new_context(viewport={"width": width, "height": height}, accept_downloads=True,
                                           **ctx)
        self.blocked: list[str] = []
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.set_default_timeout(TIMEOUT_MS)

    def _route(self, route):
        loopback_only(route, self.blocked)

    def open(self, path: str = "/"):
        self.page.goto(self.base_url + path, wait_until="domcontentloaded")
        self.page.wait_for_selector('[data-testid="stApp"]')
        self.wait_idle()
        return self.page

    def wait_idle(self):
        """Wait until Streamlit has finished running the script: the app's own script-run state (set
        to "rerunRequested" as soon as a widget asks for a run, "running" while it runs) and no status
        widget. The status widget alone is not enough: it shows only after a run has lasted a while."""
        self.page.wait_for_function(IDLE_JS, timeout=TIMEOUT_MS)
        self.page.wait_for_timeout(300)
        self.page.wait_for_function(IDLE_JS, timeout=TIMEOUT_MS)

    def screenshot(self, name: str):
        ARTIFACTS.mkdir(exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / f"{name}.png"))

    def close(self):
        self.context.close()


def area_chips(page) -> list[str]:
    """The TERYT codes in the area builder's members box (its label, then one chip per line)."""
    import re

    return sorted(re.findall(r"\((\d{7})\)", page.get_by_test_id("stMultiSelect").first.inner_text()))


def add_area_member(page, web: "Page", code: str) -> None:
    """Type a code into the area builder's members box (its text input: with chips in the box, a click
    on the box's middle would land on a chip), pick the matching gmina, and wait until the app has run
    with it. Streamlit can drop a pick that lands while the previous pick's run is redrawing the box;
    a user sees the chip missing and picks again, and so does this helper (once)."""
    for _ in range(2):
        page.get_by_test_id("stMultiSelect").first.locator("input").click()
        page.keyboard.type(code)
        page.get_by_role("option").filter(has_text=code).first.click()
        page.keyboard.press("Escape")
        web.wait_idle()
        if code in area_chips(page):
            return
    raise AssertionError(f"{code} did not join the area: {area_chips(page)}")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """When a browser test fails, put what the user saw (alerts, toasts) and the tail of the app
    server's log into the failure report, so a CI failure can be diagnosed from its output."""
    outcome = yield
    report = outcome.get_result()
    if report.when != "call" or not report.failed:
        return
    web = item.funcargs.get("web")
    if web is not None:
        try:
            web.screenshot(f"FAILED-{item.name}")
            shown = web.page.locator('[data-testid="stToast"], [data-testid="stAlert"], '
                                     '[data-testid="stException"]').all_inner_texts()
            report.sections.append(("page alerts and toasts", "\n".join(shown) or "(none)"))
        except Exception as exc:  # noqa: BLE001 - diagnostics must not hide the failure
            report.sections.append(("page alerts and toasts", f"(could not read: {exc})"))
    log = ARTIFACTS / "app-server.log"
    if "live_app" in item.fixturenames and log.exists():
        tail = log.read_text(errors="replace").splitlines()[-80:]
        report.sections.append(("app server log (last 80 lines)", "\n".join(tail)))


@pytest.fixture
def web(browser, live_app):
    p = Page(browser, live_app)
    yield p
    p.close()
    assert p.blocked == [], f"requests left the machine: {p.blocked[:5]}"
