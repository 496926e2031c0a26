"""Shared view state: read once from the URL, kept in session state, written back to the URL.

The URL is parsed on the first run of a session (domain.permalink.parse_query); from then on the
session state is the truth and every run writes it back to ``st.query_params``, so the address bar
is always a permalink of what is on screen (also after st.navigation page switches, which clear
query parameters).
"""
from __future__ import annotations

from dataclasses import replace

import streamlit as st

from domain.permalink import Parsed, Problem, ViewState, parse_query, to_query

_VIEW = "view"
_PROBLEMS = "url_problems"
_BOOT = "view_booted"


def bootstrap() -> ViewState:
    """Parse the URL on the session's first run; return the current view state."""
    if not st.session_state.get(_BOOT):
        parsed: Parsed = parse_query(st.query_params.to_dict())
        st.session_state[_VIEW] = parsed.state
        st.session_state[_PROBLEMS] = list(parsed.problems)
        st.session_state[_BOOT] = True
    return st.session_state[_VIEW]


def view() -> ViewState:
    return st.session_state.get(_VIEW) or bootstrap()


def update(**changes) -> ViewState:
    """Change fields of the view state (and so the URL)."""
    new = replace(view(), **changes)
    st.session_state[_VIEW] = new
    return new


def set_extra(key: str, value: str | None) -> None:
    extra = dict(view().extra)
    if value in (None, ""):
        extra.pop(key, None)
    else:
        extra[key] = str(value)
    update(extra=tuple(sorted(extra.items())))


def get_extra(key: str, default: str | None = None) -> str | None:
    return dict(view().extra).get(key, default)


def add_problem(key: str, value: str, reason: str) -> None:
    st.session_state.setdefault(_PROBLEMS, []).append(Problem(key, value, reason))


def pop_problems() -> list[Problem]:
    problems = st.session_state.get(_PROBLEMS, [])
    st.session_state[_PROBLEMS] = []
    return problems


def write_url() -> None:
    """Make the address bar match the view state (no rerun is triggered)."""
    wanted = to_query(view())
    current = st.query_params.to_dict()
    if current != wanted:
        st.query_params.from_dict(wanted)


def lang() -> str:
    return view().lang
