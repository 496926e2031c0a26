"""Start page: the selected unit's indicators with year, unit of measure and source."""
import streamlit as st

from components.router import require_app

require_app()

import services
from components import overview, state
from components.labels import unit_label, unit_type_label
from i18n import t

lang = state.lang()
ingest = services.ingest_id()
st.title(t("app.title", lang))
st.caption(t("app.tagline", lang))

if ingest is None:
    st.warning(t("start.no_data", lang), icon="📂")
    st.code("python cli.py ingest", language="bash")
    st.stop()

code = state.view().unit or "PL"
units = services.units(ingest)
row = units.loc[units["code"] == code].iloc[0]
st.header(unit_label(row, lang))
st.markdown(t("start.unit_meta", lang, kind=unit_type_label(row, lang), code=code))
if not state.view().unit:
    st.info(t("start.pick_hint", lang), icon="🔎")
if row.get("note"):
    st.caption(row["note"])
overview.render(services.unit_values(ingest, code), services.indicators(ingest), services.sources(ingest), lang)
