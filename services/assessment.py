"""Cached synthetic assessments (keyed by the ingest id): the level inputs of the tree's leaves
(every unit of a level, one pivot) and one subject's assessment with its rank interval. Shared by
all sessions as resources: callers must never mutate them.

The method is domain.assessment's; the subject and its group are the profile's
(presentation.profile_context, through reports.assessment_context.gather)."""
from __future__ import annotations

import streamlit as st

import services
from domain import assessment as AS
from reports import assessment_context as AC
from services import profile as SP

TTL = services.TTL


@st.cache_resource(ttl=SP.LEVEL_TTL, show_spinner=False, max_entries=8)
def level_inputs(ingest: str, level: str) -> AS.LevelInputs:
    src = SP.source(ingest)
    tree = AC.tree_for(src.indicators())
    units = services.units(ingest)
    n = int((units["level"] == level).sum())
    return AC.level_inputs(src, level, tree, n)


@st.cache_resource(ttl=TTL, show_spinner=False, max_entries=64)
def assessment(ingest: str, code: str | None, peers: str | None, area: tuple[str, ...], lang: str, _ctx=None
               ) -> AC.AssessmentContext:
    """The assessment of a unit (``code``) or a functional area (``area``) against its group.
    ``_ctx`` (not part of the cache key): the page's profile context for the same arguments."""
    src = SP.source(ingest)
    inputs = None
    if len(area) < 2:
        units = services.units(ingest)
        level = units.loc[units["code"] == (code or "PL"), "level"]
        if len(level):
            inputs = level_inputs(ingest, str(level.iloc[0]))
    return AC.gather(src, code, peers, lang, area=area, inputs=inputs, ctx=_ctx)


__all__ = ["level_inputs", "assessment"]
