"""Strategy monitoring: a plan's goals and targets, and the progress rule (pure: no Streamlit, no SQL).

A **plan** belongs to one unit (its TERYT code) or to a functional area (its canonical definition:
sorted comma-separated gmina codes). It has goals on two levels (strategic ``1``, ``2``… and
operational ``1.1``, ``1.2``…), targets attached to a goal, and optional projects
(przedsięwzięcia).

The progress rule (stated on the page and in the README)
-------------------------------------------------------
For a target with indicator *i*, baseline (year b, value B) and target (year T, value V):

* ``latest`` = the unit's value of *i* in the latest year **after** b that has one (year L);
* ``progress`` = (latest − B) / (V − B)  — 1 means the target is reached, < 0 a move the wrong way;
* ``elapsed`` = (L − b) / (T − b), clipped to [0, 1];
* status, in this order:

  - ``no_data``   no value after the baseline year;
  - ``achieved``  latest is at or beyond V in the target's direction (V > B: latest ≥ V;
                  V < B: latest ≤ V);
  - ``on_track``  progress ≥ 0.9 × expected;
  - ``off_track`` progress < 0.5 × expected (a move the wrong way included);
  - ``at_risk``   otherwise.

  ``expected`` is ``elapsed`` for a straight line from baseline to target. **Milestones replace the
  straight line**: the planned path runs through (b, B), the milestones in year order and (T, V),
  linearly between neighbouring points and flat at V after T; ``expected`` is then the planned
  path's share of the way at year L: (planned(L) − B) / (V − B). E.g. baseline 100 in 2020,
  target 200 in 2030, milestone 110 in 2025: at L = 2025 elapsed is 0.5 but expected is 0.1, so
  a latest value of 112 (progress 0.12) is on track. ``elapsed`` is always reported as the time
  share (the definition above); ``expected`` is reported next to it.

The direction of a target is inferred from V vs B (a decreasing target — unemployment, crime —
has V < B); V = B is not a target (rejected at import).

**Similar units** (``peer_change``): the comparison group's median relative change in %, over the
same years b → L: for every peer with a value in both years and a non-zero value in b,
(x_L − x_b) / |x_b| × 100, then the median over those peers. The unit's own change over the same
years, (latest − B) / |B| × 100, stands beside it ("we +8 %, similar gminy +5 %"). The peers'
median *path* drawn on the charts is B × (1 + median over peers of (x_y − x_b)/|x_b|) for each year
y ≥ b — "where we would be had we moved like the median peer".
"""
from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

STATUSES = ("achieved", "on_track", "at_risk", "off_track", "no_data")
PROJECT_STATUSES = ("planned", "in_progress", "done", "dropped")
ON_TRACK_SHARE = 0.9
OFF_TRACK_SHARE = 0.5
MAX_GOALS = 200
MAX_TARGETS = 500
MAX_NAME = 300

# Colour-blind-safe status colours (Okabe–Ito) and a symbol, so a status never rests on colour alone.
STATUS_COLOURS = {
    "achieved": "#009E73",   # bluish green
    "on_track": "#0072B2",   # blue
    "at_risk": "#E69F00",    # orange
    "off_track": "#D55E00",  # vermillion
    "no_data": "#999999",    # grey
}
STATUS_SYMBOLS = {"achieved": "✔", "on_track": "▲", "at_risk": "◆", "off_track": "▼", "no_data": "○"}


class PlanError(ValueError):
    """A plan that breaks a rule (code = stable key the UI translates)."""

    def __init__(self, code: str, **fields):
        self.code = code
        self.fields = fields
        super().__init__(code + (" " + ", ".join(f"{k}={v}" for k, v in fields.items()) if fields else ""))


@dataclass(frozen=True)
class Milestone:
    year: int
    value: float


@dataclass(frozen=True)
class Goal:
    id: str  # "1" (strategic) or "1.2" (operational)
    name: str

    @property
    def parent(self) -> str | None:
        return self.id.split(".")[0] if "." in self.id else None

    @property
    def level(self) -> str:
        return "operational" if "." in self.id else "strategic"


