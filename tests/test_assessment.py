"""The synthetic assessment's method on hand-computed groups and its tree rules (pure, fast: no store)."""
import numpy as np
import pandas as pd
import pytest

from domain import assessment as AS
from loaders.catalogue import load_catalogue

NAN = np.nan


def tiny_tree(dim1_weight=2, leaves1=(("x", 1), ("y", -1)), leaves2=(("z", 1),)):
    def leaf(ind, d):
        return {"indicator": ind, "direction": d, "name_pl": ind, "name_en": ind}

    def branch(prefix, weight, leaves):
        return {"id": f"{prefix}", "name_pl": prefix, "name_en": prefix, "weight": weight, "children": [
            {"id": f"{prefix}_a", "name_pl": "a", "name_en": "a", "children": [
                {"id": f"{prefix}_s", "name_pl": "s", "name_en": "s",
                 "children": [leaf(i, d) for i, d in leaves]}]}]}
    return AS.load_tree({"root": {"id": "overall", "name_pl": "Ocena", "name_en": "Overall", "children": [
        branch("d1", dim1_weight, leaves1), branch("d2", 1, leaves2)]}})


def inputs(values, changes=None, codes=("u0", "u1", "u2", "u3")):
    v = np.array(values, dtype=float)
    c = np.full(v.shape, NAN) if changes is None else np.array(changes, dtype=float)
    L = v.shape[1]
    return AS.LevelInputs(codes=np.array(codes, dtype=object), values=v, changes=c,
                          ref_years={i: 2020 for i in ("x", "y", "z")[:L]}, start_years={}, n_units=len(codes),
                          row={k: i for i, k in enumerate(codes)})


# columns x, y (lower is better), z
VALUES = [[10, 1, NAN],
          [20, 1, 5],
          [30, 5, 5],
          [40, 3, 7]]


def test_hand_computed_tiny_group():
    tree = tiny_tree()
    res = AS.assess_group(tree, inputs(VALUES), "u0", ["u1", "u2", "u3"])
    s = res.score
    # x: percentile ranks 0, 33.3, 66.7, 100; y (lower better): -5 < -3 < -1 = -1 -> 83.3, 83.3, 0, 33.3
    assert s.loc["u0", "x"] == pytest.approx(0) and s.loc["u3", "x"] == pytest.approx(100)
    assert list(s["y"].round(4)) == [83.3333, 83.3333, 0.0, 33.3333]
    # z: u0 has no value; 5, 5, 7 among 3 -> 25, 25, 100
    assert np.isnan(s.loc["u0", "z"]) and list(s["z"].iloc[1:]) == [25, 25, 100]
    # sub-area, area, dimension = mean of the leaves present
    assert s.loc["u0", "d1_s"] == pytest.approx(41.6667, abs=1e-4) == s.loc["u0", "d1"]
    assert np.isnan(s.loc["u0", "d2"]) and res.coverage.loc["u0", "d2"] == 0
    # overall: d1 weighs 2, d2 1 -> u0 has exactly 2/3 of the weight -> scored on d1 alone
    assert res.coverage.loc["u0", "overall"] == pytest.approx(2 / 3)
    assert s.loc["u0", "overall"] == pytest.approx(41.6667, abs=1e-4)
    assert s.loc["u1", "overall"] == pytest.approx((2 * (100 / 3 + 250 / 3) / 2 + 25) / 3)
    assert s.loc["u3", "overall"] == pytest.approx((2 * (100 + 100 / 3) / 2 + 100) / 3)
    assert list(res.rank["overall"]) == [3, 2, 4, 1] and res.group_size["overall"] == 4
    assert res.group_size["z"] == 3


def test_below_two_thirds_of_the_weight_is_no_data():
    res = AS.assess_group(tiny_tree(dim1_weight=1), inputs(VALUES), "u0", ["u1", "u2", "u3"])
    assert np.isnan(res.score.loc["u0", "overall"]) and res.coverage.loc["u0", "overall"] == 0.5
    assert np.isnan(res.rank.loc["u0", "overall"]) and res.group_size["overall"] == 3
    # a sub-area of two leaves with one missing: 1/2 < 2/3
    vals = [[10, NAN, 1], [20, 1, 5], [30, 5, 5], [40, 3, 7]]
    r2 = AS.assess_group(tiny_tree(), inputs(vals), "u0", ["u1", "u2", "u3"])
    assert np.isnan(r2.score.loc["u0", "d1_s"]) and r2.coverage.loc["u0", "d1_s"] == 0.5


def test_dynamics_are_scored_like_levels():
    changes = [[1, 0, 0], [2, 0, 0], [3, 0, 0], [4, 0, 0]]  # x grows most for u3; y, z no change
    res = AS.assess_group(tiny_tree(), inputs(VALUES, changes), "u0", ["u1", "u2", "u3"])
    assert list(res.dynamics["x"].round(4)) == [0, 33.3333, 66.6667, 100]
    assert (res.dynamics["y"] == 50).all() and (res.dynamics["z"] == 50).all()
    assert res.dynamics.loc["u3", "d1_s"] == pytest.approx(75)


