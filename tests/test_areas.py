"""Functional areas: aggregates of real gminy checked against the raw mirror files (read here with
plain csv, not the app's loaders), the coverage rule, derivations, territorial changes, and the
member breakdown."""
import csv
import math

import numpy as np
import pandas as pd
import pytest

from domain import areas as A
from domain.catalogue import Aggregation, Derivation, Indicator
from domain.permalink import parse_query, to_query
from tests.conftest import mirror_dir

KRAKOW_AREA = ("1261011", "1206172", "1219053", "1206113")  # Kraków, Zielonki, Wieliczka, Skawina


def _num(text: str) -> float:
    return float(text.replace(" ", "").replace(",", "."))


def raw_population_2019() -> dict[str, float]:
    """Przemo6 BDL export: "ogółem;ogółem;2019;[osoba]" per 7-digit code."""
    path = mirror_dir() / "Przemo6-elections" / "ludnosc ogol przed poprod.csv"
    with path.open(encoding="utf-8-sig") as fh:
        rows = list(csv.reader(fh, delimiter=";"))
    col = rows[0].index("ogółem;ogółem;2019;[osoba]")
    return {r[0]: _num(r[col]) for r in rows[1:] if r and r[col]}


def raw_sejm_2019() -> dict[str, tuple[float, float]]:
    """PKW Sejm 2019 by gmina: 6-digit code -> (valid ballot papers, eligible voters)."""
    path = mirror_dir() / "OnufryW-Dhondt" / "2019_by_community.csv"
    with path.open(encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh, delimiter=";"))
    return {r["Kod TERYT"]: (_num(r["Liczba kart ważnych"]), _num(r["Liczba wyborców uprawnionych do głosowania"]))
            for r in rows if r["Kod TERYT"]}


def raw_own_revenue_2019() -> dict[str, float]:
    """welkierk BDL export: own revenue ("razem") 2019 in zł per 7-digit code."""
    path = mirror_dir() / "welkierk-projekt_interdyscyplinarny" / "dochody.csv"
    with path.open(encoding="utf-8-sig") as fh:
        rows = list(csv.reader(fh, delimiter=";"))
    col = rows[0].index("gminy łącznie z miastami na prawach powiatu;razem;2019;[zł]")
    return {r[0]: _num(r[col]) for r in rows[1:] if r and r[col]}


@pytest.fixture(scope="module")
def catalogue_inds(sqlite_store):
    return sqlite_store.indicators()


@pytest.fixture(scope="module")
def all_units(sqlite_store):
    return sqlite_store.units(include_historical=True)


def compute(store, codes, units=None):
    units = units if units is not None else store.units(include_historical=True)
    return A.compute(codes, store.values(units=list(codes)), store.indicators(), units)


def row(result, indicator, year):
    r = result.values.loc[(result.values["indicator"] == indicator) & (result.values["year"] == year)]
    assert len(r) == 1, (indicator, year, r)
    return r.iloc[0]


@pytest.fixture(scope="module")
def krakow(sqlite_store):
    return compute(sqlite_store, KRAKOW_AREA)


# ------------------------------------------------------------------------------------------------
# hand-computed aggregates from the raw files
# ------------------------------------------------------------------------------------------------

def test_population_2019_is_the_sum_of_the_raw_bdl_values(any_store, mirror):
    pop = raw_population_2019()
    expected = sum(pop[c] for c in KRAKOW_AREA)
    assert expected == 779_115 + 23_092 + 60_481 + 43_586  # the four rows of the BDL file
    r = row(compute(any_store, KRAKOW_AREA), "population_total", 2019)
    assert r["value"] == expected and (r["n"], r["of"]) == (4, 4) and r["method"] == "aggregated"
    assert r["flag"] == "" and r["unit"] == "1206113,1206172,1219053,1261011"


