"""What the /ocena page and the exports show of a synthetic assessment (no Streamlit): the
headline, the generated narrative (pl/en, correct plurals), the dimension/area bar chart, the
level × dynamics chart, the sub-areas pulling up and down, and the group table.

Input: a ``reports.assessment_context.AssessmentContext`` (``ac``), built from any data source.
"""
from __future__ import annotations

import math
from functools import lru_cache

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from domain import assessment as AS
from domain.areas import plural_form
from domain.palettes import ROLE_COLOURS
from i18n import fmt_num, t

LEVEL_WORD = {"gmina": "gmina", "powiat": "powiat", "wojewodztwo": "wojewodztwo"}
BAR_KINDS = ("dimension", "area")


def _ok(x) -> bool:
    return x is not None and not (isinstance(x, float) and math.isnan(x)) and not pd.isna(x)


@lru_cache(maxsize=8192)
def _one_decimal(r: float, negative: bool, lang: str) -> str:
    return fmt_num(r, 1, lang)


def score_text(x, lang: str) -> str:
    """A score with one decimal ("49,2"), or "brak danych": exactly what ``fmt_num`` writes. The
    group table formats thousands of cells per run, so a score 0–100 is written directly (the
    same text as fmt_num's for each of the 1,001 values, in pl and en — tested exhaustively);
    anything else goes through fmt_num, remembered per rounded value (the sign of a zero is part
    of the key)."""
    if type(x) in (float, np.float64):  # the common case, without pd.isna
        if x != x:
            return t("assess.no_data", lang)
    elif not _ok(x):
        return t("assess.no_data", lang)
    r = round(float(x), 1)
    if 0.0 <= r <= 100.0 and math.copysign(1.0, r) > 0 and lang in ("pl", "en"):
        text = f"{r:.1f}"
        return text.replace(".", ",") if lang == "pl" else text
    return _one_decimal(r, math.copysign(1.0, r) < 0, lang)


def units_word(n: int, level: str, lang: str) -> str:
    """"564 gminy", "5 gmin", "1 powiat", "12 powiatów" (the comparison level's unit, counted)."""
    lv = LEVEL_WORD.get(level, "gmina")
    return t(f"assess.units_{lv}_{plural_form(n, lang)}", lang, n=fmt_num(n, 0, lang))


def rank_line(ac, node: str = "overall") -> str:
    """"162. miejsce w grupie 564 gmin (przedział 89–263)" or "brak danych"."""
    r = ac.row(node)
    lang = ac.lang
    if not _ok(r["score"]):
        return t("assess.no_data", lang)
    text = t("assess.rank_in_group", lang, rank=int(r["rank"]),
             group=units_word(int(r["group_size"]), ac.ctx.level, lang))
    if _ok(r["rank_low"]) and _ok(r["rank_high"]):
        text += " " + t("assess.rank_interval", lang, low=int(r["rank_low"]), high=int(r["rank_high"]))
    return text


def node_name(ac, node: str) -> str:
    return ac.tree.nodes[node].name(ac.lang)


def pulling(ac, n: int = 3) -> tuple[list[str], list[str]]:
    return AS.pulls(ac.result, n)


def narrative(ac) -> str:
    """A short generated paragraph in the interface language."""
    lang, res, u = ac.lang, ac.result, ac.result.unit
    name = ac.ctx.label if hasattr(ac.ctx, "label") else ac.ctx.row.get("name", u)
    over = ac.row("overall")
    parts = []
    if _ok(over["score"]):
        parts.append(t("assess.story.overall", lang, name=name, score=score_text(over["score"], lang),
                       rank=int(over["rank"]), group=units_word(int(over["group_size"]), ac.ctx.level, lang),
                       low=int(over["rank_low"]), high=int(over["rank_high"])))
    else:
        parts.append(t("assess.story.no_overall", lang, name=name,
                       coverage=fmt_num(100 * float(over["coverage"]), 0, lang)))
    dims = [(d.id, res.score.at[u, d.id]) for d in ac.tree.of_kind("dimension")]
    dims = [(k, v) for k, v in dims if _ok(v)]
    if len(dims) >= 2:
        best = max(dims, key=lambda kv: kv[1])
        worst = min(dims, key=lambda kv: kv[1])
        parts.append(t("assess.story.dims", lang, best=node_name(ac, best[0]), best_score=score_text(best[1], lang),
                       worst=node_name(ac, worst[0]), worst_score=score_text(worst[1], lang)))
    up, down = pulling(ac)
    if up:
        parts.append(t("assess.story.up", lang, names=", ".join(node_name(ac, k) for k in up)))
    if down:
        parts.append(t("assess.story.down", lang, names=", ".join(node_name(ac, k) for k in down)))
    dyn = [(a.id, res.dynamics.at[u, a.id]) for a in ac.tree.of_kind("area") if _ok(res.dynamics.at[u, a.id])]
    if dyn:
        fast = max(dyn, key=lambda kv: kv[1])
        parts.append(t("assess.story.dynamics", lang, name=node_name(ac, fast[0]),
                       score=score_text(fast[1], lang)))
    return " ".join(parts)


