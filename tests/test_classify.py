"""Classification and class colours: hand-checked breaks, mapclassify agreement, polarity."""
import math

import mapclassify
import numpy as np
import pytest

from domain import palettes
from domain.classify import (ClassifyError, class_colours, classify, fisher_jenks_bins, legend_decimals,
                             parse_breaks, std_multiples)

NAN = float("nan")


@pytest.mark.parametrize("values,method,k,bins,counts", [
    # quantiles of 1..10, k=4: linear interpolation at 25/50/75/100 % -> 1+0.25*9=3.25, 5.5, 7.75, 10
    (list(range(1, 11)), "quantiles", 4, (3.25, 5.5, 7.75, 10.0), (3, 2, 2, 3)),
    # quantiles, k=5 of 1..10: 20 % -> 1+0.2*9=2.8, 4.6, 6.4, 8.2, 10
    (list(range(1, 11)), "quantiles", 5, (2.8, 4.6, 6.4, 8.2, 10.0), (2, 2, 2, 2, 2)),
    # equal interval over [0, 10], k=5: width 2
    (list(range(0, 11)), "equal_interval", 5, (2.0, 4.0, 6.0, 8.0, 10.0), (3, 2, 2, 2, 2)),
    # equal interval with a value exactly on a break: 2 belongs to the lower class (left-open)
    ([0, 2, 3, 9], "equal_interval", 3, (3.0, 6.0, 9.0), (3, 0, 1)),
    # three obvious groups
    ([1, 2, 3, 10, 11, 12, 20, 21, 22], "fisher_jenks", 3, (3.0, 12.0, 22.0), (3, 3, 3)),
    ([22, 1, 11, 2, 21, 12, 3, 20, 10], "fisher_jenks", 3, (3.0, 12.0, 22.0), (3, 3, 3)),
    # mean 2, sample sd 2 (ddof=1): k=3 breaks at mean ± 0.5 sd = 1, 3; top class ends at max 4
    ([0, 2, 4], "std_mean", 3, (1.0, 3.0, 4.0), (1, 1, 1)),
    # k=4: breaks at -1, 0, +1 sd = 0, 2, 4; max 4 is on the last break -> empty top class
    ([0, 2, 4], "std_mean", 4, (0.0, 2.0, 4.0, 4.0), (1, 1, 1, 0)),
])
def test_hand_checked_breaks(values, method, k, bins, counts):
    c = classify(values, method=method, k=k)
    assert c.bins == pytest.approx(bins)
    assert c.counts == counts
    assert sum(c.counts) == len(values)


def test_user_breaks_give_m_plus_one_classes_and_may_be_empty():
    c = classify([1, 5, 10, 50, 200, NAN], method="user", breaks=[10, 100, 1000])
    assert c.k == 4
    assert c.bins == (10.0, 100.0, 1000.0, 1000.0)
    assert c.counts == (3, 1, 1, 0)
    assert c.n_missing == 1
    assert list(c.classes) == [0, 0, 0, 1, 2, -1]


def test_missing_values_are_class_minus_one_and_counted():
    c = classify([NAN, 1, 2, 3, NAN], method="quantiles", k=3)
    assert c.n_missing == 2 and sum(c.counts) == 3
    assert c.classes[0] == -1 and c.classes[-1] == -1


def test_lower_bounds_start_at_minimum():
    c = classify(list(range(1, 11)), method="quantiles", k=4)
    assert c.lower == pytest.approx((1.0, 3.25, 5.5, 7.75))


def test_ties_reduce_quantile_classes_and_say_so():
    c = classify([0] * 8 + [1, 2], method="quantiles", k=5)
    assert c.k < 5 and c.reduced
    assert sum(c.counts) == 10


@pytest.mark.parametrize("k", [3, 4, 5, 6, 7, 8, 9])
def test_std_multiples_are_one_sd_apart_and_symmetric(k):
    m = std_multiples(k)
    assert len(m) == k - 1
    assert np.allclose(np.diff(m), 1.0)
    assert np.allclose(m, [-x for x in reversed(m)])
    assert (0.0 in m) == (k % 2 == 0)


@pytest.mark.parametrize("seed,n,k", [(1, 60, 3), (2, 150, 5), (3, 200, 7), (4, 120, 9), (5, 40, 8)])
def test_fisher_jenks_equals_mapclassify(seed, n, k):
    y = np.random.default_rng(seed).lognormal(3, 1, n).round(1)
    with pytest.warns(UserWarning):  # mapclassify's slow pure-Python path (no numba)
        expected = mapclassify.FisherJenks(y, k=k).bins
    assert fisher_jenks_bins(y, k) == pytest.approx(expected)


def test_fisher_jenks_with_fewer_distinct_values_than_classes():
    assert list(fisher_jenks_bins([1, 1, 2, 2], 5)) == [1, 2]


