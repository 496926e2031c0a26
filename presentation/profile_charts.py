"""The comparison charts of a subject (unit or functional area) and its peer group, as data: each
function prepares the numbers, builds the figure with a pure builder from presentation.charts and
returns a ``ChartResult`` with the caption parts (sources, years, note), the numbers behind the
chart and a one-sentence takeaway generated from them. No Streamlit: the comparison page
(components.profile_compare) shows these, and the PDF/slide reports (reports.gather) use the
very same ones, so a report says what the page says.

Chart keys (also the report's ``charts=`` URL values): ``trend:<indicator>`` (time series vs
peers), ``ranking:<indicator>``, ``distribution:<indicator>``, ``scatter:<x>:<y>``,
``quadrant:<indicator>`` (level × change), ``age`` (economic age structure), ``position`` (every
indicator's national percentile — units only).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from presentation import charts
from presentation.profile_context import ProfileContext, group_text, level_plural
from domain.catalogue import CATEGORIES
from domain.peers import needs_log
from domain.profile import CARD_COLUMNS, age_structure, is_percent, level_change, peer_band, series
from domain.rankings import rank_of, rank_series
from i18n import fmt_num, t
from i18n.plurals import with_unit

AGE_GROUPS = ("population_pre_working", "population_working", "population_post_working")
KINDS = ("trend", "ranking", "distribution", "scatter", "quadrant", "age", "position")
POSITION_EACH_END = 6  # position chart: at most the 6 best and the 6 weakest indicators (legible slide)


@dataclass
class ChartResult:
    key: str
    figure: object | None = None  # plotly Figure; None = nothing to draw (see ``message``)
    sources: str = ""
    years: str = ""
    note: str = ""
    message: str = ""  # why there is no chart
    data: pd.DataFrame = field(default_factory=pd.DataFrame)  # the numbers behind the chart
    takeaway: str = ""  # one sentence from the data (report slide title)
    title: str = ""  # what the chart shows (chart label)
    source_ids: tuple[str, ...] = ()  # every source behind the chart (the report's source list)

    def caption(self, ctx: ProfileContext) -> str:
        text = t("chart.caption", ctx.lang, sources=self.sources, years=self.years, group=group_text(ctx))
        return f"{text} {self.note}".strip() if self.note else text


# --------------------------------------------------------------------------------------------
# small helpers
# --------------------------------------------------------------------------------------------
def fmt_value(ind, lang, *, genitive: bool = False):
    """A value with its unit agreeing with the number ("809 168 osób", "2 384 osoby na km²");
    ``genitive`` after "z"/"do" ("wzrost z 757 740 do 809 168 osób")."""
    return lambda v: "–" if v is None or pd.isna(v) else with_unit(
        fmt_num(v, ind.decimals, lang), float(v), ind.unit(lang), lang, ind.decimals, genitive=genitive).strip()


def axis_title(ind, lang, year=None) -> str:
    unit = ind.unit(lang)
    base = f"{ind.name(lang)} ({unit})" if unit else ind.name(lang)
    return f"{base}, {year}" if year else base


def years_text(years) -> str:
    """"2010–2019, 2024": runs of three or more consecutive years as ranges."""
    ys = sorted({int(y) for y in years})
    if not ys:
        return "–"
    runs, start = [], ys[0]
    for a, b in zip(ys, ys[1:] + [None]):
        if b != a + 1:
            runs.append((start, a))
            start = b
    return ", ".join(f"{a}–{b}" if b - a >= 2 else (f"{a}, {b}" if b > a else str(a)) for a, b in runs)


def sources_text(ctx: ProfileContext, prov: pd.DataFrame, indicator: str, years, extra=(), ids: list | None = None
                 ) -> str:
    """Publishers (vintage) behind the level's values of ``indicator`` in ``years`` and behind the
    extra rows (source, method, n, of, role name) of the subject / województwo / Poland, then what
    was computed: "…; wyliczone z danych źródłowych" / "woj. X: suma/wyliczenie z 169 z 169 jednostek"."""
    lookup = ctx.source_lookup()
    p = prov.loc[(prov["indicator"] == indicator) & prov["year"].isin(list(years))]
    used = list(dict.fromkeys(list(p["source"]) + [r["source"] for r in extra]))
    if ids is not None:
        ids.extend(used)
    parts = [lookup.get(i, i) for i in used]
    methods = set(p["method"]) | {r["method"] for r in extra if not r.get("role")}
    notes = []
    if "derived" in methods or "aggregated" in methods:
        notes.append(t("chart.computed_level", ctx.lang))
    for r in extra:
        if r.get("role") and r["method"] == "aggregated":
            cov = ""
            if r.get("of") == r.get("of") and r.get("of"):
                cov = t("overview.coverage_gminy" if r.get("gminy") else "overview.coverage", ctx.lang,
                        n=fmt_num(int(r["n"]), 0, ctx.lang), of=fmt_num(int(r["of"]), 0, ctx.lang))
            notes.append(t("chart.computed_role", ctx.lang, role=r["role"], coverage=cov, year=int(r["year"])))
    return "; ".join(dict.fromkeys(parts + notes)) or "–"


def own_sources(ctx: ProfileContext, indicator: str) -> list[dict]:
    """The subject's own source rows of ``indicator`` (an area: with role and coverage)."""
    own = ctx.values.loc[(ctx.values["indicator"] == indicator) & ctx.values["value"].notna()]
    if own.empty:
        return []
    if ctx.is_area:  # say how many member gminy stand behind the area's latest value
        r = own.sort_values("year").iloc[-1]
        return [{**r[["source", "method", "n", "of", "year"]].to_dict(), "role": ctx.short_name, "gminy": True}]
    return own[["source", "method", "n", "of"]].drop_duplicates(["source", "method"]).to_dict("records")