def bar_frame(ac) -> pd.DataFrame:
    """Dimensions and their areas in tree order: node, kind, label, score, median (group), coverage."""
    res, u = ac.result, ac.result.unit
    rows = []
    for dim in ac.tree.of_kind("dimension"):
        for nid in (dim.id, *dim.children):
            node = ac.tree.nodes[nid]
            rows.append({"node": nid, "kind": node.kind, "label": node.name(ac.lang),
                         "score": res.score.at[u, nid], "median": res.median(nid),
                         "coverage": res.coverage.at[u, nid]})
    return pd.DataFrame(rows)


def bars_figure(ac, *, height: int | None = None) -> go.Figure:
    """Horizontal bars 0–100 of the dimensions (bold) and their areas, with the group median."""
    lang = ac.lang
    f = bar_frame(ac).iloc[::-1]
    labels = [f"<b>{r.label}</b>" if r.kind == "dimension" else f"   {r.label}" for r in f.itertuples()]
    # one colour (the unit's, as on every chart); areas lighter than their dimension
    opacity = [1.0 if r.kind == "dimension" else 0.55 for r in f.itertuples()]
    text = [score_text(s, lang) for s in f["score"]]
    fig = go.Figure()
    fig.add_bar(y=labels, x=f["score"].fillna(0), orientation="h",
                marker=dict(color=ROLE_COLOURS["unit"], opacity=opacity), text=text,
                textposition="outside", cliponaxis=False, name=t("assess.chart.unit", lang),
                hovertemplate="%{y}: %{text}<extra></extra>")
    fig.add_scatter(y=labels, x=f["median"], mode="markers", marker=dict(symbol="line-ns-open", size=18,
                    color="#222222", line=dict(width=3, color="#222222")), name=t("assess.chart.median", lang),
                    hovertemplate=t("assess.chart.median", lang) + ": %{x:.1f}<extra></extra>")
    fig.update_layout(height=height or 60 + 34 * len(f), margin=dict(l=10, r=40, t=30, b=30),
                      xaxis=dict(range=[0, 108], title=t("assess.chart.score_axis", lang), tickvals=[0, 25, 50, 75, 100]),
                      yaxis=dict(automargin=True), legend=dict(orientation="h", y=1.08, x=0),
                      separators=", " if lang == "pl" else ".,", bargap=0.25)
    return fig


def dynamics_frame(ac) -> pd.DataFrame:
    res, u = ac.result, ac.result.unit
    rows = []
    for kind in ("dimension", "area"):
        for node in ac.tree.of_kind(kind):
            lvl, dyn = res.score.at[u, node.id], res.dynamics.at[u, node.id]
            rows.append({"node": node.id, "kind": kind, "label": node.name(ac.lang), "level": lvl,
                         "dynamics": dyn, "both": _ok(lvl) and _ok(dyn)})
    return pd.DataFrame(rows)


def group_medians(ac, nodes) -> tuple[float, float]:
    """Median of the group's level scores and of its dynamics scores, pooled over ``nodes``."""
    res = ac.result
    lv = res.score[list(nodes)].to_numpy().ravel()
    dy = res.dynamics[list(nodes)].to_numpy().ravel()
    lv, dy = lv[np.isfinite(lv)], dy[np.isfinite(dy)]
    return (float(np.median(lv)) if len(lv) else 50.0, float(np.median(dy)) if len(dy) else 50.0)


