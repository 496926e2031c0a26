"""The head of the profile and comparison pages, and what they add for a functional area: who its members are,
indicators shown for the members only (no honest aggregation rule, e.g. EP turnout; or withheld
for low coverage, "dane z 13 z 15 gmin"), each with the members' own values one click away."""
from __future__ import annotations

import streamlit as st

from components.areas_view import breakdown_frame, coverage_text, total_text
from components import state, subject
from presentation import profile_context
from presentation.labels import gminy_word, unit_labels, unit_type_label
from presentation.navigation import page_path
from presentation.profile_context import ProfileContext, members_only
from domain import areas as A
from i18n import t
from services import profile as SP


def page_context(ingest: str, lang: str, *, unit_meta: bool = True) -> ProfileContext:
    """The head of /profil and /porownania: the unit/area switch, the subject's context (peers
    from the URL), its name and what it is (an area: its gminy; no unit chosen: a hint)."""
    view = state.view()
    shown = subject.render_switch(ingest, lang)
    ctx = profile_context.build(SP.source(ingest), view.unit, view.peers, lang, area=shown.members)
    st.header(ctx.label)
    if ctx.is_area:
        render_header(ctx)
        return ctx
    if unit_meta:
        st.markdown(t("start.unit_meta", lang, kind=unit_type_label(ctx.row, lang), code=ctx.code))
    if not view.unit:
        st.info(t("profile.pick_hint", lang), icon="🔎")
    return ctx


def render_header(ctx: ProfileContext) -> None:
    """"4 gminy: Kraków, Skawina, Wieliczka, Zielonki" and notes on the territory over time."""
    lang = ctx.lang
    names = dict(zip(ctx.all_units["code"], ctx.all_units["name"]))
    shown = sorted((names.get(c, c) for c in ctx.members), key=str.casefold)
    listed = ", ".join(shown[:15]) + (t("areas.and_more", lang, n=len(shown) - 15) if len(shown) > 15 else "")
    st.markdown(t("areas.members_line", lang, n=gminy_word(len(shown), lang), names=listed))
    st.caption(t("profile.area_method", lang))
    st.page_link(page_path("obszary"), label=t("profile.area_edit", lang))


def render_members_only(ctx: ProfileContext, *, only: str | None = None) -> None:
    """The members-only indicators, each with an expander holding the members' own values.
    ``only``: just that indicator (the comparison page's current one)."""
    lang = ctx.lang
    items = [x for x in members_only(ctx) if only is None or x[0] == only]
    if not items:
        return
    if only is None:
        st.subheader(t("profile.members_only_title", lang))
        st.caption(t("profile.members_only_intro", lang))
    result = ctx.src.area_result(ctx.members)
    labels = unit_labels(ctx.all_units.loc[ctx.all_units["code"].isin(ctx.members)], lang)
    for ind_id, year, n, of, why in items:
        ind = ctx.indicators[ind_id]
        cov = coverage_text(n, of, lang)
        head = t(f"profile.members_only.{why}", lang, name=ind.name(lang), year=year, coverage=cov)
        with st.expander(head, expanded=only is not None):
            rows = result.values.loc[(result.values["indicator"] == ind_id) & (result.values["year"] == year)]
            if rows.empty:
                continue
            total = rows.iloc[0]
            st.markdown(total_text(total, ind, lang))
            bd = ctx.src.area_breakdown(ctx.members, ind_id, year)
            frame = breakdown_frame(bd, total, ind, A.rule_for(result, ind, year), ctx.indicators, labels, lang)
            st.dataframe(frame, hide_index=True, width="stretch", height=min(38 * (len(frame) + 1), 420))
