"""Comparisons of the selected unit or functional area with its peer group: time series, ranking,
distribution, scatter of two indicators, level × change and the economic age structure."""
import streamlit as st

from components.router import page_head, require_app

require_app()

from components import profile_area, profile_compare, profile_peers, share
from i18n import t

lang, ingest = page_head("compare.title")

ctx = profile_area.page_context(ingest, lang, unit_meta=False)
if ctx.group.method != "none":
    with st.expander(t("compare.peer_settings", lang)):
        profile_peers.render_picker(ctx)
        profile_peers.render_members(ctx)
    profile_peers.render_definition(ctx)
profile_compare.render(ctx)

share.link_box("porownania")
