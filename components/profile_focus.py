"""The profile card of one indicator picked on /ocena (a sub-area's leaf), shown at the top of
/profil even when the indicator is not one of the profile's headline cards."""
from __future__ import annotations

from dataclasses import replace

import streamlit as st

from components import state
from components.profile_cards import render_card
from domain.profile import profile_cards, series_map, with_row
from i18n import t
from presentation.profile_context import ProfileContext

FOCUS = "assess_focus"  # session key: the indicator /ocena sent the user to
ANCHOR = "karta-wskaznika"


def request(indicator: str) -> None:
    """Called by /ocena before switching to /profil: show this indicator's card there."""
    st.session_state[FOCUS] = indicator
    state.update(indicator=indicator)


def render(ctx: ProfileContext) -> None:
    ind_id = state.view().indicator
    if not ind_id or st.session_state.get(FOCUS) != ind_id or ind_id not in ctx.indicators:
        return
    lang = ctx.lang
    ind = ctx.indicators[ind_id]
    matrix, _ = ctx.src.columns(ctx.level, [ind_id])
    if ctx.is_area:
        matrix = with_row(matrix, ctx.code, ctx.values)
    cards = profile_cards(ctx.values, {ind_id: replace(ind, profile=True)}, matrix, unit=ctx.code,
                          peers=ctx.group.codes, national=not ctx.is_area)
    st.subheader(t("assess.focus_title", lang, name=ind.name(lang)), anchor=ANCHOR)
    if cards.empty:
        st.info(t("assess.focus_no_data", lang))
        return
    render_card(cards.iloc[0].to_dict(), ctx, series_map(ctx.values))
    st.caption(t("assess.focus_caption", lang))
