"""Key journey in a real browser: on /strategia, import a plan file for a gmina, see the statuses,
open the plan's permalink; a bad file is refused with row and column and saves nothing.
Screenshots at 1600 px and on a 390 px phone."""
import re

import pytest

from tests.e2e.conftest import Page
from tests.test_strategy_cli import PLAN_CSV

pytestmark = pytest.mark.browser

NAME = "Strategia Liszki (e2e)"


@pytest.fixture
def plans_cleanup(sqlite_store):
    before = set(sqlite_store.plans()["id"])
    yield sqlite_store
    for i in set(sqlite_store.plans()["id"]) - before:
        sqlite_store.delete_plan(int(i))


def test_import_plan_and_see_statuses(browser, live_app, tmp_path, plans_cleanup):
    web = Page(browser, live_app, width=1600, height=2400)
    try:
        page = web.open("/strategia?unit=1206072")
        page.get_by_text("Importuj plan z pliku").click()
        web.wait_idle()
        # a bad file first: nothing saved, the row and column are named
        bad = tmp_path / "zly.csv"
        bad.write_text(PLAN_CSV.replace("sewerage_pct", "kanaliza"), encoding="utf-8")
        page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(bad))
        web.wait_idle()
        page.get_by_role("button", name="Importuj plan").click()
        web.wait_idle()
        page.get_by_text("nic nie zostało zapisane").wait_for()
        page.get_by_text(re.compile(r"wiersz 5, kolumna „wskaźnik”: nieznany wskaźnik „kanaliza”")).wait_for()
        assert plans_cleanup.plans("1206072").empty
        # the good file
        good = tmp_path / "strategia.csv"
        good.write_text(PLAN_CSV, encoding="utf-8")
        page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(good))
        web.wait_idle()
        web.screenshot("strategy-bad-file")
        page.get_by_label("Nazwa planu (pusta = nazwa pliku)").fill(NAME)
        page.get_by_label("Nazwa planu (pusta = nazwa pliku)").press("Enter")
        web.wait_idle()
        page.get_by_role("button", name="Importuj plan").click()
        web.wait_idle()
        page.get_by_text("5 wskaźników docelowych: 3 na dobrej drodze, 2 poza ścieżką.").wait_for()
        assert page.get_by_text("▲ na dobrej drodze").count() >= 3
        assert page.get_by_text("▼ poza ścieżką").count() >= 2
        page.locator(".js-plotly-plot").first.wait_for()
        page.wait_for_timeout(1500)
        plan_id = int(plans_cleanup.plans("1206072")["id"].max())
        assert f"plan={plan_id}" in page.url
        web.screenshot("strategy-1600")
    except Exception:
        web.screenshot("FAILED-strategy-import")
        raise
    finally:
        web.close()
    assert web.blocked == []

    # the permalink in a fresh browser context shows the same plan — and on a phone
    phone = Page(browser, live_app, width=390, height=2400, is_mobile=True, has_touch=True)
    try:
        page = phone.open(f"/strategia?unit=1206072&plan={plan_id}&lang=en")
        page.get_by_text("5 targets: 3 on track, 2 off track.").wait_for()
        page.locator(".js-plotly-plot").first.wait_for()
        page.wait_for_timeout(1500)
        phone.screenshot("strategy-390")
        overflow = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 1
    finally:
        phone.close()
    assert phone.blocked == []
