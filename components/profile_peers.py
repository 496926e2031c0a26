"""Choosing the peer group (typology / nearest neighbours / own list) and explaining it.

The choice lives in the view state's ``peers`` (so in the URL); widgets are re-seeded from it on
every run and write it back in their callbacks.
"""
from __future__ import annotations

import pandas as pd
import streamlit as st

from components import state
from presentation.labels import picker_order, unit_labels
from presentation.profile_context import ProfileContext, group_text, level_plural
from domain import peers as P
from i18n import fmt_num, t

K_MIN, K_MAX = 3, 30
CUSTOM_SEED_MAX = 30
SIMILAR_DZ = 0.25


def _set(spec: P.PeerSpec, area: bool = False) -> None:
    state.update(peers=P.spec_to_param(spec, default="members" if area else "typology"))


def _current() -> P.PeerSpec:
    try:
        return P.parse_spec(state.view().peers)
    except ValueError:
        return P.PeerSpec("typology")


def _on_method(group_codes: tuple[str, ...], area: bool = False) -> None:
    method = st.session_state.get("peers_method") or ("members" if area else "typology")
    cur = _current()
    if method == "custom":
        seed = cur.codes if cur.method == "custom" else (group_codes if len(group_codes) <= CUSTOM_SEED_MAX else ())
        _set(P.PeerSpec("custom", codes=tuple(seed)), area)
    elif method == "knn":
        _set(P.PeerSpec("knn", knn=cur.knn), area)
    else:
        _set(P.PeerSpec(method), area)


def _on_knn() -> None:
    cur = _current()
    old = dict(cur.knn.weights)
    inds = st.session_state.get("peers_ctx") or []
    weights = []
    for i in inds[:P.MAX_CONTEXT]:
        w = st.session_state.get(f"peers_w_{i}", old.get(i, 1.0))
        w = min(max(float(w or 1.0), P.MIN_WEIGHT), P.MAX_WEIGHT)
        weights.append((i, round(w, 2)))
    if not weights:
        weights = list(P.KnnSpec().weights)
    k = int(st.session_state.get("peers_k") or cur.knn.k)
    _set(P.PeerSpec("knn", knn=P.KnnSpec(k=k, weights=tuple(weights))))


def _on_custom() -> None:
    _set(P.PeerSpec("custom", codes=tuple(st.session_state.get("peers_custom") or ())))


def context_options(ctx: ProfileContext) -> list[str]:
    """Indicators that can describe units of this level (the catalogue's levels; an indicator
    without a well-covered year is reported as left out when chosen). An area: also gminy's."""
    return [i for i, ind in ctx.indicators.items() if ctx.level in ind.levels
            and (not ctx.is_area or "gmina" in ind.levels)]


def render_picker(ctx: ProfileContext) -> None:
    """The method switch and, for kNN / own list, their settings."""
    lang = ctx.lang
    if ctx.level == "country":
        return
    if ctx.is_area:
        methods, prefix, help_key = list(P.AREA_METHODS), "peers.method_area", "peers.method_area_help"
    else:
        methods, prefix, help_key = ["typology", "typology_woj", "knn", "custom"], "peers.method", "peers.method_help"
    if ctx.level == "wojewodztwo":
        methods.remove("typology_woj")
    method = ctx.spec.method if ctx.spec.method in methods else methods[0]
    st.session_state["peers_method"] = method
    st.segmented_control(t("peers.method", lang), methods, key="peers_method", required=True,
                         format_func=lambda m: t(f"{prefix}.{m}", lang), help=t(help_key, lang),
                         on_change=_on_method, args=(ctx.group.codes, ctx.is_area))
    if method == "knn":
        _knn_controls(ctx)
    elif method == "custom":
        _custom_controls(ctx)


def _knn_controls(ctx: ProfileContext) -> None:
    lang = ctx.lang
    spec = ctx.spec.knn
    opts = context_options(ctx)
    chosen = [i for i in spec.indicators if i in opts]
    st.session_state["peers_k"] = min(max(spec.k, K_MIN), K_MAX)
    st.session_state["peers_ctx"] = chosen
    c1, c2 = st.columns([1, 3])
    with c1:
        st.slider(t("peers.knn.k", lang), K_MIN, K_MAX, key="peers_k", on_change=_on_knn)
    with c2:
        st.multiselect(t("peers.knn.indicators", lang), opts, key="peers_ctx", max_selections=P.MAX_CONTEXT,
                       format_func=lambda i: ctx.indicators[i].name(lang), on_change=_on_knn,
                       help=t("peers.knn.indicators_help", lang))
    weights = dict(spec.weights)
    with st.expander(t("peers.knn.weights", lang)):
        cols = st.columns(min(len(chosen), 4) or 1)
        for n, i in enumerate(chosen):
            st.session_state[f"peers_w_{i}"] = float(weights.get(i, 1.0))
            with cols[n % len(cols)]:
                st.number_input(ctx.indicators[i].name(lang), min_value=P.MIN_WEIGHT, max_value=P.MAX_WEIGHT,
                                step=0.5, key=f"peers_w_{i}", on_change=_on_knn, format="%.1f")


