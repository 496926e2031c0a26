"""The synthetic assessment on the real store: properties of the method, the gatherer and `cli.py assess`.

Properties are checked on modified copies of the level inputs (the store itself is shared by the
session), which is what a modified store would feed the assessment with.
"""
import csv
import io

import numpy as np
import pandas as pd
import pytest

from domain import assessment as AS
from domain import peers as P
from reports.assessment_context import gather, tree_for
from reports.source import StoreSource

pytestmark = pytest.mark.slow

GMINA = "1206022"  # Igołomia-Wawrzeńczyce, a rural gmina of 7,852 residents (2024): a group of 564


@pytest.fixture(scope="module")
def src(sqlite_store):
    return StoreSource(sqlite_store)


@pytest.fixture(scope="module")
def level(src):
    units = src.units()
    g = units.loc[units["level"] == "gmina"]
    tree = tree_for(src.indicators())
    wide, _ = src.columns("gmina", list(tree.indicators))
    inputs = AS.level_inputs(tree, wide, len(g))
    pop, _ = src.population("gmina")
    groups = AS.typology_groups(g, pop)
    return tree, inputs, groups, g, pop


def with_values(inputs, values):
    return AS.LevelInputs(codes=inputs.codes, values=values, changes=inputs.changes, ref_years=inputs.ref_years,
                          start_years=inputs.start_years, n_units=inputs.n_units, row=inputs.row)


def test_reference_years_are_the_latest_well_covered(level, sqlite_store):
    tree, inputs, *_ = level
    assert inputs.ref_years["population_change_5y"] == 2024 and inputs.start_years["population_change_5y"] == 2019
    assert inputs.ref_years["turnout_sejm"] == 2023 and inputs.start_years["turnout_sejm"] == 2019
    assert inputs.ref_years["own_revenue_share"] == 2019 and inputs.start_years["own_revenue_share"] == 2016
    # Kraków's value of the leaf is its store value of that year
    v = sqlite_store.values(units=["1261011"], indicators=["own_revenue_per_capita"], years=[2019])["value"].iloc[0]
    assert inputs.values[inputs.row["1261011"], tree.indicators.index("own_revenue_per_capita")] == v


def test_typology_groups_are_the_profile_groups(level):
    _, _, groups, g, pop = level
    assert len(groups) == len(g)
    for code in list(groups)[::97] + ["1261011", "1465011", GMINA]:
        assert groups[code] == P.typology_peers(g, pop, code).codes, code


def test_assess_all_equals_one_group_at_a_time(level):
    tree, inputs, groups, *_ = level
    allr = AS.assess_all(tree, inputs, groups)
    assert len(allr) == len(groups) and allr[("score", "overall")].notna().mean() > 0.95
    sample = {c: groups[c] for c in list(groups)[::211]}
    naive = AS.assess_all_naive(tree, inputs, sample)
    pd.testing.assert_series_equal(naive["overall"].astype(float), allr.loc[list(sample), ("score", "overall")],
                                   check_names=False)
    # percentile scores: the median member of a group sits near 50 at every leaf
    res = AS.assess_group(tree, inputs, GMINA, groups[GMINA])
    assert res.score["own_revenue_per_capita"].median() == pytest.approx(50, abs=1)


@pytest.mark.parametrize("code", ["1261011", GMINA, "0201011"])
def test_raising_a_leaf_in_its_good_direction_never_lowers_a_score(level, code):
    tree, inputs, groups, *_ = level
    base = AS.assess_group(tree, inputs, code, groups[code]).score.loc[code]
    row = inputs.row[code]
    for j, leaf in enumerate(tree.leaves):
        v = inputs.values[row, j]
        if not np.isfinite(v):
            continue
        vals = inputs.values.copy()
        vals[row, j] = v + leaf.direction * (abs(v) * 0.3 + 1)
        new = AS.assess_group(tree, with_values(inputs, vals), code, groups[code]).score.loc[code]
        for node in [leaf.id, *tree.ancestors(leaf.id)]:
            assert new[node] >= base[node] - 1e-9, (code, leaf.id, node)
        # past the group's best value the leaf scores 100 (and its ancestors still do not drop)
        grp = inputs.values[inputs.rows((code, *groups[code])), j] * leaf.direction
        vals[row, j] = (np.nanmax(grp) + 1) * leaf.direction
        top = AS.assess_group(tree, with_values(inputs, vals), code, groups[code]).score.loc[code]
        assert top[leaf.id] == 100 and all(top[n] >= new[n] - 1e-9 for n in tree.ancestors(leaf.id))


