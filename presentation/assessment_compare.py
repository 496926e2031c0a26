"""The synthetic assessment's scores on the comparison page (/porownania) — pure, no Streamlit.

Here every member of the subject's CURRENT comparison group (the ``peers=`` of the URL: typology,
kNN, a user's list; an area's own gminy or similar areas) is scored within that one group, exactly
as the /ocena group table (``reports.assessment_context.gather`` → ``AssessmentContext``), so the
numbers match /ocena for the same ``peers=``. (The map is different: there each unit is scored in
its own default group — presentation.assessment_scores.)

``scored_context(ctx, ac)`` returns the profile context with the scores as extra indicators
(presentation.assessment_scores ids ``ocena_*``): the group members' scores are one more column of
the level's wide frame, the subject's score one more value row, so the ranking and scatter charts
of presentation.profile_charts work unchanged. ``chart(sctx, key, ac)`` answers a chart key:

* ``trend:`` — a score exists for one reference year only: a message, not a one-point line;
* ``ranking:`` — profile_charts.ranking (ranks as /ocena's: 1 = best, ties share the best);
* ``distribution:`` — the group only (units outside it have no score in this group);
* ``scatter:`` — profile_charts.scatter (units outside the group drop out: no score);
* ``quadrant:`` — level × dynamics: the score (x) against the dynamics score (y, the same
  scoring applied to each leaf's change, domain.assessment 4.), split at the peers' medians.

Every score chart's caption says it is derived and links to the method (``/o-danych#ocena``).
"""
from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from domain.catalogue import Indicator
from i18n import fmt_num, t
from presentation import assessment_scores as SCORES
from presentation import charts
from presentation import profile_charts as PCH
from presentation.profile_charts import ChartResult, axis_title
from presentation.profile_context import ProfileContext


class ScoredSource:
    """A profile source whose ``columns`` also answers the score ids from one group's scores;
    everything else is the wrapped source's."""

    def __init__(self, src, wide: pd.DataFrame, prov: pd.DataFrame):
        self._src, self._wide, self._prov = src, wide, prov

    def __getattr__(self, name):
        return getattr(self._src, name)

    def columns(self, level: str, indicators) -> tuple[pd.DataFrame, pd.DataFrame]:
        inds = list(indicators)
        real = [i for i in inds if not SCORES.is_score(i)]
        scores = [i for i in inds if SCORES.is_score(i)]
        if not scores:
            return self._src.columns(level, real)
        sw = self._wide.loc[:, [c for c in self._wide.columns if c[0] in scores]]
        sp = self._prov.loc[self._prov["indicator"].isin(scores)]
        if not real:
            return sw.copy(), sp.copy()
        wide, prov = self._src.columns(level, real)
        out = wide.join(sw, how="left")  # a new frame: the shared cached one is never modified
        return out, pd.concat([prov, sp], ignore_index=True)


def score_year(ac) -> int | None:
    return SCORES.score_year(ac.result.ref_years)


def scored_context(ctx: ProfileContext, ac) -> ProfileContext:
    """``ctx`` with the overall and dimension scores of ``ac`` (the subject's assessment against
    ``ctx``'s group) as indicators ``ocena_*`` in the level's wide frame and the subject's values."""
    year = score_year(ac)
    if year is None:
        return replace(ctx, indicators=SCORES.with_scores(ctx.indicators))
    res = ac.result
    nodes = SCORES.score_nodes()
    members = [m for m in res.members if not (ctx.is_area and m == ctx.code)]  # the area's row: ctx.values
    cols = pd.MultiIndex.from_tuples([(SCORES.score_id(n), year) for n in nodes], names=["indicator", "year"])
    wide = pd.DataFrame(res.score.loc[members, list(nodes)].to_numpy(dtype=float), index=members, columns=cols)
    prov = pd.DataFrame({"indicator": [SCORES.score_id(n) for n in nodes], "year": year,
                         "source": SCORES.METHOD, "method": SCORES.METHOD, "count": len(members)})
    own = pd.DataFrame({"indicator": [SCORES.score_id(n) for n in nodes], "year": year,
                        "value": [float(res.score.at[res.unit, n]) for n in nodes],
                        "source": SCORES.METHOD, "method": SCORES.METHOD})
    own = own.loc[own["value"].notna()].reindex(columns=ctx.values.columns)
    if "flag" in own.columns:
        own["flag"] = ""
    values = pd.concat([ctx.values, own], ignore_index=True) if len(own) else ctx.values
    return replace(ctx, src=ScoredSource(ctx.src, wide, prov), values=values,
                   indicators=SCORES.with_scores(ctx.indicators))


