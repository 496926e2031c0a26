"""User indicators in the store (SQLite and PostgreSQL): atomic writes that bump the ingest id,
roll-ups by the chosen rule on real populations, delete, and survival of a full re-ingest."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from store.db import StoreError
from store.ingest import ingest
from domain.matching import match_values, suggest_rule
from loaders.bdl_fetch import fetch as fetch_bdl
from store.user_data import UserDataError, check_text, import_bdl, import_own, unit_index
from tests.bdl_replay import data_results, gmina_units_with_parts
from tests.test_bdl_api import VAR, build_replay, samples  # noqa: F401 - fixtures
from tests.test_ingest import live, pg_copy, sqlite_copy  # noqa: F401 - fixtures


def own_values(store, powiat: str, year: int, fn) -> pd.DataFrame:
    """A resident-survey-like value for every current gmina of a powiat (rows as from a file)."""
    g = store.units("gmina")
    g = g.loc[g["parent_code"] == powiat].reset_index(drop=True)
    return pd.DataFrame({"row": np.arange(2, len(g) + 2), "code": g["code"], "name": "", "year": year,
                         "value": [fn(i) for i in range(len(g))]})


def save_survey(store, powiat="1206", rule="weighted_mean", name="Zadowolenie z usług publicznych"):
    vals = own_values(store, powiat, 2024, lambda i: 50 + i)
    m = match_values(vals, unit_index(store))
    res = import_own(store, m, name_pl=name, unit_pl="%", polarity="higher_better", rule=rule,
                     publisher="Urząd Gminy — ankieta mieszkańców 2024", filename="ankieta.xlsx")
    return res, vals


@pytest.fixture
def store(sqlite_copy):  # noqa: F811 - writes are backend-neutral SQL; PostgreSQL is covered by the re-ingest test
    return sqlite_copy[1]


def test_own_indicator_weighted_by_real_population(store):
    before = store.meta()["ingest_id"]
    res, vals = save_survey(store)
    assert store.meta()["ingest_id"] != before  # every app cache is keyed by it
    ind = store.indicators()["own_zadowolenie_z_uslug_publicznych"]
    assert (ind.category, ind.polarity, ind.unit_pl, ind.aggregation.weight) == ("own", "higher_better", "%",
                                                                                 "population_total")
    pop = store.values(indicators=["population_total"], years=[2024], level="gmina").set_index("unit")["value"]
    v = vals.set_index("code")["value"]
    expected = (v * pop[v.index]).sum() / pop[v.index].sum()
    row = store.values(units=["1206"], indicators=[ind.id]).iloc[0]
    assert row["method"] == "aggregated" and row["value"] == pytest.approx(expected) and row["n"] == row["of"] == 17
    woj = store.values(units=["12"], indicators=[ind.id]).iloc[0]
    assert math.isnan(woj["value"]) and woj["flag"] == "withheld"  # 17 of 182 gminy
    src = store.sources().set_index("id").loc[ind.id]
    assert src["kind"] == "own" and src["publisher_pl"].startswith("Urząd Gminy") and src["vintage"] == "2024"
    assert res.values == 17 and res.aggregated == 1 and res.withheld == 2


def test_rule_none_stores_members_only(store):
    res, _ = save_survey(store, rule="none", name="Ocena dróg gminnych")
    assert res.aggregated == 0
    ind = store.indicators()["own_ocena_drog_gminnych"]
    assert ind.levels == ("gmina",) and ind.aggregation.rule == "none"
    assert store.values(units=["1206", "12", "PL"], indicators=[ind.id]).empty


def test_sum_of_counts_matches_hand_sum(store):
    vals = own_values(store, "1201", 2023, lambda i: 10 * (i + 1))
    m = match_values(vals, unit_index(store))
    import_own(store, m, name_pl="Liczba wolontariuszy", unit_pl="osoby", rule="sum")
    row = store.values(units=["1201"], indicators=["own_liczba_wolontariuszy"]).iloc[0]
    assert row["value"] == sum(10 * (i + 1) for i in range(len(vals)))


def test_replacing_an_own_indicator_replaces_all_its_values(store):
    save_survey(store, rule="none", name="Ocena dróg gminnych")
    vals = own_values(store, "1201", 2025, lambda i: 1.5)
    import_own(store, match_values(vals, unit_index(store)), name_pl="Ocena dróg gminnych",
               unit_pl="pkt", rule="none")
    df = store.values(indicators=["own_ocena_drog_gminnych"])
    assert set(df["unit"].str[:4]) == {"1201"} and set(df["year"]) == {2025}


def test_delete_removes_values_source_and_bumps_version(store):
    res, _ = save_survey(store)
    v = store.meta()["ingest_id"]
    assert store.delete_user_indicator(res.indicator)
    assert res.indicator not in store.indicators() and res.indicator not in set(store.sources()["id"])
    assert store.values(indicators=[res.indicator]).empty and store.meta()["ingest_id"] != v
    assert not store.delete_user_indicator("population_total")  # catalogue indicators stay


def test_a_catalogue_id_cannot_be_overwritten_and_nothing_changes(store):
    before = store.meta()["ingest_id"]
    with pytest.raises(StoreError):
        store.write_user_indicator(spec={"id": "population_total", "category": "own"}, origin="own",
                                   source={"id": "x"}, values=pd.DataFrame(columns=["unit"]))
    assert store.meta()["ingest_id"] == before
    assert store.indicator_specs().set_index("id").loc["population_total", "origin"] == "catalogue"


def test_reingest_keeps_own_and_bdl_api_indicators(live, prepared, samples):  # noqa: F811
    settings, store = live
    r = build_replay(samples, store.units(), page_size=5)
    try:
        from loaders.bdl_api import BdlClient

        with BdlClient(r.base_url, cache_dir=None, sleep=lambda s: None) as c:
            import_bdl(store, fetch_bdl(c, VAR, "gmina", [2018, 2024]), rule="sum")
    finally:
        r.stop()
    save_survey(store)
    area = store.save_area("Obszar testowy", "1261011,1206011")
    before = store.values(indicators=["bdl_10", "own_zadowolenie_z_uslug_publicznych"]).sort_values(
        ["indicator", "unit", "year"]).reset_index(drop=True)
    specs = store.indicator_specs().set_index("id")
    ingest(settings, prepared=prepared)
    after = store.values(indicators=["bdl_10", "own_zadowolenie_z_uslug_publicznych"]).sort_values(
        ["indicator", "unit", "year"]).reset_index(drop=True)
    pd.testing.assert_frame_equal(before, after)
    new_specs = store.indicator_specs().set_index("id")
    for i in ("bdl_10", "own_zadowolenie_z_uslug_publicznych"):
        assert new_specs.loc[i, "spec"] == specs.loc[i, "spec"] and new_specs.loc[i, "origin"] == specs.loc[i, "origin"]
    assert set(store.sources().query("kind != 'mirror'")["id"]) == {"bdl_api_10", "own_zadowolenie_z_uslug_publicznych"}
    assert store.saved_areas()["id"].tolist() == [area]
    rep = store.report()
    carried = rep.loc[(rep["dataset"] == "user_data") & (rep["category"] == "carried_over")]
    assert carried["count"].tolist() == [2]


@pytest.mark.parametrize("text,ok", [
    ("Zadowolenie mieszkańców (%)", True), ("Ocena 1–5, średnia", True), ("=HYPERLINK(\"x\")", False),
    ("+48", False), ("@foo", False), ("[klik](http://evil)", False), ("<script>", False), ("a $x$", False),
    ("", False), ("x" * 201, False),
])
def test_check_text(text, ok):
    if ok:
        assert check_text(text, "name") == text
    else:
        with pytest.raises(UserDataError):
            check_text(text, "name")


@pytest.mark.parametrize("unit,name,rule", [
    ("osoba", "Radni gmin według płci — ogółem", "sum"),
    ("zł", "Dochody budżetów gmin — ogółem", "sum"),
    ("zł", "Dochody budżetów gmin na 1 mieszkańca", "none"),
    ("%", "Udział bezrobotnych", "none"),
    ("osoba", "Przeciętne wynagrodzenie", "none"),
    ("-", "Wskaźnik obciążenia demograficznego", "none"),
])
def test_suggest_rule(unit, name, rule):
    assert suggest_rule(unit, name) == rule


def test_parts_and_regions_of_a_bdl_answer_never_reach_the_store(sqlite_store):
    units = gmina_units_with_parts(sqlite_store.units())
    rows = data_results(units)
    assert any(r["id"].endswith("4") for r in rows) and any(r["id"].endswith("5") for r in rows)
    idx = unit_index(sqlite_store)
    parts = [r["id"] for r in rows if r["id"][-1] in "45"]
    assert {idx.match(p) for p in parts} == {(None, "unmatched", "not_a_unit")}
    assert idx.match("011212001011") == ("1201011", "exact", "")
