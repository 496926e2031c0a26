"""The scale benchmark cannot rot: a tiny synthetic store built by its own generator and load path.

* the generator marks the store synthetic everywhere (meta, names, sources) and refuses the
  app's own store;
* every benchmarked query returns the app's query shapes, and the same frames from the app
  layout + Store as from the pre-scale baseline layout + NaiveStore (scans, no plan shaping);
* value_summary answers coverage/indicator_sources/indicator_years exactly like a scan of
  ``value`` — on the tiny store and on the real store, on SQLite and PostgreSQL;
* the app shows a banner when pointed at a synthetic store.
"""
from __future__ import annotations

import os
import uuid

import pandas as pd
import pytest
from sqlalchemy import delete, func, select

from bench import scale as B
from bench import synthetic as syn
from store import schema as S
from store.db import Store
from tests.conftest import ROOT

TINY = syn.SCALES["tiny"]
VALUE_COLUMNS = ["unit", "indicator", "year", "value", "source", "method", "n", "of", "flag"]


def _stores(kind: str, tmp_path_factory) -> tuple[Store, B.NaiveStore]:
    if kind == "sqlite":
        d = tmp_path_factory.mktemp("scale")
        return Store(f"sqlite:///{d / 'app.sqlite'}"), B.NaiveStore(f"sqlite:///{d / 'base.sqlite'}")
    url = os.environ.get("MRL_TEST_POSTGRES_URL")
    if not url:
        if os.environ.get("MRL_REQUIRE_POSTGRES") == "1":
            pytest.fail("MRL_TEST_POSTGRES_URL is not set but MRL_REQUIRE_POSTGRES=1")
        pytest.skip("no PostgreSQL (set MRL_TEST_POSTGRES_URL)")
    tag = uuid.uuid4().hex[:8]
    return Store(url, schema=f"mrl_test_scale_{tag}"), B.NaiveStore(url, schema=f"mrl_test_scale_base_{tag}")


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def tiny(request, tmp_path_factory):
    app, base = _stores(request.param, tmp_path_factory)
    stats = syn.build(app, TINY)
    syn.build(base, TINY, layout=B.BaselineLayout())
    yield app, base, stats
    syn.drop(app)
    syn.drop(base)


def test_the_store_says_it_is_synthetic_everywhere(tiny):
    app, _, stats = tiny
    assert stats.rows == TINY.values == 120 * 12 * 4
    meta = app.meta()
    assert meta["synthetic"] == "1" and meta["ingest_id"].startswith("synthetic-")
    units = app.units()
    assert len(units) == TINY.units and units["name"].str.fullmatch(r"SYNTETYCZNA \d{4}").all()
    assert units["note"].str.contains("not real").all()
    assert set(app.sources()["kind"]) == {"synthetic"}
    assert all(i.name_pl.startswith("SYNTETYCZNY") and "not real" in i.definition_en
               for i in app.indicators().values())


def test_units_form_a_teryt_shaped_hierarchy(tiny):
    app, _, _ = tiny
    u = app.units()
    levels = u["level"].value_counts().to_dict()
    assert levels["country"] == 1 and levels["wojewodztwo"] == 16
    assert levels["powiat"] + levels["gmina"] == TINY.units - 17
    gminy = u.loc[u["level"] == "gmina"]
    assert (gminy["parent_code"] == gminy["code"].str[:4]).all()
    assert set(gminy["parent_code"]) <= set(u.loc[u["level"] == "powiat", "code"])
    assert app.resolve_code(gminy["code"].iloc[0]) == (gminy["code"].iloc[0], "")


def test_generated_values_are_complete_and_withheld_ones_flagged(tiny):
    app, _, _ = tiny
    df = app.values()
    assert len(df) == TINY.values
    assert not df.duplicated(["unit", "indicator", "year"]).any()
    withheld = df["value"].isna()
    assert (df.loc[withheld, "flag"] == "withheld").all() and (df.loc[~withheld, "flag"] == "").all()
    higher = df["unit"].str.len() < 7
    assert (df.loc[higher, "method"] == "aggregated").all() and (df.loc[~higher, "method"] == "source").all()
    pl = df.loc[df["unit"] == "PL"]
    assert (pl["n"] == pl["of"]).all() and (pl["n"] == (app.units()["level"] == "gmina").sum()).all()


@pytest.mark.parametrize("qi", range(len(B.QUERIES)), ids=[f"{q.page}:{q.what}" for q in B.QUERIES])
def test_every_benchmarked_query_gives_the_same_answer_on_app_and_baseline(tiny, qi):
    app, base, _ = tiny
    q = B.QUERIES[qi]
    units = syn.synthetic_units(TINY.units)
    got = q.call(app, B.Params(TINY, units, seed=qi))
    want = q.call(base, B.Params(TINY, units, seed=qi))
    if isinstance(got, pd.DataFrame):
        if "value" in got.columns and "unit" in got.columns:
            assert list(got.columns) == VALUE_COLUMNS
            assert len(got) > 0
        elif {"first_year", "last_year"} <= set(got.columns):
            assert list(got.columns) == ["indicator", "source", "method", "first_year", "last_year", "count"]
        keys = [c for c in ("indicator", "unit", "level", "year", "source", "method", "code", "key") if c in got]
        got = got.sort_values(keys).reset_index(drop=True)
        want = want.sort_values(keys).reset_index(drop=True)
        pd.testing.assert_frame_equal(got, want, check_dtype=False)
        # value rows keep the app's documented order: indicator, unit, year
        if list(got.columns) == VALUE_COLUMNS:
            raw = q.call(app, B.Params(TINY, units, seed=qi))
            assert raw[["indicator", "unit", "year"]].equals(
                raw[["indicator", "unit", "year"]].sort_values(["indicator", "unit", "year"]))
    elif isinstance(got, dict) and got and isinstance(next(iter(got.values())), str):  # meta
        assert got.keys() == want.keys()
    else:
        assert got == want


