"""Data management: fetch BDL API variables, upload own indicators, list/delete them.
Not registered in public mode (app.py); the guard below is a second line of defence."""
import streamlit as st

from components import data_public
from components.router import page_head, require_app
from services import data as D

if D.public_mode():
    data_public.unavailable()
    st.stop()
require_app()

import services
from components import data_bdl, data_manage, data_upload, share
from i18n import t

lang, ingest = page_head("data.title", intro_key="data.intro", intro_as_caption=True)
tab_bdl, tab_upload, tab_manage = st.tabs([t("data.tab.bdl", lang), t("data.tab.upload", lang),
                                           t("data.tab.manage", lang)])
with tab_bdl:
    data_bdl.render(lang)
with tab_upload:
    data_upload.render(lang, ingest)
with tab_manage:  # read the id again: a fetch or upload above may have just changed it
    data_manage.render(lang, services.ingest_id() or ingest)
share.about_link("dane")