def roles(ctx: ProfileContext, codes) -> list[str]:
    peers = set(ctx.group.codes)
    return ["unit" if c == ctx.code else "peer" if c in peers else "other" for c in codes]


def latest_year(ctx: ProfileContext, wide: pd.DataFrame, indicator: str) -> int | None:
    """The latest year in which the subject and the level's other units both have values (else
    the subject's latest year, else the level's)."""
    own = series(ctx.values, indicator)
    level_years: list[int] = []
    if indicator in wide.columns.get_level_values(0):
        col = wide[indicator].drop(index=[ctx.code], errors="ignore").notna().sum()
        level_years = [int(y) for y in col[col > 0].index]
    both = sorted(set(int(y) for y in own["year"]) & set(level_years))
    if both:
        return both[-1]
    if not own.empty:
        return int(own["year"].iloc[-1])
    return max(level_years) if level_years else None


def _not_compared_note(ctx: ProfileContext, indicator: str) -> str:
    return "" if ctx.comparable(indicator) else t("chart.area_sum_note", ctx.lang)


def _versus(ctx: ProfileContext, ind, value: float, median: float | None) -> str:
    """"— więcej niż mediana gmin obszaru (47,8 %)" (empty without a median)."""
    if median is None or not np.isfinite(median) or not ctx.comparable(ind.id):
        return ""
    fmt = fmt_value(ind, ctx.lang)
    key = "more" if value > median else "less" if value < median else "equal"
    return ctx.peer_text(f"chart.takeaway.{key}", median=fmt(median))


def _region_frames(ctx: ProfileContext, indicator: str):
    """(województwo, Poland) series of ``indicator`` and their source rows. Counts (rule sum) of
    units of another size say nothing next to the subject's count: no reference lines then."""
    ind = ctx.indicators[indicator]
    if ind.aggregation.rule == "sum" or ctx.level == "country":
        return None, None, []
    out, extra = [], []
    refs = ((ctx.region, t("chart.region", ctx.lang, name=ctx.names.get(ctx.region, ctx.region)) if ctx.region else ""),
            ("PL", t("unit.poland", ctx.lang)))
    for code, role in refs:
        if not code:
            out.append(None)
            continue
        v = ctx.src.unit_values(code)
        s = v.loc[(v["indicator"] == indicator) & v["value"].notna()].sort_values("year")
        if not s.empty:
            extra.append({**s.iloc[-1][["source", "method", "n", "of", "year"]].to_dict(), "role": role})
        out.append(s[["year", "value"]])
    return out[0], out[1], extra


