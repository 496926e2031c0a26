"""The shared sidebar: unit picker (search by name or TERYT), language switch, data notice."""
from __future__ import annotations

import streamlit as st

import services
from components import state
from components.labels import picker_order, unit_labels
from i18n import LANGS, t


def _on_unit_change() -> None:
    state.update(unit=st.session_state.get("sb_unit"))


def _on_lang_change() -> None:
    state.update(lang=st.session_state.get("sb_lang") or "pl")


@st.cache_data(ttl=3600, max_entries=8, show_spinner=False)
def _picker_options(ingest: str, lang: str) -> tuple[list[str], dict[str, str]]:
    units = services.units(ingest)
    labels = unit_labels(units, lang)
    return picker_order(units), labels


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
        options, labels = _picker_options(ingest, lang)
        current = state.view().unit
        st.session_state["sb_unit"] = current if current in labels else None
        st.selectbox(t("sidebar.unit", lang), options, key="sb_unit", index=None,
                     format_func=lambda c: labels.get(c, c), placeholder=t("sidebar.unit_placeholder", lang),
                     help=t("sidebar.unit_help", lang), on_change=_on_unit_change)