@dataclass(frozen=True)
class Target:
    goal: str  # Goal.id
    indicator: str
    baseline_year: int
    baseline: float
    target_year: int
    target: float
    milestones: tuple[Milestone, ...] = ()
    baseline_from_store: bool = False  # the file left the baseline value empty

    @property
    def direction(self) -> int:
        """+1 if the target is above the baseline, -1 below (0 is rejected by ``check_target``)."""
        return int(np.sign(self.target - self.baseline))


@dataclass(frozen=True)
class Project:
    name: str
    goal: str
    budget: float | None = None
    year_from: int | None = None
    year_to: int | None = None
    status: str = "planned"
    responsible: str = ""


@dataclass(frozen=True)
class Plan:
    name: str
    subject: str  # unit code, or an area's canonical definition
    goals: tuple[Goal, ...]
    targets: tuple[Target, ...]
    projects: tuple[Project, ...] = ()
    adopted: int | None = None
    id: int | None = None

    @property
    def is_area(self) -> bool:
        return "," in self.subject

    @property
    def period(self) -> tuple[int, int] | None:
        if not self.targets:
            return None
        return (min(t.baseline_year for t in self.targets), max(t.target_year for t in self.targets))

    def goal(self, goal_id: str) -> Goal | None:
        return next((g for g in self.goals if g.id == goal_id), None)


# ------------------------------------------------------------------------------------------------
# Validation
# ------------------------------------------------------------------------------------------------

def check_target(t: Target) -> None:
    """Raise PlanError if the target breaks a rule."""
    if t.target_year <= t.baseline_year:
        raise PlanError("target_year_not_after_baseline", baseline_year=t.baseline_year, target_year=t.target_year)
    for v in (t.baseline, t.target):
        if v is None or not math.isfinite(v):
            raise PlanError("not_a_number")
    if t.target == t.baseline:
        raise PlanError("target_equals_baseline", value=t.target)
    years = [m.year for m in t.milestones]
    if len(set(years)) != len(years):
        raise PlanError("milestone_duplicate_year")
    for m in t.milestones:
        if not t.baseline_year < m.year < t.target_year:
            raise PlanError("milestone_outside_period", year=m.year)
        if not math.isfinite(m.value):
            raise PlanError("not_a_number")


def target_key(t: Target) -> tuple[str, str, int]:
    """Two targets are duplicates when they share goal, indicator and target year."""
    return (t.goal, t.indicator, t.target_year)


def check_plan(plan: Plan) -> None:
    if not plan.targets:
        raise PlanError("no_targets")
    if len(plan.targets) > MAX_TARGETS:
        raise PlanError("too_many_targets", max=MAX_TARGETS)
    ids = {g.id for g in plan.goals}
    seen: set = set()
    for t in plan.targets:
        check_target(t)
        if t.goal not in ids:
            raise PlanError("unknown_goal", goal=t.goal)
        if target_key(t) in seen:
            raise PlanError("duplicate_target", goal=t.goal, indicator=t.indicator)
        seen.add(target_key(t))
    for p in plan.projects:
        if p.status not in PROJECT_STATUSES:
            raise PlanError("unknown_project_status", status=p.status)
        if p.goal not in ids:
            raise PlanError("unknown_goal", goal=p.goal)


# ------------------------------------------------------------------------------------------------
# The progress rule
# ------------------------------------------------------------------------------------------------

def planned_path(t: Target) -> list[tuple[int, float]]:
    """The planned path's points: (baseline), milestones in year order, (target)."""
    pts = [(t.baseline_year, float(t.baseline))]
    pts += sorted(((m.year, float(m.value)) for m in t.milestones), key=lambda p: p[0])
    pts.append((t.target_year, float(t.target)))
    return pts


def planned_value(t: Target, year: float) -> float:
    """The planned value in ``year``: linear between neighbouring path points, flat at the target
    after the target year (and at the baseline before the baseline year)."""
    pts = planned_path(t)
    xs = [p[0] for p in pts]
    ys = [p[1] for p in pts]
    return float(np.interp(year, xs, ys))


def elapsed_share(t: Target, year: int) -> float:
    return min(1.0, max(0.0, (year - t.baseline_year) / (t.target_year - t.baseline_year)))


