"""The strengths-and-weaknesses summary in plain language (statements from domain.narrative,
wording from the message catalogue; every statement quotes its numbers, year and source)."""
from __future__ import annotations

import streamlit as st

from components.profile_context import ProfileContext, group_text
from domain.narrative import MIN_PEERS, Statement, Summary
from i18n import fmt_num, t


def statement_text(s: Statement, ctx: ProfileContext) -> str:
    """One sentence, e.g. "**Frekwencja ...** (2023): 77,40 % — więcej niż mediana grupy
    (70,65 %); 4. miejsce na 26. Źródło: PKW (2011–2023)."""
    lang = ctx.lang
    ind = ctx.indicators[s.indicator]

    def val(x: float) -> str:
        return f"{fmt_num(x, ind.decimals, lang)} {ind.unit(lang)}".strip()

    comparison = t(f"narrative.{'more' if s.direction == 'above' else 'less'}", lang, median=val(s.peer_median),
                   n=s.peer_n)
    key = "narrative.sentence_neutral" if s.kind == "notable" else "narrative.sentence"
    text = t(key, lang, name=ind.name(lang), year=s.year, value=val(s.value), comparison=comparison, rank=s.rank,
             of=s.of)
    if s.small_base:
        sb = s.small_base
        base = ctx.indicators.get(sb["indicator"])
        text += " " + t("narrative.small_base", lang, base=base.name(lang) if base else sb["indicator"],
                        value=fmt_num(sb["value"], 0, lang), year=sb["year"], below=fmt_num(sb["below"], 0, lang))
    src = ctx.source_line({"source": s.source, "method": s.method, "n": None, "of": None})
    return text + " " + t("narrative.source", lang, source=src)


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