@pytest.mark.parametrize("method", ["quantiles", "equal_interval", "fisher_jenks", "std_mean"])
def test_classes_agree_with_bins(method):
    y = np.random.default_rng(7).normal(0, 10, 500)
    c = classify(y, method=method, k=6)
    for v, cl in zip(y, c.classes):
        assert c.lower[cl] <= v <= c.bins[cl] or (cl == 0 and v <= c.bins[0])
        if cl > 0:
            assert v > c.bins[cl - 1]


@pytest.mark.parametrize("kwargs,reason", [
    ({"method": "nope", "k": 5}, "bad_method"), ({"method": "quantiles", "k": 2}, "bad_k"),
    ({"method": "quantiles", "k": 10}, "bad_k"), ({"method": "user", "breaks": None}, "bad_breaks"),
])
def test_bad_parameters_raise_with_a_reason(kwargs, reason):
    with pytest.raises(ClassifyError) as e:
        classify([1, 2, 3], **kwargs)
    assert e.value.args[0] == reason


def test_no_values_raises():
    with pytest.raises(ClassifyError, match="no_values"):
        classify([NAN, NAN], method="quantiles", k=3)


@pytest.mark.parametrize("text,expected", [
    ("50; 100; 250,5", (50.0, 100.0, 250.5)), ("50,100,250.5", (50.0, 100.0, 250.5)),
    ("100 50", (50.0, 100.0)), ("1\u00a0000; 2 000", (1000.0, 2000.0)), ("-5;0;5", (-5.0, 0.0, 5.0)),
])
def test_parse_breaks(text, expected):
    assert parse_breaks(text) == expected


@pytest.mark.parametrize("text", ["", "abc", "1;2;x", "1,2,3,4,5,6,7,8,9", "inf", "nan"])
def test_parse_breaks_rejects(text):
    with pytest.raises(ClassifyError):
        parse_breaks(text)


# -- colours ----------------------------------------------------------------------------------

@pytest.mark.parametrize("polarity", ["higher_better", "neutral"])
def test_sequential_darker_is_higher_for_higher_better_and_neutral(polarity):
    c = classify(list(range(10)), method="quantiles", k=5)
    cols = class_colours(c, polarity=polarity)
    assert cols == palettes.sequential(5)
    L = palettes.relative_luminance
    assert L(cols[0]) > L(cols[-1])


def test_lower_better_reverses_so_low_values_are_dark():
    c = classify(list(range(10)), method="quantiles", k=5)
    assert class_colours(c, polarity="lower_better") == palettes.sequential(5)[::-1]


def test_fewer_than_three_classes_still_get_colours():
    c = classify([0] * 9 + [1], method="quantiles", k=5)
    assert len(class_colours(c, polarity="neutral")) == c.k


def test_diverging_centre_class_is_neutral_and_sides_follow_polarity():
    # classes: (-6,-2], (-2,2], (2,6] around 0
    c = classify([-6, -2, 2, 6], method="user", breaks=[-2, 2])
    hb = class_colours(c, polarity="higher_better", center=0)
    d9 = palettes.diverging(9)
    assert hb[1] == d9[4]                   # the class containing 0 is the neutral colour
    assert hb[0] in d9[:4] and hb[2] in d9[5:]  # negative = warm side, positive = cool ("better")
    lb = class_colours(c, polarity="lower_better", center=0)
    assert lb[0] in d9[5:] and lb[2] in d9[:4]


def test_diverging_shades_deepen_with_distance_from_centre():
    c = classify([-9, -5, -1, 1, 5, 9], method="user", breaks=[-6, -2, 0, 2, 6])
    cols = class_colours(c, polarity="higher_better", center=0)
    L = palettes.relative_luminance
    assert L(cols[2]) > L(cols[1]) > L(cols[0])      # below zero: darker further down
    assert L(cols[3]) > L(cols[4]) > L(cols[5])      # above zero: darker further up
    assert len(set(cols)) == 6


def test_all_classes_on_one_side_of_the_centre_get_distinct_shades():
    c = classify(np.arange(1, 100), method="quantiles", k=9)
    cols = class_colours(c, polarity="higher_better", center=0)
    assert len(set(cols)) == 9


@pytest.mark.parametrize("values,decimals,expected", [
    ([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0, 0),  # 1, 3.25, 5.5, 7.75, 10 -> 1, 3, 6, 8, 10: distinct
    ([1.0, 1.2, 1.4, 1.6], 0, 1),              # 1, 1.15, 1.3, 1.45, 1.6 all round to 1 or 2
    ([1.0, 1.01, 1.02, 1.03], 1, 3),           # one more decimal is not enough, two are
])
def test_legend_decimals(values, decimals, expected):
    c = classify(values, method="quantiles", k=4)
    assert legend_decimals(c, decimals) == expected
    shown = [round(b, expected) for b in sorted(set(c.lower) | set(c.bins))]
    assert len(set(shown)) == len(shown)
    assert not math.isnan(shown[0])
