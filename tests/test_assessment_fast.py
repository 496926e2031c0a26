"""The fast paths of the synthetic assessment give exactly the numbers of the reference (naive)
implementations they replaced: the rank uncertainty interval (domain.assessment.rank_interval vs
rank_interval_naive), on real gminy and on random groups with missing data."""
import numpy as np
import pandas as pd
import pytest

from domain import assessment as AS
from tests.test_assessment import VALUES, inputs, tiny_tree

NAN = np.nan


def test_scenario_sets_are_the_scenario_weights_of_each_normalisation():
    tree = tiny_tree()
    sets = AS._scenario_sets(tree, 30, 5)
    for part, W in enumerate(sets):
        ref = AS.scenario_weights(tree, 30, 5, part=part, parts=len(AS.NORMALISATIONS))
        assert W.keys() == ref.keys()
        for k in W:
            np.testing.assert_array_equal(W[k], ref[k])


@pytest.mark.parametrize("seed", range(6))
def test_fast_interval_equals_the_naive_one_on_random_groups_with_gaps(seed):
    """Random values with missing leaves (some nodes below 2/3 coverage in some scenarios) and a
    branch with a single leaf (dropped with it), for every member as the unit."""
    rng = np.random.default_rng(seed)
    tree = tiny_tree(dim1_weight=1 + seed % 3, leaves1=(("x", 1), ("y", -1)), leaves2=(("z", 1),))
    n = 5 + 3 * seed
    X = rng.integers(0, 6, size=(n, 3)).astype(float)  # few distinct values: many ties
    X[rng.random(X.shape) < 0.25] = NAN
    codes = tuple(f"u{i}" for i in range(n))
    inp = inputs(X, codes=codes)
    for unit in codes[:4]:
        peers = [c for c in codes if c != unit]
        fast = AS.rank_interval(tree, inp, unit, peers, draws=60, seed=seed)
        naive = AS.rank_interval_naive(tree, inp, unit, peers, draws=60, seed=seed)
        pd.testing.assert_frame_equal(fast, naive)


def test_fast_interval_equals_the_naive_one_on_the_hand_computed_group():
    inp = inputs(VALUES)
    for unit in ("u0", "u1", "u2", "u3"):
        peers = [c for c in ("u0", "u1", "u2", "u3") if c != unit]
        pd.testing.assert_frame_equal(AS.rank_interval(tiny_tree(), inp, unit, peers),
                                      AS.rank_interval_naive(tiny_tree(), inp, unit, peers))


@pytest.mark.slow
def test_fast_interval_equals_the_naive_one_on_real_gminy(sqlite_store):
    from reports.assessment_context import tree_for
    from reports.source import StoreSource

    src = StoreSource(sqlite_store)
    units = src.units()
    g = units.loc[units["level"] == "gmina"]
    tree = tree_for(src.indicators())
    wide, _ = src.columns("gmina", list(tree.indicators))
    inp = AS.level_inputs(tree, wide, len(g))
    pop, _ = src.population("gmina")
    groups = AS.typology_groups(g, pop)
    # Kraków (a group of 34 with a member lacking leaves), Igołomia-Wawrzeńczyce (564), a rural gmina
    # of the largest typology group (614), Sopot, Tarnów
    for code in ("1261011", "1206022", "0201032", "2264011", "1263011"):
        fast = AS.rank_interval(tree, inp, code, groups[code])
        naive = AS.rank_interval_naive(tree, inp, code, groups[code])
        pd.testing.assert_frame_equal(fast, naive)
        assert fast.loc["overall", "scenarios"] == AS.N_DRAWS + len(AS.NORMALISATIONS) * (1 + len(tree.leaves))
