"""Monitor Rozwoju Lokalnego — router: page config, navigation, shared sidebar and URL state."""
import streamlit as st

import services
from components import messages, sidebar, state
from i18n import t

st.set_page_config(page_title="Monitor Rozwoju Lokalnego", page_icon="📊", layout="wide")

view = state.bootstrap()
lang = view.lang
ingest = messages.guarded(services.ingest_id)
messages.synthetic_banner(ingest, lang)

PAGES = [
    ("pages/start.py", "nav.start", "", True),
    ("pages/o_danych.py", "nav.about_data", "o-danych", False),
]
nav = st.navigation([st.Page(path, title=t(key, lang), url_path=url or None, default=default)
                     for path, key, url, default in PAGES])
if ingest is not None:
    sidebar.validate_unit(ingest)
sidebar.render(ingest)
messages.show_url_problems(lang)
try:
    nav.run()
except Exception as exc:  # noqa: BLE001 - no traceback ever reaches a user
    messages.unexpected(exc, lang)
state.write_url()
