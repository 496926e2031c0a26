"""The map explorer: controls, classed choropleth, ranking table and histogram.

State lives in components.state (so the URL is a permalink); widgets write to it in callbacks.
Clicking a unit on the map (or a row of the ranking) selects it for the whole app.
"""
from __future__ import annotations

import json
from dataclasses import replace
from functools import partial

import pandas as pd
import streamlit as st

import services
from components import a11y, device, embed, state, subject
from presentation import assessment_scores as SCORES
from presentation import profile_context
from presentation.labels import gminy_word, source_lookup
from presentation.profile_context import group_text
from presentation.map_figures import Outline, choropleth_figure, class_labels, histogram_figure, location_codes
from presentation.data_text import md
from presentation.map_state import LEVELS, MapParams, Note, indicator_order, resolve
from domain import palettes
from domain.catalogue import Indicator
from domain.classify import (DEFAULT_K, DEFAULT_METHOD, MAX_K, METHODS, MIN_K, ClassifyError, class_colours,
                             format_breaks_for_url, parse_breaks)
from domain.rankings import window
from i18n import fmt_num, fmt_unit, t
from services import areas as areas_svc
from services import assessment as SAS
from services import map as smap
from services import profile as SP

COMPACT_ABOVE = 400  # rankings longer than this show top/bottom/neighbourhood unless asked for all
PLOT_CONFIG = {"displaylogo": False, "scrollZoom": True,
               "modeBarButtonsToRemove": ["select2d", "lasso2d", "toImage"]}


# -- pure helpers (tested without a UI) ---------------------------------------------------------

def ancestor(code: str | None, level: str) -> str | None:
    """The unit of ``level`` containing ``code`` (itself if it is of that level)."""
    if not code or code == "PL":
        return None
    n = {"wojewodztwo": 2, "powiat": 4, "gmina": 7}[level]
    return code[:n] if len(code) >= n else None


def type_label(row: dict, lang: str) -> str:
    """Short unit type for the ranking table."""
    if row["city_powiat"]:
        return t("rank.type.city", lang)
    if row["level"] == "gmina":
        return t(f"rank.type.{row['gmina_type']}", lang)
    return t(f"rank.type.{row['level']}", lang)


def ranking_table(frame: pd.DataFrame, *, indicator: Indicator, level: str, lang: str,
                  selected: str | None, full: bool) -> tuple[pd.DataFrame, list[str], int | None]:
    """Rows for the ranking table (localised headers), their unit codes, and the position of the
    selected unit. The value column stays numeric (it sorts right); the caller formats it."""
    rows = frame if full or len(frame) <= COMPACT_ABOVE else window(frame, selected, top=5, around=5)
    # Four narrow columns, so the values fit beside the map at 1600 px (a "Rodzaj" column and the
    # header "Wartość (osoby na km²)" pushed them out of view): a name that several units of the
    # level share gets its type in brackets ("Bolesławiec (miejska)"), the unit is in the heading.
    repeated = set(frame.loc[frame["name"].duplicated(keep=False), "name"])
    names = [f"{r['name']} ({type_label(r, lang)})" if r["name"] in repeated else r["name"]
             for r in rows.to_dict("records")]
    out = pd.DataFrame({
        t("rank.col_rank", lang): rows["rank"].astype("Int64"),
        t("rank.col_unit", lang): names,
    })
    out[t("rank.col_value_short", lang)] = rows["value"]
    out[t("rank.col_pct", lang)] = rows["percentile"].astype("Int64")
    codes = rows["code"].tolist()
    pos = codes.index(selected) if selected in codes else None
    return out.reset_index(drop=True), codes, pos


def legend_rows(c, colours, *, decimals: int, lang: str) -> list[tuple[str, str, int]]:
    labels = class_labels(c, decimals=decimals, lang=lang)
    return [(colours[i], labels[i], c.counts[i]) for i in range(c.k)]


