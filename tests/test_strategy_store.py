"""Strategy plans in the store (SQLite and PostgreSQL): save, replace, delete, version bump,
atomic writes, carry-over through a re-ingest."""
from __future__ import annotations

import json
from dataclasses import replace

import pandas as pd
import pytest

from domain import strategy as D


def _plan(name="Strategia testowa", subject="1206072") -> D.Plan:
    return D.Plan(name, subject, (D.Goal("1", "Ludność"), D.Goal("1.1", "Osiedlanie")),
                  (D.Target("1.1", "population_total", 2015, 16815.0, 2030, 19000.0,
                            (D.Milestone(2020, 17500.0),)),),
                  (D.Project("Osiedle", "1.1", 2_500_000.0, 2024, 2027, "in_progress", "Urząd Gminy"),))


def _save(store, plan: D.Plan, plan_id=None) -> int:
    return store.save_plan(name=plan.name, subject=plan.subject, adopted=2021,
                           document=json.dumps(D.to_document(plan), ensure_ascii=False), plan_id=plan_id)


def test_save_read_replace_delete(any_store):
    store = any_store
    v0 = store.meta()["ingest_id"]
    pid = _save(store, _plan())
    v1 = store.meta()["ingest_id"]
    assert v1 != v0  # every user write changes the version all caches are keyed by
    row = store.plan_row(pid)
    assert row["name"] == "Strategia testowa" and row["subject"] == "1206072" and row["adopted"] == 2021
    back = D.from_document(json.loads(row["document"]), name=row["name"], subject=row["subject"])
    assert back.targets[0].milestones == (D.Milestone(2020, 17500.0),)
    assert back.projects[0].budget == 2_500_000.0
    assert pid in store.plans("1206072")["id"].tolist()
    assert pid not in store.plans("1261011")["id"].tolist()
    pid2 = _save(store, _plan("Druga"))
    assert pid2 == pid + 1
    _save(store, replace(_plan("Druga, poprawiona")), plan_id=pid2)
    assert store.plan_row(pid2)["name"] == "Druga, poprawiona"
    v2 = store.meta()["ingest_id"]
    assert store.delete_plan(pid2) and store.meta()["ingest_id"] != v2
    assert store.plan_row(pid2) is None and not store.delete_plan(pid2)
    assert store.delete_plan(pid)


def test_failed_write_leaves_previous_plans_intact(any_store, monkeypatch):
    store = any_store
    pid = _save(store, _plan())
    before = store.plans()
    version = store.meta()["ingest_id"]

    def boom(conn):
        raise RuntimeError("killed")
    monkeypatch.setattr(store, "_bump_version", boom)
    with pytest.raises(RuntimeError):
        _save(store, _plan("Nowa"))  # the insert ran, then the transaction died
    with pytest.raises(RuntimeError):
        _save(store, _plan("Zastąpiona"), plan_id=pid)
    monkeypatch.undo()
    pd.testing.assert_frame_equal(store.plans(), before)
    assert store.plan_row(pid)["name"] == "Strategia testowa"
    assert store.meta()["ingest_id"] == version
    store.delete_plan(pid)


def test_plans_survive_a_reingest(tmp_path, sqlite_settings, prepared):
    """A re-ingest builds a new store and carries the plans over with their ids."""
    import shutil

    from store.db import Store
    from store.ingest import ingest

    db = tmp_path / "copy.sqlite"
    shutil.copy(sqlite_settings.sqlite_path, db)
    settings = replace(sqlite_settings, database_url=f"sqlite:///{db}")
    store = Store(settings.database_url)
    pid = _save(store, _plan())
    pid2 = _save(store, _plan("Obszar", "1206032,1206072"))
    doc = store.plan_row(pid)["document"]
    store.dispose()
    ingest(settings, prepared=prepared)
    new = Store(settings.database_url)
    assert new.plan_row(pid)["document"] == doc
    assert new.plan_row(pid2)["subject"] == "1206032,1206072"
    rep = new.report()
    assert ((rep["dataset"] == "user_data") & (rep["detail"].str.contains("strategy plans"))
            & (rep["count"] == 2)).any()
    assert _save(new, _plan("Trzecia")) == pid2 + 1  # ids continue after the carried ones
    new.dispose()


def test_store_without_plan_table(tmp_path, sqlite_settings):
    """A store built before plans existed: no plans, and the first save creates the table."""
    import shutil
    import sqlite3

    from store.db import Store

    db = tmp_path / "old.sqlite"
    shutil.copy(sqlite_settings.sqlite_path, db)
    with sqlite3.connect(db) as c:
        c.execute("DROP TABLE IF EXISTS plan")
    store = Store(f"sqlite:///{db}")
    assert store.plans().empty and store.plan_row(1) is None and not store.delete_plan(1)
    assert store.user_data_dump()["plan"].empty
    assert _save(store, _plan()) == 1
    store.dispose()