def uses_score(key: str) -> bool:
    return any(SCORES.is_score(part) for part in key.split(":")[1:])


def derived_sources(ctx: ProfileContext, ac) -> str:
    return t("assesscmp.sources", ctx.lang, years=SCORES.years_text(ac.result.ref_years, ctx.lang),
             link=SCORES.METHOD_LINK)


def _patch(result: ChartResult, ctx: ProfileContext, ac) -> ChartResult:
    """A chart with a score: the source is the app's computation (the method link), the note
    says who was scored against whom."""
    if result.figure is None:
        return result
    note = t("assesscmp.note", ctx.lang)
    # the other axis's sources (a scatter of a score against a catalogue indicator); the score's
    # own provenance row ("assessment") is replaced by the sentence above
    others = [p for p in result.sources.split("; ") if p and p not in (SCORES.METHOD, "–")] \
        if not all(SCORES.is_score(p) for p in result.key.split(":")[1:]) else []
    sources = "; ".join([derived_sources(ctx, ac), *others])
    return replace(result, sources=sources, note=f"{result.note} {note}".strip())


def chart(sctx: ProfileContext, key: str, ac) -> ChartResult:
    """The chart of ``key`` on the scored context (see the module docstring)."""
    kind, _, arg = key.partition(":")
    lang = sctx.lang
    if not uses_score(key):
        return PCH.chart(sctx, key)
    ind = sctx.indicators.get(arg) if kind != "scatter" else None
    title = ind.name(lang) if ind else ""
    if score_year(ac) is None:
        return ChartResult(key, message=t("compare.no_data", lang), title=title)
    if kind == "trend":
        return ChartResult(key, message=t("assesscmp.no_series", lang, year=score_year(ac),
                                          ranking=t("compare.tab.ranking", lang),
                                          quadrant=t("compare.tab.quadrant", lang)), title=title)
    if kind == "ranking":
        return _patch(PCH.ranking(sctx, arg), sctx, ac)
    if kind == "distribution":
        return _patch(distribution(sctx, arg, ac), sctx, ac)
    if kind == "quadrant":
        return _patch(quadrant(sctx, arg, ac), sctx, ac)
    if kind == "scatter":
        x, _, y = arg.partition(":")
        if x in sctx.indicators and y in sctx.indicators:
            return _patch(PCH.scatter(sctx, x, y), sctx, ac)
    return ChartResult(key, message=t("compare.no_data", lang), title=title)


def _fmt(ind: Indicator, lang: str):
    return lambda v: "–" if v is None or pd.isna(v) else f"{fmt_num(v, ind.decimals, lang)} {ind.unit(lang)}"


def distribution(ctx: ProfileContext, indicator: str, ac) -> ChartResult:
    """The group's scores as one box (the subject as a vermillion line): only the group's members
    have a score in this group, so there is no "all units of the level" box here."""
    lang, ind = ctx.lang, ctx.indicators[indicator]
    key = f"distribution:{indicator}"
    node = SCORES.node_of(indicator)
    year = score_year(ac)
    res = ac.result
    peers = [m for m in res.members if m != res.unit]
    pv = res.score.loc[peers, node].astype(float)
    if not pv.notna().any():
        return ChartResult(key, message=t("compare.no_data", lang), title=ind.name(lang))
    labels = pd.Series({c: ctx.names.get(c, c) for c in res.members})
    uv = float(res.score.at[res.unit, node])
    fmt = _fmt(ind, lang)
    fig = charts.distribution_figure(groups=[(ctx.peer_text("chart.peers_n", n=int(pv.notna().sum())), pv, labels)],
                                     unit_value=uv, unit_label=ctx.short_name, x_title=axis_title(ind, lang, year),
                                     decimals=ind.decimals, lang=lang, fmt=fmt,
                                     title=t("chart.distribution_title", lang, name=ind.name(lang), year=year))
    col = res.score[node].astype(float)
    data = pd.DataFrame({t("chart.col_unit", lang): [ctx.names.get(c, c) for c in col.index],
                         t("chart.col_code", lang): [c if len(c) <= 7 else "" for c in col.index],
                         t("chart.col_peer", lang): [c != res.unit for c in col.index],
                         axis_title(ind, lang, year): col.to_numpy()}).dropna(subset=[axis_title(ind, lang, year)])
    med = float(pv.median())
    if np.isfinite(uv):
        takeaway = t("assesscmp.takeaway", lang, name=ctx.short_name, indicator=ind.name(lang), value=fmt(uv),
                     median=fmt(med), rank=int(res.rank.at[res.unit, node]),
                     of=int(res.group_size[node]))
    else:
        takeaway = t("assesscmp.takeaway_none", lang, name=ctx.short_name, indicator=ind.name(lang), median=fmt(med))
    return ChartResult(key, fig, years=str(year), note=t("chart.distribution_note", lang), data=data,
                       takeaway=takeaway, title=ind.name(lang))