# --------------------------------------------------------------------------------------------
# the charts
# --------------------------------------------------------------------------------------------
def trend(ctx: ProfileContext, indicator: str) -> ChartResult:
    """The subject over time against its peers' median and quartiles, its województwo and Poland."""
    lang, ind = ctx.lang, ctx.indicators[indicator]
    key = f"trend:{indicator}"
    wide, prov = ctx.frame([indicator])
    unit = series(ctx.values, indicator)
    compared = ctx.comparable(indicator)
    peers = ctx.group.codes if compared else ()
    band = peer_band(wide, indicator, peers)
    region, country, extra = _region_frames(ctx, indicator)
    if unit.empty and band.empty:
        return ChartResult(key, message=t("compare.no_data", lang), title=ind.name(lang))
    names = {"unit": ctx.short_name, "median": ctx.peer_text("chart.peer_median"),
             "band": ctx.peer_text("chart.peer_band")}
    if region is not None and not region.empty:
        names["region"] = t("chart.region", lang, name=ctx.names.get(ctx.region, ctx.region))
    if country is not None and not country.empty:
        names["country"] = t("unit.poland", lang)
    fig = charts.time_series_figure(unit=unit, band=band, region=region, country=country, names=names,
                                    y_title=axis_title(ind, lang), decimals=ind.decimals, lang=lang,
                                    fmt=fmt_value(ind, lang), title=ind.name(lang))
    years = set(unit["year"]) | set(band["year"])
    data = unit.rename(columns={"value": names["unit"]})
    if not band.empty:
        data = data.merge(band[["year", "median", "q1", "q3"]].rename(columns={
            "median": names["median"], "q1": t("chart.col_q1", lang), "q3": t("chart.col_q3", lang)}),
            on="year", how="outer")
    data = data.rename(columns={"year": t("chart.col_year", lang)})
    note = t("chart.series_note", lang)
    if not compared:
        note += " " + _not_compared_note(ctx, indicator)
    ids: list = []
    return ChartResult(key, fig, sources=sources_text(ctx, prov, indicator, years, own_sources(ctx, indicator) + extra,
                                                      ids),
                       years=years_text(years), note=note, data=data, title=ind.name(lang),
                       takeaway=_trend_takeaway(ctx, ind, unit, band), source_ids=tuple(ids))


def _trend_takeaway(ctx: ProfileContext, ind, unit: pd.DataFrame, band: pd.DataFrame) -> str:
    lang = ctx.lang
    if unit.empty:
        return t("chart.takeaway.no_value", lang, name=ctx.short_name, indicator=ind.name(lang))
    first, last = unit.iloc[0], unit.iloc[-1]
    fmt = fmt_value(ind, lang)
    diff = float(last["value"] - first["value"])
    if int(first["year"]) == int(last["year"]):
        text = t("chart.takeaway.value", lang, name=ctx.short_name, indicator=ind.name(lang), value=fmt(last["value"]),
                 year=int(last["year"]))
    else:
        if is_percent(ind):
            change = t("chart.takeaway.change_pp", lang, diff=fmt_num(diff, ind.decimals, lang, signed=True))
        elif first["value"]:
            change = t("chart.takeaway.change_pct", lang,
                       pct=fmt_num(100 * diff / abs(float(first["value"])), 1, lang, signed=True))
        else:
            change = fmt_num(diff, ind.decimals, lang, signed=True)
        direction = "flat" if abs(diff) < 10 ** -max(ind.decimals, 0) / 2 else ("up" if diff > 0 else "down")
        text = t(f"chart.takeaway.trend_{direction}", lang, name=ctx.short_name, indicator=ind.name(lang),
                 first=fmt_num(first["value"], ind.decimals, lang),
                 last=fmt_value(ind, lang, genitive=direction != "flat")(last["value"]), y0=int(first["year"]),
                 y1=int(last["year"]),
                 change=change)
    med = band.loc[band["year"] == int(last["year"]), "median"] if not band.empty else pd.Series(dtype=float)
    versus = _versus(ctx, ind, float(last["value"]), float(med.iloc[0]) if len(med) else None)
    return f"{text}{versus}."


