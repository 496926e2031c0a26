"""The comparison charts for the selected unit and its peer group: time series, ranking,
distribution, scatter, level × change and the population's economic age structure.

Each chart is built by a pure builder in components.charts and captioned with its source(s),
years and the peer-group definition."""
from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

import services
from components import state
from components.overview import source_text
from components.profile_context import ProfileContext, group_text, level_plural
from components import charts
from domain.catalogue import CATEGORIES
from domain.peers import needs_log
from domain.profile import age_structure, level_change, peer_band, series
from domain.rankings import rank_series
from i18n import fmt_num, t
from services import profile as SP

TABS = ("series", "ranking", "distribution", "scatter", "quadrant", "age")
PLOT_CONFIG = {"displaylogo": False, "locale": "pl", "toImageButtonOptions": {"scale": 2}}


def available_indicators(ctx: ProfileContext) -> list[str]:
    """Indicators published or computed at the unit's level (the catalogue's levels), by theme."""
    order = {c: k for k, c in enumerate(CATEGORIES)}
    inds = [i for i, ind in ctx.indicators.items() if ctx.level in ind.levels]
    return sorted(inds, key=lambda i: order.get(ctx.indicators[i].category, 99))


def default_indicator(ctx: ProfileContext, options: list[str]) -> str | None:
    v = state.view().indicator
    if v in options:
        return v
    own = set(ctx.values["indicator"])
    for cat in CATEGORIES:  # the first judged (non-neutral) profile indicator, theme by theme
        for i, ind in ctx.indicators.items():
            if ind.category == cat and ind.profile and ind.polarity != "neutral" and i in options and i in own:
                return i
    return options[0] if options else None


def _fmt(ind, lang):
    return lambda v: "–" if v is None or pd.isna(v) else f"{fmt_num(v, ind.decimals, lang)} {ind.unit(lang)}".strip()


def _axis(ind, lang, year=None) -> str:
    unit = ind.unit(lang)
    base = f"{ind.name(lang)} ({unit})" if unit else ind.name(lang)
    return f"{base}, {year}" if year else base


def _years_text(years) -> str:
    ys = sorted({int(y) for y in years})
    if not ys:
        return "–"
    if len(ys) == 1:
        return str(ys[0])
    if ys == list(range(ys[0], ys[-1] + 1)):
        return f"{ys[0]}–{ys[-1]}"
    return ", ".join(str(y) for y in ys)


def _publisher(ctx: ProfileContext, source: str) -> str:
    src = ctx.sources.set_index("id")
    if source not in src.index:
        return source
    r = src.loc[source]
    return f"{r['publisher_' + ctx.lang]} ({r['vintage']})"


def sources_text(ctx: ProfileContext, prov: pd.DataFrame, indicator: str, years, extra: list[dict] = ()) -> str:
    """Publishers (vintage) behind the level's values of ``indicator`` in ``years`` and behind the
    extra rows (source, method, n, of, role name) of the unit / województwo / Poland, then what was
    computed: "…; wyliczone z danych źródłowych" / "woj. X: suma/wyliczenie z 169 z 169 jednostek"."""
    p = prov.loc[(prov["indicator"] == indicator) & prov["year"].isin(list(years))]
    ids = list(dict.fromkeys(list(p["source"]) + [r["source"] for r in extra]))
    parts = [_publisher(ctx, i) for i in ids]
    methods = set(p["method"]) | {r["method"] for r in extra if not r.get("role")}
    notes = []
    if "derived" in methods or "aggregated" in methods:
        notes.append(t("chart.computed_level", ctx.lang))
    for r in extra:
        if r.get("role") and r["method"] == "aggregated":
            cov = ""
            if r.get("of") == r.get("of") and r.get("of"):
                cov = t("overview.coverage", ctx.lang, n=int(r["n"]), of=int(r["of"]))
            notes.append(t("chart.computed_role", ctx.lang, role=r["role"], coverage=cov, year=int(r["year"])))
    return "; ".join(dict.fromkeys(parts + notes)) or "–"


