"""Monitor Rozwoju Lokalnego — router: page config, navigation, shared sidebar and URL state."""
import streamlit as st

import services
from components import areas_state, data_public, download_lifetime, embed, messages, sidebar, state
from presentation.navigation import private_urls, visible_pages
from i18n import t
from settings import get_settings

st.set_page_config(page_title="Monitor Rozwoju Lokalnego", page_icon="📊", layout="wide")
download_lifetime.install()  # generated downloads survive other users' runs until fetched

view = state.bootstrap()
lang = view.lang
ingest = messages.guarded(services.ingest_id)
public = get_settings().public_mode
messages.synthetic_banner(ingest, lang)

pages = [st.Page(p.path, title=t(p.title_key, lang), url_path=p.url or None, default=not p.url)
         for p in visible_pages(public)]
if public:  # private pages answer their address with a notice instead of silently showing the start page
    pages += [st.Page(data_public.unavailable, title=t("data.nav", lang), url_path=url, visibility="hidden")
              for url in private_urls()]
nav = st.navigation(pages, position="hidden" if embed.requested() else "sidebar")
if embed.requested():  # an iframe on another site: the chosen element only, no sidebar or navigation
    if ingest is not None:
        sidebar.validate_unit(ingest)
    embed.render(ingest, lang)
    state.write_url()
    st.stop()
if ingest is not None:
    sidebar.validate_unit(ingest)
    messages.guarded(areas_state.validate, ingest, lang)
sidebar.render(ingest)
messages.show_url_problems(lang)
state.write_url()  # the URL as parsed now: a page may end early with st.stop(), after which nothing is sent
try:
    nav.run()
except Exception as exc:  # noqa: BLE001 - no traceback ever reaches a user
    messages.unexpected(exc, lang)
state.write_url()
