"""Ingest: atomic swap, idempotency, user rows carried over — on SQLite and PostgreSQL."""
import hashlib
import shutil
import uuid
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import text

from store.db import Store
from store.ingest import IngestError, ingest


def _digest(store: Store) -> str:
    df = store.values(units=["1261011", "12", "PL"]).sort_values(["unit", "indicator", "year"])
    return hashlib.sha256(df.to_csv(index=False).encode()).hexdigest()


@pytest.fixture
def sqlite_copy(sqlite_store, sqlite_settings, tmp_path):
    """A private copy of the session store to mutate."""
    path = tmp_path / "live.sqlite"
    shutil.copy(sqlite_settings.sqlite_path, path)
    settings = replace(sqlite_settings, database_url=f"sqlite:///{path}")
    return settings, Store(settings.database_url)


@pytest.fixture
def pg_copy(pg_store, pg_settings):
    """A fresh PostgreSQL schema holding a full store, dropped afterwards."""
    settings = replace(pg_settings, db_schema=f"mrl_t_{uuid.uuid4().hex[:8]}")
    yield settings, Store(settings.database_url, schema=settings.db_schema)
    with pg_store.engine.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{settings.db_schema}" CASCADE'))


@pytest.fixture(params=["sqlite", "postgres"])
def live(request, prepared):
    settings, store = request.getfixturevalue("sqlite_copy" if request.param == "sqlite" else "pg_copy")
    if not store.is_sqlite:
        ingest(settings, prepared=prepared)
    yield settings, store
    store.dispose()


def _leftovers(settings, store) -> list[str]:
    if store.is_sqlite:
        return [p.name for p in Path(settings.sqlite_path).parent.glob("*.tmp-*")]
    with store.engine.connect() as conn:
        rows = conn.execute(text("SELECT schema_name FROM information_schema.schemata WHERE schema_name LIKE :p"),
                            {"p": settings.db_schema + "_%"}).all()
    return [r[0] for r in rows]


@pytest.mark.parametrize("phase", ["prepare", "write"])
def test_failed_ingest_leaves_previous_store_intact(live, prepared, phase):
    settings, store = live
    before = _digest(store)
    store.save_area("Krakowski Obszar Funkcjonalny", "1206032,1261011")
    with pytest.raises(IngestError):
        ingest(settings, prepared=prepared, fail_after=phase)
    assert _digest(store) == before
    assert store.saved_areas()["name"].tolist() == ["Krakowski Obszar Funkcjonalny"]
    assert _leftovers(settings, store) == []


def test_reingest_is_idempotent_and_keeps_saved_areas(live, prepared):
    settings, store = live
    before, meta = _digest(store), store.meta()
    area_id = store.save_area("Obszar testowy", "1261011,1206011")
    ingest(settings, prepared=prepared)
    assert _digest(store) == before
    assert store.meta()["ingest_id"] != meta["ingest_id"]
    areas = store.saved_areas()
    assert areas[["id", "name", "definition"]].values.tolist() == [[area_id, "Obszar testowy", "1261011,1206011"]]
    assert _leftovers(settings, store) == []


def test_missing_mirror_is_a_clear_error(sqlite_settings, tmp_path):
    settings = replace(sqlite_settings, data_mirror=tmp_path / "nope", database_url=f"sqlite:///{tmp_path}/x.sqlite")
    with pytest.raises(IngestError, match="data mirror not found"):
        ingest(settings)
    assert not (tmp_path / "x.sqlite").exists()


def test_reconciliation_report_flags_fire_rows_whose_name_is_not_their_code(any_store):
    """Issue 18: 'Sawin' coded 060303 is summed into Chełm — the report names it."""
    from loaders.gus_tables import NAME_MISMATCH
    rep = any_store.report()
    row = rep.loc[(rep["dataset"] == "psp_incidents_2023_2024") & (rep["detail"] == NAME_MISMATCH)]
    assert len(row) == 1 and int(row["count"].iloc[0]) == 17
    assert "Sawin → 060303 Chełm" in row["examples"].iloc[0] or "→" in row["examples"].iloc[0]
