"""Reports: a PDF report, a seminar slide deck and data downloads for a unit or an area."""
import streamlit as st

from components.router import require_app

require_app()

import services
from components import report_panel, share, state
from i18n import t

lang = state.lang()
ingest = services.ingest_id()
st.title(t("report.page_title", lang))
st.caption(t("report.page_intro", lang))
if ingest is None:
    st.warning(t("start.no_data", lang), icon="📂")
    st.stop()

report_panel.render(ingest, lang)
share.link_box(report_panel.PAGE)