def source_caption(frame: pd.DataFrame, indicator: Indicator, indicators: dict[str, Indicator],
                   sources: pd.DataFrame, *, level: str, year: int, lang: str) -> str:
    """Definition, unit, year, sources (publisher + vintage) and how computed values were made."""
    parts = [t("map.caption_head", lang, name=indicator.name(lang), unit=indicator.unit(lang), year=year,
               definition=indicator.definition(lang))]
    have = frame.loc[frame["value"].notna() | frame["flag"].str.contains("withheld")]
    lookup = source_lookup(sources, lang)
    names = [lookup[sid] for sid in sorted(set(have["source"].dropna())) if sid in lookup]
    if names:
        parts.append(t("map.caption_source", lang, sources="; ".join(names)))
    methods = set(have["method"].dropna())
    members = t("map.members_from.powiat" if indicator.id.startswith("crime") and level == "wojewodztwo"
                else "map.members_from.gmina", lang)
    if "aggregated" in methods:
        agg = indicator.aggregation
        rule = t(f"map.rule.{agg.rule}", lang,
                 num=indicators[agg.numerator].name(lang) if agg.numerator in indicators else "",
                 den=indicators[agg.denominator].name(lang) if agg.denominator in indicators else "",
                 weight=indicators[agg.weight].name(lang) if agg.weight in indicators else "")
        n_agg = int((have["method"] == "aggregated").sum())
        parts.append(t("map.caption_aggregated", lang, n=fmt_num(n_agg, 0, lang), members=members, rule=rule))
    if "derived" in methods and indicator.derive is not None:
        d = indicator.derive
        ins = [indicators[x].name(lang) for x in d.inputs() if x in indicators]
        parts.append(t("map.caption_derived", lang, inputs=" / ".join(ins) if d.op == "ratio" else " + ".join(ins)))
    withheld = int(frame["flag"].str.contains("withheld").sum())
    if withheld:
        parts.append(t("map.caption_withheld", lang, n=fmt_num(withheld, 0, lang),
                       pct=fmt_num(indicator.min_coverage * 100, 0, lang)))
    if indicator.notes(lang):
        parts.append(indicator.notes(lang))
    return "  \n".join(parts)


def score_caption(ingest: str, frame: pd.DataFrame, ind: Indicator, p: MapParams, sel_row: pd.DataFrame,
                  lang: str) -> str:
    """The source note of an assessment score: derived, each unit against its own group, the
    leaves' reference years, the method link (and the selected unit's /ocena page)."""
    code = sel_row["code"].iloc[0] if len(sel_row) else None
    name = sel_row["name"].iloc[0] if len(sel_row) else None
    return SCORES.map_caption(ind, SAS.reference_years(ingest, p.level), level=p.level, year=p.year, lang=lang,
                              n_scored=int(frame["value"].notna().sum()), n_units=len(frame), unit_code=code,
                              unit_name=name)


def geometry_note(frame: pd.DataFrame, lang: str) -> str | None:
    missing = frame.loc[~frame["has_geometry"]]
    if missing.empty:
        return None
    names = ", ".join(f"{r['name']} ({r['code']})" for r in missing.to_dict("records")[:10])
    return t("map.no_geometry", lang, n=fmt_num(len(missing), 0, lang), names=names)


# -- state & callbacks ------------------------------------------------------------------------------

def _write_back(p: MapParams) -> None:
    """Make the URL state say exactly what is drawn (cls/k/pal at their defaults stay out of the URL
    unless the URL named them)."""
    v = state.view()
    cls = p.method if (p.method != DEFAULT_METHOD or v.cls == DEFAULT_METHOD) else None
    k = p.k if (p.method != "user" and (p.k != DEFAULT_K or v.k == DEFAULT_K)) else None
    extra = dict(v.extra)
    extra.pop("breaks", None)
    if p.method == "user" and p.breaks:
        extra["breaks"] = format_breaks_for_url(p.breaks)
    default_pal = palettes.DEFAULT_DIVERGING if p.diverging else palettes.DEFAULT_SEQUENTIAL
    if p.palette and p.palette != default_pal:
        extra["pal"] = p.palette
    else:
        extra.pop("pal", None)
    new = replace(v, level=p.level, indicator=p.indicator, year=p.year, cls=cls, k=k,
                  extra=tuple(sorted(extra.items())))
    if new != v:
        state.update(level=new.level, indicator=new.indicator, year=new.year, cls=new.cls, k=new.k,
                     extra=new.extra)


