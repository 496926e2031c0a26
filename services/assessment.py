"""Cached synthetic assessments (keyed by the ingest id): the level inputs of the tree's leaves
(every unit of a level, one pivot) and one subject's assessment with its rank interval. Shared by
all sessions as resources: callers must never mutate them.

The method is domain.assessment's; the subject and its group are the profile's
(presentation.profile_context, through reports.assessment_context.gather)."""
from __future__ import annotations

import pandas as pd
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


@st.cache_resource(ttl=SP.LEVEL_TTL, show_spinner=False, max_entries=4)
def level_scores(ingest: str, level: str) -> pd.DataFrame:
    """Every unit of ``level`` scored against its OWN default comparison group (typology, the
    group /ocena uses without ``peers=``): domain.assessment.assess_all's frame (index unit code,
    columns (score | dynamics | rank | group_size | coverage, node)). The same level inputs and
    the same population (size classes) as /ocena, so a unit's numbers here are its numbers there.
    About 1 s cold for all gminy; shared, never mutate it."""
    src = SP.source(ingest)
    tree = AC.tree_for(src.indicators())
    inputs = level_inputs(ingest, level)
    units = src.units()
    pop, _ = src.population(level)
    groups = AS.typology_groups(units.loc[units["level"] == level], pop)
    return AS.assess_all(tree, inputs, groups)


def reference_years(ingest: str, level: str) -> dict[str, int | None]:
    """The tree's leaves' reference years at ``level`` (indicator -> year; None = no such year)."""
    return dict(level_inputs(ingest, level).ref_years)


__all__ = ["level_inputs", "assessment", "level_scores", "reference_years"]