def test_sejm_2019_turnout_is_valid_ballots_over_eligible_summed(krakow, mirror):
    sejm = raw_sejm_2019()
    valid = sum(sejm[c[:6]][0] for c in KRAKOW_AREA)
    eligible = sum(sejm[c[:6]][1] for c in KRAKOW_AREA)
    r = row(krakow, "turnout_sejm", 2019)
    assert r["value"] == pytest.approx(valid / eligible * 100, rel=1e-12)
    assert r["value"] == pytest.approx(70.5343, abs=1e-4)
    # not the mean of the four gminy's turnouts (that would be 68.35 %)
    mean_of_rates = np.mean([sejm[c[:6]][0] / sejm[c[:6]][1] * 100 for c in KRAKOW_AREA])
    assert abs(r["value"] - mean_of_rates) > 2
    assert row(krakow, "eligible_voters_sejm", 2019)["value"] == eligible == 703_675


def test_own_revenue_per_capita_2019_is_total_over_population(krakow, mirror):
    rev, pop = raw_own_revenue_2019(), raw_population_2019()
    expected = sum(rev[c] for c in KRAKOW_AREA) / sum(pop[c] for c in KRAKOW_AREA)
    r = row(krakow, "own_revenue_per_capita", 2019)
    assert r["value"] == pytest.approx(expected, rel=1e-12)
    assert r["value"] == pytest.approx(4638.93, abs=0.01) and r["rule"] == "ratio"


def test_weighted_mean_per_capita_revenue_uses_population(krakow, sqlite_store):
    # revenue_per_capita (total revenue per resident, BDL) has no total in the store: population-weighted mean
    v = sqlite_store.values(units=list(KRAKOW_AREA), indicators=["revenue_per_capita", "population_total"],
                            years=[2019]).pivot(index="unit", columns="indicator", values="value")
    expected = (v["revenue_per_capita"] * v["population_total"]).sum() / v["population_total"].sum()
    assert row(krakow, "revenue_per_capita", 2019)["value"] == pytest.approx(expected)


def test_area_values_have_the_shape_of_store_values(krakow, sqlite_store):
    uv = krakow.unit_values()
    assert list(uv.columns) == list(sqlite_store.values(units=["1261011"]).columns)
    assert set(uv["method"]) <= {"aggregated", "derived"} and (uv["unit"] == krakow.code).all()


# ------------------------------------------------------------------------------------------------
# one mechanism: a powiat's gminy as an area reproduce the store's roll-up of that powiat
# ------------------------------------------------------------------------------------------------

def test_powiat_krakowski_as_an_area_equals_the_ingest_rollup(sqlite_store, all_units):
    members = A.predefined_groups(all_units)["1206"]
    assert len(members) == 17
    area = compute(sqlite_store, members, all_units).values
    powiat = sqlite_store.values(units=["1206"])
    from_gminy = [i.id for i in sqlite_store.indicators().values() if "gmina" in i.levels]  # not crime stats
    computed = powiat.loc[(powiat["method"] != "source") & powiat["indicator"].isin(from_gminy)]
    both = computed.merge(area, on=["indicator", "year"], suffixes=("_powiat", "_area"), how="left")
    assert len(both) == len(computed) > 250 and both["unit_area"].notna().all()
    equal_or_both_nan = np.isclose(both["value_powiat"], both["value_area"], rtol=1e-9, equal_nan=True)
    assert equal_or_both_nan.all(), both.loc[~equal_or_both_nan, ["indicator", "year", "value_powiat", "value_area"]]
    # a value derived at the powiat from the powiat's own published inputs (population_change_5y from
    # BDL powiat population) has no member coverage; everything else must match the area's exactly
    with_cov = both.loc[~((both["method_powiat"] == "derived") & both["n_powiat"].isna())]
    assert (with_cov["n_powiat"].astype(float) == with_cov["n_area"]).all()


# ------------------------------------------------------------------------------------------------
# coverage: missing data is never zero
# ------------------------------------------------------------------------------------------------

