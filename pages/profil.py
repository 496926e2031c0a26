"""Profile of the selected unit or functional area: headline cards, strengths and weaknesses
against its peer group, and the peer group's definition (typology / nearest neighbours / own list;
an area also: its own gminy)."""
import streamlit as st

from components.router import require_app

require_app()

import services
from components import share
from components import profile_area, profile_cards, profile_context, profile_peers, profile_summary, state, subject
from components.labels import unit_type_label
from domain.narrative import summarise
from domain.profile import profile_cards as build_cards
from i18n import t
from services import profile as SP

lang = state.lang()
ingest = services.ingest_id()
st.title(t("profile.title", lang))
if ingest is None:
    st.warning(t("start.no_data", lang), icon="📂")
    st.stop()

view = state.view()
shown = subject.render_switch(ingest, lang)
ctx = profile_context.build(SP.source(ingest), view.unit, view.peers, lang, area=shown.members)
st.header(ctx.label)
if ctx.is_area:
    profile_area.render_header(ctx)
else:
    st.markdown(t("start.unit_meta", lang, kind=unit_type_label(ctx.row, lang), code=ctx.code))
    if not view.unit:
        st.info(t("profile.pick_hint", lang), icon="🔎")

if ctx.group.method != "none":
    with st.container(border=True):
        st.markdown(f"**{t('peers.title', lang)}**")
        profile_peers.render_picker(ctx)
        profile_peers.render_definition(ctx)
        profile_peers.render_members(ctx)

skip = profile_context.not_compared(ctx)
cards = build_cards(ctx.values, ctx.indicators, ctx.matrix, unit=ctx.code, peers=ctx.group.codes,
                    national=not ctx.is_area, not_compared=skip)
if ctx.group.method != "none":
    profile_summary.render(summarise(cards.loc[~cards["indicator"].isin(skip)], ctx.indicators, ctx.matrix,
                                     ctx.group.codes, unit=ctx.code), ctx)
st.divider()
st.subheader(t("profile.cards_title", lang))
profile_cards.render(cards, ctx, profile_context.withheld(ctx))
profile_area.render_members_only(ctx)

share.link_box("profil")