def ranking(ctx: ProfileContext, indicator: str) -> ChartResult:
    """The subject among its peers, best first (rank 1 = best by polarity; domain.rankings)."""
    lang, ind = ctx.lang, ctx.indicators[indicator]
    key = f"ranking:{indicator}"
    wide, prov = ctx.frame([indicator])
    year = latest_year(ctx, wide, indicator)
    if not ctx.group.codes:
        return ChartResult(key, message=t("compare.no_peers", lang), title=ind.name(lang))
    if year is None or (indicator, year) not in wide.columns:
        return ChartResult(key, message=t("compare.no_data", lang), title=ind.name(lang))
    compared = ctx.comparable(indicator)
    subject = (ctx.code,) if compared else ()
    codes = [c for c in (*subject, *ctx.group.codes) if c in wide.index]
    vals = wide.loc[codes, (indicator, year)].dropna()
    if vals.empty:
        return ChartResult(key, message=t("compare.no_data", lang), title=ind.name(lang))
    ranks = rank_series(vals, ind.judging_polarity)
    order = sorted(vals.index, key=lambda c: (ranks[c], c))
    shown = charts.ranking_window(order, ctx.code)
    fmt = fmt_value(ind, lang)
    rows, prev = [], None
    for c in shown:
        if prev is not None and order.index(c) != order.index(prev) + 1:
            rows.append({"code": None, "label": "", "value": np.nan, "rank": np.nan, "text": ""})
        rows.append({"code": c, "label": ctx.names.get(c, c), "value": vals[c], "rank": ranks[c], "text": fmt(vals[c])})
        prev = c
    peer_vals = vals.drop(index=ctx.code, errors="ignore")
    med = float(peer_vals.median()) if len(peer_vals) else None
    fig = charts.ranking_figure(frame=pd.DataFrame(rows), unit=ctx.code, median=med,
                                median_label=ctx.peer_text("chart.peer_median_value", value=fmt(med)),
                                x_title=axis_title(ind, lang, year), decimals=ind.decimals, lang=lang,
                                title=t("chart.ranking_title", lang, name=ind.name(lang), year=year))
    note = t("chart.ranking_order_neutral" if ind.judging_polarity == "neutral" else "chart.ranking_order", lang)
    if len(shown) < len(order):
        note += " " + t("chart.ranking_window", lang, shown=len(shown), n=len(order))
    if not compared:
        note += " " + _not_compared_note(ctx, indicator)
    elif ctx.code not in vals.index:
        note += " " + t("chart.unit_no_value", lang)
    data = pd.DataFrame({t("chart.col_rank", lang): [int(ranks[c]) for c in order],
                         t("chart.col_unit", lang): [ctx.names.get(c, c) for c in order],
                         t("chart.col_code", lang): [c if c != ctx.code or not ctx.is_area else "" for c in order],
                         axis_title(ind, lang, year): [float(vals[c]) for c in order]})
    takeaway = ""
    if ctx.code in vals.index:
        r = rank_of(float(vals[ctx.code]), peer_vals.to_numpy(), ind.judging_polarity)
        order_key = "chart.takeaway.rank_neutral" if ind.judging_polarity == "neutral" else "chart.takeaway.rank"
        takeaway = (t("chart.takeaway.value", lang, name=ctx.short_name, indicator=ind.name(lang),
                      value=fmt(vals[ctx.code]), year=year) + _versus(ctx, ind, float(vals[ctx.code]), med)
                    + "; " + t(order_key, lang, rank=r[0], of=r[1]) + ".")
    else:
        takeaway = t("chart.takeaway.peers_only", lang, indicator=ind.name(lang), year=year,
                     group=ctx.peer_text("chart.peers"), median=fmt(med), best=ctx.names.get(order[0], order[0]))
    ids: list = []
    return ChartResult(key, fig, sources=sources_text(ctx, prov, indicator, [year], own_sources(ctx, indicator), ids),
                       years=str(year), note=note, data=data, takeaway=takeaway, title=ind.name(lang),
                       source_ids=tuple(ids))