def caption(ctx: ProfileContext, *, sources: str, years: str, note: str | None = None) -> None:
    text = t("chart.caption", ctx.lang, sources=sources, years=years, group=group_text(ctx))
    if note:
        text += " " + note
    st.caption(text)


def _roles(ctx: ProfileContext, codes) -> list[str]:
    peers = set(ctx.group.codes)
    return ["unit" if c == ctx.code else "peer" if c in peers else "other" for c in codes]


def _region_frames(ctx: ProfileContext, indicator: str) -> tuple[pd.DataFrame | None, pd.DataFrame | None, list]:
    reg = ctx_region_values(ctx)
    nat = services.unit_values(ctx.ingest, "PL") if ctx.level != "country" else None
    extra = []
    out = []
    roles = (t("chart.region", ctx.lang, name=ctx.names.get(ctx.region, ctx.region)) if ctx.region else "",
             t("unit.poland", ctx.lang))
    for v, role in zip((reg, nat), roles):
        if v is None:
            out.append(None)
            continue
        s = v.loc[(v["indicator"] == indicator) & v["value"].notna()].sort_values("year")
        if not s.empty:
            extra.append({**s.iloc[-1][["source", "method", "n", "of", "year"]].to_dict(), "role": role})
        out.append(s[["year", "value"]])
    return out[0], out[1], extra


def ctx_region_values(ctx: ProfileContext) -> pd.DataFrame | None:
    return services.unit_values(ctx.ingest, ctx.region) if ctx.region else None