def test_unit_frame_has_the_cli_columns_and_one_row_per_node():
    tree = tiny_tree()
    res = AS.assess_unit(tree, inputs(VALUES), "u0", ["u1", "u2", "u3"], draws=50)
    f = AS.unit_frame(res, "en")
    assert tuple(f.columns) == AS.COLUMNS
    assert list(f["node"]) == list(tree.nodes) and list(f["kind"][:5]) == ["overall", "dimension", "area",
                                                                        "subarea", "indicator"]
    x = f.set_index("node").loc["x"]
    assert x["value"] == 10 and x["direction"] == 1 and x["year"] == 2020 and x["rank"] == 4
    assert x["rank_low"] == x["rank_high"] == 4
    z = f.set_index("node").loc["z"]
    assert pd.isna(z["score"]) and pd.isna(z["rank"]) and z["coverage"] == 0


def test_rank_interval_is_seeded_and_covers_all_scenarios():
    tree = tiny_tree()
    inp = inputs(VALUES)
    a = AS.rank_interval(tree, inp, "u1", ["u0", "u2", "u3"])
    b = AS.rank_interval(tree, inp, "u1", ["u0", "u2", "u3"])
    pd.testing.assert_frame_equal(a, b)
    n_scen = AS.N_DRAWS + len(AS.NORMALISATIONS) * (1 + len(tree.leaves))
    assert a.loc["overall", "scenarios"] == n_scen
    assert 1 <= a.loc["overall", "rank_low"] <= 2 <= a.loc["overall", "rank_high"] <= 4
    c = AS.rank_interval(tree, inp, "u1", ["u0", "u2", "u3"], seed=7)
    assert c.loc["overall", "scenarios"] == n_scen


def test_dropping_the_only_leaf_of_a_branch_drops_the_branch():
    tree = tiny_tree(dim1_weight=1)
    w = AS.scenario_weights(tree, draws=3)
    z_drop = 1 + 3 + [leaf.id for leaf in tree.leaves].index("z")
    assert w["d2_s"][z_drop].tolist() == [0.0]
    sc, cov = AS._aggregate(tree, AS.normalise(np.array(VALUES, float), np.array([1, -1, 1]))[None], w)
    # without z, d2 does not exist: the overall is d1 alone, with full coverage
    assert cov["overall"][z_drop, 1] == 1 and sc["overall"][z_drop, 1] == pytest.approx(sc["d1"][z_drop, 1])


@pytest.mark.parametrize("method", AS.NORMALISATIONS)
def test_scaling_a_leaf_changes_no_score(method):
    rng = np.random.default_rng(1)
    X = rng.lognormal(3, 1, size=(40, 3))
    X[rng.random(X.shape) < 0.1] = NAN
    d = np.array([1, -1, 1])
    a = AS.normalise(X, d, method)
    b = AS.normalise(X * np.array([1000.0, 0.01, 7.5]), d, method)
    np.testing.assert_allclose(a, b, atol=1e-9)


@pytest.mark.parametrize("method", AS.NORMALISATIONS)
def test_normalisation_is_direction_aware_and_bounded(method):
    X = np.array([[1.0], [2.0], [3.0], [100.0]])
    up = AS.normalise(X, np.array([1]), method)[:, 0]
    down = AS.normalise(X, np.array([-1]), method)[:, 0]
    assert (np.diff(up) >= 0).all() and (np.diff(down) <= 0).all()
    assert ((up >= 0) & (up <= 100)).all()
    assert np.isnan(AS.normalise(np.array([[1.0], [NAN]]), np.array([1]), method)).all()  # one value: no score


def test_percentile_rank_is_robust_to_an_outlier():
    base = AS.normalise(np.array([[1.0], [2.0], [3.0], [4.0]]), np.array([1]), "rank")
    out = AS.normalise(np.array([[1.0], [2.0], [3.0], [4e9]]), np.array([1]), "rank")
    np.testing.assert_allclose(base, out)
    mm = AS.normalise(np.array([[1.0], [2.0], [3.0], [4e9]]), np.array([1]), "minmax")
    assert mm[1, 0] < 1e-6  # min-max squashes everyone but the outlier: why it is only an alternative


# ----------------------------------------------------------------------------------------------
# the committed tree
# ----------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue().indicators


