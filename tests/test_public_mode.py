"""The public citizen deployment (MRL_PUBLIC_MODE=1): data management and saved-area
administration are not reachable — not drawn, refused by their callbacks and services — while
the map, profile, comparisons, reports and exports keep working. No CLI-only action (ingest) is
reachable from any UI module."""
from __future__ import annotations

import ast

import pytest

from tests.astutil import parse as parse_source
from tests.conftest import ROOT

AREA = "1206113,1206172,1219053,1261011"


@pytest.fixture
def public_app(app, monkeypatch):
    monkeypatch.setenv("MRL_PUBLIC_MODE", "1")
    return app


def run(at, page: str, **params):
    at.switch_page(page)
    for k, v in params.items():
        at.query_params[k] = v
    at.run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    return at


def all_texts(at) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption] + [i.value for i in at.info]
    parts += [w.value for w in at.warning] + [s.value for s in at.success]
    return "\n".join(str(p) for p in parts)


def test_data_page_is_not_registered(public_app):
    at = public_app
    at.run()
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("pages/dane.py")
    nav = [str(p) for p in at.get("navigation")] if at.get("navigation") else []
    assert not any("dane" in p and "o-danych" not in p for p in nav)


@pytest.mark.parametrize("page,params,expect", [
    ("pages/mapa.py", {"unit": "1261011"}, "plotly_chart"),
    ("pages/profil.py", {"unit": "1261011"}, "metric"),
    ("pages/porownania.py", {"unit": "1261011"}, "plotly_chart"),
    ("pages/raporty.py", {"unit": "1261011"}, "download_button"),
    ("pages/obszary.py", {"area": AREA}, "download_button"),
    ("pages/start.py", {"unit": "1261011"}, "download_button"),
    ("pages/o_danych.py", {}, "dataframe"),
])
def test_public_pages_still_work(public_app, page, params, expect):
    at = run(public_app, page, **params)
    found = getattr(at, expect) if expect in ("metric", "dataframe") else at.get(expect)
    assert len(found), f"{page}: no {expect} in the public version"


def test_areas_page_offers_no_save_delete_or_rename(public_app):
    at = run(public_app, "pages/obszary.py", area=AREA)
    labels = {b.label for b in at.button}
    assert not labels & {"Zapisz jako nowy", "Zapisz zmiany", "Usuń zapisany obszar", "Tak, usuń"}, labels
    assert "W wersji publicznej nie można zapisywać" in all_texts(at)


def test_forged_session_state_cannot_reach_delete(public_app, sqlite_store, monkeypatch):
    """A stale tab or forged state (a loaded saved area, a pending delete confirmation) draws no
    delete controls and deletes nothing in the public version."""
    monkeypatch.setenv("MRL_PUBLIC_MODE", "0")
    area_id = sqlite_store.save_area("Test publiczny", AREA, None)
    monkeypatch.setenv("MRL_PUBLIC_MODE", "1")
    try:
        at = public_app
        at.session_state["ar_loaded"] = int(area_id)
        at.session_state["ar_confirm_delete"] = True
        run(at, "pages/obszary.py", area=AREA)
        labels = {b.label for b in at.button}
        assert "Tak, usuń" not in labels and "Usuń zapisany obszar" not in labels
        assert int(area_id) in set(sqlite_store.saved_areas()["id"])
    finally:
        sqlite_store.delete_area(int(area_id))


def test_services_refuse_writes_in_public_mode(app_env, monkeypatch, sqlite_store):
    for k, v in app_env.items():
        monkeypatch.setenv(k, v)
    monkeypatch.setenv("MRL_PUBLIC_MODE", "1")
    from services import areas as svc_areas
    from services import data as svc_data

    before = set(sqlite_store.saved_areas()["id"])
    with pytest.raises(svc_areas.PublicModeError):
        svc_areas.save_area("Nie zapisze się", tuple(AREA.split(",")))
    with pytest.raises(svc_areas.PublicModeError):
        svc_areas.delete_area(1)
    with pytest.raises(svc_data.PublicModeError):
        svc_data.delete_indicator("population_total")
    with pytest.raises(svc_data.PublicModeError):
        svc_data.fetch_bdl(60270, "gmina", [2019], rule="sum", polarity="neutral")
    assert set(sqlite_store.saved_areas()["id"]) == before
    assert "population_total" in sqlite_store.indicators()


UI_MODULES = [p for d in ("pages", "components", "presentation", "services") for p in sorted((ROOT / d).glob("*.py"))]
UI_MODULES.append(ROOT / "app.py")
CLI_ONLY = ("store.ingest", "cli", "subprocess", "bench", "os.system")


@pytest.mark.parametrize("path", UI_MODULES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_no_cli_only_action_is_reachable_from_the_ui(path):
    """The store is (re)built by ``python cli.py ingest`` only: no UI module imports the ingest,
    the CLI, the benchmarks or a process launcher."""
    tree = parse_source(path.read_text(encoding="utf-8"))
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported |= {node.module} | {f"{node.module}.{a.name}" for a in node.names}
        elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "os":
            imported.add(f"os.{node.attr}")
    bad = sorted(m for m in imported if any(m == c or m.startswith(c + ".") for c in CLI_ONLY))
    assert bad == []