def distribution(ctx: ProfileContext, indicator: str) -> ChartResult:
    """Every unit of the level and the peer group as boxes, the subject as a vermillion line."""
    lang, ind = ctx.lang, ctx.indicators[indicator]
    key = f"distribution:{indicator}"
    wide, prov = ctx.frame([indicator])
    year = latest_year(ctx, wide, indicator)
    if year is None or (indicator, year) not in wide.columns:
        return ChartResult(key, message=t("compare.no_data", lang), title=ind.name(lang))
    col = wide[(indicator, year)]
    everyone = col.drop(index=[ctx.code], errors="ignore") if ctx.is_area else col
    labels = pd.Series({c: ctx.names.get(c, c) for c in col.index})
    n_all = int(everyone.notna().sum())
    groups = [(t("chart.all_units", lang, level=level_plural(ctx.level, lang), n=fmt_num(n_all, 0, lang)), everyone, labels)]
    pv = col.reindex(list(ctx.group.codes))
    if ctx.group.codes:
        groups.append((ctx.peer_text("chart.peers_n", n=int(pv.notna().sum())), pv, labels))
    compared = ctx.comparable(indicator)
    uv = col.get(ctx.code, np.nan) if compared else np.nan
    fmt = fmt_value(ind, lang)
    fig = charts.distribution_figure(groups=groups, unit_value=uv, unit_label=ctx.short_name,
                                     x_title=axis_title(ind, lang, year), decimals=ind.decimals, lang=lang, fmt=fmt,
                                     title=t("chart.distribution_title", lang, name=ind.name(lang), year=year))
    note = t("chart.distribution_note", lang)
    if not compared:
        note += " " + _not_compared_note(ctx, indicator)
    med_all = float(everyone.median()) if n_all else np.nan
    med_peers = float(pv.median()) if pv.notna().any() else np.nan
    data = pd.DataFrame({t("chart.col_unit", lang): [ctx.names.get(c, c) for c in col.index],
                         t("chart.col_code", lang): [c if len(c) <= 7 else "" for c in col.index],
                         t("chart.col_peer", lang): [c in set(ctx.group.codes) for c in col.index],
                         axis_title(ind, lang, year): col.to_numpy()}).dropna(subset=[axis_title(ind, lang, year)])
    if np.isfinite(uv):
        share = float((everyone.dropna() < uv).mean() * 100) if n_all else np.nan
        takeaway = (t("chart.takeaway.value", lang, name=ctx.short_name, indicator=ind.name(lang), value=fmt(uv),
                      year=year) + _versus(ctx, ind, float(uv), med_peers) + "; "
                    + t("chart.takeaway.share_below", lang, pct=fmt_num(share, 0, lang), level=level_plural(ctx.level, lang))
                    + ".")
    else:
        takeaway = t("chart.takeaway.medians", lang, indicator=ind.name(lang), year=year,
                     level=level_plural(ctx.level, lang), all=fmt(med_all), group=ctx.peer_text("chart.peers"),
                     median=fmt(med_peers))
    ids: list = []
    return ChartResult(key, fig, sources=sources_text(ctx, prov, indicator, [year], own_sources(ctx, indicator), ids),
                       years=str(year), note=note, data=data, takeaway=takeaway, title=ind.name(lang),
                       source_ids=tuple(ids))


def default_x(ctx: ProfileContext, options: list[str], y: str) -> str:
    """The scatter's default horizontal axis: population (density where an area's total
    population is not compared with its members)."""
    for x in ("population_total", "population_density"):
        if x in options and x != y and ctx.comparable(x):
            return x
    return options[0]


def scatter(ctx: ProfileContext, x_id: str, y_id: str) -> ChartResult:
    """Two indicators for every unit of the level: others grey, peers blue, the subject labelled."""
    lang = ctx.lang
    key = f"scatter:{x_id}:{y_id}"
    ix, iy = ctx.indicators[x_id], ctx.indicators[y_id]
    title = t("chart.scatter_label", lang, x=ix.name(lang), y=iy.name(lang))
    wide, prov = ctx.frame([x_id, y_id])
    yx, yy = latest_year(ctx, wide, x_id), latest_year(ctx, wide, y_id)
    if yx is None or yy is None or (x_id, yx) not in wide.columns or (y_id, yy) not in wide.columns:
        return ChartResult(key, message=t("compare.no_data", lang), title=title)
    f = pd.DataFrame({"x": wide[(x_id, yx)], "y": wide[(y_id, yy)]}).dropna()
    compared = ctx.comparable(x_id) and ctx.comparable(y_id)
    if not compared:
        f = f.drop(index=[ctx.code], errors="ignore")
    f["code"] = f.index
    f["label"] = [ctx.names.get(c, c) for c in f.index]
    f["role"] = roles(ctx, f.index)
    fx, fy = fmt_value(ix, lang), fmt_value(iy, lang)
    f["x_text"] = [fx(v) for v in f["x"]]
    f["y_text"] = [fy(v) for v in f["y"]]
    names = {"other": t("chart.others", lang, level=t(f"profile.level_nom.{ctx.level}", lang)),
             "peer": ctx.peer_text("chart.peers"), "unit": ctx.short_name}
    fig = charts.scatter_figure(frame=f, x_title=axis_title(ix, lang, yx), y_title=axis_title(iy, lang, yy),
                                names=names, lang=lang, x_log=needs_log(f["x"].to_numpy()),
                                y_log=needs_log(f["y"].to_numpy()), x_decimals=ix.decimals, y_decimals=iy.decimals)
    ids: list = []
    src, src2 = sources_text(ctx, prov, x_id, [yx], ids=ids), sources_text(ctx, prov, y_id, [yy], ids=ids)
    sources = src if src == src2 else f"{src}; {src2}"
    n = int((f["role"] != "unit").sum())
    note = t("chart.scatter_note", lang, n=n)
    if not compared:
        note += " " + _not_compared_note(ctx, x_id if not ctx.comparable(x_id) else y_id)
    elif ctx.code not in f.index:
        note += " " + t("chart.unit_no_value", lang)
    data = f[["label", "code", "x", "y"]].rename(columns={"label": t("chart.col_unit", lang),
                                                          "code": t("chart.col_code", lang),
                                                          "x": axis_title(ix, lang, yx), "y": axis_title(iy, lang, yy)})
    peers = f.loc[f["role"] == "peer"]
    if ctx.code in f.index:
        r = f.loc[ctx.code]
        takeaway = t("chart.takeaway.scatter", lang, name=ctx.short_name, x=ix.name(lang), xv=fx(r["x"]),
                     y=iy.name(lang), yv=fy(r["y"]), group=ctx.peer_text("chart.peers"),
                     xm=fx(peers["x"].median() if len(peers) else np.nan),
                     ym=fy(peers["y"].median() if len(peers) else np.nan))
    else:
        takeaway = title
    return ChartResult(key, fig, sources=sources, years=years_text({yx, yy}), note=note, data=data, takeaway=takeaway,
                       title=title, source_ids=tuple(dict.fromkeys(ids)))


