"""Strategy plans (issue 14) between a file, the domain and the store: import a targets file for a
unit or an area, load and save plans. All SQL stays in store.db.Store; no Streamlit here.

Import is all-or-nothing: the file is read and every rule checked (loaders.plan_file,
domain.strategy) before ONE transaction writes the plan (Store.save_plan) — any problem, or a
process killed mid-way, leaves the previous plans exactly as they were.
"""
from __future__ import annotations

import json

import pandas as pd

from domain import areas as A
from domain import strategy as D
from domain.area_codes import AreaCodesError, check_area
from loaders import plan_file as F
from store.db import Store, StoreError


class SubjectError(ValueError):
    """The unit or area a plan is for does not exist (message in English, for the CLI)."""


def resolve_subject(store: Store, *, teryt: str | None = None, area: str | None = None) -> tuple[str, set[str]]:
    """(subject, codes a file's ``teryt`` cells may use) for a unit code or an area's gmina list."""
    if teryt is not None:
        code, note = store.resolve_code(teryt)
        if code is None:
            raise SubjectError(f"unknown TERYT code {teryt!r}: no unit has this code")
        codes = {code, code[:6], teryt.strip()}
        return code, codes
    res = check_area(area, store.units(include_historical=True), store.resolve_code)
    if isinstance(res, AreaCodesError):
        raise SubjectError(res.message("--area"))
    return ",".join(res.codes), set()


def series_getter(store: Store, subject: str):
    """``indicator -> (year, value)`` of the subject (a unit, or an area computed as /obszary does)."""
    if "," in subject:
        codes = tuple(subject.split(","))
        result = A.compute(codes, store.values(units=list(codes)), store.indicators(),
                            store.units(include_historical=True))
        vals = result.unit_values()
    else:
        vals = store.unit_values(subject)

    def get(indicator: str) -> pd.DataFrame:
        v = vals.loc[(vals["indicator"] == indicator) & vals["value"].notna(), ["year", "value"]]
        return v.sort_values("year").reset_index(drop=True)
    return get


def plan_from_file(store: Store, data: bytes, filename: str, *, subject: str, name: str,
                   subject_codes: set[str] | None = None, adopted: int | None = None) -> D.Plan:
    """Read and check a targets file for ``subject`` (raises loaders.plan_file.PlanFileError)."""
    parsed = F.parse_plan_file(data, filename)
    return F.build_plan(parsed, name=name, subject=subject, indicators=store.indicators(),
                        series_of=series_getter(store, subject), subject_codes=subject_codes, adopted=adopted)


def save(store: Store, plan: D.Plan) -> int:
    """Write (create, or replace ``plan.id``) one checked plan in one transaction."""
    D.check_plan(plan)
    return store.save_plan(name=plan.name, subject=plan.subject, adopted=plan.adopted,
                           document=json.dumps(D.to_document(plan), ensure_ascii=False), plan_id=plan.id)


def import_file(store: Store, data: bytes, filename: str, *, subject: str, name: str,
                subject_codes: set[str] | None = None, adopted: int | None = None) -> int:
    """Import a targets file as a new plan; returns its id. Nothing is written on any problem."""
    plan = plan_from_file(store, data, filename, subject=subject, name=name, subject_codes=subject_codes,
                          adopted=adopted)
    return save(store, plan)


def load(store: Store, plan_id: int) -> D.Plan | None:
    row = store.plan_row(plan_id)
    if row is None:
        return None
    try:
        doc = json.loads(row["document"])
        return D.from_document(doc, name=row["name"], subject=row["subject"],
                               adopted=None if row["adopted"] is None else int(row["adopted"]), plan_id=int(row["id"]))
    except (ValueError, KeyError, TypeError) as exc:
        raise StoreError(f"plan {plan_id} is damaged: {exc}") from None


__all__ = ["SubjectError", "resolve_subject", "series_getter", "plan_from_file", "save", "import_file", "load"]
