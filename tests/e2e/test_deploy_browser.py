"""The deployment recipe end to end: nginx (rendered by deploy/nginx_conf.py, run as this user) in
front of 2 Streamlit replicas on a PostgreSQL store, and one browser journey THROUGH nginx:
profile → map, indicator change → reports, CSV download. Checks what the recipe promises: Streamlit's
JavaScript arrives compressed and immutable-cached, the map geometry too, one browser stays on one
replica (cookie affinity) while different browsers spread over both, the websocket works through
the proxy, and /api/ answers a clear 503 while the data API is not running."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.e2e.conftest import ARTIFACTS, Page, _free_port, start_app, stop_app

pytestmark = pytest.mark.browser

sys.path.insert(0, str(ROOT / "deploy"))
import nginx_conf  # noqa: E402

MAP_READY = """(indicator) => {
  const gd = [...document.querySelectorAll('.js-plotly-plot')].find(g => g.layout && g.layout.meta && g.layout.meta.indicator);
  if (!gd || (indicator && gd.layout.meta.indicator !== indicator)) return false;
  return gd.querySelectorAll('path.choroplethlocation').length > 2000;
}"""
MAIN_HAS = """([a, b]) => { const m = document.querySelector('[data-testid="stMain"]');
  return !!m && m.innerText.includes(a) && m.innerText.includes(b); }"""
ON_PAGE_IDLE = """(path) => location.pathname.endsWith(path)
  && document.querySelector('[data-testid="stApp"]')?.getAttribute('data-test-script-state') === 'notRunning'"""
LOG_LINE = re.compile(r'"(?P<method>\S+) (?P<path>\S+) [^"]*" (?P<status>\d+) \d+ upstream=(?P<up>\S+) .* aff=(?P<aff>\S*)$')


@pytest.fixture(scope="module")
def nginx_bin() -> str:
    path = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(path).exists():
        if os.environ.get("MRL_REQUIRE_BROWSER") == "1":
            pytest.fail("nginx not found (apt-get install nginx)")
        pytest.skip("nginx not found (apt-get install nginx)")
    return path


def _get(url: str, cookie: str | None = None, timeout: float = 10):
    req = urllib.request.Request(url, headers={"Cookie": f"mrl_replica={cookie}"} if cookie else {})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


@pytest.fixture(scope="module")
def deployed(pg_store, pg_settings, nginx_bin, chromium_path, tmp_path_factory):
    """2 replicas + nginx, as deploy/local.sh starts them, on the session's PostgreSQL store."""
    ARTIFACTS.mkdir(exist_ok=True)
    env = {"MRL_DATABASE_URL": pg_settings.database_url, "MRL_DB_SCHEMA": pg_settings.db_schema,
           "MRL_DATA_MIRROR": str(pg_settings.data_mirror), "MRL_I18N_STRICT": "1", "MRL_PUBLIC_MODE": "0",
           "STREAMLIT_SERVER_COOKIE_SECRET": "deploy-test-" + os.urandom(8).hex(),
           "STREAMLIT_SERVER_ENABLE_WEBSOCKET_COMPRESSION": "true"}  # as deploy/local.sh starts them
    replicas, prefix = [], None
    try:
        for n in (1, 2):
            replicas.append(start_app(env, ARTIFACTS / f"deploy-replica-{n}.log"))
        addrs = [base.removeprefix("http://") for _, base in replicas]
        warm = subprocess.run([sys.executable, str(ROOT / "deploy" / "warm.py"), *addrs], capture_output=True,
                              text=True, timeout=180, env={**os.environ, **env})
        assert warm.returncode == 0, warm.stderr
        # not under pytest's 0700 temp root: nginx started as root runs its workers as nobody
        prefix = Path(tempfile.mkdtemp(prefix="mrl-deploy-test-"))
        prefix.chmod(0o755)
        (prefix / "tmp").mkdir()
        static = nginx_conf.prepare_static(prefix / "static-cache")
        port = _free_port()
        conf = nginx_conf.render(replicas=addrs, listen=f"127.0.0.1:{port}", api=f"127.0.0.1:{_free_port()}",
                                 static_dir=static, prefix=prefix)
        (prefix / "nginx.conf").write_text(conf)
        nginx = subprocess.Popen([nginx_bin, "-p", str(prefix), "-c", str(prefix / "nginx.conf"),
                                  "-e", str(prefix / "error.log"), "-g", "daemon off;"],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            if nginx.poll() is not None:
                raise RuntimeError((prefix / "error.log").read_text())
            try:
                if _get(base + "/healthz")[2] == b"ok":
                    break
            except OSError:
                pass
            time.sleep(0.1)
        yield {"base": base, "prefix": prefix, "addrs": addrs}
        nginx.terminate()
        nginx.wait(10)
        for name in ("access.log", "error.log", "nginx.conf"):
            if (prefix / name).exists():
                shutil.copy(prefix / name, ARTIFACTS / f"deploy-nginx-{name}")
    finally:
        for proc, _ in replicas:
            stop_app(proc)
        if prefix is not None:
            shutil.rmtree(prefix, ignore_errors=True)


def access_log(deployed) -> list[dict]:
    lines = (deployed["prefix"] / "access.log").read_text().splitlines()
    return [m.groupdict() for m in map(LOG_LINE.search, lines) if m]


def test_affinity_spreads_browsers_and_keeps_each_on_one_replica_and_api_is_a_clear_503(deployed):
    base = deployed["base"]
    status, headers, body = _get(base + "/")
    assert status == 200 and re.match(r"mrl_replica=[0-9a-f]{32}; Path=/; HttpOnly", headers.get("Set-Cookie", ""))
    for n in range(24):
        for _ in range(3):
            assert _get(f"{base}/_stcore/health", cookie=f"visitor{n}")[2] == b"ok"
    by_cookie: dict[str, set[str]] = {}
    for line in access_log(deployed):
        if line["path"] == "/_stcore/health" and line["aff"].startswith("visitor"):
            by_cookie.setdefault(line["aff"], set()).add(line["up"])
    assert len(by_cookie) == 24
    assert all(len(ups) == 1 for ups in by_cookie.values()), by_cookie     # sticky
    assert set().union(*by_cookie.values()) == set(deployed["addrs"])      # both replicas get visitors

    status, headers, body = _get(base + "/api/v1/units")
    assert status == 503 and headers["Content-Type"] == "application/json"
    assert "not running" in json.loads(body)["error"]


def test_journey_through_nginx_profile_map_csv_with_compressed_cached_js(browser, deployed):
    web = Page(browser, deployed["base"], width=1400, height=1000)
    js, geo = [], []

    def on_response(r):
        if "/static/js/" in r.url and r.url.endswith(".js"):
            js.append((r.url, r.headers.get("content-encoding"), r.headers.get("cache-control", ""),
                       int(r.headers.get("content-length", "0"))))
        elif "/app/static/geo/" in r.url:
            geo.append((r.url, r.headers.get("content-encoding"), r.headers.get("cache-control", "")))
    web.page.on("response", on_response)
    try:
        page = web.page
        page.goto(deployed["base"] + "/profil?unit=1261011", wait_until="domcontentloaded")
        page.wait_for_function(MAIN_HAS, arg=["Kraków", "Ludność ogółem"])
        web.wait_idle()
        assert js, "no JavaScript was loaded"
        # every script of 1 kB or more arrives compressed (tiny ones, e.g. 85 bytes, gain nothing)
        plain = [j for j in js if j[1] not in ("gzip", "br")]
        assert all(size < 1024 for *_, size in plain), [j for j in plain if j[3] >= 1024][:3]
        assert len(plain) < len(js) and any("/index." in j[0] and j[1] in ("gzip", "br") for j in js)
        assert all("immutable" in cc for _, _, cc, _ in js)

        nav = page.get_by_test_id("stSidebarNav")
        nav.get_by_text("Mapa", exact=True).click()
        page.wait_for_function(ON_PAGE_IDLE, arg="/mapa")
        page.wait_for_function(MAP_READY, arg=None)
        assert geo and all(enc in ("gzip", "br") and "immutable" in cc for _, enc, cc in geo), geo
        page.get_by_test_id("stMain").get_by_test_id("stSelectbox").filter(has_text="Wskaźnik").first.click()
        page.keyboard.type("Frekwencja – wybory do Sejmu")
        page.get_by_role("option").first.click()
        page.wait_for_function(MAP_READY, arg="turnout_sejm")
        web.wait_idle()
        web.screenshot("deploy-map-through-nginx")

        nav.get_by_text("Raporty", exact=True).click()
        page.wait_for_function(ON_PAGE_IDLE, arg="/raporty")
        button = page.locator('[data-testid="stDownloadButton"]:visible').filter(has_text=re.compile(r"\bCSV\b")).first
        with page.expect_download() as info:
            button.click()
        data = Path(info.value.path()).read_bytes()
        assert data.startswith(b"\xef\xbb\xbf") and data.count(b"\r\n") >= 2
        text = data.decode("utf-8-sig")
        assert re.search(r"^Ludność ogółem;809168;", text, flags=re.M), text[:300]  # Kraków, 2024
        assert not page.get_by_test_id("stException").count()

        cookie = next(c["value"] for c in web.context.cookies() if c["name"] == "mrl_replica")
    finally:
        web.close()
    assert web.blocked == []
    # everything this browser asked the app for went to ONE replica (its cookie's); the websocket's
    # line is written when it closes
    time.sleep(0.5)
    mine = [ln for ln in access_log(deployed) if ln["aff"] == cookie and ln["up"] != "-"]
    assert any(ln["path"].endswith("/_stcore/stream") for ln in mine), mine[:5]   # websocket via nginx
    assert any(ln["path"].startswith("/media/") for ln in mine), mine[:5]         # the CSV via nginx
    assert len({ln["up"] for ln in mine}) == 1, {ln["up"] for ln in mine}
