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


def page_head(title_key: str, *, intro_key: str | None = None, intro_as_caption: bool = False,
              no_data_command: str | None = None) -> tuple[str, str]:
    """What every data page draws first: its title and intro in the session's language; with no
    store yet, the "no data" notice (and the command that builds it) and nothing else.
    Returns (lang, ingest id)."""
    import services
    from components import state
    from i18n import t

    lang = state.lang()
    ingest = services.ingest_id()
    st.title(t(title_key, lang))
    if intro_key:
        (st.caption if intro_as_caption else st.markdown)(t(intro_key, lang))
    if ingest is None:
        st.warning(t("start.no_data", lang), icon="📂")
        if no_data_command:
            st.code(no_data_command, language="bash")
        st.stop()
    return lang, ingest