def test_committed_tree_loads_against_the_catalogue(catalogue):
    tree = AS.load_tree(indicators=catalogue)
    assert [n.id for n in tree.of_kind("dimension")] == ["gospodarczy", "spoleczny", "srodowiskowo_przestrzenny"]
    assert all(len(tree.nodes[d.id].children) >= 2 for d in tree.of_kind("dimension"))
    assert all(AS.is_intensive(catalogue[i]) for i in tree.indicators)
    for leaf in tree.leaves:
        assert leaf.name_pl == catalogue[leaf.indicator].name_pl  # names from the catalogue
    assert AS.missing_from_tree(tree, catalogue) == []
    assert {x.indicator for x in tree.left_out} <= set(catalogue)


def test_every_gmina_intensive_indicator_is_placed(catalogue):
    raw = AS._read(AS.TREE_PATH)
    raw = {**raw, "left_out": [x for x in raw["left_out"] if x["indicator"] != "population_density"]}
    tree = AS.load_tree(raw, catalogue)
    assert AS.missing_from_tree(tree, catalogue) == ["population_density"]


@pytest.mark.parametrize("count", ["deaths", "crimes_total"])
def test_a_count_leaf_is_rejected(catalogue, count):
    bad = {"root": {"id": "overall", "name_pl": "O", "name_en": "O", "children": [
        {"id": "d", "name_pl": "d", "name_en": "d", "children": [
            {"id": "a", "name_pl": "a", "name_en": "a", "children": [
                {"id": "s", "name_pl": "s", "name_en": "s", "children": [
                    {"indicator": "births_per_1000", "direction": 1},
                    {"indicator": count, "direction": -1}]}]}]}]}}
    with pytest.raises(AS.TreeError, match=rf"'{count}' is a count"):
        AS.load_tree(bad, catalogue)
    AS.load_tree(bad)  # without the catalogue only the shape is checked


def test_tree_errors_are_named(catalogue):
    def one(leaf):
        return {"root": {"id": "o", "name_pl": "O", "name_en": "O", "children": [
            {"id": "d", "name_pl": "d", "name_en": "d", "children": [
                {"id": "a", "name_pl": "a", "name_en": "a", "children": [
                    {"id": "s", "name_pl": "s", "name_en": "s", "children": [leaf]}]}]}]}}
    with pytest.raises(AS.TreeError, match="unknown indicator 'no_such'"):
        AS.load_tree(one({"indicator": "no_such", "direction": 1}), catalogue)
    with pytest.raises(AS.TreeError, match="contradicts the catalogue polarity lower_better"):
        AS.load_tree(one({"indicator": "old_age_dependency", "direction": 1}), catalogue)
    with pytest.raises(AS.TreeError, match="neutral in the catalogue"):
        AS.load_tree(one({"indicator": "population_density", "direction": 1}), catalogue)
    with pytest.raises(AS.TreeError, match="direction must be 1 or -1"):
        AS.load_tree(one({"indicator": "births_per_1000", "direction": 2}), catalogue)
    # a user indicator that is not in the store yet is allowed: it is "brak danych"
    tree = AS.load_tree(one({"indicator": "bdl_60530", "direction": 1}), catalogue)
    assert tree.indicators == ("bdl_60530",)


def test_an_absent_leaf_is_no_data_not_an_error(catalogue):
    tree = AS.load_tree({"root": {"id": "o", "name_pl": "O", "name_en": "O", "children": [
        {"id": "d", "name_pl": "d", "name_en": "d", "children": [
            {"id": "a", "name_pl": "a", "name_en": "a", "children": [
                {"id": "s", "name_pl": "s", "name_en": "s", "children": [
                    {"indicator": "births_per_1000", "direction": 1},
                    {"indicator": "own_survey", "direction": 1}]}]}]}]}}, catalogue)
    wide = pd.DataFrame({("births_per_1000", 2024): [8.0, 9.0, 10.0]}, index=["a", "b", "c"])
    wide.columns = pd.MultiIndex.from_tuples(wide.columns)
    inp = AS.level_inputs(tree, wide, 3)
    assert inp.ref_years == {"births_per_1000": 2024, "own_survey": None}
    res = AS.assess_group(tree, inp, "c", ["a", "b"])
    assert np.isnan(res.score.loc["c", "own_survey"]) and np.isnan(res.score.loc["c", "s"])
    assert res.coverage.loc["c", "s"] == 0.5


def test_reference_and_start_years_follow_coverage():
    tree = tiny_tree()
    cols = pd.MultiIndex.from_tuples([("x", 2014), ("x", 2016), ("x", 2019), ("x", 2020)])
    wide = pd.DataFrame([[1, 1, 1, NAN]] * 9 + [[1, 1, 1, 1]], columns=cols, index=list("abcdefghij"))
    wide[("x", 2014)] = [1] * 8 + [NAN, NAN]  # 80 % covered: not a start year
    inp = AS.level_inputs(tree, wide, 10)
    assert inp.ref_years["x"] == 2019 and inp.start_years["x"] == 2016  # 2020 has 10 %
