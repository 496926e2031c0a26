"""Rankings: rank 1 = best by polarity, ties share a rank, percentiles hand-checked."""
import numpy as np
import pandas as pd
import pytest

from domain.rankings import rank_of, rank_series, rank_values, ranking_frame, window

NAN = float("nan")


@pytest.mark.parametrize("polarity,ranks,pcts", [
    # values 10, 20, 20, 5, NaN. higher_better: 20s share rank 1; percentile of 20 = (2 + 2/2)/4 = 75
    ("higher_better", [3, 1, 1, 4, None], [37, 75, 75, 12, None]),
    ("neutral", [3, 1, 1, 4, None], [37, 75, 75, 12, None]),
    # lower_better: 5 is best; 10 beats the two 20s: (2 + 0.5)/4 = 62.5 -> 62
    ("lower_better", [2, 3, 3, 1, None], [62, 25, 25, 87, None]),
])
def test_rank_and_percentile(polarity, ranks, pcts):
    r = rank_values(pd.Series([10, 20, 20, 5, NAN]), polarity)
    assert [None if pd.isna(x) else int(x) for x in r["rank"]] == ranks
    assert [None if pd.isna(x) else int(x) for x in r["percentile"]] == pcts


def test_best_of_many_is_99_and_worst_is_0():
    r = rank_values(pd.Series(np.arange(2477, dtype=float)), "higher_better")
    assert r["rank"].iloc[-1] == 1 and r["percentile"].iloc[-1] == 99
    assert r["rank"].iloc[0] == 2477 and r["percentile"].iloc[0] == 0


def test_all_missing_gives_no_ranks():
    r = rank_values(pd.Series([NAN, NAN]), "higher_better")
    assert r["rank"].isna().all()


def test_unknown_polarity_raises():
    with pytest.raises(ValueError):
        rank_values(pd.Series([1.0]), "up")


def _units():
    return pd.DataFrame({"code": ["a", "b", "c", "d"], "name": ["Alfa", "Beta", "Celina", "Dąb"],
                         "level": "gmina", "gmina_type": "rural", "city_powiat": False, "parent_code": "p"})


def test_ranking_frame_keeps_every_unit_and_sorts_by_rank():
    vals = pd.DataFrame({"unit": ["a", "b", "c"], "value": [5.0, 7.0, NAN], "source": "s", "method": "source",
                         "n": None, "of": None, "flag": ["", "", "withheld"]})
    f = ranking_frame(_units(), vals, "higher_better", geometry={"a", "b", "c"})
    assert list(f["code"]) == ["b", "a", "c", "d"]
    assert list(f["rank"].iloc[:2]) == [1, 2] and f["rank"].iloc[2:].isna().all()
    assert f.loc[f["code"] == "c", "flag"].item() == "withheld"
    assert f.loc[f["code"] == "d", "flag"].item() == ""
    assert list(f["has_geometry"]) == [True, True, True, False]
    assert (f["n_ranked"] == 2).all()


def test_window_shows_top_bottom_and_the_selected_neighbourhood():
    f = pd.DataFrame({"code": [str(i) for i in range(100)], "rank": pd.array(list(range(1, 101)), dtype="Int64")})
    w = window(f, "50", top=3, around=2)
    assert list(w["code"]) == ["0", "1", "2", "48", "49", "50", "51", "52", "97", "98", "99"]
    assert list(window(f, None, top=2)["code"]) == ["0", "1", "98", "99"]


# the profile's, the narrative's and the reports' ranks use the same rule (domain.rankings)
def test_rank_series_ties_share_the_best_rank():
    v = pd.Series([5.0, 7.0, 7.0, np.nan, 1.0])
    assert rank_series(v, "higher_better").tolist()[:3] == [3.0, 1.0, 1.0]
    assert rank_series(v, "lower_better").tolist()[:3] == [2.0, 3.0, 3.0]
    assert np.isnan(rank_series(v, "neutral")[3])
    # rank_series and rank_values agree
    assert rank_values(v, "lower_better")["rank"].tolist()[:3] == [2, 3, 3]


# others 7, 5, 3, 1 (NaN ignored); "of" counts the unit too; an equal value shares the rank
@pytest.mark.parametrize("value,polarity,expected", [(7.0, "higher_better", (1, 5)), (7.0, "lower_better", (4, 5)),
                                                     (5.0, "higher_better", (2, 5)), (1.0, "lower_better", (1, 5)),
                                                     (6.0, "neutral", (2, 5)), (0.5, "lower_better", (1, 5))])
def test_rank_of_a_value_among_others(value, polarity, expected):
    assert rank_of(value, [7.0, 5.0, 3.0, np.nan, 1.0], polarity) == expected


def test_rank_of_a_missing_value_is_none():
    assert rank_of(float("nan"), [1.0, 2.0], "higher_better") is None
    with pytest.raises(ValueError):
        rank_of(1.0, [2.0], "up")


@pytest.mark.parametrize("module", ["domain.classify", "domain.rankings", "presentation.map_state"])
def test_pure_modules_import_without_streamlit(module):
    import subprocess
    import sys

    from tests.conftest import ROOT

    code = f"import sys, {module}; assert 'streamlit' not in sys.modules and 'sqlalchemy' not in sys.modules"
    assert subprocess.run([sys.executable, "-c", code], cwd=ROOT).returncode == 0