def _custom_controls(ctx: ProfileContext) -> None:
    lang = ctx.lang
    labels = _labels(ctx)
    if ctx.is_area:  # an area is compared with gminy or with powiaty (groups of gminy)
        pool = ctx.all_units.loc[ctx.all_units["level"].isin(["gmina", "powiat"])]
        options = picker_order(pool)
    else:
        options = [c for c in ctx.units["code"] if c != ctx.code]
    st.session_state["peers_custom"] = [c for c in ctx.group.codes if c in labels]
    pick = t("peers.custom.pick_area", lang) if ctx.is_area else t("peers.custom.pick", lang,
                                                                    level=level_plural(ctx.level, lang))
    st.multiselect(pick, options, key="peers_custom",
                   format_func=lambda c: labels.get(c, c), on_change=_on_custom,
                   placeholder=t("peers.custom.placeholder", lang), max_selections=200)
    if ctx.group.rejected:
        st.warning(t("peers.custom.rejected", lang, codes=", ".join(ctx.group.rejected)), icon="⚠️")
    if not ctx.group.codes:
        st.info(t("peers.custom.empty", lang), icon="👆")


def _labels(ctx: ProfileContext) -> dict[str, str]:
    levels = ["gmina", "powiat"] if ctx.is_area else [ctx.level, "powiat"]
    return unit_labels(ctx.all_units.loc[ctx.all_units["level"].isin(levels)], ctx.lang)


def render_definition(ctx: ProfileContext) -> None:
    """The one-line statement of who the peers are (shown on both pages)."""
    st.markdown(t("peers.current", ctx.lang, group=group_text(ctx)))


# --------------------------------------------------------------------------------------------
def explain_frame(ctx: ProfileContext) -> pd.DataFrame:
    """Members of the group as a table; for kNN with distance and per-indicator contributions."""
    lang, g = ctx.lang, ctx.group
    pop = ctx.population if ctx.population is not None else pd.Series(dtype=float)
    rows = []
    nb = g.neighbours
    for c in g.codes:
        # numbers as text in the user's format (the grid would use the browser's locale)
        r = {t("peers.col.unit", lang): ctx.names.get(c, c), t("peers.col.code", lang): c,
             t("peers.col.population", lang): fmt_num(pop.get(c), 0, lang)}
        if nb is not None:
            r[t("peers.col.distance", lang)] = fmt_num(float(nb.distance[c]), 2, lang)
            dz, share = nb.dz.loc[c], nb.share.loc[c]
            similar = [i for i in dz.abs().sort_values().index if abs(dz[i]) < SIMILAR_DZ][:2]
            r[t("peers.col.similar", lang)] = ", ".join(ctx.indicators[i].name(lang) for i in similar) or "–"
            top = share.idxmax() if share.max() > 0 else None
            r[t("peers.col.differs", lang)] = (
                t("peers.differs", lang, name=ctx.indicators[top].name(lang), arrow="↑" if dz[top] > 0 else "↓",
                  share=fmt_num(share[top] * 100, 0, lang)) if top is not None else "–")
            for i in nb.used:
                r[ctx.indicators[i].name(lang)] = float(share[i] * 100)
        rows.append(r)
    return pd.DataFrame(rows)


def render_members(ctx: ProfileContext, *, expanded: bool = False) -> None:
    lang, g = ctx.lang, ctx.group
    if g.method == "none":
        return
    with st.expander(t("peers.members", lang, n=g.n), expanded=expanded):
        nb = g.neighbours
        if nb is not None:
            _knn_notes(ctx)
        frame = explain_frame(ctx)
        if frame.empty:
            st.info(t("peers.empty", lang))
            return
        config = {t("peers.col.distance", lang): st.column_config.TextColumn(help=t("peers.col.distance_help", lang))}
        if nb is not None:
            for i in nb.used:
                config[ctx.indicators[i].name(lang)] = st.column_config.ProgressColumn(
                    format="%.0f%%", min_value=0, max_value=100, help=t("peers.col.share_help", lang))
        st.dataframe(frame, hide_index=True, width="stretch", column_config=config,
                     height=min(38 * (len(frame) + 1), 600))


def _knn_notes(ctx: ProfileContext) -> None:
    lang, nb = ctx.lang, ctx.group.neighbours
    years = ", ".join(f"{ctx.indicators[i].name(lang)} {y}" for i, y in (ctx.knn_years or {}).items()
                      if i in nb.used)
    st.caption(t("peers.knn.method_note", lang, level=level_plural(ctx.level, lang), years=years or "–",
                 excluded=nb.excluded_missing, candidates=nb.candidates,
                 logs=", ".join(ctx.indicators[i].name(lang) for i in nb.log_scaled) or "–"))
    for ind, reason in nb.dropped:
        name = ctx.indicators[ind].name(lang) if ind in ctx.indicators else ind
        st.caption("⚠️ " + t(f"peers.knn.dropped.{reason}", lang, name=name))
