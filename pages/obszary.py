"""Functional areas: build a group of gminy (pick, whole powiat, map, import), save it, and see
its aggregated indicators with coverage and each member's contribution."""
import streamlit as st

from components.router import page_head, require_app

require_app()

import services
from components import areas_state, areas_view, overview, share
from i18n import t
from services import areas as svc
from settings import get_settings

lang, ingest = page_head("areas.title", intro_key="areas.intro")

areas_view.flash(lang)
codes = areas_state.current()
public = get_settings().public_mode

with st.container(border=True):
    st.subheader(t("areas.build_title", lang))
    areas_view.render_pick(ingest, lang)
    areas_view.render_builder(ingest, lang, codes)
    with st.expander(t("areas.map_title", lang)):
        areas_view.render_map(ingest, lang, codes)
    with st.expander(t("areas.import_title", lang)):
        areas_view.render_import(ingest, lang)
    areas_view.render_save(lang, codes, public)

if len(codes) < 2:
    st.info(t("areas.pick_hint", lang), icon="🔎")
    share.about_link("obszary")
    st.stop()

result = svc.area_result(ingest, codes)
indicators = services.indicators(ingest)
areas_view.render_header(ingest, lang, result)
areas_view.render_links(lang)
overview.render_headlines(result.unit_values(), indicators, services.sources(ingest), lang)
areas_view.render_permalink(lang, codes)
st.subheader(t("areas.indicators_title", lang))
st.caption(t("areas.indicators_help", lang))
areas_view.render_indicators(ingest, lang, result, indicators, services.sources(ingest))
areas_view.render_download(result, indicators, lang)
st.subheader(t("areas.breakdown_title", lang))
areas_view.render_breakdown(ingest, lang, result, indicators)

share.link_box("obszary")