def _on_level(available) -> None:
    new = st.session_state.get("map_level")
    if not new:
        return
    v = state.view()
    ind = v.indicator if v.indicator in available.get(new, {}) else None
    year = v.year if ind and v.year in available[new][ind] else None
    state.update(level=new, indicator=ind, year=year)


def _on_indicator(available, level) -> None:
    new = st.session_state.get("map_indicator")
    if not new:
        return
    v = state.view()
    years = available.get(level, {}).get(new, ())
    state.update(indicator=new, level=level, year=v.year if v.year in years else None)


def _on_year() -> None:
    y = st.session_state.get("map_year")
    if y:
        state.update(year=int(y))


def _on_cls() -> None:
    m = st.session_state.get("map_cls")
    if m:
        state.update(cls=m)


def _on_k() -> None:
    state.update(k=int(st.session_state.get("map_k") or DEFAULT_K))


def _on_breaks() -> None:
    text = st.session_state.get("map_breaks_text", "")
    try:
        b = parse_breaks(text)
    except ClassifyError:
        st.session_state["map_breaks_error"] = text
        return
    st.session_state.pop("map_breaks_error", None)
    state.set_extra("breaks", format_breaks_for_url(b))
    state.update(cls="user")


def _on_pal() -> None:
    state.set_extra("pal", st.session_state.get("map_pal"))


def _on_map_select(key: str, codes: frozenset[str], feature_codes: tuple[str, ...]) -> None:
    ev = st.session_state.get(key) or {}
    points = (ev.get("selection") or {}).get("points") or []
    for pt in points:
        if pt.get("location") is None:
            continue
        code = location_codes([pt["location"]], feature_codes)[0]
        if code in codes:
            state.update(unit=code)
            subject.choose("unit")
            return


def _on_table_select(key: str, codes: list[str]) -> None:
    ev = st.session_state.get(key) or {}
    rows = (ev.get("selection") or {}).get("rows") or []
    if rows and 0 <= rows[0] < len(codes):
        state.update(unit=codes[rows[0]])
        subject.choose("unit")


def _legend(role: str, text: str) -> str:
    colour = palettes.ROLE_COLOURS[role]
    return f"<span style='color:{colour}'><b>▭</b></span> " + text


def _sel_label(name: str, lang: str) -> str:
    return _legend("unit", t("map.selected", lang, name=name))


def subject_outlines(ingest: str, p: MapParams, frame: pd.DataFrame, geo_url: str, lang: str
                     ) -> tuple[list[Outline], str | None]:
    """Outlines of the page's subject (the selected unit or the functional area, vermillion), of
    its peer group (reddish purple; typology / kNN / own list from the URL's peers=, as on the
    profile) and of a functional area that is not the subject (black); plus a caption saying who
    the peers are."""
    v = state.view()
    units_all = services.units(ingest)
    shown = subject.current()
    outlines: list[Outline] = []  # drawn in order: area (not the subject), peers, the subject on top
    members = subject.area_members()
    if members:
        geom = areas_svc.area_outline(ingest, members)
        if geom:
            code = ",".join(members)
            fc = {"type": "FeatureCollection",
                  "features": [{"type": "Feature", "id": code, "geometry": json.loads(geom), "properties": {}}]}
            role = "unit" if shown.is_area else "area_outline"
            outlines.append(Outline(codes=(code,), geojson=fc, role=role, width=3.5,
                                    label=_legend(role, t("map.area_outline", lang, gminy=gminy_word(len(members), lang)))))
    sel_code = v.unit
    if not shown.is_area and sel_code and sel_code != "PL":
        selected = ancestor(sel_code, p.level)
        sel_level = units_all.loc[units_all["code"] == sel_code, "level"]
        sel_level = sel_level.iloc[0] if len(sel_level) else None
        order = {"gmina": 0, "powiat": 1, "wojewodztwo": 2}
        if sel_level in order and order[sel_level] >= order[p.level]:
            url = geo_url if sel_level == p.level else smap.layer_url(ingest, sel_level)
            name = units_all.loc[units_all["code"] == sel_code, "name"].iloc[0]
            if url:
                outlines.append(Outline(codes=(sel_code,), geojson=url, role="unit", label=_sel_label(name, lang)))
        elif selected:
            sel_row = frame.loc[frame["code"] == selected]
            name = sel_row["name"].iloc[0] if len(sel_row) else selected
            outlines.append(Outline(codes=(selected,), geojson=geo_url, role="unit", label=_sel_label(name, lang)))
    outlines.sort(key=lambda o: o.role == "unit")
    if not shown.is_area and (not sel_code or sel_code == "PL"):
        return outlines, None
    ctx = profile_context.build(SP.source(ingest), v.unit, v.peers, lang, area=shown.members)
    if ctx.group.method in ("none", "members") or not ctx.group.codes:
        return outlines, None
    if ctx.group.level != p.level:
        # peers are drawn only on their own level's map: a gmina's 33 city peers outlined over
        # województwa (or powiaty) said nothing about the units on that map
        return outlines, None
    url = geo_url
    if url:
        peers = Outline(codes=ctx.group.codes, geojson=url, role="peer_outline", width=2.0,
                        label=_legend("peer_outline", t("map.peers_outline", lang, n=ctx.group.n)))
        outlines.insert(sum(o.role != "unit" for o in outlines), peers)
    return outlines, t("map.peers_caption", lang, group=group_text(ctx))