def test_multiplying_a_leaf_for_all_units_changes_no_score(level):
    tree, inputs, groups, *_ = level
    sample = {c: groups[c] for c in list(groups)[::50]}
    before = AS.assess_all(tree, inputs, sample)
    vals = inputs.values * np.array([3.7 if k % 2 else 0.01 for k in range(len(tree.leaves))])
    after = AS.assess_all(tree, with_values(inputs, vals), sample)
    pd.testing.assert_frame_equal(before, after)


def test_a_units_scores_depend_only_on_its_group(level):
    tree, inputs, groups, *_ = level
    code = "1261011"
    inside = {inputs.row[c] for c in (code, *groups[code])}
    outside = np.array([i for i in range(len(inputs.codes)) if i not in inside])
    vals = inputs.values.copy()
    rng = np.random.default_rng(3)
    vals[outside] = vals[outside] * rng.uniform(0.1, 10, size=vals[outside].shape)
    a = AS.assess_unit(tree, inputs, code, groups[code])
    b = AS.assess_unit(tree, with_values(inputs, vals), code, groups[code])
    pd.testing.assert_frame_equal(AS.unit_frame(a), AS.unit_frame(b))
    # ... and they do depend on the group: a peer overtaking the unit on a leaf lowers its leaf score
    j = tree.indicators.index("own_revenue_per_capita")
    me = inputs.values[inputs.row[code], j]
    below = [c for c in groups[code] if inputs.values[inputs.row[c], j] < me]
    vals2 = inputs.values.copy()
    vals2[inputs.row[below[0]], j] = me * 2
    c = AS.assess_group(tree, with_values(inputs, vals2), code, groups[code])
    assert c.score.loc[code, "own_revenue_per_capita"] < a.score.loc[code, "own_revenue_per_capita"]


def test_missing_data_rule_on_real_values(level):
    tree, inputs, groups, *_ = level
    code = GMINA
    vals = inputs.values.copy()
    leaves = [leaf.id for leaf in tree.leaves]
    # the civic area: remove the two local/European turnouts -> that sub-area has no data,
    # the area keeps 1 of 2 sub-areas (1/2 < 2/3) -> no data, the social dimension 1 of 2 areas -> no data
    for ind in ("turnout_sejmik", "turnout_ep"):
        vals[inputs.row[code], leaves.index(ind)] = np.nan
    res = AS.assess_group(tree, with_values(inputs, vals), code, groups[code])
    s, cov = res.score.loc[code], res.coverage.loc[code]
    assert np.isnan(s["soc_civ_local"]) and cov["soc_civ_local"] == 0
    assert np.isnan(s["soc_civic"]) and cov["soc_civic"] == 0.5
    assert np.isnan(s["spoleczny"]) and cov["spoleczny"] == 0.5
    # the overall keeps 2 of 3 equal dimensions = exactly 2/3: still scored, from those two
    assert cov["overall"] == pytest.approx(2 / 3)
    assert s["overall"] == pytest.approx((s["gospodarczy"] + s["srodowiskowo_przestrzenny"]) / 2)
    # one of the two sub-area leaves missing: 1/2 -> no data
    vals[inputs.row[code], leaves.index("turnout_sejm")] = np.nan
    vals[inputs.row[code], leaves.index("turnout_president_r1")] = np.nan
    res2 = AS.assess_group(tree, with_values(inputs, vals), code, groups[code])
    assert res2.coverage.loc[code, "soc_civ_national"] == pytest.approx(1 / 3)
    assert np.isnan(res2.score.loc[code, "soc_civ_national"])


def test_gather_for_a_unit_and_an_area(src):
    ac = gather(src, "1261011", None, "en")
    assert ac.ctx.group.method == "typology" and ac.result.members[0] == "1261011"
    f = ac.frame.set_index("node")
    assert f.loc["overall", "group_size"] == len(ac.ctx.group.codes) + 1
    assert f.loc["overall", "rank_low"] <= f.loc["overall", "rank"] <= f.loc["overall", "rank_high"]
    assert f.loc["gospodarczy", "name"] == "Economic dimension"
    # fewer than 5 gminy: by default the 10 most similar powiaty (issue 18), members on request
    area = gather(src, None, None, "pl", area=("1206022", "1206032", "1206042"))
    assert area.ctx.is_area and area.ctx.group.method == "knn"
    assert area.frame.set_index("node").loc["overall", "group_size"] == 11
    members = gather(src, None, "members", "pl", area=("1206022", "1206032", "1206042"))
    assert members.ctx.group.method == "members"
    assert members.frame.set_index("node").loc["overall", "group_size"] <= 4


