"""bench/load_ws.py's protocol client against a real app server (no browser): a page load with a
permalink, a sidebar navigation and a widget change give the right content, and a script error
is counted as an error."""
from __future__ import annotations

import asyncio
import concurrent.futures

import pytest

from bench.load_ws import NEW_INDICATOR, ProtoClient
from tests.conftest import ROOT
from tests.e2e.conftest import start_app, stop_app

ARTIFACTS = ROOT / "test-artifacts"


def _serve(env: dict[str, str], log_name: str, **kw):
    ARTIFACTS.mkdir(exist_ok=True)
    proc, url = start_app(env, ARTIFACTS / log_name, **kw)
    return proc, url


def run_async(coro):
    """Run a coroutine on its own loop in a worker thread: in the full suite Playwright's sync API
    (session-scoped browser fixture) keeps an event loop running in the main thread."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()


@pytest.fixture(scope="module")
def ws_app(app_env):
    proc, url = _serve(app_env, "load-ws-app.log")
    yield url
    stop_app(proc)


def test_profile_permalink_navigation_and_widget_change(ws_app):
    async def journey():
        c = ProtoClient(ws_app, 60)
        await c.connect()
        try:
            profile = await c.rerun(query_string="unit=1261011", page_name="profil")
            mapa = await c.rerun(page_script_hash=c.pages["mapa"])
            box = next(sb for _, sb in mapa.selectboxes if sb.id.endswith("-map_indicator"))
            option = next(o for o in box.options if o.endswith(NEW_INDICATOR[1]))
            from streamlit.proto.WidgetStates_pb2 import WidgetState
            changed = await c.rerun(page_script_hash=c.pages["mapa"],
                                    widgets=[WidgetState(id=box.id, string_value=option)])
            return profile, mapa, changed
        finally:
            await c.close()

    profile, mapa, changed = run_async(journey())
    assert profile.errors == [] and mapa.errors == [] and changed.errors == []
    assert "Kraków — miasto na prawach powiatu (1261011)" in profile.texts  # the profile's h2
    assert "Ludność ogółem" in profile.texts
    assert profile.bytes > 50_000 and profile.messages > 50
    # the sidebar navigation kept the unit (session state), the map shows the default indicator
    maps = {cid.rsplit("-", 1)[1]: ind for _, cid, ind in mapa.charts}
    assert maps.get("map_chart_gmina") == "population_density"
    assert {cid.rsplit("-", 1)[1]: ind for _, cid, ind in changed.charts}.get("map_chart_gmina") == NEW_INDICATOR[0]


def test_script_exception_is_counted(tmp_path, app_env):
    script = tmp_path / "broken.py"
    script.write_text('import streamlit as st\nst.title("before")\nraise ValueError("load_ws test")\n')
    proc, url = _serve(app_env, "load-ws-broken.log", script=script, cwd=tmp_path)

    async def once():
        c = ProtoClient(url, 30)
        await c.connect()
        try:
            return await c.rerun()
        finally:
            await c.close()

    try:
        run = run_async(once())
    finally:
        stop_app(proc)
    assert "before" in run.texts
    assert any(e.startswith("exception element: ValueError") for e in run.errors), run.errors