def _is_phone() -> bool:
    return device.is_phone()


# -- rendering --------------------------------------------------------------------------------------

def _show_notes(notes: tuple[Note, ...], indicators: dict[str, Indicator], lang: str) -> None:
    for n in notes:
        kw = n.kwargs()
        for k in ("from", "to"):
            if k in kw:
                kw[k] = t(f"map.level_plural.{kw[k]}", lang)
        if kw.get("indicator") in indicators:
            kw["indicator"] = indicators[kw["indicator"]].name(lang)
        msg = t(n.key, lang, **kw)
        (st.warning if n.severity == "warning" else st.info)(msg, icon="⚠️" if n.severity == "warning" else "ℹ️")


def _controls(p: MapParams, available, indicators: dict[str, Indicator], lang: str) -> None:
    ss = st.session_state
    ss["map_level"] = p.level
    ss["map_indicator"] = p.indicator
    ss["map_year"] = p.year
    ss["map_cls"] = p.method
    ss["map_k"] = p.k
    # the level control needs about 270 px for "Gminy | Powiaty | Województwa" (1.3 of 5.5 clipped it at 1600 px)
    c1, c2, c3 = st.columns([1.55, 2.95, 1])
    with c1:
        st.segmented_control(t("map.level", lang), LEVELS, key="map_level", required=True,
                             format_func=lambda lv: t(f"map.level_name.{lv}", lang),
                             on_change=_on_level, args=(available,))
    ids = indicator_order(list(available.get(p.level, {})), indicators)
    with c2:
        st.selectbox(t("map.indicator", lang), ids, key="map_indicator",
                     format_func=lambda i: f"{t('category.' + indicators[i].category, lang)} › "
                     + (SCORES.node_label(i, lang) if SCORES.is_score(i) else indicators[i].name(lang)),
                     help=t("map.indicator_help", lang), on_change=_on_indicator, args=(available, p.level))
    with c3:
        st.selectbox(t("map.year", lang), list(reversed(available[p.level][p.indicator])), key="map_year",
                     on_change=_on_year)
    with st.expander(t("map.options", lang), expanded=p.method != DEFAULT_METHOD or p.k != DEFAULT_K):
        o1, o2, o3 = st.columns([2, 2, 2])
        with o1:
            st.selectbox(t("map.cls", lang), METHODS, key="map_cls", format_func=lambda m: t(f"map.cls_name.{m}", lang),
                         help=t("map.cls_help", lang), on_change=_on_cls)
        with o2:
            if p.method == "user":
                if "map_breaks_error" not in ss:
                    ss["map_breaks_text"] = "; ".join(fmt_num(b, 6, lang).rstrip("0").rstrip(",.")
                                                      .replace("\u00a0", "") for b in (p.breaks or ()))
                st.text_input(t("map.breaks", lang), key="map_breaks_text", help=t("map.breaks_help", lang),
                              on_change=_on_breaks)
                if ss.get("map_breaks_error"):
                    st.warning(t("map.bad_breaks", lang, value=md(ss["map_breaks_error"][:60])), icon="⚠️")
            else:
                st.slider(t("map.k", lang), MIN_K, MAX_K, key="map_k", on_change=_on_k)
        with o3:
            choices = palettes.DIVERGING if p.diverging else palettes.SEQUENTIAL
            ss["map_pal"] = p.palette
            st.selectbox(t("map.palette", lang), choices, key="map_pal", on_change=_on_pal,
                         format_func=lambda name: t(f"map.palette_name.{name}", lang),
                         help=t("map.palette_help_div" if p.diverging else "map.palette_help_seq", lang))
            pol = "diverging" if p.diverging else indicators[p.indicator].judging_polarity
            st.caption(t(f"map.palette_meaning.{pol}", lang))  # what light and dark mean, in words