# ----------------------------------------------------------------------------------------------
# the command line
# ----------------------------------------------------------------------------------------------
def rows(out: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(out)))


HEADER = "node,parent,kind,name,year,value,direction,score,rank,group_size,rank_low,rank_high,dynamics,coverage"


def test_cli_assess_recomputes_from_the_groups_values(run_cli, sqlite_store, level):
    tree, inputs, groups, g, pop = level
    res = run_cli("assess", "--teryt", "1261011")
    assert res.returncode == 0, res.stderr
    assert res.stdout.splitlines()[0] == HEADER
    out = {r["node"]: r for r in rows(res.stdout)}
    assert list(out) == list(tree.nodes)
    group = ("1261011", *groups["1261011"])
    assert out["overall"]["group_size"] == str(len(group)) == "34"  # cities with powiat rights >= 100k
    # own revenue per capita 2019, recomputed by hand from the store values of the 34 members
    v = sqlite_store.values(units=list(group), indicators=["own_revenue_per_capita"], years=[2019])
    vals = dict(zip(v["unit"], v["value"]))
    me = vals["1261011"]
    worse = sum(x < me for x in vals.values())
    ties = sum(x == me for x in vals.values())
    expected = 100 * (worse + (ties - 1) / 2) / (len(vals) - 1)
    leaf = out["own_revenue_per_capita"]
    assert leaf["year"] == "2019" and float(leaf["value"]) == pytest.approx(me)
    assert leaf["direction"] == "1" and float(leaf["score"]) == pytest.approx(expected, abs=1e-6)
    assert leaf["rank"] == str(len(vals) - worse - ties + 1)
    # a sub-area is the mean of its leaves, printed precisely enough to recompute
    sub = [out[k] for k in ("own_revenue_per_capita", "property_tax_per_capita", "own_revenue_share")]
    assert float(out["eco_fin_own"]["score"]) == pytest.approx(np.mean([float(r["score"]) for r in sub]), abs=1e-5)
    assert out["overall"]["kind"] == "overall" and out["overall"]["year"] == "" and out["overall"]["value"] == ""
    lo, hi, rk = (int(out["overall"][k]) for k in ("rank_low", "rank_high", "rank"))
    assert 1 <= lo <= hi <= 34
    assert "reference years" in res.stderr


def test_cli_assess_with_peers_and_area(run_cli):
    knn = rows(run_cli("assess", "--teryt", "1261011", "--peers", "knn:k=10").stdout)
    assert knn[0]["group_size"] == "11"
    custom = rows(run_cli("assess", "--teryt", "1261011", "--peers", "custom:1465011,0264011,3064011").stdout)
    assert custom[0]["node"] == "overall" and int(custom[0]["group_size"]) <= 4
    area = run_cli("assess", "--area", "1206022,1206032,1206042", "--lang", "en", "--peers", "members")
    assert area.returncode == 0, area.stderr
    a = rows(area.stdout)
    assert a[0]["name"] == "Overall assessment" and int(a[0]["group_size"]) <= 4
    default = rows(run_cli("assess", "--area", "1206022,1206032,1206042").stdout)
    assert default[0]["group_size"] == "11"  # a 3-gmina area: the area + its 10 most similar powiaty


@pytest.mark.parametrize("args, message", [
    (("--teryt", "9999999"), "malformed TERYT code"),
    (("--teryt", "1261011", "--peers", "knn:k=0"), "malformed --peers"),
    (("--teryt", "1261011", "--peers", "knn:k=5;w=no_such_indicator"), "unknown indicator"),
    (("--teryt", "1261011", "--peers", "custom:1261011,9999999"), "not units of the level"),
    (("--teryt", "PL"), "no comparison group"),
    (("--area", "1261011"), "--area needs"),
])
def test_cli_assess_bad_input(run_cli, args, message):
    res = run_cli("assess", *args)
    assert res.returncode == 2 and res.stdout == ""
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], res.stderr
