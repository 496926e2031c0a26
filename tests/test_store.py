"""The store built from the real mirror, on SQLite and on PostgreSQL (same assertions)."""
import csv
import math

import pytest

from tests.conftest import mirror_dir


def value(store, code, indicator, year):
    df = store.values(units=[code], indicators=[indicator], years=[year])
    assert len(df) == 1, (code, indicator, year, df)
    return df.iloc[0]


@pytest.mark.parametrize("code,indicator,year,expected", [
    ("1261011", "population_total", 2017, 767_348),   # Przemo6 BDL export (SOURCES.md check)
    ("1465011", "population_total", 2017, 1_764_615),
    ("1261011", "population_total", 2024, 809_168),   # GUS table IV 2024
    ("1465011", "population_total", 2024, 1_863_845),
    ("1261011", "population_post_working", 2019, 184_173),  # welkierk ludnosc.csv
    ("1261011", "population_pre_working", 2019, 134_390),
    ("1261011", "own_revenue_total", 2019, 3_833_361_744),  # "razem" of the own-revenue table
    ("1261011", "eligible_voters_sejm", 2019, 607_616),
    ("1261011", "eligible_voters_president_r2", 2025, 626_893),
    ("1261", "crimes_total", 2013, 31_326),
    ("1261", "population_total", 2012, 758_334),      # official powiat table
    ("PL", "population_total", 2024, 37_489_087),     # POLSKA row of table IV
])
def test_real_values(any_store, code, indicator, year, expected):
    assert value(any_store, code, indicator, year)["value"] == pytest.approx(expected, abs=0.5)


def test_country_population_2019_is_the_sum_of_all_gminy_with_full_coverage(any_store):
    row = value(any_store, "PL", "population_total", 2019)
    gminy = any_store.level_values("population_total", 2019, "gmina")
    assert row["method"] == "aggregated" and (row["n"], row["of"]) == (2477, 2477)
    assert row["value"] == pytest.approx(gminy["value"].sum()) == 38_382_576  # GUS: 38,382,576


def test_wojewodztwa_add_up_to_the_country(any_store):
    woj = any_store.level_values("population_total", 2019, "wojewodztwo")
    assert len(woj) == 16
    assert woj["value"].sum() == pytest.approx(value(any_store, "PL", "population_total", 2019)["value"])


def test_turnout_is_pkw_definition_and_matches_published_percentage(any_store):
    # PKW publishes Kraków's Sejm 2019 turnout in 2019_pl_gminy.csv; we compute valid ballots / eligible
    with (mirror_dir() / "hrpunio-Data" / "2019_pl_gminy.csv").open(encoding="utf-8-sig") as fh:
        rows = {r["Kod TERYT"]: r for r in csv.DictReader(fh, delimiter=";")}
    published = float(rows["126101"]["Frekwencja"].replace(",", "."))
    ours = value(any_store, "1261011", "turnout_sejm", 2019)
    assert ours["method"] == "derived"
    assert ours["value"] == pytest.approx(published, abs=0.005)


def test_powiat_turnout_is_ratio_of_sums(any_store):
    members = any_store.values(indicators=["valid_ballots_sejm", "eligible_voters_sejm"], years=[2019],
                               level="gmina")
    members = members.loc[members["unit"].str.startswith("1206")]  # powiat krakowski
    sums = members.groupby("indicator")["value"].sum()
    row = value(any_store, "1206", "turnout_sejm", 2019)
    assert row["value"] == pytest.approx(sums["valid_ballots_sejm"] / sums["eligible_voters_sejm"] * 100)
    assert row["n"] == row["of"] == members["unit"].nunique() == 17


def test_every_value_carries_source_and_method(any_store):
    df = any_store.values(units=["1261011", "12", "PL"])
    assert df["source"].notna().all() and df["method"].isin(["source", "aggregated", "derived"]).all()
    sources = set(any_store.sources()["id"])
    assert set(df["source"]) <= sources


def test_ep_turnout_is_not_aggregated(any_store):
    assert any_store.values(units=["12", "PL"], indicators=["turnout_ep"]).empty
    assert not any_store.values(units=["1261011"], indicators=["turnout_ep"]).empty


