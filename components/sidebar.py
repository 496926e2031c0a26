"""The shared sidebar: language switch, unit picker (search by name or TERYT) and the current
functional area (with a "clear" action and a link to edit it)."""
from __future__ import annotations

import streamlit as st

import services
from components import state, subject
from domain import search
from presentation.labels import gminy_word
from presentation.navigation import page_path
from presentation.assessment_scores import is_score
from i18n import LANGS, t


def find_unit(ingest: str, value) -> str | None:
    """The unit a picker's value means: a listed code as it is; typed text (the pickers accept it:
    Enter on "lodz", "gmina Kłodzko", "0201044") through domain.search (diacritics folded, a city
    with powiat rights as its gmina first), then Store.resolve_code for old codes and codes of
    gmina parts (named in a note). None, with a note naming the text, if nothing matches."""
    if value is None or str(value).strip() == "":
        return None
    units = services.units(ingest)
    known = set(units["code"])
    if value in known:
        return value
    text = str(value).strip()[:100]
    # the start of a label, as listed under the box ("Bolesławiec — gmina wiejska" + Enter, or a
    # click on Streamlit's "Add: …" line): the first unit listed, as the user saw it
    options, labels = services.unit_picker(ingest, state.lang())
    low = text.casefold()
    listed = next((c for c in options if labels.get(c, "").casefold().startswith(low)), None)
    if listed is not None:
        return listed
    code = search.best(text, units)
    if code is not None:
        return code
    code, note = services.store().resolve_code(text)
    if code in known:
        if note.startswith("part:"):
            name = units.loc[units["code"] == code, "name"].iloc[0]
            state.add_problem("unit", text, f"{note}:{code}:{name}")
        elif note:
            state.add_problem("unit", text, "recoded:" + code)
        return code
    state.add_problem("unit", text, "search_none")
    return None


def _on_pick(ingest: str, key: str) -> None:
    code = find_unit(ingest, st.session_state.get(key))
    if code is None:
        return
    state.update(unit=code)
    subject.choose("unit")  # picking a unit shows it, also while an area is set


def _on_clear_area() -> None:
    subject.clear_area()


def _on_lang_change() -> None:
    state.update(lang=st.session_state.get("sb_lang") or "pl")


# The unit pickers list units whose label starts with what is typed (names come first in labels,
# listed gmina before powiat: "Łódź" offers the city gmina first); Enter on anything else
# ("lodz", "Klodzko", "gmina Kłodzko", a TERYT code) is searched on the server (find_unit).
SEARCH = {"accept_new_options": True, "filter_mode": "prefix"}


def validate_unit(ingest: str) -> None:
    """Check the URL's unit against the store: map old codes, drop unknown ones with a message."""
    v = state.view()
    if not v.unit:
        return
    units = services.units(ingest)
    if v.unit in set(units["code"]):
        return
    code, note = services.store().resolve_code(v.unit)
    if code and code in set(units["code"]) and note.startswith("part:"):
        # a town/rural part or a city district: say what it is, never "a former code"
        name = units.loc[units["code"] == code, "name"].iloc[0]
        state.add_problem("unit", v.unit, f"{note}:{code}:{name}")
        state.update(unit=code)
    elif code and code in set(units["code"]):
        state.add_problem("unit", v.unit, "recoded:" + code)
        state.update(unit=code)
    else:
        state.add_problem("unit", v.unit, "unknown_unit")
        state.update(unit=None)


def validate_indicator(ingest: str) -> None:
    """An ``indicator=`` the store does not know is named in a warning (the map page's words) and
    dropped from the view and the URL, on every page."""
    v = state.view()
    # an assessment score (ocena_*) is a valid indicator= for /mapa and /porownania; other pages
    # simply do not offer it
    if v.indicator and v.indicator not in services.indicators(ingest) and not is_score(v.indicator):
        state.add_problem("indicator", v.indicator, "unknown_indicator")
        state.update(indicator=None)


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
                     help=t("sidebar.unit_help", lang), on_change=_on_pick, args=(ingest, "sb_unit"),
                     **SEARCH)
        render_area(ingest, lang)


def render_main_picker(ingest: str, lang: str) -> None:
    """The unit picker again in the page body (start page without a unit): on a phone the sidebar
    is folded away, so the first thing to do must not hide behind the » button."""
    options, labels = services.unit_picker(ingest, lang)
    st.session_state["start_unit"] = None
    st.selectbox(t("start.pick_label", lang), options, key="start_unit", index=None,
                 format_func=lambda c: labels.get(c, c), placeholder=t("sidebar.unit_placeholder", lang),
                 help=t("sidebar.unit_help", lang), on_change=_on_pick, args=(ingest, "start_unit"), **SEARCH)


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

