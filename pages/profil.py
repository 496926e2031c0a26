"""Profile of the selected unit or functional area: headline cards, strengths and weaknesses
against its peer group, and the peer group's definition (typology / nearest neighbours / own list;
an area also: its own gminy)."""
import streamlit as st

from components.router import page_head, require_app

require_app()

from components import embed, profile_area, profile_cards, profile_focus, profile_peers, profile_summary, share
from presentation import profile_context
from i18n import t

lang, ingest = page_head("profile.title")

ctx = profile_area.page_context(ingest, lang)

if ctx.group.method != "none":
    with st.container(border=True):
        st.markdown(f"**{t('peers.title', lang)}**")
        profile_peers.render_picker(ctx)
        profile_peers.render_definition(ctx)
        profile_peers.render_members(ctx)

profile_focus.render(ctx)  # the card /ocena linked to (a sub-area's indicator)

cards, summary = profile_context.cards_and_summary(ctx)
if summary is not None:
    profile_summary.render(summary, ctx)
st.divider()
st.subheader(t("profile.cards_title", lang))
profile_cards.render(cards, ctx, profile_context.withheld(ctx))
if not cards.empty:
    embed.control("cards", key="embed_cards", title=f"{ctx.label} — {t('profile.cards_title', lang)}")
profile_area.render_members_only(ctx)

share.link_box("profil")