def render(ingest: str | None, lang: str) -> None:
    if ingest is None:
        st.title(t("map.title", lang))
        st.warning(t("start.no_data", lang), icon="📂")
        st.code("python cli.py ingest", language="bash")
        return
    indicators = smap.map_indicators(ingest)  # the store's and the assessment's scores
    available = smap.availability(ingest)
    p = resolve(state.view(), available, indicators)
    if p is None:
        st.title(t("map.title", lang))
        st.warning(t("map.nothing", lang), icon="📂")
        return
    _write_back(p)
    ind = indicators[p.indicator]
    st.title(t("map.heading", lang, name=ind.name(lang), level=t(f"map.level_plural.{p.level}", lang), year=p.year))
    _show_notes(p.notes, indicators, lang)
    _controls(p, available, indicators, lang)

    frame = smap.ranking(ingest, p.indicator, p.year, p.level)
    try:
        c = smap.classification(ingest, p.indicator, p.year, p.level, p.method, p.k, p.breaks)
    except ClassifyError:
        st.info(t("map.no_values_year", lang, year=p.year), icon="ℹ️")
        return
    colours = class_colours(c, polarity=ind.judging_polarity, center=ind.centered_on, palette=p.palette)
    geo_url = smap.layer_url(ingest, p.level)
    if geo_url is None:
        st.warning(t("map.no_geometry_layer", lang), icon="🗺️")
        return
    selected = ancestor(state.view().unit, p.level)
    sel_row = frame.loc[frame["code"] == selected]
    units_all = services.units(ingest)

    outlines, peer_note = subject_outlines(ingest, p, frame, geo_url, lang)
    context_url = smap.layer_url(ingest, "wojewodztwo") if p.level != "wojewodztwo" else None
    context_codes = units_all.loc[units_all["level"] == "wojewodztwo", "code"].tolist()

    phone = _is_phone()
    if c.reduced:
        st.caption(t("map.reduced", lang, k=c.k, asked=c.k_requested))
    left, right = st.columns([3, 2], gap="medium")
    with left:
        fcodes = smap.feature_codes(ingest, p.level)
        fig = choropleth_figure(ranking=frame, classification=c, colours=colours, geojson=geo_url, indicator=ind,
                                year=p.year, level=p.level, lang=lang, outlines=outlines,
                                context_geojson=context_url, context_codes=context_codes,
                                height=470 + 24 * (c.k + 3) if phone else 620, compact=phone, grow_for_legend=not phone, feature_index={code: n for n, code in enumerate(fcodes)})
        key = f"map_chart_{p.level}"
        title = t("map.alt", lang, name=ind.name(lang), year=p.year)
        a11y.chart(fig, summary=a11y.extremes_summary(frame, title=title, unit=ind.unit(lang), decimals=ind.decimals,
                                                      lang=lang),
                   lang=lang, key=key, on_select=partial(_on_map_select, key, frozenset(frame["code"]), fcodes),
                   selection_mode=("points",), config={**PLOT_CONFIG, "topojsonURL": smap.basemap_url()}, theme=None)
        st.caption(t("map.click_hint", lang))
        if peer_note:
            st.caption(peer_note)
        note = geometry_note(frame, lang)
        if note:
            st.caption(note)
        if SCORES.is_score(ind.id):
            st.caption(score_caption(ingest, frame, ind, p, sel_row, lang))
        else:
            st.caption(source_caption(frame, ind, indicators, services.sources(ingest), level=p.level, year=p.year,
                                      lang=lang))
        embed.control("map", key="embed_map_ctl", title=title)
    with right:
        _ranking(frame, ind, p, lang, selected, phone)
        sel_value = float(sel_row["value"].iloc[0]) if len(sel_row) and sel_row["value"].notna().iloc[0] else None
        st.markdown("**" + t("map.hist_title", lang) + "**")
        hist = histogram_figure(values=frame["value"].to_numpy(), classification=c, colours=colours, indicator=ind,
                                level=p.level, lang=lang, selected_value=sel_value,
                                selected_label=sel_row["name"].iloc[0] if len(sel_row) else None)
        a11y.chart(hist, summary=a11y.classes_summary(legend_rows(c, colours, decimals=ind.decimals, lang=lang),
                                                      title=t("map.hist_title", lang), lang=lang),
                   lang=lang, key="map_hist", config={"displaylogo": False, "displayModeBar": False}, theme=None)
        st.caption(t("map.hist_caption", lang))


