"""Guard for deep links on a fresh server.

Streamlit starts in its legacy ``pages/`` mode until app.py's ``st.navigation`` has run once in the
process; if the very first request is a permalink such as ``/profil?unit=...``, Streamlit runs that
page file *without* app.py (no sidebar, no URL state). Every page calls ``require_app()`` first: if
app.py has not booted the view state in this session, leave the legacy mode and rerun, so app.py
routes back to the same page with sidebar and URL handling.
"""
from __future__ import annotations

import streamlit as st

_BOOT = "view_booted"  # set by components.state.bootstrap()


def require_app() -> None:
    if st.session_state.get(_BOOT):
        return
    from streamlit.runtime.pages_manager import PagesManager

    PagesManager.uses_pages_directory = False
    st.rerun()
