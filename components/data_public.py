"""What /dane shows in the public (read-only) deployment: a plain notice, nothing else."""
from __future__ import annotations

import streamlit as st

from components import share, state
from i18n import t


def unavailable() -> None:
    lang = state.lang()
    st.title(t("data.title", lang))
    st.info(t("data.public_unavailable", lang), icon="🔒")
    share.about_link("dane")