def selected_summary(frame: pd.DataFrame, selected: str | None, *, indicator: Indicator, level: str,
                     year: int, lang: str) -> str | None:
    """One line on the selected unit: value, national rank and percentile (or why there is none)."""
    row = frame.loc[frame["code"] == selected]
    if row.empty:
        return None
    r = row.iloc[0]
    if pd.isna(r["value"]):
        return t("rank.selected_no_data", lang, name=r["name"], year=year)
    text = t("rank.selected", lang, name=r["name"], value=fmt_unit(r["value"], indicator.decimals,
                                                                   indicator.unit(lang), lang),
             rank=int(r["rank"]), n=fmt_num(int(r["n_ranked"]), 0, lang),
             units=t(f"map.units_gen.{level}", lang), pct=int(r["percentile"]))
    if "group_rank" in frame.columns and pd.notna(r["group_rank"]):  # an assessment score: its rank in its group
        text += " " + t("assessmap.selected_group", lang, rank=int(r["group_rank"]),
                        n=fmt_num(int(r["group_size"]), 0, lang), units=t(f"map.units_gen.{level}", lang))
    return text


def _ranking(frame: pd.DataFrame, ind: Indicator, p: MapParams, lang: str, selected: str | None,
             phone: bool = False) -> None:
    n = int(frame["value"].notna().sum())
    pol = ind.judging_polarity
    by = t("rank.by_value" if pol == "neutral" else f"rank.by_{pol}", lang)
    st.markdown("**" + t("rank.title", lang, units=t(f"map.level_plural.{p.level}", lang)) + "** · "
                + t("rank.values_in", lang, unit=ind.unit(lang)) + " · " + by)
    summary = selected_summary(frame, selected, indicator=ind, level=p.level, year=p.year, lang=lang)
    if summary:
        st.markdown(summary)
    full = True
    if len(frame) > COMPACT_ABOVE:
        full = st.toggle(t("rank.show_all", lang, n=fmt_num(len(frame), 0, lang)), key="map_rank_all")
    table, codes, pos = ranking_table(frame, indicator=ind, level=p.level, lang=lang, selected=selected, full=full)
    value_col = t("rank.col_value_short", lang)
    dec = int(ind.decimals)
    styler = table.style.format({value_col: lambda v: fmt_num(v, dec, lang)}, na_rep="–")
    styler = styler.format(lambda v: "–" if pd.isna(v) else str(v),
                           subset=[t("rank.col_rank", lang), t("rank.col_pct", lang)])
    if pos is not None:
        styler = styler.apply(lambda r: ["background-color: #fde2cf; font-weight: 600" if r.name == pos else ""
                                         for _ in r], axis=1)
    key = f"map_rank_{p.level}_{p.indicator}_{p.year}_{selected}_{full}"
    # a phone shows rank, unit and value only (the percentile is in the line above the table)
    order = [col for col in table.columns if not (phone and col == t("rank.col_pct", lang))]
    st.dataframe(styler, hide_index=True, width="stretch", height=min(38 * (len(table) + 1), 520), column_order=order,
                 on_select=partial(_on_table_select, key, codes), selection_mode="single-row", key=key,
                 column_config={
                     t("rank.col_rank", lang): st.column_config.NumberColumn(help=t("rank.rank_help", lang), width=60),
                     t("rank.col_unit", lang): st.column_config.TextColumn(width=150),
                     value_col: st.column_config.Column(help=t("rank.col_value", lang, unit=ind.unit(lang)), width=96),
                     t("rank.col_pct", lang): st.column_config.NumberColumn(help=t("rank.pct_help", lang), width=76)})
    if not full:
        st.caption(t("rank.compact_note", lang, shown=fmt_num(len(table), 0, lang), n=fmt_num(n, 0, lang)))


