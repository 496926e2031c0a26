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
    # groups too small to score (the unit alone, or with one peer): the same "no rank" answers
    for unit, peers in (("u0", []), ("u2", []), ("u0", ["u1"]), ("u2", ["u3"])):
        fast = AS.rank_interval(tiny_tree(), inp, unit, peers)
        pd.testing.assert_frame_equal(fast, AS.rank_interval_naive(tiny_tree(), inp, unit, peers))
    assert AS.rank_interval(tiny_tree(), inp, "u0", []).loc["overall", "scenarios"] == 0


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


def _dyn_figure_with_add_lines(ac):
    """The level × dynamics figure as it was built before (fig.add_hline / add_vline)."""
    import plotly.graph_objects as go

    from domain.palettes import ROLE_COLOURS
    from i18n import fmt_num, t
    from presentation import assessment as PA

    lang = ac.lang
    f = PA.dynamics_frame(ac)
    f = f.loc[f["both"]]
    fig = go.Figure()
    mx, my = PA.group_medians(ac, f["node"]) if len(f) else (50.0, 50.0)
    for kind, symbol, size in (("dimension", "diamond", 16), ("area", "circle", 11)):
        sub = f.loc[f["kind"] == kind]
        if sub.empty:
            continue
        fig.add_scatter(x=sub["level"], y=sub["dynamics"], mode="markers+text", text=sub["label"],
                        textposition="top center", marker=dict(symbol=symbol, size=size, color=ROLE_COLOURS["unit"]),
                        name=t(f"assess.kind.{kind}", lang),
                        hovertemplate="%{text}<br>" + t("assess.chart.level", lang) + ": %{x:.1f}<br>"
                        + t("assess.chart.dynamics", lang) + ": %{y:.1f}<extra></extra>")
    fig.add_hline(y=my, line_dash="dash", line_color="#666",
                  annotation_text=t("assess.chart.median_dyn", lang, v=fmt_num(my, 1, lang)),
                  annotation_position="bottom right")
    fig.add_vline(x=mx, line_dash="dash", line_color="#666",
                  annotation_text=t("assess.chart.median_lvl", lang, v=fmt_num(mx, 1, lang)),
                  annotation_position="top left")
    fig.update_layout(height=420, margin=dict(l=10, r=10, t=30, b=40),
                      xaxis=dict(range=[-5, 105], title=t("assess.chart.level", lang)),
                      yaxis=dict(range=[-5, 108], title=t("assess.chart.dynamics", lang)),
                      legend=dict(orientation="h", y=1.1, x=0), separators=", " if lang == "pl" else ".,")
    return fig


@pytest.mark.slow
@pytest.mark.parametrize("code, lang", [("1261011", "pl"), ("0201032", "en")])
def test_page_pieces_are_what_the_slower_code_built(sqlite_store, code, lang):
    """The level × dynamics figure (median lines given as layout shapes) is the figure add_hline /
    add_vline built; the remembered score texts are fmt_num's; the group table's highlight marks
    exactly the rows the per-row function marked."""
    import json

    import plotly.io as pio

    from components.assessment_view import _highlight_rows
    from i18n import fmt_num, t
    from presentation import assessment as PA
    from reports.assessment_context import gather
    from reports.source import StoreSource

    ac = gather(StoreSource(sqlite_store), code, None, lang)
    as_json = lambda fig: json.loads(pio.to_json(fig))  # noqa: E731
    assert as_json(PA.level_dynamics_figure(ac)) == as_json(_dyn_figure_with_add_lines(ac))
    scores = ac.result.score.to_numpy().ravel()
    for x in list(scores[:400]) + [0.0, -0.0, 100.0, 49.95, 0.05, float("nan")]:
        expected = fmt_num(float(x), 1, lang) if np.isfinite(x) else t("assess.no_data", lang)
        assert PA.score_text(x, lang) == expected
    frame = PA.group_table(ac, ac.ctx.names)
    me = ac.ctx.names.get(code, code)
    old = frame.apply(lambda r: ["background-color: #fde2cf; font-weight: 600" if r.iloc[0] == me else ""
                                 for _ in r], axis=1, result_type="expand")
    new = _highlight_rows(frame, me)
    assert (new.to_numpy() == old.to_numpy()).all() and (new.iloc[:, 0] != "").sum() >= 1


@pytest.mark.parametrize("lang", ["pl", "en"])
def test_score_text_is_fmt_num_for_every_score(lang):
    """Every score 0–100 (each rounded value, with values just beside the rounding boundaries),
    out-of-range values and a negative zero: score_text writes exactly what fmt_num writes."""
    from i18n import fmt_num, t
    from presentation import assessment as PA

    xs = [i / 10 for i in range(1001)] + [i / 10 + d for i in range(1000) for d in (0.0499999, 0.05, 0.0500001)]
    xs += [-0.0, -0.04, 100.04, 100.05, 123.45, -5.0, 1234.56]
    for x in xs:
        assert PA.score_text(x, lang) == fmt_num(x, 1, lang), x
    assert PA.score_text(float("nan"), lang) == PA.score_text(None, lang) == t("assess.no_data", lang)
