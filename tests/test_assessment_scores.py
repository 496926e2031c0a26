"""The synthetic assessment's scores on the map and in comparisons (issue 13, item 4), on the real
store: the map's ranking of a score equals /ocena's numbers (each gmina against its own typology
group), units without a score are "brak danych", the ids cannot collide with catalogue or user
indicators, and the comparison charts hold the numbers of the /ocena group table."""
import re

import numpy as np
import pandas as pd
import pytest

from domain import assessment as AS
from domain.permalink import _ID
from i18n import fmt_num
from presentation import assessment_compare as ACM
from presentation import assessment_scores as SCORES
from reports import assessment_context as AC
from reports.source import StoreSource

pytestmark = pytest.mark.slow

THREE = ("1261011", "1602043", "0201011")  # Kraków, Kietrz, Bolesławiec (town)
NEW_2025 = ("1207132", "2002162")  # Szczawa, Grabówka: created in 2025, no values before


@pytest.fixture(scope="module")
def src(sqlite_store):
    return StoreSource(sqlite_store)


@pytest.fixture(scope="module")
def gmina_level(sqlite_store):
    tree = AC.tree_for(sqlite_store.indicators())
    inputs, pop, units = AC.read_level(sqlite_store, "gmina", tree)
    scores = AS.assess_all(tree, inputs, AS.typology_groups(units, pop))
    return tree, inputs, units, scores


# -- ids --------------------------------------------------------------------------------------------
def test_score_ids_are_valid_url_ids_and_never_catalogue_or_user_ids(sqlite_store):
    from loaders.catalogue import load_catalogue
    from store.user_data import own_indicator_id

    ids = SCORES.score_ids()
    assert ids == ("ocena_overall", "ocena_gospodarczy", "ocena_spoleczny", "ocena_srodowiskowo_przestrzenny")
    assert all(_ID.match(i) for i in ids)
    catalogue = set(load_catalogue().indicators) | set(sqlite_store.indicators())
    assert not {i for i in catalogue if i.startswith(SCORES.PREFIX)}
    # an upload named exactly like a score still gets its own_ prefix
    assert own_indicator_id("ocena_overall") == "own_ocena_overall"
    assert not SCORES.is_score("own_ocena_overall") and not SCORES.is_score("ocena_nonsense")
    assert not SCORES.is_score(None) and SCORES.is_score("ocena_spoleczny")


def test_with_scores_keeps_the_store_indicators_and_adds_four_judged_scores(sqlite_store):
    store_inds = sqlite_store.indicators()
    merged = SCORES.with_scores(store_inds)
    assert list(merged)[:len(store_inds)] == list(store_inds)
    for sid in SCORES.score_ids():
        ind = merged[sid]
        assert ind.category == "assessment" and ind.judging_polarity == "higher_better"
        assert ind.unit("pl") == "pkt" and ind.unit("en") == "points" and ind.decimals == 1
    assert merged["ocena_gospodarczy"].name("pl") == "Ocena syntetyczna: wymiar gospodarczy"
    assert merged["ocena_overall"].name("en") == "Synthetic assessment: overall assessment"


# -- the map: each gmina against its own typology group ----------------------------------------------
def test_map_ranking_of_the_overall_score_is_ocena_for_three_real_gminy(src, gmina_level):
    tree, inputs, units, scores = gmina_level
    frame = SCORES.map_ranking(units, scores, "overall").set_index("code")
    for code in THREE:
        ocena = AC.gather(src, code, None, "pl", interval=False).row("overall")  # /ocena, no peers=
        assert frame.at[code, "value"] == pytest.approx(float(scores.at[code, ("score", "overall")]))
        assert frame.at[code, "value"] == pytest.approx(float(ocena["score"]), abs=1e-9)
        assert int(frame.at[code, "group_rank"]) == int(ocena["rank"])
        assert int(frame.at[code, "group_size"]) == int(ocena["group_size"])
    # the national order is the order of the scores, best first; ranks among every scored gmina
    ranked = frame.loc[frame["value"].notna()]
    assert ranked["value"].is_monotonic_decreasing
    assert int(ranked["rank"].iloc[0]) == 1 and int(ranked["n_ranked"].iloc[0]) == len(ranked)
    assert frame["method"].eq(SCORES.METHOD).all()