def quadrant(ctx: ProfileContext, indicator: str) -> ChartResult:
    """Level (last well-covered year) × change since the first one, split at the peers' medians."""
    lang, ind = ctx.lang, ctx.indicators[indicator]
    key = f"quadrant:{indicator}"
    wide, prov = ctx.frame([indicator])
    lc = level_change(wide, indicator, n_units=ctx.n_units)
    if lc is None:
        return ChartResult(key, message=t("compare.no_change", lang), title=ind.name(lang))
    first, last, f = lc
    compared = ctx.comparable(indicator)
    codes = set(ctx.group.codes) | ({ctx.code} if compared else set())
    f = f.loc[f["code"].isin(codes)].dropna()
    if f.empty:
        return ChartResult(key, message=t("compare.no_data", lang), title=ind.name(lang))
    f["label"] = [ctx.names.get(c, c) for c in f["code"]]
    f["role"] = roles(ctx, f["code"])
    fmt = fmt_value(ind, lang)
    unit_pp = t("profile.pp", lang) if is_percent(ind) else ind.unit(lang)
    f["level_text"] = [fmt(v) for v in f["level"]]
    f["change_text"] = [f"{fmt_num(v, ind.decimals, lang, signed=True)} {unit_pp}".strip() for v in f["change"]]
    peers = f.loc[f["role"] == "peer"]
    xm = float(peers["level"].median()) if len(peers) else np.nan
    ym = float(peers["change"].median()) if len(peers) else np.nan
    good = {"higher_better": "up", "lower_better": "down"}.get(ind.judging_polarity)
    corners = {k: t(f"chart.quadrant.{k}", lang) for k in ("tr", "tl", "br", "bl")}
    if good:  # say which corner is the favourable one
        corners["tr" if good == "up" else "bl"] += " ✓"
    fig = charts.quadrant_figure(frame=f, x_median=xm, y_median=ym, x_title=axis_title(ind, lang, last),
                                 y_title=t("chart.change_axis", lang, first=first, last=last, unit=unit_pp),
                                 names={"peer": ctx.peer_text("chart.peers"), "unit": ctx.short_name},
                                 corners=corners, lang=lang, x_decimals=ind.decimals, y_decimals=ind.decimals,
                                 title=t("chart.quadrant_title", lang, name=ind.name(lang), first=first, last=last))
    note = t("chart.quadrant_note", lang)
    if not compared:
        note += " " + _not_compared_note(ctx, indicator)
    elif ctx.code not in set(f["code"]):
        note += " " + t("chart.unit_no_value", lang)
    data = f[["label", "level", "change"]].rename(columns={
        "label": t("chart.col_unit", lang), "level": axis_title(ind, lang, last),
        "change": t("chart.change_axis", lang, first=first, last=last, unit=unit_pp)})
    me = f.loc[f["code"] == ctx.code]
    if len(me) and np.isfinite(xm) and np.isfinite(ym):
        r = me.iloc[0]
        corner = ("t" if r["change"] >= ym else "b") + ("r" if r["level"] >= xm else "l")
        takeaway = t("chart.takeaway.quadrant", lang, name=ctx.short_name, indicator=ind.name(lang),
                     value=fmt(r["level"]), last=last, change=r["change_text"], first=first,
                     corner=t(f"chart.quadrant.{corner}", lang))
    else:
        takeaway = t("chart.quadrant_title", lang, name=ind.name(lang), first=first, last=last)
    ids: list = []
    return ChartResult(key, fig, sources=sources_text(ctx, prov, indicator, [first, last], own_sources(ctx, indicator),
                                                      ids),
                       years=f"{first}, {last}", note=note, data=data, takeaway=takeaway, title=ind.name(lang),
                       source_ids=tuple(ids))