@pytest.mark.parametrize("text,expected", [
    ("1261011", "1261011"), ("126101", "1261011"), ("126101_1", "1261011"), ("1261", "1261"), ("12", "12"),
    ("PL", "PL"), ("0218032", "0218033"),  # 2020 code, type digit changed
    ("022109", "0265011"),  # Wałbrzych's old code (in powiat wałbrzyski until 2012)
])
def test_resolve_code(any_store, text, expected):
    assert any_store.resolve_code(text)[0] == expected


@pytest.mark.parametrize("text,note", [("9999999", "malformed"), ("0299011", "unknown"), ("0299", "unknown"),
                                       ("abc", "malformed")])
def test_resolve_code_rejects(any_store, text, note):
    assert any_store.resolve_code(text) == (None, note)


def test_units_and_boundaries(any_store):
    units = any_store.units()
    counts = units["level"].value_counts().to_dict()
    assert counts == {"gmina": 2479, "powiat": 380, "wojewodztwo": 16, "country": 1}
    hist = any_store.units(include_historical=True)
    assert set(hist.loc[hist["historical"].astype(bool), "code"]) == {"3203042", "0809102"}
    layer, sha = any_store.layer("gmina")
    assert layer.count('"type":"Feature"') == 2477 and len(sha) == 64
    b = any_store.boundaries(["1261011", "1207132"])
    assert list(b["code"]) == ["1261011"]  # Szczawa (created 2025) has no 2020 geometry
    assert 19.7 < b["rep_lon"].iloc[0] < 20.2 and 49.9 < b["rep_lat"].iloc[0] < 50.2


def test_new_gminy_2025_are_units_with_a_creation_year(any_store):
    u = any_store.unit("1207132")
    assert u["name"] == "Szczawa" and int(u["valid_from"]) == 2025
    assert "Szczawa" in any_store.unit("1207052")["note"]


def test_report_names_reconciliation(any_store):
    rep = any_store.report()
    recoded = rep.loc[(rep["dataset"] == "boundaries") & (rep["category"] == "recoded"), "count"]
    assert recoded.tolist() == [86]
    no_geom = rep.loc[(rep["dataset"] == "boundaries") & (rep["category"] == "no_geometry")]
    assert no_geom["count"].tolist() == [2] and "Szczawa" in no_geom["examples"].iloc[0]
    assert (rep["category"] == "cross_checked").any()


def test_coverage_of_partial_indicator_is_explicit(any_store):
    # culture: BDL lists ~1,930 gminy only, so the country sum is withheld, never a silent partial sum
    row = value(any_store, "PL", "cultural_events", 2019)
    assert row["n"] < row["of"] and math.isnan(row["value"]) and "withheld" in row["flag"]


@pytest.mark.parametrize("kind", ["sqlite", "postgres"])
def test_a_new_saved_area_after_carried_over_ones_gets_a_fresh_id(kind, tmp_path, request):
    """Saved areas keep their ids through a re-ingest; the next save must not collide with them
    (on PostgreSQL the id sequence has to be moved past the copied ids)."""
    import uuid

    import pandas as pd
    from sqlalchemy import text

    from store.db import Store

    if kind == "sqlite":
        store = Store(f"sqlite:///{tmp_path / 's.sqlite'}")
    else:
        store = Store(request.getfixturevalue("pg_url"), schema=f"mrl_seq_{uuid.uuid4().hex[:8]}")
    try:
        store.create_schema()
        rows = pd.DataFrame({"id": [1, 2, 5], "name": ["A", "B", "C"], "definition": ["0201011,0201022"] * 3,
                             "created_at": "2026-01-01", "updated_at": "2026-01-01"})
        assert store.insert_saved_areas(rows) == 3
        assert store.save_area("D", "1261011,1206172") == 6
        assert sorted(store.saved_areas()["name"]) == ["A", "B", "C", "D"]
    finally:
        if kind == "postgres":
            with store.engine.begin() as conn:
                conn.execute(text(f'DROP SCHEMA IF EXISTS "{store.schema}" CASCADE'))
        store.dispose()
