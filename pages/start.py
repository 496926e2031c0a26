"""Start page: the selected unit's indicators with year, unit of measure and source."""
import streamlit as st

from components.router import page_head, require_app

require_app()

import services
from components import downloads, overview, share, sidebar, state
from presentation.labels import unit_label, unit_type_label
from i18n import t

lang, ingest = page_head("app.title", intro_key="app.tagline", intro_as_caption=True,
                         no_data_command="python cli.py ingest")

code = state.view().unit or "PL"
units = services.units(ingest)
row = units.loc[units["code"] == code].iloc[0]
st.header(unit_label(row, lang))
st.markdown(t("start.unit_meta", lang, kind=unit_type_label(row, lang), code=code))
if not state.view().unit:
    st.info(t("start.pick_hint", lang), icon="🔎")
    sidebar.render_main_picker(ingest, lang)
if row.get("note"):
    st.caption(row["note"])
values = services.unit_values(ingest, code)
overview.render(values, services.indicators(ingest), services.sources(ingest), lang)
frame, columns, source_ids = downloads.unit_values_frame(values, services.indicators(ingest), lang, code=code,
                                                         name=row["name"])
downloads.table(frame, name=f"{row['name']}-{code}", title=unit_label(row, lang), lang=lang, key="dl_start",
                columns=columns, source_ids=source_ids)
share.link_box("")