def test_member_without_data_withholds_a_small_area(sqlite_store):
    # Liszki (1206072) has no cultural events data in BDL: 4 of 5 gminy = 80 % < 90 %
    r = row(compute(sqlite_store, KRAKOW_AREA + ("1206072",)), "cultural_events", 2019)
    assert math.isnan(r["value"]) and (r["n"], r["of"]) == (4, 5) and A.WITHHELD in r["flag"]


def test_14_of_15_gminy_gives_a_partial_sum_flagged_as_a_lower_bound(sqlite_store, all_units):
    powiat = [c for c in A.predefined_groups(all_units)["1206"] if c not in ("1206012", "1206022")]
    assert "1206072" in powiat and len(powiat) == 15  # Liszki (no data) stays in
    res = compute(sqlite_store, powiat, all_units)
    r = row(res, "cultural_events", 2019)
    raw = sqlite_store.values(units=powiat, indicators=["cultural_events"], years=[2019])
    assert (r["n"], r["of"]) == (14, 15) and A.PARTIAL in r["flag"]
    assert r["value"] == raw["value"].sum()  # the 14 gminy with data, nothing invented for Liszki
    # a rate needs both parts from the same gminy: per-1000 is computed from the 14 only
    per1000 = row(res, "cultural_participants_per_1000", 2019)
    parts = sqlite_store.values(units=powiat, indicators=["cultural_event_participants", "population_total"],
                                years=[2019]).pivot(index="unit", columns="indicator", values="value").dropna()
    assert per1000["value"] == pytest.approx(parts["cultural_event_participants"].sum()
                                             / parts["population_total"].sum() * 1000)


def test_coverage_lines_name_incomplete_years(sqlite_store, catalogue_inds):
    res = compute(sqlite_store, KRAKOW_AREA + ("1206072",))
    lines = A.coverage_lines(res.values, catalogue_inds)
    assert "coverage: cultural_events 2016-2019: 4 of 5 gminy with data — withheld (below 90%)" in lines
    assert any(line.startswith("coverage: turnout_ep ") and "not aggregated" in line for line in lines)


# ------------------------------------------------------------------------------------------------
# territory changes: Szczawa (created 2025 from part of Kamienica)
# ------------------------------------------------------------------------------------------------

def test_szczawa_without_its_parent_counts_as_missing_before_2025(sqlite_store):
    res = compute(sqlite_store, ("1207132", "1261011"))
    pop = row(res, "population_total", 2019)
    assert math.isnan(pop["value"]) and (pop["n"], pop["of"]) == (1, 2) and A.WITHHELD in pop["flag"]
    # PSP 2023 already reports Szczawa separately (2025 division): complete
    fire = row(res, "fire_service_incidents", 2023)
    kr = sqlite_store.values(units=["1261011", "1207132"], indicators=["fire_service_incidents"], years=[2023])
    assert (fire["n"], fire["of"]) == (2, 2) and fire["value"] == kr["value"].sum()
    assert [(n.kind, n.member, n.other, n.year) for n in res.notes] == [
        ("created_parent_out", "1207132", "1207052", 2025)]


def test_szczawa_with_its_parent_is_complete_before_2025(sqlite_store):
    res = compute(sqlite_store, ("1207052", "1207132"))
    pop = row(res, "population_total", 2019)
    kamienica = sqlite_store.values(units=["1207052"], indicators=["population_total"], years=[2019])["value"].iloc[0]
    assert pop["value"] == kamienica and (pop["n"], pop["of"]) == (1, 1) and pop["flag"] == ""
    assert [n.kind for n in res.notes] == ["created_parent_in"]
    bd = A.breakdown(res, sqlite_store.indicators()["population_total"], 2019).set_index("member")
    assert bd.loc["1207132", "status"] == "not_existing" and bd.loc["1207052", "share"] == 100