def test_gminy_without_data_show_no_value(gmina_level):
    tree, inputs, units, scores = gmina_level
    frame = SCORES.map_ranking(units, scores, "overall").set_index("code")
    for code in NEW_2025:
        assert np.isnan(frame.at[code, "value"]) and pd.isna(frame.at[code, "rank"])
        assert pd.isna(frame.at[code, "group_rank"])
        # the coverage rule: under 2/3 of the weight present (here: nothing at all)
        assert frame.at[code, "coverage"] < AS.MIN_COVERAGE
    assert int(frame["value"].isna().sum()) == int(scores[("score", "overall")].isna().sum())
    # no data sorts last
    assert frame["value"].iloc[-len(NEW_2025):].isna().all()


@pytest.mark.parametrize("level", ["gmina", "powiat", "wojewodztwo"])
def test_cheap_reference_years_equal_the_level_inputs(sqlite_store, level):
    """availability() takes the years from the store's coverage table; they must be the years the
    scores are computed on."""
    tree = AC.tree_for(sqlite_store.indicators())
    inputs, _, units = AC.read_level(sqlite_store, level, tree)
    cov = sqlite_store.coverage()
    cov = cov.loc[cov["level"] == level]
    counts = {i: dict(zip(g["year"].astype(int), g["count"].astype(int))) for i, g in cov.groupby("indicator")}
    refs = SCORES.ref_years_from_counts(tree, counts, len(units))
    assert refs == inputs.ref_years
    assert SCORES.score_year(refs) == max(y for y in inputs.ref_years.values() if y)


def test_scorable_nodes_follow_the_coverage_rule(sqlite_store):
    tree = AC.tree_for(sqlite_store.indicators())
    for level in ("gmina", "powiat", "wojewodztwo"):
        inputs, pop, units = AC.read_level(sqlite_store, level, tree)
        scores = AS.assess_all(tree, inputs, AS.typology_groups(units, pop))
        offered = SCORES.scorable_nodes(tree, inputs.ref_years)
        have = tuple(n for n in SCORES.score_nodes() if scores[("score", n)].notna().any())
        assert offered == have, level  # offered exactly where some unit has a score
    # powiaty: EP turnout has no well-covered year, so the social dimension cannot be scored
    inputs, _, _ = AC.read_level(sqlite_store, "powiat", tree)
    assert inputs.ref_years["turnout_ep"] is None
    assert "spoleczny" not in SCORES.scorable_nodes(tree, inputs.ref_years)


def test_years_text_counts_leaves_with_polish_plurals(gmina_level):
    tree, inputs, units, scores = gmina_level
    text = SCORES.years_text(inputs.ref_years, "pl")
    counts = pd.Series([y for y in inputs.ref_years.values() if y]).value_counts()
    for year, n in counts.items():
        word = "wskaźnik" if n == 1 else ("wskaźniki" if n % 10 in (2, 3, 4) and n % 100 not in (12, 13, 14)
                                          else "wskaźników")
        assert f"{year} ({n} {word})" in text
    assert sum(counts) == len(tree.leaves)  # every gmina leaf has a reference year
    en = SCORES.years_text(inputs.ref_years, "en")
    assert "wskaź" not in en and "indicator" in en


def test_map_caption_says_derived_and_links_the_method_and_the_unit(gmina_level):
    tree, inputs, units, scores = gmina_level
    ind = SCORES.score_indicators()["ocena_overall"]
    pl = SCORES.map_caption(ind, inputs.ref_years, level="gmina", year=2025, lang="pl", n_scored=2477,
                            n_units=2479, unit_code="1602043", unit_name="Kietrz")
    assert "nie statystyka publiczna" in pl and "własnej grupy porównawczej" in pl
    assert "(/o-danych#ocena)" in pl and "(/ocena?unit=1602043)" in pl
    assert "Ocenę ma 2 477 z 2 479 gmin" in pl.replace("\u00a0", " ")
    en = SCORES.map_caption(ind, inputs.ref_years, level="gmina", year=2025, lang="en", n_scored=2477,
                            n_units=2479, unit_code="1602043", unit_name="Kietrz")
    assert "not an official statistic" in en and "(/ocena?unit=1602043&lang=en)" in en
    assert not re.search(r"[ąęółśżźćń]", en.replace("Kietrz", ""))


