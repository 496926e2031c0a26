"""The functional area in the shared view state (``area=code,code,...`` in the URL).

``validate(ingest, lang)`` — called once per run by app.py — maps the URL's codes (6-digit, old,
spaced) to today's 7-digit gmina codes, says plainly what was dropped and why, and writes the
canonical definition back to the state (so the URL always carries it). ``current()`` is the
validated area (a tuple of codes; empty = no area) for any page.
"""
from __future__ import annotations

import streamlit as st

from components import state
from domain import areas as A
from i18n import t
from services import areas as svc

_CHECKED = "areas_checked"


def set_area(codes, *, show: bool = True) -> tuple[str, ...]:
    """Make ``codes`` the current area (canonical order); returns it. ``show``: the other pages
    show the area rather than the unit (components.subject)."""
    canon = A.canonical_codes(codes)
    st.session_state[_CHECKED] = canon
    state.update(area=canon)
    if show:
        state.set_extra("subject", None)
    return canon


def validate(ingest: str | None, lang: str) -> None:
    area = state.view().area
    if ingest is None or not area or st.session_state.get(_CHECKED) == area:
        return
    matched = svc.canonical(ingest, tuple(area))
    for r in matched.problems.itertuples():
        st.warning(t("areas.url_dropped", lang, value=r.input, reason=t(f"areas.reason.{r.reason}", lang)), icon="⚠️")
    for r in matched.report.loc[matched.report["reason"].isin(["old_code", "code6"])].itertuples():
        if r.reason == "old_code":
            st.info(t("url.recoded", lang, value=r.input, code=r.code), icon="ℹ️")
    codes = matched.codes
    if len(codes) > A.MAX_MEMBERS:
        st.warning(t("areas.too_many", lang, n=len(codes), max=A.MAX_MEMBERS), icon="⚠️")
        codes = ()
    set_area(codes, show=False)  # keep a permalink's subject=unit


def current() -> tuple[str, ...]:
    """The current area's member codes (validated by ``validate``)."""
    return tuple(state.view().area)
