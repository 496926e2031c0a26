"""Key journeys of the data page in a real browser, on private copies of the store: a messy
Windows-1250 CSV uploaded, previewed, described and stored, then read on the start page; and the
public deployment answering /dane with a notice."""
from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from store.db import Store
from tests.e2e.conftest import ARTIFACTS, Page, start_app

pytestmark = pytest.mark.browser

SURVEY = ("Kod TERYT;Nazwa;2023;2024\n"
          "1261011;Kraków;71,5;72,3\n"
          "1465011;Warszawa;68,0;69,9\n"
          "1465011;Warszawa;68,0;69,9\n"      # duplicated row, same values: kept once
          "021803;Miękinia;55,5;56,0\n"        # 6-digit code of a gmina whose type digit changed
          ";gm. Bochnia;60,1;61,2\n"           # a name instead of a code
          "0299011;Nieznana;50;51\n"           # unknown code
          "Źródło: ankieta mieszkańców 2024;;;\n")


def _serve(app_env, tmp_path, sqlite_settings, name, **extra):
    db = tmp_path / f"{name}.sqlite"
    shutil.copy(sqlite_settings.sqlite_path, db)
    env = {**app_env, "MRL_DATABASE_URL": f"sqlite:///{db}", "MRL_CACHE_DIR": str(tmp_path / "cache"), **extra}
    ARTIFACTS.mkdir(exist_ok=True)
    proc, url = start_app(env, ARTIFACTS / f"app-{name}.log")
    return proc, url, db


def _stop(proc):
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture
def private_app(app_env, tmp_path, sqlite_settings, chromium_path):
    proc, url, db = _serve(app_env, tmp_path, sqlite_settings, "data-private")
    yield url, db
    _stop(proc)


@pytest.fixture
def public_app(app_env, tmp_path, sqlite_settings, chromium_path):
    proc, url, _ = _serve(app_env, tmp_path, sqlite_settings, "data-public", MRL_PUBLIC_MODE="1")
    yield url
    _stop(proc)


def test_upload_preview_store_and_see_it_on_the_start_page(browser, private_app, tmp_path):
    url, db = private_app
    web = Page(browser, url, height=1600)
    try:
        _nav(web.open("/"))  # the first run of app.py switches Streamlit from pages/ discovery to st.navigation
        page = web.open("/dane")
        page.get_by_role("tab", name="Własne dane").click()
        csv = tmp_path / "ankieta_2024.csv"
        csv.write_bytes(SURVEY.encode("cp1250"))
        page.locator('input[type="file"]').set_input_files(str(csv))
        page.get_by_text("Dopasowane wiersze", exact=True).wait_for()
        web.wait_idle()
        body = page.locator('[data-testid="stMain"]').inner_text()
        assert "do 10 MB" in body  # the size limit is stated
        assert re.search(r"Dopasowane wiersze\s+5\b", body) and re.search(r"Niedopasowane wiersze\s+1\b", body)
        assert "Powtórzone wiersze 3,4 (1465011: 2023, 2024)" in body and "kodowanie cp1250" in body
        web.screenshot("data-upload-preview")
        page.get_by_label("Nazwa (po polsku)").fill("Zadowolenie z komunikacji publicznej")
        page.get_by_label("Jednostka miary").fill("%")
        page.get_by_role("button", name=re.compile("Zapisz wskaźnik")).click()
        page.get_by_text("Zapisano wskaźnik").wait_for()
        web.wait_idle()
        assert "own_zadowolenie_z_komunikacji_publicznej" in page.get_by_text("Zapisano wskaźnik").inner_text()
        web.screenshot("data-upload-saved")
        store = Store(f"sqlite:///{db}")
        vals = store.values(indicators=["own_zadowolenie_z_komunikacji_publicznej"]).set_index(["unit", "year"])
        assert vals.loc[("1261011", 2024), "value"] == 72.3 and vals.loc[("0218033", 2023), "value"] == 55.5
        assert vals.loc[("1201022", 2024), "value"] == 61.2 and len(vals) == 8  # by name; duplicate once
        assert not vals.index.get_level_values(0).str.startswith("0299").any()
        store.dispose()
        page = web.open("/?unit=1261011")
        page.get_by_test_id("stDataFrame").first.wait_for()
        web.wait_idle()
        web.screenshot("data-upload-on-start-page")  # the grid is a canvas: looked at, values asserted above
    finally:
        web.close()
    assert web.blocked == []


def _nav(page) -> list[str]:
    """Titles in the sidebar navigation once app.py's st.navigation has replaced the initial list."""
    nav = page.get_by_test_id("stSidebarNav")
    nav.get_by_text("Start", exact=True).wait_for()
    return [x.strip() for x in nav.inner_text().splitlines() if x.strip()]


def test_public_version_answers_dane_with_a_notice(browser, public_app):
    web = Page(browser, public_app)
    try:
        # the very first request of a fresh server: Streamlit may still route by the pages/ folder,
        # so pages/dane.py guards itself
        page = web.open("/dane")
        page.get_by_text("nie jest dostępne w wersji publicznej").wait_for()
        assert page.locator('input[type="file"]').count() == 0
        nav = _nav(web.open("/"))
        assert nav[0] == "Start" and "O danych" in nav and "Dane" not in nav
        page = web.open("/dane")  # now answered by app.py's hidden notice page
        page.get_by_text("nie jest dostępne w wersji publicznej").wait_for()
        assert "Dane" not in _nav(page) and page.locator('input[type="file"]').count() == 0
        page.get_by_test_id("stSidebar").get_by_text("Polski").wait_for()  # the normal sidebar, via app.py
        web.screenshot("data-public-notice")
    finally:
        web.close()
    assert web.blocked == []
