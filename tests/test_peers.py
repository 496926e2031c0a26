"""Peer groups: typology classes, nearest neighbours (hand-computed distances), user lists, the
peers= argument, ranking helpers — on hand-made frames and on the real store."""
import math

import numpy as np
import pandas as pd
import pytest

from domain import peers as P


# --------------------------------------------------------------------------------------------
# peers= argument
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("arg,k,weights", [
    ("", 10, P.KnnSpec().weights),
    ("k=5", 5, P.KnnSpec().weights),
    ("k=7;w=population_total*2,gas_pct", 7, (("population_total", 2.0), ("gas_pct", 1.0))),
    ("w=gas_pct*0.5;k=3", 3, (("gas_pct", 0.5),)),
])
def test_parse_knn(arg, k, weights):
    spec = P.parse_knn(arg)
    assert spec.k == k and spec.weights == weights


@pytest.mark.parametrize("arg", ["k=0", "k=51", "k=x", "k=5;k=6", "w=", "w=Gas", "w=gas_pct*0", "w=gas_pct*11",
                                 "w=gas_pct,gas_pct", "w=gas_pct*2*3", "q=1", "k", "w=" + ",".join(
                                     f"ind_{i}" for i in range(13))])
def test_parse_knn_rejects(arg):
    with pytest.raises(ValueError):
        P.parse_knn(arg)


@pytest.mark.parametrize("spec,text", [
    (P.KnnSpec(), "k=10"),
    (P.KnnSpec(k=4), "k=4"),
    (P.KnnSpec(k=4, weights=(("gas_pct", 1.0), ("population_total", 2.5))), "k=4;w=gas_pct,population_total*2.5"),
])
def test_format_knn_is_canonical_and_round_trips(spec, text):
    assert P.format_knn(spec) == text
    assert P.parse_knn(text) == spec


@pytest.mark.parametrize("peers,method", [(None, "typology"), ("typology", "typology"),
                                          ("typology:woj", "typology_woj"), ("knn:k=3", "knn"),
                                          ("custom:0201011,1261011", "custom")])
def test_spec_round_trip(peers, method):
    spec = P.parse_spec(peers)
    assert spec.method == method
    assert P.parse_spec(P.spec_to_param(spec)) == spec


# --------------------------------------------------------------------------------------------
# typology
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("pop,level,cls", [(1157, "gmina", 0), (4999, "gmina", 0), (5000, "gmina", 1),
                                           (19_999, "gmina", 2), (20_000, "gmina", 3), (99_999, "gmina", 4),
                                           (100_000, "gmina", 5), (1_863_845, "gmina", 5), (49_999, "powiat", 0),
                                           (250_000, "powiat", 3), (5_000_000, "wojewodztwo", None),
                                           (float("nan"), "gmina", None), (None, "gmina", None)])
def test_size_class(pop, level, cls):
    assert P.size_class(pop, level) == cls


def _units(rows):
    return pd.DataFrame(rows, columns=["code", "level", "gmina_type", "city_powiat"])


UNITS = _units([
    ("0201011", "gmina", "urban", True),   # city with powiat rights: its own kind
    ("0201022", "gmina", "rural", False),
    ("0201032", "gmina", "rural", False),
    ("0201042", "gmina", "rural", False),
    ("0201052", "gmina", "rural", False),
    ("0201062", "gmina", "rural", False),
    ("0201072", "gmina", "rural", False),
    ("0202012", "gmina", "rural", False),
    ("1201012", "gmina", "rural", False),
    ("1201022", "gmina", "rural", False),
    ("1201033", "gmina", "urban_rural", False),
    ("0201", "powiat", None, False),
])
POP = pd.Series({"0201011": 120_000, "0201022": 12_000, "0201032": 15_000, "0201042": 11_000, "0201052": 19_000,
                 "0201062": 8_000, "0201072": 4_000, "0202012": 16_000, "1201012": 13_000, "1201022": 25_000,
                 "1201033": 12_500, "0201": 300_000})


def test_unit_kinds():
    assert P.unit_kinds(UNITS).tolist() == ["city"] + ["rural"] * 9 + ["urban_rural", "land_powiat"]