def expected_share(t: Target, year: int) -> float:
    """The share of the way from baseline to target the plan expects by ``year``: the time share
    for a straight line, the planned path's share when milestones are given."""
    if not t.milestones:
        return elapsed_share(t, year)
    return (planned_value(t, year) - t.baseline) / (t.target - t.baseline)


@dataclass(frozen=True)
class Progress:
    target: Target
    latest_year: int | None
    latest: float | None
    progress: float | None
    elapsed: float | None
    expected: float | None
    status: str
    own_change: float | None = None  # (latest - baseline) / |baseline| * 100
    peer_change: float | None = None  # the peers' median relative change in %, baseline_year -> latest_year
    peer_n: int = 0  # peers with values in both years


def latest_after(series: pd.DataFrame, baseline_year: int) -> tuple[int, float] | None:
    """(year, value) of the latest non-null value after ``baseline_year`` (``series``: year, value)."""
    s = series.loc[(series["year"] > baseline_year) & series["value"].notna()]
    if s.empty:
        return None
    r = s.sort_values("year").iloc[-1]
    return int(r["year"]), float(r["value"])


def classify(t: Target, latest: float, latest_year: int) -> tuple[str, float, float, float]:
    """(status, progress, elapsed, expected) of a target whose latest value after the baseline
    year is ``latest`` (in ``latest_year``)."""
    progress = (latest - t.baseline) / (t.target - t.baseline)
    elapsed = elapsed_share(t, latest_year)
    expected = expected_share(t, latest_year)
    if (latest - t.target) * t.direction >= 0:
        status = "achieved"
    elif progress >= ON_TRACK_SHARE * expected:
        status = "on_track"
    elif progress < OFF_TRACK_SHARE * expected:
        status = "off_track"
    else:
        status = "at_risk"
    return status, progress, elapsed, expected


def relative_change(before: float, after: float) -> float | None:
    if before is None or after is None or not math.isfinite(before) or not math.isfinite(after) or before == 0:
        return None
    return (after - before) / abs(before) * 100


def peer_ratios(peer_wide: pd.DataFrame, baseline_year: int) -> pd.DataFrame:
    """Per peer (rows) and year ≥ baseline year (columns): x_y / x_b − 1, NaN where a value is
    missing or x_b is 0. ``peer_wide``: peers × years of one indicator."""
    if baseline_year not in peer_wide.columns:
        return pd.DataFrame(index=peer_wide.index)
    base = peer_wide[baseline_year].where(peer_wide[baseline_year] != 0)
    cols = [y for y in peer_wide.columns if y >= baseline_year]
    return peer_wide[cols].sub(base, axis=0).div(base.abs(), axis=0)


def peer_change(peer_wide: pd.DataFrame, baseline_year: int, latest_year: int) -> tuple[float | None, int]:
    """(median relative change in %, number of peers with both values) over baseline → latest."""
    r = peer_ratios(peer_wide, baseline_year)
    if latest_year not in r.columns:
        return None, 0
    col = r[latest_year].dropna()
    if col.empty:
        return None, 0
    return float(col.median() * 100), int(len(col))


def peer_path(peer_wide: pd.DataFrame, t: Target) -> pd.DataFrame:
    """year, value, n: the peers' median path from the unit's baseline (see module docstring)."""
    r = peer_ratios(peer_wide, t.baseline_year)
    if r.empty or not len(r.columns):
        return pd.DataFrame(columns=["year", "value", "n"])
    med = r.median()
    n = r.notna().sum()
    out = pd.DataFrame({"year": [int(y) for y in r.columns], "value": (t.baseline + abs(t.baseline) * med).values,
                        "n": n.values.astype(int)})
    return out.loc[out["n"] > 0].reset_index(drop=True)


def evaluate(t: Target, series: pd.DataFrame, peer_wide: pd.DataFrame | None = None) -> Progress:
    """The progress of one target given the unit's series (year, value) of its indicator and,
    optionally, the peers' values (peers × years)."""
    found = latest_after(series, t.baseline_year)
    if found is None:
        return Progress(t, None, None, None, None, None, "no_data")
    ly, lv = found
    status, progress, elapsed, expected = classify(t, lv, ly)
    pc, pn = peer_change(peer_wide, t.baseline_year, ly) if peer_wide is not None else (None, 0)
    return Progress(t, ly, lv, progress, elapsed, expected, status,
                    own_change=relative_change(t.baseline, lv), peer_change=pc, peer_n=pn)