def quadrant(ctx: ProfileContext, indicator: str, ac) -> ChartResult:
    """Level score (x) × dynamics score (y) of the group's members, split at the peers' medians."""
    lang, ind = ctx.lang, ctx.indicators[indicator]
    key = f"quadrant:{indicator}"
    node = SCORES.node_of(indicator)
    res = ac.result
    f = pd.DataFrame({"code": list(res.members), "level": res.score[node].to_numpy(dtype=float),
                      "change": res.dynamics[node].to_numpy(dtype=float)}).dropna()
    if f.empty:  # say why, and which scores do have dynamics in this group
        with_dyn = [SCORES.node_label(SCORES.score_id(n), lang) for n in SCORES.score_nodes()
                    if res.dynamics[n].notna().any()]
        msg = t("assesscmp.no_dynamics", lang, name=ind.name(lang))
        if with_dyn:
            msg += " " + t("assesscmp.dynamics_in", lang, names=", ".join(with_dyn))
        return ChartResult(key, message=msg, title=ind.name(lang))
    f["label"] = [ctx.names.get(c, c) for c in f["code"]]
    f["role"] = ["unit" if c == res.unit else "peer" for c in f["code"]]
    fmt = _fmt(ind, lang)
    f["level_text"] = [fmt(v) for v in f["level"]]
    f["change_text"] = [fmt(v) for v in f["change"]]
    peers = f.loc[f["role"] == "peer"]
    xm = float(peers["level"].median()) if len(peers) else np.nan
    ym = float(peers["change"].median()) if len(peers) else np.nan
    corners = {k: t(f"chart.quadrant.{k}", lang) for k in ("tr", "tl", "br", "bl")}
    corners["tr"] += " ✓"
    x_title = t("assesscmp.level_axis", lang, year=score_year(ac))
    y_title = t("assesscmp.dynamics_axis", lang)
    fig = charts.quadrant_figure(frame=f, x_median=xm, y_median=ym, x_title=x_title, y_title=y_title,
                                 names={"peer": ctx.peer_text("chart.peers"), "unit": ctx.short_name},
                                 corners=corners, lang=lang, x_decimals=0, y_decimals=0,
                                 title=t("assesscmp.quadrant_title", lang, name=ind.name(lang)))
    note = t("assesscmp.quadrant_note", lang)
    if res.unit not in set(f["code"]):
        note += " " + t("chart.unit_no_value", lang)
    data = f[["label", "level", "change"]].rename(columns={"label": t("chart.col_unit", lang), "level": x_title,
                                                           "change": y_title})
    me = f.loc[f["code"] == res.unit]
    if len(me) and np.isfinite(xm) and np.isfinite(ym):
        r = me.iloc[0]
        corner = ("t" if r["change"] >= ym else "b") + ("r" if r["level"] >= xm else "l")
        takeaway = t("assesscmp.takeaway_quadrant", lang, name=ctx.short_name, indicator=ind.name(lang),
                     level=fmt(r["level"]), dynamics=fmt(r["change"]), corner=t(f"chart.quadrant.{corner}", lang))
    else:
        takeaway = t("assesscmp.quadrant_title", lang, name=ind.name(lang))
    years = sorted({y for y in res.ref_years.values() if y} | {y for y in res.start_years.values() if y})
    return ChartResult(key, fig, years=PCH.years_text(years), note=note, data=data, takeaway=takeaway,
                       title=ind.name(lang))