def test_parent_without_the_new_gmina_gets_a_note(sqlite_store):
    res = compute(sqlite_store, ("1207052", "1261011"))
    assert [(n.kind, n.member, n.other) for n in res.notes] == [("parent_of_created", "1207052", "1207132")]


# ------------------------------------------------------------------------------------------------
# indicators without an honest rule
# ------------------------------------------------------------------------------------------------

def test_ep_turnout_is_not_aggregated_but_marked(krakow):
    r = row(krakow, "turnout_ep", 2019)
    assert math.isnan(r["value"]) and r["flag"] == A.NOT_AGGREGABLE and r["rule"] == "none"
    assert (r["n"], r["of"]) == (4, 4)


def test_powiat_only_indicators_are_absent(krakow):
    assert not krakow.values["indicator"].str.startswith("crime").any()


# ------------------------------------------------------------------------------------------------
# breakdown
# ------------------------------------------------------------------------------------------------

def test_breakdown_of_a_sum_gives_values_and_shares(krakow, catalogue_inds):
    pop = raw_population_2019()
    bd = A.breakdown(krakow, catalogue_inds["population_total"], 2019).set_index("member")
    total = sum(pop[c] for c in KRAKOW_AREA)
    for c in KRAKOW_AREA:
        assert bd.loc[c, "value"] == pop[c] and bd.loc[c, "status"] == "included"
        assert bd.loc[c, "share"] == pytest.approx(pop[c] / total * 100)
    assert bd["share"].sum() == pytest.approx(100)
    assert list(bd.index)[0] == "1261011"  # largest contribution first


def test_breakdown_of_a_ratio_gives_numerator_denominator_and_own_rate(krakow, catalogue_inds):
    sejm = raw_sejm_2019()
    bd = A.breakdown(krakow, catalogue_inds["turnout_sejm"], 2019).set_index("member")
    for c in KRAKOW_AREA:
        valid, eligible = sejm[c[:6]]
        assert (bd.loc[c, "a"], bd.loc[c, "b"]) == (valid, eligible)
        assert bd.loc[c, "rate"] == pytest.approx(valid / eligible * 100)
        assert bd.loc[c, "value"] == pytest.approx(valid / eligible * 100)  # the gmina's own turnout
    assert bd["a"].sum() / bd["b"].sum() * 100 == pytest.approx(row(krakow, "turnout_sejm", 2019)["value"])


def test_breakdown_marks_missing_members_not_zero(sqlite_store, catalogue_inds):
    res = compute(sqlite_store, KRAKOW_AREA + ("1206072",))
    bd = A.breakdown(res, catalogue_inds["cultural_events"], 2019).set_index("member")
    assert bd.loc["1206072", "status"] == "no_data" and math.isnan(bd.loc["1206072", "value"])
    assert math.isnan(bd.loc["1206072", "share"])


def test_breakdown_of_a_not_aggregated_indicator_lists_member_values(krakow, catalogue_inds, sqlite_store):
    bd = A.breakdown(krakow, catalogue_inds["turnout_ep"], 2019).set_index("member")
    own = sqlite_store.values(units=list(KRAKOW_AREA), indicators=["turnout_ep"], years=[2019]).set_index("unit")
    assert (bd["value"] == own["value"].reindex(bd.index)).all() and bd["share"].isna().all()


# ------------------------------------------------------------------------------------------------
# pure rules on hand-made cases
# ------------------------------------------------------------------------------------------------

def ind(id_, rule, derive=None, **agg):
    return Indicator(id=id_, name_pl=id_, name_en=id_, unit_pl="", unit_en="", category="demography",
                     definition_pl="", definition_en="", polarity="neutral", decimals=1, levels=("gmina",),
                     aggregation=Aggregation(rule=rule, **agg), derive=derive)


UNITS = pd.DataFrame({"code": ["0201011", "0201022", "0201032"], "valid_from": [np.nan] * 3,
                      "valid_to": [np.nan] * 3, "note": [""] * 3})