def test_coverage_from_the_summary_has_its_shape_and_counts_non_null_values(tiny):
    app, _, _ = tiny
    cov = app.coverage()
    assert list(cov.columns) == ["indicator", "level", "year", "count"]
    assert str(cov["count"].dtype) == "int64"
    assert len(cov) == TINY.indicators * 4 * TINY.years
    df = app.values()
    assert cov["count"].sum() == df["value"].notna().sum()


def test_partial_summary_refresh_recounts_only_the_given_indicators(tiny):
    app, _, _ = tiny
    before = app.coverage().sort_values(["indicator", "level", "year"]).reset_index(drop=True)
    with app.engine.begin() as conn:
        conn.execute(delete(S.value_summary))
        app.refresh_summary(conn, indicators=[syn.indicator_id(2)])
    only = app.coverage()
    assert set(only["indicator"]) == {syn.indicator_id(2)}
    app.refresh_summary()
    after = app.coverage().sort_values(["indicator", "level", "year"]).reset_index(drop=True)
    pd.testing.assert_frame_equal(before, after)


def test_the_app_layout_is_the_scale_schema(tiny):
    app, _, _ = tiny
    with app.engine.connect() as conn:
        if app.is_sqlite:
            ddl = conn.exec_driver_sql("SELECT sql FROM sqlite_master WHERE name = 'value'").scalar()
            assert "WITHOUT ROWID" in ddl
            cols = [r[2] for r in conn.exec_driver_sql("PRAGMA index_info('ix_value_unit')")]
            assert cols[:3] == ["unit_sk", "indicator_sk", "year"] and "value" in cols
            assert conn.exec_driver_sql("SELECT count(*) FROM sqlite_stat1").scalar() > 0
        else:
            ddl = conn.exec_driver_sql(
                "SELECT indexdef FROM pg_indexes WHERE schemaname = %(s)s AND indexname = 'ix_value_unit'",
                {"s": app.schema}).scalar()
            assert "INCLUDE (value, source_sk, method, n, of, flag)" in ddl
    n = app._read(select(func.count()).select_from(S.value_summary)).iloc[0, 0]
    assert n == TINY.indicators * 4 * TINY.years  # one source and one method per indicator/level


@pytest.mark.parametrize("target", ["sqlite:///{root}/data/mrl.sqlite", "postgresql+psycopg://x@127.0.0.1/db"])
def test_the_generator_refuses_the_apps_store(target):
    store = Store(target.format(root=ROOT), schema="mrl")
    with pytest.raises(ValueError):
        syn.build(store, TINY)


def test_summary_answers_like_a_scan_on_the_real_store(any_store):
    def norm(df, keys):
        return df.sort_values(keys).reset_index(drop=True)

    cov = any_store.coverage()
    scan = any_store._read(any_store._coverage_scan())
    pd.testing.assert_frame_equal(norm(cov, ["indicator", "level", "year"]),
                                  norm(scan, ["indicator", "level", "year"]), check_dtype=False)
    src = any_store.indicator_sources()
    scan = any_store._read(any_store._indicator_sources_scan()).assign(
        method=lambda d: d["method"].map(S.METHODS))
    pd.testing.assert_frame_equal(norm(src, ["indicator", "source", "method"]),
                                  norm(scan, ["indicator", "source", "method"]), check_dtype=False)
    for ind, level in [("population_total", "gmina"), ("population_total", None), ("turnout_sejm", "powiat"),
                       ("crimes_total", "powiat"), ("crimes_total", "gmina")]:
        scan = sorted(int(y) for y in any_store._read(any_store._indicator_years_scan(ind, level))["year"])
        assert any_store.indicator_years(ind, level) == scan
    # Kraków's population exists 2002-2024 in the sources; the summary knows every year it has
    assert {2010, 2017, 2024} <= set(any_store.indicator_years("population_total", "gmina"))


def test_app_shows_a_synthetic_banner_on_a_synthetic_store(tmp_path, monkeypatch):
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    db = tmp_path / "pytest_synthetic.sqlite"
    store = Store(f"sqlite:///{db}")
    syn.build(store, TINY)
    store.dispose()
    monkeypatch.setenv("MRL_DATABASE_URL", f"sqlite:///{db}")
    st.cache_data.clear()
    st.cache_resource.clear()
    for lang, banner in (("pl", "DANE SYNTETYCZNE"), ("en", "SYNTHETIC DATA")):
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
        at.query_params["lang"] = lang
        at.run()
        assert not at.exception
        assert any(banner in e.value for e in at.error), lang
    st.cache_data.clear()
    st.cache_resource.clear()


def test_the_real_store_has_no_synthetic_banner(app):
    app.run()
    assert not app.exception
    assert not any("SYNTETYCZNE" in e.value for e in app.error)