def _level_frame(ctx: ProfileContext, indicators: list[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    return SP.columns_for(ctx.ingest, ctx.level, indicators)


# --------------------------------------------------------------------------------------------
def render_series(ctx: ProfileContext, indicator: str) -> None:
    lang, ind = ctx.lang, ctx.indicators[indicator]
    wide, prov = _level_frame(ctx, [indicator])
    unit = series(ctx.values, indicator)
    band = peer_band(wide, indicator, ctx.group.codes)
    region, country, extra = _region_frames(ctx, indicator)
    if unit.empty and band.empty:
        st.info(t("compare.no_data", lang))
        return
    names = {"unit": ctx.names.get(ctx.code, ctx.code), "median": t("chart.peer_median", lang),
             "band": t("chart.peer_band", lang)}
    if region is not None and not region.empty:
        names["region"] = t("chart.region", lang, name=ctx.names.get(ctx.region, ctx.region))
    if country is not None and not country.empty and ctx.level != "country":
        names["country"] = t("unit.poland", lang)
    fig = charts.time_series_figure(unit=unit, band=band, region=region, country=country, names=names,
                                    y_title=_axis(ind, lang), decimals=ind.decimals, lang=lang, fmt=_fmt(ind, lang),
                                    title=ind.name(lang))
    st.plotly_chart(fig, config=PLOT_CONFIG, key="chart_series")
    years = set(unit["year"]) | set(band["year"])
    own = ctx.values.loc[ctx.values["indicator"] == indicator, ["source", "method", "n", "of"]]
    extra = own.drop_duplicates(["source", "method"]).to_dict("records") + extra
    caption(ctx, sources=sources_text(ctx, prov, indicator, years, extra), years=_years_text(years),
            note=t("chart.series_note", lang))


def _latest_year(ctx: ProfileContext, wide: pd.DataFrame, indicator: str) -> int | None:
    """The unit's latest year with a value (else the level's latest year)."""
    own = series(ctx.values, indicator)
    if not own.empty:
        return int(own["year"].iloc[-1])
    if indicator in wide.columns.get_level_values(0):
        col = wide[indicator].notna().sum()
        col = col[col > 0]
        return int(col.index.max()) if len(col) else None
    return None


def render_ranking(ctx: ProfileContext, indicator: str) -> None:
    lang, ind = ctx.lang, ctx.indicators[indicator]
    wide, prov = _level_frame(ctx, [indicator])
    year = _latest_year(ctx, wide, indicator)
    if year is None or (indicator, year) not in wide.columns or not ctx.group.codes:
        st.info(t("compare.no_data", lang) if ctx.group.codes else t("compare.no_peers", lang))
        return
    codes = [c for c in (ctx.code, *ctx.group.codes) if c in wide.index]
    vals = wide.loc[codes, (indicator, year)].dropna()
    ranks = rank_series(vals, ind.polarity)
    order = sorted(vals.index, key=lambda c: (ranks[c], c))
    shown = charts.ranking_window(order, ctx.code)
    rows = []
    prev = None
    for c in shown:
        if prev is not None and order.index(c) != order.index(prev) + 1:
            rows.append({"code": None, "label": "", "value": np.nan, "rank": np.nan, "text": ""})
        rows.append({"code": c, "label": ctx.names.get(c, c), "value": vals[c], "rank": ranks[c],
                     "text": _fmt(ind, lang)(vals[c])})
        prev = c
    peer_vals = vals.drop(index=ctx.code, errors="ignore")
    med = float(peer_vals.median()) if len(peer_vals) else None
    fig = charts.ranking_figure(frame=pd.DataFrame(rows), unit=ctx.code, median=med,
                                median_label=t("chart.peer_median_value", lang, value=_fmt(ind, lang)(med)),
                                x_title=_axis(ind, lang, year), decimals=ind.decimals, lang=lang,
                                title=t("chart.ranking_title", lang, name=ind.name(lang), year=year))
    st.plotly_chart(fig, config=PLOT_CONFIG, key="chart_ranking")
    note = t("chart.ranking_order_neutral" if ind.polarity == "neutral" else "chart.ranking_order", lang)
    if len(shown) < len(order):
        note += " " + t("chart.ranking_window", lang, shown=len(shown), n=len(order))
    if ctx.code not in vals.index:
        note += " " + t("chart.unit_no_value", lang)
    caption(ctx, sources=sources_text(ctx, prov, indicator, [year]), years=str(year), note=note)


def render_distribution(ctx: ProfileContext, indicator: str) -> None:
    lang, ind = ctx.lang, ctx.indicators[indicator]
    wide, prov = _level_frame(ctx, [indicator])
    year = _latest_year(ctx, wide, indicator)
    if year is None or (indicator, year) not in wide.columns:
        st.info(t("compare.no_data", lang))
        return
    col = wide[(indicator, year)]
    labels = pd.Series({c: ctx.names.get(c, c) for c in col.index})
    groups = [(t("chart.all_units", lang, level=level_plural(ctx.level, lang), n=int(col.notna().sum())),
               col, labels)]
    if ctx.group.codes:
        pv = col.reindex(list(ctx.group.codes))
        groups.append((t("chart.peers_n", lang, n=int(pv.notna().sum())), pv, labels))
    uv = col.get(ctx.code, np.nan)
    fig = charts.distribution_figure(groups=groups, unit_value=uv, unit_label=ctx.names.get(ctx.code, ctx.code),
                                     x_title=_axis(ind, lang, year), decimals=ind.decimals, lang=lang,
                                     fmt=_fmt(ind, lang), title=t("chart.distribution_title", lang,
                                                                  name=ind.name(lang), year=year))
    st.plotly_chart(fig, config=PLOT_CONFIG, key="chart_distribution")
    caption(ctx, sources=sources_text(ctx, prov, indicator, [year]), years=str(year),
            note=t("chart.distribution_note", lang))


def render_scatter(ctx: ProfileContext, indicator: str, options: list[str]) -> None:
    lang = ctx.lang
    x_default = state.get_extra("x")
    y_default = state.get_extra("y")
    x_id = x_default if x_default in options else ("population_total" if "population_total" in options
                                                   and indicator != "population_total" else options[0])
    y_id = y_default if y_default in options else indicator
    st.session_state["cmp_x"], st.session_state["cmp_y"] = x_id, y_id
    c1, c2 = st.columns(2)
    fmt_name = lambda i: ctx.indicators[i].name(lang)  # noqa: E731
    with c1:
        st.selectbox(t("compare.x", lang), options, key="cmp_x", format_func=fmt_name,
                     on_change=lambda: state.set_extra("x", st.session_state.get("cmp_x")))
    with c2:
        st.selectbox(t("compare.y", lang), options, key="cmp_y", format_func=fmt_name,
                     on_change=lambda: state.set_extra("y", st.session_state.get("cmp_y")))
    wide, prov = _level_frame(ctx, [x_id, y_id])
    yx, yy = _latest_year(ctx, wide, x_id), _latest_year(ctx, wide, y_id)
    if yx is None or yy is None or (x_id, yx) not in wide.columns or (y_id, yy) not in wide.columns:
        st.info(t("compare.no_data", lang))
        return
    ix, iy = ctx.indicators[x_id], ctx.indicators[y_id]
    f = pd.DataFrame({"x": wide[(x_id, yx)], "y": wide[(y_id, yy)]}).dropna()
    f["code"] = f.index
    f["label"] = [ctx.names.get(c, c) for c in f.index]
    f["role"] = _roles(ctx, f.index)
    f["x_text"] = [_fmt(ix, lang)(v) for v in f["x"]]
    f["y_text"] = [_fmt(iy, lang)(v) for v in f["y"]]
    names = {"other": t("chart.others", lang, level=t(f"profile.level_nom.{ctx.level}", lang)),
             "peer": t("chart.peers", lang), "unit": ctx.names.get(ctx.code, ctx.code)}
    fig = charts.scatter_figure(frame=f, x_title=_axis(ix, lang, yx), y_title=_axis(iy, lang, yy), names=names,
                                lang=lang, x_log=needs_log(f["x"].to_numpy()), y_log=needs_log(f["y"].to_numpy()),
                                x_decimals=ix.decimals, y_decimals=iy.decimals)
    st.plotly_chart(fig, config=PLOT_CONFIG, key="chart_scatter")
    src = sources_text(ctx, prov, x_id, [yx])
    src2 = sources_text(ctx, prov, y_id, [yy])
    sources = src if src == src2 else f"{src}; {src2}"
    note = t("chart.scatter_note", lang, n=len(f))
    if ctx.code not in f.index:
        note += " " + t("chart.unit_no_value", lang)
    caption(ctx, sources=sources, years=_years_text({yx, yy}), note=note)


def render_quadrant(ctx: ProfileContext, indicator: str) -> None:
    lang, ind = ctx.lang, ctx.indicators[indicator]
    wide, prov = _level_frame(ctx, [indicator])
    lc = level_change(wide, indicator, n_units=ctx.n_units)
    if lc is None:
        st.info(t("compare.no_change", lang))
        return
    first, last, f = lc
    codes = set(ctx.group.codes) | {ctx.code}
    f = f.loc[f["code"].isin(codes)].dropna()
    if f.empty:
        st.info(t("compare.no_data", lang))
        return
    f["label"] = [ctx.names.get(c, c) for c in f["code"]]
    f["role"] = _roles(ctx, f["code"])
    fmt = _fmt(ind, lang)
    unit_pp = t("profile.pp", lang) if ind.unit_pl.strip().startswith("%") else ind.unit(lang)
    f["level_text"] = [fmt(v) for v in f["level"]]
    f["change_text"] = [f"{fmt_num(v, ind.decimals, lang, signed=True)} {unit_pp}" for v in f["change"]]
    peers = f.loc[f["role"] == "peer"]
    xm = float(peers["level"].median()) if len(peers) else np.nan
    ym = float(peers["change"].median()) if len(peers) else np.nan
    good = {"higher_better": "up", "lower_better": "down"}.get(ind.polarity)
    corners = {k: t(f"chart.quadrant.{k}", lang) for k in ("tr", "tl", "br", "bl")}
    if good:  # say which corner is the favourable one
        best = "tr" if good == "up" else "bl"
        corners[best] += " ✓"
    fig = charts.quadrant_figure(frame=f, x_median=xm, y_median=ym, x_title=_axis(ind, lang, last),
                                 y_title=t("chart.change_axis", lang, first=first, last=last, unit=unit_pp),
                                 names={"peer": t("chart.peers", lang), "unit": ctx.names.get(ctx.code, ctx.code)},
                                 corners=corners, lang=lang, x_decimals=ind.decimals, y_decimals=ind.decimals,
                                 title=t("chart.quadrant_title", lang, name=ind.name(lang), first=first, last=last))
    st.plotly_chart(fig, config=PLOT_CONFIG, key="chart_quadrant")
    note = t("chart.quadrant_note", lang)
    if ctx.code not in set(f["code"]):
        note += " " + t("chart.unit_no_value", lang)
    caption(ctx, sources=sources_text(ctx, prov, indicator, [first, last]), years=f"{first}, {last}", note=note)


def render_age(ctx: ProfileContext) -> None:
    lang = ctx.lang
    frame = age_structure(ctx.values)
    if frame.empty:
        st.info(t("compare.no_age", lang))
        return
    names = {k: t(f"chart.age.{k}", lang) for k in ("pre", "working", "post")}
    fig = charts.age_structure_figure(frame=frame, names=names, y_title=t("chart.age.y", lang), lang=lang,
                                      fmt_count=lambda v: f"{fmt_num(v, 0, lang)} {t('chart.age.persons', lang)}",
                                      fmt_pct=lambda v: f"{fmt_num(v, 1, lang)}%",
                                      title=t("chart.age.title", lang, name=ctx.names.get(ctx.code, ctx.code)))
    st.plotly_chart(fig, config=PLOT_CONFIG, key="chart_age")
    rows = ctx.values.loc[ctx.values["indicator"].isin(SP.AGE_GROUPS), ["source", "method", "n", "of"]]
    src = "; ".join(dict.fromkeys(source_text(r, ctx.sources, lang) for r in
                                  rows.drop_duplicates(["source", "method"]).to_dict("records"))) or "–"
    caption(ctx, sources=src, years=_years_text(frame["year"]), note=t("chart.age.note", lang))


# --------------------------------------------------------------------------------------------
def _on_indicator() -> None:
    state.update(indicator=st.session_state.get("cmp_indicator"))


def _on_tab() -> None:
    labels = st.session_state.get("cmp_tab_labels") or {}
    state.set_extra("tab", labels.get(st.session_state.get("cmp_tab")))


def render(ctx: ProfileContext) -> None:
    lang = ctx.lang
    options = available_indicators(ctx)
    indicator = default_indicator(ctx, options)
    if indicator is None:
        st.info(t("compare.no_data", lang))
        return
    st.session_state["cmp_indicator"] = indicator
    st.selectbox(t("compare.indicator", lang), options, key="cmp_indicator",
                 format_func=lambda i: f"{ctx.indicators[i].name(lang)} ({t(f'category.{ctx.indicators[i].category}', lang)})",
                 on_change=_on_indicator, help=ctx.indicators[indicator].definition(lang))
    labels = {tab: t(f"compare.tab.{tab}", lang) for tab in TABS}
    st.session_state["cmp_tab_labels"] = {v: k for k, v in labels.items()}
    current = state.get_extra("tab")
    current = current if current in TABS else TABS[0]
    st.session_state["cmp_tab"] = labels[current]
    tabs = st.tabs([labels[x] for x in TABS], key="cmp_tab", on_change=_on_tab)
    for tab_id, container in zip(TABS, tabs):
        if container.open is False:
            continue
        with container:
            if tab_id == "series":
                render_series(ctx, indicator)
            elif tab_id == "ranking":
                render_ranking(ctx, indicator)
            elif tab_id == "distribution":
                render_distribution(ctx, indicator)
            elif tab_id == "scatter":
                render_scatter(ctx, indicator, options)
            elif tab_id == "quadrant":
                render_quadrant(ctx, indicator)
            else:
                render_age(ctx)