def test_typology_same_kind_and_class_never_the_unit_itself():
    g = P.typology_peers(UNITS, POP, "0201022", min_peers=3)
    # rural, 10 000–19 999: 0201032, 0201042, 0201052, 0202012, 1201012 (not 1201033: urban-rural)
    assert g.codes == ("0201032", "0201042", "0201052", "0202012", "1201012")
    assert (g.kind, g.size_lo, g.size_hi, g.widened) == ("rural", 10_000, 20_000, False)
    assert "0201022" not in g.codes


def test_typology_widens_towards_the_nearer_class_on_a_log_scale():
    # 12 000 residents: log-distance to 10 000 (0.079) is smaller than to 20 000 (0.222) -> widen down
    g = P.typology_peers(UNITS, POP, "0201022", min_peers=6)
    assert (g.size_lo, g.size_hi, g.widened) == (5_000, 20_000, True)
    assert g.codes == ("0201032", "0201042", "0201052", "0201062", "0202012", "1201012")
    # still short: the other side comes next (20 000–49 999)
    g = P.typology_peers(UNITS, POP, "0201022", min_peers=7)
    assert (g.size_lo, g.size_hi) == (5_000, 50_000)
    assert "1201022" in g.codes


def test_typology_same_wojewodztwo():
    g = P.typology_peers(UNITS, POP, "0201022", same_woj=True, min_peers=3)
    assert g.method == "typology_woj" and g.woj == "02"
    assert g.codes == ("0201032", "0201042", "0201052", "0202012")


def test_typology_without_population_groups_by_kind_only():
    g = P.typology_peers(UNITS, POP.drop("0201022"), "0201022")
    assert g.size_lo is None and len(g.codes) == 8


def test_typology_country_has_no_peers():
    units = _units([("PL", "country", None, False)])
    assert P.typology_peers(units, pd.Series({"PL": 38e6}), "PL").method == "none"


# --------------------------------------------------------------------------------------------
# nearest neighbours — hand-computed
# --------------------------------------------------------------------------------------------
def test_knn_one_indicator_hand_computed_and_constant_indicator_dropped():
    m = pd.DataFrame({"a": [1.0, 2, 3, 4], "b": [10.0, 10, 10, 10]}, index=["A", "B", "C", "D"])
    nb = P.knn_peers(m, "A", P.KnnSpec(k=2, weights=(("a", 1.0), ("b", 1.0))), log_scale=())
    sd = math.sqrt(1.25)  # population SD of 1, 2, 3, 4
    assert nb.codes == ("B", "C")
    assert nb.distance.tolist() == pytest.approx([1 / sd, 2 / sd])
    assert nb.dropped == (("b", "constant"),) and nb.used == ("a",)
    assert nb.share["a"].tolist() == [1.0, 1.0]


def test_knn_weights_and_per_indicator_contributions():
    # z-scores are ±1 for both indicators; unit U = (-1, -1)
    m = pd.DataFrame({"a": [0.0, 1, 0, 1], "b": [0.0, 0, 1, 1]}, index=["U", "P", "Q", "R"])
    nb = P.knn_peers(m, "U", P.KnnSpec(k=3, weights=(("a", 3.0), ("b", 1.0))), log_scale=())
    # d = sqrt(Σ w Δz² / Σ w): Q sqrt(4/4)=1, P sqrt(12/4)=1.732, R sqrt(16/4)=2
    assert nb.codes == ("Q", "P", "R")
    assert nb.distance.tolist() == pytest.approx([1.0, math.sqrt(3), 2.0])
    assert nb.share.loc["P"].tolist() == pytest.approx([1.0, 0.0])
    assert nb.share.loc["Q"].tolist() == pytest.approx([0.0, 1.0])
    assert nb.share.loc["R"].tolist() == pytest.approx([0.75, 0.25])
    assert nb.dz.loc["R"].tolist() == pytest.approx([2.0, 2.0])


def test_knn_missing_values_are_never_imputed():
    m = pd.DataFrame({"a": [0.0, 1, 2, np.nan, 4], "b": [np.nan, 1, 2, 3, 4]}, index=list("UVWXY"))
    nb = P.knn_peers(m, "U", P.KnnSpec(k=10, weights=(("a", 1.0), ("b", 1.0))), log_scale=())
    # the unit has no b -> b is dropped for everyone; X has no a -> excluded and counted
    assert nb.dropped == (("b", "unit_missing"),)
    assert nb.codes == ("V", "W", "Y") and nb.excluded_missing == 1 and nb.candidates == 3