def vals(rows):
    return pd.DataFrame(rows, columns=["unit", "indicator", "year", "value"]).assign(source="s")


def test_derived_indicator_is_computed_from_the_area_sums_with_their_coverage():
    inds = {"p1": ind("p1", "sum"), "p2": ind("p2", "sum"),
            "tot": ind("tot", "sum", derive=Derivation(op="sum", of=("p1", "p2")))}
    v = vals([("0201011", "p1", 2019, 1), ("0201011", "p2", 2019, 2), ("0201022", "p1", 2019, 10),
              ("0201022", "p2", 2019, 20), ("0201032", "p1", 2019, 100), ("0201032", "p2", 2019, 200)])
    r = A.compute(UNITS["code"], v, inds, UNITS).values.set_index("indicator")
    assert r.loc["tot", "value"] == 333 and r.loc["tot", "method"] == "derived"
    assert (r.loc["tot", "n"], r.loc["tot", "of"]) == (3, 3)


def test_no_derivation_from_a_partial_sum():
    inds = {"p1": ind("p1", "sum"), "p2": ind("p2", "sum"),
            "tot": ind("tot", "sum", derive=Derivation(op="sum", of=("p1", "p2")))}
    inds = {k: v.__class__(**{**v.__dict__, "min_coverage": 0.5}) for k, v in inds.items()}
    v = vals([("0201011", "p1", 2019, 1), ("0201011", "p2", 2019, 2), ("0201022", "p1", 2019, 10),
              ("0201022", "p2", 2019, 20), ("0201032", "p1", 2019, 100)])
    r = A.compute(UNITS["code"], v, inds, UNITS).values.set_index("indicator")
    assert A.PARTIAL in r.loc["p2", "flag"] and "tot" not in r.index


def test_derivation_replaces_a_withheld_aggregate_only_from_complete_inputs():
    inds = {"p1": ind("p1", "sum"), "p2": ind("p2", "sum"),
            "tot": ind("tot", "sum", derive=Derivation(op="sum", of=("p1", "p2")))}
    v = vals([("0201011", "p1", 2019, 1), ("0201011", "p2", 2019, 2), ("0201022", "p1", 2019, 10),
              ("0201022", "p2", 2019, 20), ("0201032", "p1", 2019, 100), ("0201032", "p2", 2019, 200),
              ("0201011", "tot", 2019, 3)])  # only one gmina publishes the total
    r = A.compute(UNITS["code"], v, inds, UNITS).values
    tot = r.loc[r["indicator"] == "tot"]
    assert len(tot) == 1 and tot["value"].iloc[0] == 333 and tot["method"].iloc[0] == "derived"


@pytest.mark.parametrize("n,pl,en", [(1, "one", "one"), (2, "few", "other"), (4, "few", "other"),
                                     (5, "many", "other"), (12, "many", "other"), (14, "many", "other"),
                                     (22, "few", "other"), (25, "many", "other"), (112, "many", "other"),
                                     (123, "few", "other")])
def test_polish_plural_forms(n, pl, en):
    assert A.plural_form(n, "pl") == pl and A.plural_form(n, "en") == en


@pytest.mark.parametrize("codes,reason", [(("1261011",), "too_few"), (tuple(f"{i:07d}" for i in range(501)), "too_many")])
def test_area_size_limits(codes, reason):
    with pytest.raises(A.AreaError) as exc:
        A.check_size(A.canonical_codes(codes))
    assert exc.value.reason == reason


def test_canonical_definition_is_sorted_unique_and_round_trips_the_url():
    assert A.area_code(["1261011", "1206172", "1261011"]) == "1206172,1261011"
    assert A.is_area_code("1206172,1261011") and not A.is_area_code("1261011")


def test_a_whole_wojewodztwo_fits_in_the_url(all_units):
    maz = A.predefined_groups(all_units)["14"]
    assert len(maz) > 300
    q = {"area": ",".join(maz)}
    parsed = parse_query(q)
    assert parsed.problems == () and parsed.state.area == maz and to_query(parsed.state) == q


