"""The comparison page's body: the indicator and tab choice (both in the URL) and the charts of
presentation.profile_charts, each captioned with its source(s), years and the peer-group
definition. A functional area's indicator that is shown for its members only gets their values
beside the charts."""
from __future__ import annotations

import streamlit as st

import services
from components import a11y, embed, messages, profile_area, state
from presentation import assessment_compare as AC
from presentation import assessment_scores as SCORES
from presentation import profile_charts
from presentation.profile_charts import ChartResult, available_indicators
from presentation.profile_context import ProfileContext
from domain.catalogue import CATEGORIES
from i18n import t
from services import assessment as SAS

TABS = ("series", "ranking", "distribution", "scatter", "quadrant", "age")
PLOT_CONFIG = {"displaylogo": False, "locale": "pl", "toImageButtonOptions": {"scale": 2}}


def default_indicator(ctx: ProfileContext, options: list[str]) -> str | None:
    v = state.view().indicator
    if v in options:
        return v
    own = set(ctx.values.loc[ctx.values["value"].notna(), "indicator"])
    for cat in CATEGORIES:  # the first judged (non-neutral) profile indicator, theme by theme
        for i, ind in ctx.indicators.items():
            if ind.category == cat and ind.profile and ind.judging_polarity != "neutral" and i in options and i in own:
                return i
    return options[0] if options else None


def show(ctx: ProfileContext, result: ChartResult, key: str) -> None:
    if result.figure is None:
        st.info(result.message or t("compare.no_data", ctx.lang))
        return
    a11y.chart(result.figure, summary=result.takeaway or result.title, lang=ctx.lang, data=result.data,
               config=PLOT_CONFIG, key=key)
    st.caption(result.caption(ctx))
    embed.control(f"chart:{result.key}", key=f"embed_{key}", title=result.title or ctx.label)


def render_scatter(ctx: ProfileContext, indicator: str, options: list[str], ac=None) -> None:
    lang = ctx.lang
    x_default, y_default = state.get_extra("x"), state.get_extra("y")
    for key, value in (("x", x_default), ("y", y_default)):
        if value is not None and value not in options:
            messages.unknown_value(key, value, lang)
    x_id = x_default if x_default in options else profile_charts.default_x(ctx, options, indicator)
    y_id = y_default if y_default in options else indicator
    st.session_state["cmp_x"], st.session_state["cmp_y"] = x_id, y_id
    c1, c2 = st.columns(2)
    fmt_name = lambda i: (ctx.indicators.get(i) or SCORES.score_indicators()[i]).name(lang)  # noqa: E731
    with c1:
        st.selectbox(t("compare.x", lang), options, key="cmp_x", format_func=fmt_name,
                     on_change=lambda: state.set_extra("x", st.session_state.get("cmp_x")))
    with c2:
        st.selectbox(t("compare.y", lang), options, key="cmp_y", format_func=fmt_name,
                     on_change=lambda: state.set_extra("y", st.session_state.get("cmp_y")))
    show(ctx, _chart(ctx, f"scatter:{x_id}:{y_id}", ac), "chart_scatter")


# --------------------------------------------------------------------------------------------
def _on_indicator() -> None:
    state.update(indicator=st.session_state.get("cmp_indicator"))


def _on_tab() -> None:
    labels = st.session_state.get("cmp_tab_labels") or {}
    state.set_extra("tab", labels.get(st.session_state.get("cmp_tab")))


def _scored(ctx: ProfileContext) -> tuple[ProfileContext, object]:
    """The context with the assessment's scores (the subject's group scored as on /ocena, same
    ``peers=``; cached in services.assessment) and the assessment itself."""
    ac = SAS.assessment(services.ingest_id(), None if ctx.is_area else ctx.code, state.view().peers,
                        tuple(ctx.members), ctx.lang, _ctx=ctx)
    return AC.scored_context(ctx, ac), ac


def render(ctx: ProfileContext) -> None:
    lang = ctx.lang
    options = available_indicators(ctx)
    # the synthetic assessment's overall and dimension scores (against this group), after the catalogue's
    scores = list(SCORES.score_ids()) if ctx.group.codes and ctx.level in SCORES.LEVELS else []
    options = options + scores
    indicator = default_indicator(ctx, options)
    if indicator is None:
        st.info(t("compare.no_data", lang))
        return
    x_y = (state.get_extra("x"), state.get_extra("y"))
    ac = None
    if SCORES.is_score(indicator) or any(SCORES.is_score(v) and v in options for v in x_y):
        ctx, ac = _scored(ctx)
    st.session_state["cmp_indicator"] = indicator

    def label(i: str) -> str:
        ind = ctx.indicators[i] if i in ctx.indicators else SCORES.score_indicators()[i]
        if SCORES.is_score(i):
            return ind.name(lang)
        return f"{ind.name(lang)} ({t(f'category.{ind.category}', lang)})"

    st.selectbox(t("compare.indicator", lang), options, key="cmp_indicator", format_func=label,
                 on_change=_on_indicator, help=(ctx.indicators[indicator].definition(lang)
                                                if indicator in ctx.indicators else None))
    if ac is not None and SCORES.is_score(indicator):
        st.caption(t("assesscmp.intro", lang, link=SCORES.METHOD_LINK))
    if ctx.is_area:
        profile_area.render_members_only(ctx, only=indicator)
    labels = {tab: t(f"compare.tab.{tab}", lang) for tab in TABS}
    st.session_state["cmp_tab_labels"] = {v: k for k, v in labels.items()}
    current = state.get_extra("tab")
    if current is not None and current not in TABS:
        messages.unknown_value("tab", current, lang)
    # a score has one reference year: it opens on its ranking, not on an empty time series
    current = current if current in TABS else ("ranking" if SCORES.is_score(indicator) else TABS[0])
    st.session_state["cmp_tab"] = labels[current]
    tabs = st.tabs([labels[x] for x in TABS], key="cmp_tab", on_change=_on_tab)
    for tab_id, container in zip(TABS, tabs):
        if container.open is False:
            continue
        with container:
            if tab_id == "scatter":
                render_scatter(ctx, indicator, options, ac)
            elif tab_id == "age":
                show(ctx, profile_charts.age(ctx), "chart_age")
            else:
                kind = "trend" if tab_id == "series" else tab_id
                show(ctx, _chart(ctx, f"{kind}:{indicator}", ac), f"chart_{tab_id}")


def _chart(ctx: ProfileContext, key: str, ac) -> ChartResult:
    if ac is not None and AC.uses_score(key):
        return AC.chart(ctx, key, ac)
    return profile_charts.chart(ctx, key)