# -- embed (issue 16): the map alone, for an iframe on another site ----------------------------------

def render_embed(ingest: str, lang: str, height: int, *, compact: bool = False) -> str | None:
    """The classed map of the URL's state with its legend and subject outline — no controls, no
    ranking, no histogram. Returns the sources line for the embed footer (None: nothing drawn)."""
    indicators = smap.map_indicators(ingest)
    p = resolve(state.view(), smap.availability(ingest), indicators)
    if p is None:
        st.info(t("map.nothing", lang), icon="📂")
        return None
    ind = indicators[p.indicator]
    frame = smap.ranking(ingest, p.indicator, p.year, p.level)
    try:
        c = smap.classification(ingest, p.indicator, p.year, p.level, p.method, p.k, p.breaks)
    except ClassifyError:
        st.info(t("map.no_values_year", lang, year=p.year), icon="ℹ️")
        return None
    geo_url = smap.layer_url(ingest, p.level)
    if geo_url is None:
        st.warning(t("map.no_geometry_layer", lang), icon="🗺️")
        return None
    colours = class_colours(c, polarity=ind.polarity, center=ind.centered_on, palette=p.palette)
    st.markdown(f"**{md(t('map.heading', lang, name=ind.name(lang), level=t(f'map.level_plural.{p.level}', lang), year=p.year))}**")
    outlines, _ = subject_outlines(ingest, p, frame, geo_url, lang)
    units_all = services.units(ingest)
    context_url = smap.layer_url(ingest, "wojewodztwo") if p.level != "wojewodztwo" else None
    fcodes = smap.feature_codes(ingest, p.level)
    fig = choropleth_figure(ranking=frame, classification=c, colours=colours, geojson=geo_url, indicator=ind,
                            year=p.year, level=p.level, lang=lang, outlines=outlines, context_geojson=context_url,
                            context_codes=units_all.loc[units_all["level"] == "wojewodztwo", "code"].tolist(),
                            height=max(200, height), compact=compact,
                            feature_index={code: n for n, code in enumerate(fcodes)})
    title = t("map.alt", lang, name=ind.name(lang), year=p.year)
    a11y.chart(fig, summary=a11y.extremes_summary(frame, title=title, unit=ind.unit(lang), decimals=ind.decimals,
                                                  lang=lang),
               lang=lang, key="embed_map", config={**PLOT_CONFIG, "scrollZoom": False,
                                                   "topojsonURL": smap.basemap_url()}, theme=None)
    if SCORES.is_score(ind.id):  # derived by the app: say so and where the method is
        return t("assessmap.embed_source", lang)
    have = frame.loc[frame["value"].notna()]
    lookup = source_lookup(services.sources(ingest), lang)
    return "; ".join(lookup[s] for s in sorted(set(have["source"].dropna())) if s in lookup)
