"""Which subject the profile, comparison, map and report pages show: the selected unit or the
functional area.

Both live in the URL (``unit=``, ``area=``). When an area of at least two gminy is set it is the
subject, unless the URL says ``subject=unit`` (written when the user switches to the unit, e.g.
by picking one in the sidebar); building a new area or clearing it drops that choice. So the URL
stays the single source of truth and every view is a permalink.
"""
from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

import services
from components import state
from presentation.labels import gminy_word, unit_label
from domain import areas as A
from i18n import t

KEY = "subject"


@dataclass(frozen=True)
class Subject:
    kind: str  # unit | area
    code: str  # the unit's code ("PL" = none chosen) or the area's canonical definition
    members: tuple[str, ...] = ()

    @property
    def is_area(self) -> bool:
        return self.kind == "area"


def area_members() -> tuple[str, ...]:
    """The URL's area (validated by components.areas_state), if it has at least two gminy."""
    area = tuple(state.view().area)
    return area if len(area) >= A.MIN_MEMBERS else ()


def current() -> Subject:
    members = area_members()
    if members and state.get_extra(KEY) != "unit":
        return Subject("area", ",".join(members), members)
    return Subject("unit", state.view().unit or "PL")


def choose(kind: str) -> None:
    """Show the area (the default when one exists) or the unit."""
    state.set_extra(KEY, "unit" if kind == "unit" and area_members() else None)


def clear_area() -> None:
    state.update(area=())
    state.set_extra(KEY, None)


def _on_switch() -> None:
    choose(st.session_state.get("subject_switch") or "area")


def render_switch(ingest: str, lang: str) -> Subject:
    """A unit/area switch in the page header when both exist; returns the current subject."""
    subject = current()
    members = area_members()
    if members:
        code = state.view().unit or "PL"
        units = services.units(ingest)
        row = units.loc[units["code"] == code]
        name = unit_label(row.iloc[0].to_dict(), lang) if len(row) else code
        labels = {"area": t("subject.area", lang, gminy=gminy_word(len(members), lang)),
                  "unit": t("subject.unit", lang, name=name)}
        st.session_state["subject_switch"] = subject.kind
        st.segmented_control(t("subject.label", lang), ["area", "unit"], key="subject_switch", required=True,
                             format_func=lambda k: labels[k], on_change=_on_switch, help=t("subject.help", lang))
    return subject