def test_knn_unknown_indicator_and_ties_broken_by_code():
    m = pd.DataFrame({"a": [0.0, 1, 1, 5]}, index=["U", "Z", "B", "C"])
    nb = P.knn_peers(m, "U", P.KnnSpec(k=2, weights=(("a", 1.0), ("nope", 1.0))), log_scale=())
    assert nb.dropped == (("nope", "unknown"),)
    assert nb.codes == ("B", "Z")  # equal distance: by code


def test_needs_log_for_skewed_positive_values_only():
    assert P.needs_log(np.array([1, 1, 1, 2, 2, 3, 1000.0]))
    assert not P.needs_log(np.array([1, 2, 3, 4, 5.0]))
    assert not P.needs_log(np.array([-1, 1, 1, 2, 1000.0]))  # not strictly positive


def test_reference_years():
    assert P.reference_years({"a": [2018, 2019], "b": [2016, 2019, 2024]}) == {"a": 2019, "b": 2019}
    # no common year: each its own latest
    assert P.reference_years({"a": [2018], "b": [2024]}) == {"a": 2018, "b": 2024}
    assert P.reference_years({"a": [], "b": [2024]}) == {"b": 2024}


def test_good_years_need_90_percent_coverage():
    cols = pd.MultiIndex.from_tuples([("a", 2018), ("a", 2019)])
    m = pd.DataFrame([[1, 1], [1, np.nan], [1, 1], [1, 1], [1, 1], [1, 1], [1, 1], [1, 1], [1, 1], [1, 1]],
                     columns=cols, dtype=float)
    assert P.good_years(m, "a", n_units=10) == [2018, 2019]
    assert P.good_years(m, "a", n_units=11) == [2018]
    assert P.good_years(m, "b", n_units=10) == []


def test_custom_list_keeps_units_of_the_level_only():
    g = P.custom_peers({"0201011", "0201022", "1261011"}, "0201022", ("1261011", "0201022", "1261", "0201011"),
                       "gmina")
    assert g.codes == ("0201011", "1261011") and g.rejected == ("1261",)


# --------------------------------------------------------------------------------------------
# the real store
# --------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def gminy(sqlite_store):
    units = sqlite_store.units("gmina")
    ids = sorted(set(P.DEFAULT_CONTEXT))
    v = sqlite_store.values(indicators=ids, level="gmina")
    wide = v.pivot(index="unit", columns=["indicator", "year"], values="value").reindex(units["code"].to_numpy())
    return units, wide.sort_index(axis=1)


def test_smallest_gmina_is_compared_with_small_urban_gminy(gminy):
    units, wide = gminy
    pop = wide["population_total"][2024]
    smallest = pop.idxmin()
    assert (smallest, pop[smallest]) == ("2210011", 1157.0)  # Krynica Morska, GUS 2024
    g = P.typology_peers(units, pop, smallest)
    assert (g.kind, g.size_lo, g.size_hi) == ("urban", 0, 5_000)
    assert len(g.codes) == 25 and smallest not in g.codes
    assert (pop[list(g.codes)] < 5_000).all()
    assert set(units.set_index("code").loc[list(g.codes), "gmina_type"]) == {"urban"}


def test_cities_with_powiat_rights_form_their_own_kind(gminy):
    units, wide = gminy
    g = P.typology_peers(units, wide["population_total"][2024], "1261011")  # Kraków
    assert g.kind == "city" and (g.size_lo, g.size_hi) == (100_000, math.inf)
    assert "1465011" in g.codes and len(g.codes) == 33  # Warszawa among the 34 cities of 100k+


def test_krakow_nearest_neighbours_are_big_cities_and_match_the_naive_loop(gminy):
    units, wide = gminy
    years = P.reference_years({i: P.good_years(wide, i, n_units=len(units)) for i in P.DEFAULT_CONTEXT})
    assert set(years.values()) == {2019}
    ref = P.reference_matrix(wide, years)
    nb = P.knn_peers(ref, "1261011", P.KnnSpec())
    assert nb.codes[0] == "0264011"  # Wrocław
    assert {"3064011", "2261011"} <= set(nb.codes)  # Poznań, Gdańsk
    assert set(nb.log_scaled) == {"population_total", "population_density"}
    assert nb.share.sum(axis=1).tolist() == pytest.approx([1.0] * 10)
    for code in ("1261011", "2210011", "0201022", "1465011"):
        assert P.knn_peers(ref, code, P.KnnSpec()).codes == P.knn_peers_naive(ref, code, P.KnnSpec())