def level_dynamics_figure(ac, *, height: int = 420) -> go.Figure:
    """Level (x) against dynamics (y) of the dimensions and areas that have both, with the group
    median lines (pooled over the plotted nodes)."""
    lang = ac.lang
    f = dynamics_frame(ac)
    f = f.loc[f["both"]]
    fig = go.Figure()
    mx, my = group_medians(ac, f["node"]) if len(f) else (50.0, 50.0)
    for kind, symbol, size in (("dimension", "diamond", 16), ("area", "circle", 11)):
        sub = f.loc[f["kind"] == kind]
        if sub.empty:
            continue
        fig.add_scatter(x=sub["level"], y=sub["dynamics"], mode="markers+text", text=sub["label"],
                        textposition="top center", marker=dict(symbol=symbol, size=size, color=ROLE_COLOURS["unit"]),
                        name=t(f"assess.kind.{kind}", lang),
                        hovertemplate="%{text}<br>" + t("assess.chart.level", lang) + ": %{x:.1f}<br>"
                        + t("assess.chart.dynamics", lang) + ": %{y:.1f}<extra></extra>")
    # the group median lines: what fig.add_hline / add_vline (annotation "bottom right" / "top left")
    # write into the layout, given directly (add_hline/add_vline cost ~10 ms per figure)
    line = dict(color="#666", dash="dash")
    shapes = [dict(type="line", xref="x domain", x0=0, x1=1, yref="y", y0=my, y1=my, line=line),
              dict(type="line", xref="x", x0=mx, x1=mx, yref="y domain", y0=0, y1=1, line=line)]
    notes = [dict(text=t("assess.chart.median_dyn", lang, v=fmt_num(my, 1, lang)), showarrow=False, xref="x domain",
                  x=1, xanchor="right", yref="y", y=my, yanchor="top"),
             dict(text=t("assess.chart.median_lvl", lang, v=fmt_num(mx, 1, lang)), showarrow=False, xref="x", x=mx,
                  xanchor="right", yref="y domain", y=1, yanchor="top")]
    fig.update_layout(shapes=shapes, annotations=notes, height=height, margin=dict(l=10, r=10, t=30, b=40),
                      xaxis=dict(range=[-5, 105], title=t("assess.chart.level", lang)),
                      yaxis=dict(range=[-5, 108], title=t("assess.chart.dynamics", lang)),
                      legend=dict(orientation="h", y=1.1, x=0), separators=", " if lang == "pl" else ".,")
    return fig


def group_table(ac, names: dict[str, str]) -> pd.DataFrame:
    """Members × (overall, dimensions): numbers (format them for display), the unit first; sorted
    by the overall score, best first."""
    res, lang = ac.result, ac.lang
    cols = ["overall"] + [d.id for d in ac.tree.of_kind("dimension")]
    frame = res.score[cols].copy()
    frame.columns = [node_name(ac, c) for c in cols]
    frame.insert(0, t("assess.col.rank", lang), res.rank["overall"].astype("Int64"))
    frame.insert(0, t("assess.col.unit", lang), [names.get(c, c) for c in frame.index])
    frame = frame.sort_values([t("assess.col.rank", lang)], na_position="last", kind="mergesort")
    return frame


def leaf_rows(ac, subarea: str) -> list[dict]:
    """The leaves of a sub-area with what a link to their profile card needs."""
    out = []
    res, u = ac.result, ac.result.unit
    for leaf in ac.tree.nodes[subarea].children:
        node = ac.tree.nodes[leaf]
        out.append({"indicator": node.indicator, "name": node.name(ac.lang), "score": res.score.at[u, leaf],
                    "year": res.ref_years.get(node.indicator)})
    return out


def tree_table(tree: AS.Tree, lang: str) -> pd.DataFrame:
    """The tree as rows (pre-order): level, id, name, indicator, direction, weight, reason."""
    depth = {"overall": 0, "dimension": 1, "area": 2, "subarea": 3, "indicator": 4}
    rows = []
    for n in tree.nodes.values():
        rows.append({
            t("assess.tcol.node", lang): "\u2003" * depth[n.kind] + n.name(lang),
            t("assess.tcol.kind", lang): t(f"assess.kindname.{n.kind}", lang),
            t("assess.tcol.id", lang): n.id,
            t("assess.tcol.direction", lang): ("" if n.kind != "indicator" else
                                               t("assess.dir_up" if n.direction == 1 else "assess.dir_down", lang)),
            t("assess.tcol.weight", lang): fmt_num(n.weight, 0 if float(n.weight).is_integer() else 2, lang),
            t("assess.tcol.reason", lang): n.reason(lang),
        })
    return pd.DataFrame(rows)


def left_out_table(tree: AS.Tree, indicators, lang: str) -> pd.DataFrame:
    return pd.DataFrame([{t("assess.tcol.indicator", lang): (indicators[x.indicator].name(lang)
                                                             if x.indicator in indicators else x.indicator),
                          t("assess.tcol.id", lang): x.indicator, t("assess.tcol.why", lang): x.reason(lang)}
                         for x in tree.left_out])
