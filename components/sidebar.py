"""The shared sidebar: language switch, unit picker (search by name or TERYT) and the current
functional area (with a "clear" action and a link to edit it)."""
from __future__ import annotations

import streamlit as st

import services
from components import state, subject
from presentation.labels import gminy_word
from presentation.navigation import page_path
from i18n import LANGS, t


def _on_unit_change() -> None:
    state.update(unit=st.session_state.get("sb_unit"))
    subject.choose("unit")  # picking a unit shows it, also while an area is set


def _on_clear_area() -> None:
    subject.clear_area()


def _on_lang_change() -> None:
    state.update(lang=st.session_state.get("sb_lang") or "pl")


def validate_unit(ingest: str) -> None:
    """Check the URL's unit against the store: map old codes, drop unknown ones with a message."""
    v = state.view()
    if not v.unit:
        return
    units = services.units(ingest)
    if v.unit in set(units["code"]):
        return
    code, note = services.store().resolve_code(v.unit)
    if code and code in set(units["code"]):
        state.add_problem("unit", v.unit, "recoded:" + code)
        state.update(unit=code)
    else:
        state.add_problem("unit", v.unit, "unknown_unit")
        state.update(unit=None)


def render(ingest: str | None) -> None:
    lang = state.lang()
    with st.sidebar:
        st.session_state["sb_lang"] = lang
        st.radio(t("sidebar.language", lang), LANGS, key="sb_lang", horizontal=True,
                 format_func=lambda x: {"pl": "Polski", "en": "English"}[x], on_change=_on_lang_change)
        if ingest is None:
            return
        options, labels = services.unit_picker(ingest, lang)
        current = state.view().unit
        st.session_state["sb_unit"] = current if current in labels else None
        st.selectbox(t("sidebar.unit", lang), options, key="sb_unit", index=None,
                     format_func=lambda c: labels.get(c, c), placeholder=t("sidebar.unit_placeholder", lang),
                     help=t("sidebar.unit_help", lang), on_change=_on_unit_change)
        render_area(ingest, lang)


def _on_main_unit_change() -> None:
    state.update(unit=st.session_state.get("start_unit"))
    subject.choose("unit")


def render_main_picker(ingest: str, lang: str) -> None:
    """The unit picker again in the page body (start page without a unit): on a phone the sidebar
    is folded away, so the first thing to do must not hide behind the » button."""
    options, labels = services.unit_picker(ingest, lang)
    st.session_state["start_unit"] = None
    st.selectbox(t("start.pick_label", lang), options, key="start_unit", index=None,
                 format_func=lambda c: labels.get(c, c), placeholder=t("sidebar.unit_placeholder", lang),
                 help=t("sidebar.unit_help", lang), on_change=_on_main_unit_change)


def render_area(ingest: str, lang: str) -> None:
    """The current functional area: its gminy, whether the pages show it, clear / edit."""
    members = subject.area_members()
    if not members:
        return
    units = services.units(ingest)
    names = dict(zip(units["code"], units["name"]))
    shown = sorted((names.get(c, c) for c in members), key=str.casefold)
    listed = ", ".join(shown[:6]) + (" …" if len(shown) > 6 else "")
    with st.container(border=True):
        st.markdown(t("sidebar.area", lang, gminy=gminy_word(len(members), lang)))
        st.caption(listed)
        if not subject.current().is_area:
            st.caption(t("sidebar.area_hidden", lang))
        c1, c2 = st.columns(2)
        with c1:
            st.button(t("sidebar.area_clear", lang), key="sb_area_clear", on_click=_on_clear_area,
                      help=t("sidebar.area_clear_help", lang))
        with c2:
            st.page_link(page_path("obszary"), label=t("sidebar.area_edit", lang))