def age(ctx: ProfileContext) -> ChartResult:
    """The subject's residents by economic age group, year by year (stacked 100 %)."""
    lang = ctx.lang
    title = t("chart.age.label", lang)
    frame = age_structure(ctx.values)
    if frame.empty:
        return ChartResult("age", message=t("compare.no_age", lang), title=title)
    names = {k: t(f"chart.age.{k}", lang) for k in ("pre", "working", "post")}
    fig = charts.age_structure_figure(frame=frame, names=names, y_title=t("chart.age.y", lang), lang=lang,
                                      fmt_count=lambda v: f"{fmt_num(v, 0, lang)} {t('chart.age.persons', lang)}",
                                      fmt_pct=lambda v: f"{fmt_num(v, 1, lang)}%",
                                      title=t("chart.age.title", lang, name=ctx.short_name))
    rows = ctx.values.loc[ctx.values["indicator"].isin(AGE_GROUPS) & ctx.values["value"].notna(),
                          ["source", "method", "n", "of"]]
    src = "; ".join(dict.fromkeys(ctx.source_line(r) for r in
                                  rows.drop_duplicates(["source", "method"]).to_dict("records"))) or "–"
    data = frame.rename(columns={"year": t("chart.col_year", lang), "pre": names["pre"], "working": names["working"],
                                 "post": names["post"], "pre_pct": f"{names['pre']} (%)",
                                 "working_pct": f"{names['working']} (%)", "post_pct": f"{names['post']} (%)"})
    a, b = frame.iloc[0], frame.iloc[-1]
    takeaway = t("chart.takeaway.age", lang, name=ctx.short_name, post=fmt_num(b["post_pct"], 1, lang),
                 year=int(b["year"]), post0=fmt_num(a["post_pct"], 1, lang), y0=int(a["year"]),
                 pre=fmt_num(b["pre_pct"], 1, lang))
    return ChartResult("age", fig, sources=src, years=years_text(frame["year"]), note=t("chart.age.note", lang),
                       data=data, takeaway=takeaway, title=title, source_ids=tuple(dict.fromkeys(rows["source"])))