def status_counts(results) -> dict[str, int]:
    """Targets per status, in STATUSES order (zeros included)."""
    counts = {s: 0 for s in STATUSES}
    for r in results:
        counts[r.status] += 1
    return counts


def goal_status(results) -> str:
    """A goal's status = its worst target's (no_data only when no target has data)."""
    order = ("off_track", "at_risk", "on_track", "achieved")
    statuses = {r.status for r in results}
    for s in order:
        if s in statuses:
            return s
    return "no_data"


# ------------------------------------------------------------------------------------------------
# Document form (what the store keeps, JSON-friendly)
# ------------------------------------------------------------------------------------------------

def to_document(plan: Plan) -> dict:
    return {
        "version": 1,
        "goals": [{"id": g.id, "name": g.name} for g in plan.goals],
        "targets": [{"goal": t.goal, "indicator": t.indicator, "baseline_year": t.baseline_year,
                     "baseline": t.baseline, "target_year": t.target_year, "target": t.target,
                     "milestones": [[m.year, m.value] for m in t.milestones],
                     "baseline_from_store": t.baseline_from_store} for t in plan.targets],
        "projects": [{"name": p.name, "goal": p.goal, "budget": p.budget, "year_from": p.year_from,
                      "year_to": p.year_to, "status": p.status, "responsible": p.responsible}
                     for p in plan.projects],
    }


def from_document(doc: dict, *, name: str, subject: str, adopted: int | None = None,
                  plan_id: int | None = None) -> Plan:
    goals = tuple(Goal(str(g["id"]), str(g["name"])) for g in doc.get("goals", []))
    targets = tuple(Target(goal=str(t["goal"]), indicator=str(t["indicator"]), baseline_year=int(t["baseline_year"]),
                           baseline=float(t["baseline"]), target_year=int(t["target_year"]),
                           target=float(t["target"]),
                           milestones=tuple(Milestone(int(y), float(v)) for y, v in t.get("milestones", [])),
                           baseline_from_store=bool(t.get("baseline_from_store", False)))
                    for t in doc.get("targets", []))
    projects = tuple(Project(name=str(p["name"]), goal=str(p["goal"]),
                             budget=None if p.get("budget") is None else float(p["budget"]),
                             year_from=None if p.get("year_from") is None else int(p["year_from"]),
                             year_to=None if p.get("year_to") is None else int(p["year_to"]),
                             status=str(p.get("status") or "planned"), responsible=str(p.get("responsible") or ""))
                     for p in doc.get("projects", []))
    return Plan(name=name, subject=subject, goals=goals, targets=targets, projects=projects, adopted=adopted,
                id=plan_id)


def with_projects(plan: Plan, projects) -> Plan:
    new = replace(plan, projects=tuple(projects))
    check_plan(new)
    return new


def budget_by_goal(plan: Plan) -> dict[str, float]:
    """Total budget of the plan's projects per goal id (dropped projects left out); strategic
    goals also sum their operational goals' projects."""
    out: dict[str, float] = {}
    for p in plan.projects:
        if p.status == "dropped" or p.budget is None:
            continue
        out[p.goal] = out.get(p.goal, 0.0) + p.budget
        g = Goal(p.goal, "")
        if g.parent:
            out[g.parent] = out.get(g.parent, 0.0) + p.budget
    return out


__all__ = ["STATUSES", "PROJECT_STATUSES", "STATUS_COLOURS", "STATUS_SYMBOLS", "PlanError", "Milestone", "Goal",
           "Target", "Project", "Plan", "Progress", "check_target", "check_plan", "target_key", "planned_path",
           "planned_value", "elapsed_share", "expected_share", "latest_after", "classify", "relative_change",
           "peer_change", "peer_path", "peer_ratios", "evaluate", "status_counts", "goal_status", "to_document",
           "from_document", "with_projects", "budget_by_goal"]
