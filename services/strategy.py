"""Cached reads and guarded writes of strategy plans (issue 14) for the /strategia page and reports.

Reads are keyed by the ingest id, which every plan write changes (Store.save_plan/delete_plan bump
it in the same transaction), so all sessions see a change at once. Writes refuse in the public
deployment (``PublicModeError``) — a second line of defence: the page does not draw them there.
"""
from __future__ import annotations

import pandas as pd
import streamlit as st

import services
from domain import strategy as D
from loaders.plan_file import PlanFileError
from reports import strategy as RS
from services.profile import source
from store import plans as SP

from services import PublicModeError, check_writable

TTL = services.TTL


def _check_writable() -> None:
    check_writable("importing, editing or deleting plans")


@st.cache_data(ttl=TTL, show_spinner=False, max_entries=64)
def plans(ingest: str, subject: str | None = None) -> pd.DataFrame:
    return services.store().plans(subject)


@st.cache_data(ttl=TTL, show_spinner=False, max_entries=64)
def plan(ingest: str, plan_id: int) -> D.Plan | None:
    return SP.load(services.store(), int(plan_id))


@st.cache_data(ttl=TTL, show_spinner=False, max_entries=32)
def progress(ingest: str, plan_id: int, lang: str, peers: str | None = None) -> RS.PlanProgress | None:
    p = plan(ingest, plan_id)
    if p is None:
        return None
    return RS.evaluate_plan(source(ingest), p, lang, peers)


def latest_plan_id(ingest: str, subject: str) -> int | None:
    """The subject's most recently updated plan (what the report shows), or None."""
    rows = plans(ingest, subject)
    if rows.empty:
        return None
    return int(rows.sort_values(["updated_at", "id"]).iloc[-1]["id"])


def report_section(ingest: str, lang: str, subject: str) -> RS.StrategySection | None:
    """The strategy section of the subject's report (its most recently updated plan), or None."""
    pid = latest_plan_id(ingest, subject)
    if pid is None:
        return None
    pp = progress(ingest, pid, lang)
    return RS.section(pp, services.indicators(ingest)) if pp is not None else None


def _changed() -> None:
    """After a write: read the new ingest id at once (every cache is keyed by it)."""
    services._ingest_id.clear()  # noqa: SLF001 - the new version must be seen by this very rerun


def check_file(ingest: str, data: bytes, filename: str, *, subject: str, name: str) -> D.Plan:
    """Read and check a targets file for ``subject`` (raises loaders.plan_file.PlanFileError)."""
    codes = {subject, subject[:6]} if "," not in subject else None
    return SP.plan_from_file(services.store(), data, filename, subject=subject, name=name, subject_codes=codes)


def import_plan(ingest: str, data: bytes, filename: str, *, subject: str, name: str) -> int:
    _check_writable()
    p = check_file(ingest, data, filename, subject=subject, name=name)
    new_id = SP.save(services.store(), p)
    _changed()
    return new_id


def save_projects(ingest: str, plan_id: int, projects) -> int:
    """Replace a plan's projects (checked: goal ids, statuses) in one transaction."""
    _check_writable()
    p = plan(ingest, plan_id)
    if p is None:
        raise KeyError(plan_id)
    new_id = SP.save(services.store(), D.with_projects(p, projects))
    _changed()
    return new_id


def delete_plan(plan_id: int) -> bool:
    _check_writable()
    done = services.store().delete_plan(int(plan_id))
    _changed()
    return done


__all__ = ["PlanFileError", "PublicModeError", "plans", "plan", "progress", "latest_plan_id", "report_section", "check_file",
           "import_plan", "save_projects", "delete_plan"]
