"""The reports page's seminar-deck section: a list of gminy (uploaded or pasted, read exactly as the
area import reads it) -> one PPTX where each gmina stands against its own peers (reports.seminar).

Thin: reading and matching are services.areas (loaders.area_list + domain.matching.match_entries),
the deck is services.reports.seminar_bytes (cached), the file a deferred download like every other
download (components.download_lifetime keeps it alive until the browser fetches it).
"""
from __future__ import annotations

import datetime as dt

import streamlit as st

import services
from components import share, state
from components.areas_view import import_report_frame, labels
from components.report_panel import PPTX_MIME, md
from i18n import fmt_num, t
from presentation.labels import gminy_word
from reports import seminar
from reports.model import file_stem
from services import areas as svc
from services import reports as rs
from services.areas import MAX_BYTES, MAX_ROWS, AreaListError

PAGE = "raporty"
ASSESSMENT = "assessment"  # the overview choice "synthetic assessment" (else an indicator id)


def _indicator_choices(ingest: str, lang: str) -> dict[str, str]:
    """Profile indicators with a direction (better/worse), for the overview slide."""
    inds = services.indicators(ingest)
    return {i: ind.name(lang) for i, ind in inds.items() if ind.profile and ind.polarity != "neutral"}


def _base_url() -> str:
    link = share.permalink(PAGE)
    if "://" not in link:  # no browser address known (tests, bare mode): the default local address
        return seminar.DEFAULT_BASE_URL
    return link.split("?")[0].rsplit("/" + PAGE, 1)[0]


def render(ingest: str, lang: str) -> None:
    st.subheader(t("seminar.section_title", lang))
    st.caption(t("seminar.section_help", lang, max=seminar.MAX_UNITS, mb=fmt_num(MAX_BYTES / 1_000_000, 0, lang),
                 rows=fmt_num(MAX_ROWS, 0, lang)))
    up = st.file_uploader(t("seminar.upload", lang), type=["csv", "txt", "xlsx"], key="sem_file")
    text = st.text_area(t("seminar.paste", lang), key="sem_paste", height=90,
                        placeholder=t("seminar.paste_placeholder", lang))
    try:
        if up is not None:
            parsed = svc.read_list(up.getvalue(), up.name)
        elif text.strip():
            parsed = svc.read_text(text)
        else:
            return
    except AreaListError as exc:
        st.error(t(f"areas.file.{exc.reason}", lang, **{k: fmt_num(v, 0, lang) if isinstance(v, (int, float)) else v
                                                       for k, v in exc.params.items()}), icon="⚠️")
        return
    matched = svc.match(ingest, parsed.entries)
    rep = matched.report
    ok = rep.loc[rep["status"].isin(["ok", "note"])]
    codes = tuple(dict.fromkeys(ok["code"]))  # the list's order
    st.markdown(t("seminar.found", lang, found=gminy_word(len(codes), lang, accusative=True), rows=len(rep),
                  problems=len(matched.problems)))
    if len(matched.problems):
        lab, _, _ = labels(ingest, lang)
        st.markdown(f"**{t('seminar.problems', lang)}**")
        st.dataframe(import_report_frame(matched.problems, lab, lang), hide_index=True, width="stretch",
                     key="sem_problems")
    if not codes:
        return
    if len(codes) > seminar.MAX_UNITS:
        st.warning(t("seminar.error.too_many", lang, n=len(codes), max=seminar.MAX_UNITS), icon="⚠️")
        return
    choices = {ASSESSMENT: t("seminar.overview_choice_assessment", lang), **_indicator_choices(ingest, lang)}
    ind = st.selectbox(t("seminar.indicator", lang), list(choices), format_func=choices.get, index=0,
                       key="sem_indicator", help=t("seminar.indicator_help", lang))
    title = st.text_input(t("seminar.title_label", lang), value="", max_chars=120, key="sem_title",
                          placeholder=t("seminar.default_title", lang))
    args = (ingest, lang, codes, ind, _base_url(), state.view().peers, title.strip(), dt.date.today())
    st.download_button(t("seminar.button", lang, gminy=gminy_word(len(codes), lang)), data=lambda: rs.seminar_bytes(*args),
                       file_name=f"{file_stem(title.strip() or t('seminar.default_title', lang))}.pptx",
                       mime=PPTX_MIME, key="sem_pptx", on_click="ignore", icon="🗂️", type="primary",
                       help=t("seminar.button_help", lang), width="stretch")
    st.caption(md(t("seminar.units_listed", lang, names=", ".join(str(n) for n in ok["input"].head(60)))))
