"""Monitor Rozwoju Lokalnego — router: page config, navigation, shared sidebar and URL state."""
import streamlit as st

import services
from components import data_public, messages, sidebar, state
from i18n import t
from settings import get_settings

st.set_page_config(page_title="Monitor Rozwoju Lokalnego", page_icon="📊", layout="wide")

view = state.bootstrap()
lang = view.lang
ingest = messages.guarded(services.ingest_id)

PAGES = [
    ("pages/start.py", "nav.start", "", True),
    ("pages/o_danych.py", "nav.about_data", "o-danych", False),
    ("pages/dane.py", "data.nav", "dane", False),
]
PRIVATE = {"dane"}  # data management: neither listed nor reachable in the public version
public = get_settings().public_mode
pages = [st.Page(path, title=t(key, lang), url_path=url or None, default=default)
         for path, key, url, default in PAGES if not (public and url in PRIVATE)]
if public:  # /dane answers with a notice instead of the default page
    pages.append(st.Page(data_public.unavailable, title=t("data.nav", lang), url_path="dane", visibility="hidden"))
nav = st.navigation(pages)
if ingest is not None:
    sidebar.validate_unit(ingest)
sidebar.render(ingest)
messages.show_url_problems(lang)
try:
    nav.run()
except Exception as exc:  # noqa: BLE001 - no traceback ever reaches a user
    messages.unexpected(exc, lang)
state.write_url()
