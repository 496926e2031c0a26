"""The synthetic assessment's method on /o-danych: the rules, the tree (with directions and why),
and the indicators left out (with why)."""
from __future__ import annotations

import streamlit as st

from i18n import t
from presentation import assessment as PA
from reports.assessment_context import tree_for


def render(indicators: dict, lang: str) -> None:
    st.header(t("assess.about_title", lang), anchor="ocena")
    st.markdown(t("assess.method_full", lang))
    st.markdown(t("assessmap.about", lang))  # the scores on /mapa and /porownania (issue 13 item 4)
    tree = tree_for(indicators)
    st.markdown(f"**{t('assess.tree_title', lang)}**")
    st.dataframe(PA.tree_table(tree, lang), hide_index=True, width="stretch",
                 height=min(36 * (len(tree.nodes) + 1), 640))
    st.markdown(f"**{t('assess.left_out_title', lang)}**")
    st.dataframe(PA.left_out_table(tree, indicators, lang), hide_index=True, width="stretch")