def test_predefined_groups_are_current_gminy(all_units):
    groups = A.predefined_groups(all_units)
    assert len([k for k in groups if len(k) == 4]) == 380 and len([k for k in groups if len(k) == 2]) == 16
    assert sum(len(v) for k, v in groups.items() if len(k) == 2) == 2479
    assert "3203042" not in groups["3203"]  # Ostrowice (abolished 2019) is not offered


def test_outline_is_one_polygon_for_neighbours(sqlite_store):
    import json

    b = sqlite_store.boundaries(list(KRAKOW_AREA))
    geom = json.loads(A.outline(b["geojson"]))
    assert geom["type"] == "Polygon"  # Kraków and its three neighbours touch: one outline


# ------------------------------------------------------------------------------------------------
# command line: python cli.py show --area
# ------------------------------------------------------------------------------------------------

def csv_rows(out: str) -> list[dict]:
    import io

    return list(csv.DictReader(io.StringIO(out)))


def test_cli_show_area_prints_the_aggregate_like_show_teryt(run_cli, mirror):
    res = run_cli("show", "--area", "1261011,1206172,1219053,1206113", "--indicator", "population_total",
                  "--year", "2019")
    assert res.returncode == 0, res.stderr
    assert res.stdout.splitlines()[0] == "teryt,level,name,indicator,year,value,unit,source"
    pop = raw_population_2019()
    assert csv_rows(res.stdout) == [{
        "teryt": "1206113,1206172,1219053,1261011", "level": "area", "name": "obszar (4 gminy)",
        "indicator": "population_total", "year": "2019", "value": str(int(sum(pop[c] for c in KRAKOW_AREA))),
        "unit": "osoby", "source": "bdl_web_przemo6 (computed: aggregated 4/4)"}]
    assert "area of 4 gminy: 1206113,1206172,1219053,1261011" in res.stderr


def test_cli_show_area_maps_6_digit_and_old_codes(run_cli):
    res = run_cli("show", "--area", "126101, 0218032", "--indicator", "turnout_sejm", "--year", "2019")
    assert res.returncode == 0, res.stderr
    out = csv_rows(res.stdout)
    assert [r["teryt"] for r in out] == ["0218033,1261011"] and out[0]["name"] == "obszar (2 gminy)"
    assert "0218032 is an old code; using 0218033" in res.stderr


def test_cli_show_area_states_coverage_on_stderr(run_cli):
    res = run_cli("show", "--area", "1261011,1206172,1219053,1206113,1206072", "--indicator", "cultural_events")
    assert res.returncode == 0
    assert csv_rows(res.stdout) == []  # every year withheld: 4 of 5 gminy have data
    assert "coverage: cultural_events 2016-2019: 4 of 5 gminy with data — withheld (below 90%)" in res.stderr


@pytest.mark.parametrize("area,needle", [
    ("1261011,abc", "'abc' (not a TERYT code)"),
    ("1261011,1206", "'1206' (not a gmina code)"),
    ("1261011,0299011", "'0299011' (no gmina has this code)"),
    ("1261011,3203042", "'3203042' (gmina no longer exists)"),
    ("1261011", "needs 2 to 500 different gminy, got 1"),
    ("1261011,126101", "needs 2 to 500 different gminy, got 1"),
])
def test_cli_bad_area_is_one_line_and_exit_2(run_cli, area, needle):
    res = run_cli("show", "--area", area)
    assert res.returncode == 2 and res.stdout == ""
    assert len(res.stderr.strip().splitlines()) == 1 and needle in res.stderr


def test_cli_teryt_and_area_are_exclusive(run_cli):
    res = run_cli("show", "--teryt", "1261011", "--area", "1261011,1206172")
    assert res.returncode == 2 and "not allowed with argument" in res.stderr