def position(ctx: ProfileContext, cards: pd.DataFrame) -> ChartResult:
    """Where the unit stands on each judged indicator among all units of its level: 0 = worst,
    100 = best (percentile from the national rank; domain.rankings)."""
    lang = ctx.lang
    title = t("chart.position_label", lang)
    level_pl = level_plural(ctx.level, lang)
    rows = []
    for r in cards.to_dict("records"):
        ind = ctx.indicators[r["indicator"]]
        if ind.judging_polarity == "neutral" or pd.isna(r["rank"]) or not r["rank_of"] or r["rank_of"] < 2:
            continue
        pct = 100.0 * (r["rank_of"] - r["rank"]) / (r["rank_of"] - 1)
        rows.append({"indicator": ind.id, "label": ind.name(lang), "percentile": round(pct, 1),
                     "value_label": f"{fmt_value(ind, lang)(r['value'])} ({int(r['year'])})",
                     "hover": t("chart.position_hover", lang, rank=fmt_num(int(r["rank"]), 0, lang), of=fmt_num(int(r["rank_of"]), 0, lang)),
                     "value": r["value"], "year": int(r["year"]), "rank": int(r["rank"]), "of": int(r["rank_of"])})
    if ctx.is_area or not rows:
        return ChartResult("position", message=t("chart.position_none", lang), title=title)
    df = pd.DataFrame(rows).sort_values("percentile", ascending=False, kind="stable").reset_index(drop=True)
    total = len(df)
    if total > 2 * POSITION_EACH_END:
        df = pd.concat([df.head(POSITION_EACH_END), df.tail(POSITION_EACH_END)], ignore_index=True)
    fig = charts.position_figure(frame=df, unit_name=ctx.short_name, lang=lang,
                                 axis_title=t("chart.position_axis", lang, level=level_pl),
                                 median_label=t("chart.position_median", lang))
    best, worst = df.iloc[0], df.iloc[-1]
    # the sentence says what each number is: the value with its unit, and the percentile as the
    # share of units it is better (best) or worse (weakest) than — never a bare percentile that
    # reads like the indicator's value ("udział … (15%)" when the share is 23,6 %)
    value_of = {r["indicator"]: fmt_value(ctx.indicators[r["indicator"]], lang)(r["value"]) for r in rows}
    takeaway = t("chart.takeaway.position", lang, name=ctx.short_name, best=lower_first(best["label"]),
                 best_value=value_of[best["indicator"]], best_pct=fmt_num(best["percentile"], 0, lang),
                 worst=lower_first(worst["label"]), worst_value=value_of[worst["indicator"]],
                 worst_pct=fmt_num(100 - worst["percentile"], 0, lang), level=level_pl)
    note = t("chart.position_note", lang, level=level_pl)
    if len(df) < total:
        note += " " + t("chart.position_subset", lang, k=POSITION_EACH_END, n=total)
    used = cards.loc[cards["indicator"].isin(df["indicator"])]
    lookup = ctx.source_lookup()
    parts = [lookup.get(i, i) for i in dict.fromkeys(used["source"])]
    if (used["method"] != "source").any():
        parts.append(t("chart.computed_level", lang))
    src = "; ".join(parts)
    data = df[["label", "value", "year", "rank", "of", "percentile"]].rename(columns={
        "label": t("chart.col_indicator", lang), "value": t("chart.col_value", lang), "year": t("chart.col_year", lang),
        "rank": t("chart.col_rank", lang), "of": t("chart.col_of", lang), "percentile": t("chart.col_percentile", lang)})
    return ChartResult("position", fig, sources=src, years=years_text(df["year"]), note=note, data=data,
                       takeaway=takeaway, title=title, source_ids=tuple(dict.fromkeys(used["source"])))


def lower_first(text: str) -> str:
    """Lower-case the first letter for use inside a sentence (not for acronyms like "GUS")."""
    if len(text) > 1 and text[0].isupper() and not text[1].isupper():
        return text[0].lower() + text[1:]
    return text


# --------------------------------------------------------------------------------------------
# choosing indicators and chart keys
# --------------------------------------------------------------------------------------------
def available_indicators(ctx: ProfileContext) -> list[str]:
    """Indicators published or computed at the comparison level (an area: also for gminy), by theme."""
    order = {c: k for k, c in enumerate(CATEGORIES)}
    inds = [i for i, ind in ctx.indicators.items() if ctx.level in ind.levels
            and (not ctx.is_area or "gmina" in ind.levels)]
    return sorted(inds, key=lambda i: order.get(ctx.indicators[i].category, 99))


def chart(ctx: ProfileContext, key: str, cards: pd.DataFrame | None = None) -> ChartResult:
    """The chart of a key (see the module docstring); unknown or unavailable keys give a message."""
    kind, _, arg = key.partition(":")
    by_indicator = {"trend": trend, "ranking": ranking, "distribution": distribution, "quadrant": quadrant}
    if kind == "age":
        return age(ctx)
    if kind == "position":
        return position(ctx, cards if cards is not None else pd.DataFrame(columns=list(CARD_COLUMNS)))
    if kind == "scatter":
        x, _, y = arg.partition(":")
        if x in ctx.indicators and y in ctx.indicators:
            return scatter(ctx, x, y)
    elif kind in by_indicator and arg in ctx.indicators:
        return by_indicator[kind](ctx, arg)
    return ChartResult(key, message=t("compare.no_data", ctx.lang))


def label(key: str, indicators: dict, lang: str) -> str:
    """A chart key in words (chart pickers)."""
    kind, _, arg = key.partition(":")
    if kind in ("age", "position"):
        return t(f"chart.kind.{kind}", lang)
    if kind == "scatter":
        x, _, y = arg.partition(":")
        nx = indicators[x].name(lang) if x in indicators else x
        ny = indicators[y].name(lang) if y in indicators else y
        return t("chart.kind.scatter", lang, name=t("chart.scatter_label", lang, x=nx, y=ny))
    ind = indicators.get(arg)
    return t(f"chart.kind.{kind}", lang, name=ind.name(lang) if ind else arg)
