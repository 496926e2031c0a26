"""The strengths-and-weaknesses summary in plain language (statements from domain.narrative,
wording from the message catalogue; every statement quotes its numbers, year and source)."""
from __future__ import annotations

import streamlit as st

from presentation.profile_context import ProfileContext, group_text, statement_text
from domain.narrative import MIN_PEERS, Summary
from i18n import t


def render(summary: Summary, ctx: ProfileContext) -> None:
    lang = ctx.lang
    st.subheader(t("narrative.title", lang))
    st.caption(t("narrative.intro", lang, group=group_text(ctx), assessed=summary.assessed))
    if summary.peer_n < MIN_PEERS:
        st.info(t("narrative.too_few", lang, n=summary.peer_n, min=MIN_PEERS))
        return
    left, right = st.columns(2)
    for col, key, items, empty in ((left, "narrative.strengths", summary.strengths, "narrative.no_strengths"),
                                   (right, "narrative.weaknesses", summary.weaknesses, "narrative.no_weaknesses")):
        with col:
            st.markdown(f"**{t(key, lang)}**")
            if items:
                st.markdown("\n".join(f"- {statement_text(s, ctx)}" for s in items))
            else:
                st.markdown(t(empty, lang))
    if summary.notable:
        st.markdown(f"**{t('narrative.notable', lang)}**")
        st.markdown("\n".join(f"- {statement_text(s, ctx)}" for s in summary.notable))
    st.caption(t("narrative.method", lang))
