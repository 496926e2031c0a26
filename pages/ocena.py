"""Synthetic assessment ("Ocena syntetyczna") of the selected unit or functional area against its
comparison group: overall, 3 dimensions, areas, sub-areas — level and dynamics, rank with its
uncertainty interval, what pulls up and down, the group table. Method: domain.assessment."""
import streamlit as st

from components.router import page_head, require_app

require_app()

from components import assessment_view as V
from components import profile_area, profile_peers, share, state
from i18n import t
from services import assessment as SAS

lang, ingest = page_head("assess.title", intro_key="assess.intro", intro_as_caption=True)

ctx = profile_area.page_context(ingest, lang)
if ctx.group.method == "none":
    st.info(t("assess.no_group", lang))
    share.link_box("ocena")
    st.stop()

with st.container(border=True):
    st.markdown(f"**{t('peers.title', lang)}**")
    profile_peers.render_picker(ctx)
    profile_peers.render_definition(ctx)

ac = SAS.assessment(ingest, None if ctx.is_area else ctx.code, state.view().peers, tuple(ctx.members), lang,
                    _ctx=ctx)
V.render_headline(ac)
st.divider()
V.render_charts(ac)
st.divider()
V.render_pulls(ac)
st.divider()
V.render_table(ac, ctx.names)
V.render_method(ac)
share.link_box("ocena")