# -- comparisons: the subject's group scored as on /ocena ----------------------------------------------
@pytest.fixture(scope="module")
def kietrz(src):
    from presentation import profile_context as PC

    ctx = PC.build(src, "1602043", "knn:k=10", "pl")
    ac = AC.gather(src, "1602043", "knn:k=10", "pl", ctx=ctx, interval=False)
    return ACM.scored_context(ctx, ac), ac


def test_comparison_ranking_holds_the_group_table_numbers(kietrz):
    sctx, ac = kietrz
    r = ACM.chart(sctx, "ranking:ocena_overall", ac)
    assert r.figure is not None
    col = [c for c in r.data.columns if c.startswith("Ocena syntetyczna: ocena ogólna")][0]
    got = dict(zip(r.data["TERYT"], r.data[col]))
    want = ac.result.score["overall"].dropna()
    assert set(got) == set(want.index) and len(got) == 11  # Kietrz + its 10 nearest neighbours
    for code, v in want.items():
        assert got[code] == pytest.approx(float(v))
    rank = int(ac.result.rank.at["1602043", "overall"])
    assert f"{rank}. miejsce na {int(ac.result.group_size['overall'])}" in r.takeaway
    assert "wyliczone w aplikacji" in r.sources and "(/o-danych#ocena)" in r.sources
    assert "assessment" not in r.sources.replace("#ocena", "")


def test_comparison_quadrant_is_level_against_the_assessment_dynamics(kietrz):
    sctx, ac = kietrz
    r = ACM.chart(sctx, "quadrant:ocena_gospodarczy", ac)
    assert r.figure is not None
    level_col, dyn_col = r.data.columns[1], r.data.columns[2]
    me = r.data.loc[r.data[r.data.columns[0]] == sctx.short_name].iloc[0]
    assert me[level_col] == pytest.approx(float(ac.result.score.at["1602043", "gospodarczy"]))
    assert me[dyn_col] == pytest.approx(float(ac.result.dynamics.at["1602043", "gospodarczy"]))
    assert "nie zmiana wyniku w punktach" in r.note


def test_comparison_time_series_of_a_score_is_a_message_and_distribution_is_the_group(kietrz):
    sctx, ac = kietrz
    r = ACM.chart(sctx, "trend:ocena_overall", ac)
    assert r.figure is None and "jeden rok odniesienia" in r.message
    d = ACM.chart(sctx, "distribution:ocena_overall", ac)
    assert len(d.figure.data) == 1 and len(d.data) == 11  # the group only: no "all gminy" box
    s = ACM.chart(sctx, "scatter:population_total:ocena_overall", ac)
    assert s.figure is not None and len(s.data) == 11  # units outside the group have no score here
    assert "GUS" in s.sources and "wyliczone w aplikacji" in s.sources


def test_comparison_of_a_functional_area(src):
    from presentation import profile_context as PC

    area = ("1206022", "1206032", "1206042", "1206052", "1206063")
    ctx = PC.build(src, None, None, "pl", area=area)  # 5 gminy: compared with its own gminy
    ac = AC.gather(src, None, None, "pl", area=area, ctx=ctx, interval=False)
    sctx = ACM.scored_context(ctx, ac)
    r = ACM.chart(sctx, "ranking:ocena_overall", ac)
    assert r.figure is not None
    col = [c for c in r.data.columns if c.startswith("Ocena syntetyczna")][0]
    values = sorted(float(v) for v in r.data[col])
    assert values == pytest.approx(sorted(float(v) for v in ac.result.score["overall"].dropna()))
    assert fmt_num(float(ac.result.score.at[ctx.code, "overall"]), 1, "pl") in r.takeaway
