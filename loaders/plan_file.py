"""Reader for a strategy's targets file (CSV or XLSX, one row per target) — issue 14.

Columns (header row found among the first 30 rows; Polish or English labels, case and accents as
typed; order free):

=====================================  ==========================  ========
Polish header                          English header              required
=====================================  ==========================  ========
cel strategiczny                       strategic goal              yes
cel operacyjny                         operational goal            no
wskaźnik (id or exact name)            indicator                   yes
rok bazowy                             baseline year               yes
wartość bazowa                         baseline value              no: empty = the store's value
rok docelowy                           target year                 yes
wartość docelowa                       target value                yes
kamienie milowe (``2022: 17 500; 2025: 18 000``)  milestones        no
teryt                                  teryt                       no: if given, the plan's unit
jednostka miary                        unit of measure             no: ignored (written by exports)
=====================================  ==========================  ========

An XLSX may hold a second sheet named ``Przedsięwzięcia`` / ``Projects`` with columns
``przedsięwzięcie`` (name), ``cel`` (goal id such as ``1.2`` or the goal's name), ``budżet``,
``rok od``, ``rok do``, ``status`` (planowane / w realizacji / zakończone / zaniechane or planned /
in_progress / done / dropped) and ``odpowiedzialny``.

Numbers: a decimal comma or point (``12,5`` = ``12.5``), thousands separated by spaces; years as
whole numbers. Text in a number cell, a formula, a bad year, a missing required column, an unknown
indicator, a target year not after the baseline year, a target equal to the baseline, an unknown
unit, a duplicated target (same goal, indicator and target year) — each is a ``Problem`` with the
spreadsheet's row number and the column label; ``PlanFileError`` carries all of them and nothing
is saved. Reading and checking is pure (no store): values the file leaves empty are asked of a
callable.
"""
from __future__ import annotations

import io
import math
import re
from dataclasses import dataclass, field

import pandas as pd

from domain import strategy as D
from loaders.base import LoaderError
from loaders.upload import Problem, UploadError, _cell_text, _norm, detect_decimal, parse_value, read_cells

HEADER_SCAN = 30
ROLES: dict[str, set[str]] = {
    "strategic": {"cel strategiczny", "strategic goal", "cel główny", "cel glowny", "cel", "goal", "obszar"},
    "operational": {"cel operacyjny", "operational goal", "cel szczegółowy", "cel szczegolowy", "kierunek działań"},
    "indicator": {"wskaźnik", "wskaznik", "indicator", "id wskaźnika", "indicator id", "kod wskaźnika"},
    "baseline_year": {"rok bazowy", "baseline year", "rok bazowy wskaźnika"},
    "baseline": {"wartość bazowa", "wartosc bazowa", "baseline", "baseline value"},
    "target_year": {"rok docelowy", "target year"},
    "target": {"wartość docelowa", "wartosc docelowa", "target", "target value"},
    "milestones": {"kamienie milowe", "milestones", "kamienie", "wartości pośrednie", "wartosci posrednie"},
    "teryt": {"teryt", "kod teryt", "teryt code", "kod jst", "jst"},
    "measure": {"jednostka miary", "unit of measure", "jednostka", "unit"},
}
REQUIRED = ("strategic", "indicator", "baseline_year", "target_year", "target")
PROJECT_SHEETS = {"przedsięwzięcia", "przedsiewziecia", "projekty", "projects"}
PROJECT_ROLES: dict[str, set[str]] = {
    "name": {"przedsięwzięcie", "przedsiewziecie", "nazwa", "projekt", "project", "name"},
    "goal": {"cel", "goal", "cel operacyjny", "cel strategiczny"},
    "budget": {"budżet", "budzet", "budget", "budżet (zł)", "budget (pln)", "kwota"},
    "year_from": {"rok od", "od", "year from", "from", "rok rozpoczęcia", "start"},
    "year_to": {"rok do", "do", "year to", "to", "rok zakończenia", "end"},
    "status": {"status", "stan"},
    "responsible": {"odpowiedzialny", "jednostka odpowiedzialna", "responsible", "responsible unit"},
}
PROJECT_STATUS_WORDS = {
    "planowane": "planned", "planowany": "planned", "planned": "planned", "plan": "planned",
    "w realizacji": "in_progress", "realizowane": "in_progress", "in progress": "in_progress",
    "in_progress": "in_progress", "zakończone": "done", "zakonczone": "done", "zrealizowane": "done",
    "done": "done", "zaniechane": "dropped", "porzucone": "dropped", "dropped": "dropped",
}
_MILESTONE = re.compile(r"^\s*((?:19|20|21)\d{2})\s*(?:r\.?)?\s*[:=]\s*(.+?)\s*$")
YEAR_MIN, YEAR_MAX = 1990, 2100


class PlanFileError(LoaderError):
    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__("; ".join(p.text() for p in self.problems[:5])
                         + (f" … and {len(self.problems) - 5} more" if len(self.problems) > 5 else ""))


@dataclass
class PlanRow:
    row: int  # spreadsheet row number (1-based)
    strategic: str
    operational: str
    indicator: str  # as typed
    baseline_year: int
    baseline: float | None
    target_year: int
    target: float
    milestones: tuple[D.Milestone, ...]
    teryt: str = ""


@dataclass
class ParsedPlan:
    rows: list[PlanRow]
    columns: dict[str, str]  # role -> column label
    decimal: str
    comma_cells: int  # number cells written with a decimal comma (read as numbers; the UI says so)
    projects: list[dict] = field(default_factory=list)  # raw project rows (row, name, goal, ...)
    problems: list[Problem] = field(default_factory=list)  # row problems; build_plan adds its own and raises


def _role(label: object, roles: dict[str, set[str]]) -> str | None:
    s = _norm(label)
    s = re.sub(r"\s*\(.*\)$", "", s).strip()  # "wartość docelowa (2030)" -> "wartość docelowa"
    for role, names in roles.items():
        if s in names:
            return role
    return None


def _find_header(grid, roles, required) -> tuple[int, dict[str, int], list[str]]:
    best: tuple[int, dict[str, int], list[str]] | None = None
    for i, row in enumerate(grid[:HEADER_SCAN]):
        labels = [_cell_text(c) for c in row]
        found: dict[str, int] = {}
        for j, lab in enumerate(labels):
            r = _role(lab, roles)
            if r and r not in found:
                found[r] = j
        if best is None or len(found) > len(best[1]):
            best = (i, found, labels)
        if all(r in found for r in required):
            return i, found, labels
    if best is None or len(best[1]) < 2:
        raise PlanFileError([Problem("plan_no_header")])
    missing = [r for r in required if r not in best[1]]
    raise PlanFileError([Problem("plan_missing_column", row=best[0] + 1, column=m) for m in missing])


def _year(cell: object) -> tuple[int | None, str]:
    if cell is None or (isinstance(cell, float) and math.isnan(cell)) or _cell_text(cell) == "":
        return None, "plan_missing_value"
    if isinstance(cell, bool):
        return None, "plan_not_a_year"
    if isinstance(cell, (int, float)):
        if float(cell).is_integer() and YEAR_MIN <= int(cell) <= YEAR_MAX:
            return int(cell), ""
        return None, "plan_not_a_year"
    s = _cell_text(cell).strip().rstrip(".").removesuffix(" r").strip()
    if re.fullmatch(r"\d{4}", s) and YEAR_MIN <= int(s) <= YEAR_MAX:
        return int(s), ""
    return None, "plan_not_a_year"


def _number(cell: object, decimal: str) -> tuple[float | None, str]:
    v, problem = parse_value(cell, decimal)
    if problem:
        return None, "plan_formula" if problem == "formula" else "plan_not_a_number"
    return v, ""


def _is_comma_number(cell: object) -> bool:
    return isinstance(cell, str) and bool(re.fullmatch(r"\s*[+-]?\d[\d \u00a0]*,\d+\s*%?\s*", cell))


def parse_milestones(text: object, decimal: str) -> tuple[tuple[D.Milestone, ...], str]:
    """``"2022: 17 500; 2025: 18 000"`` -> milestones; problem code "" when fine."""
    s = _cell_text(text)
    if not s:
        return (), ""
    out = []
    for part in re.split(r"[;\n|]+", s):
        if not part.strip():
            continue
        m = _MILESTONE.match(part)
        if not m:
            return (), "plan_bad_milestones"
        v, problem = _number(m.group(2), decimal)
        if problem or v is None:
            return (), "plan_bad_milestones"
        out.append(D.Milestone(int(m.group(1)), v))
    return tuple(out), ""


def _grid_rows(grid, header: int):
    for i in range(header + 1, len(grid)):
        row = list(grid[i])
        if all(_cell_text(c) == "" for c in row):
            continue
        yield i + 1, row


def parse_plan_file(data: bytes, filename: str = "") -> ParsedPlan:
    """Read a targets file into rows. A file that cannot be read as a table raises PlanFileError;
    row problems are collected in ``problems`` (``build_plan`` reports them with its own)."""
    try:
        grid, kind = read_cells(data, filename)
    except UploadError as exc:
        raise PlanFileError(exc.problems) from None
    header, cols, labels = _find_header(grid, ROLES, REQUIRED)
    label = {r: labels[j] for r, j in cols.items()}

    def cell(row, role):
        j = cols.get(role)
        return row[j] if j is not None and j < len(row) else None

    number_cells = [str(cell(r, k)) for _, r in _grid_rows(grid, header) for k in ("baseline", "target")
                    if isinstance(cell(r, k), str)]
    decimal = detect_decimal(number_cells) if number_cells else "."
    problems: list[Problem] = []
    rows: list[PlanRow] = []
    comma_cells = 0
    for n, r in _grid_rows(grid, header):
        bad = False

        def flag(code, role, value=None):
            nonlocal bad
            bad = True
            problems.append(Problem(code, row=n, column=label.get(role, role),
                                    value=_cell_text(value if value is not None else cell(r, role))[:80]))

        strategic = _cell_text(cell(r, "strategic"))
        if not strategic:
            flag("plan_missing_value", "strategic")
        indicator = _cell_text(cell(r, "indicator"))
        if not indicator:
            flag("plan_missing_value", "indicator")
        years = {}
        for role in ("baseline_year", "target_year"):
            y, p = _year(cell(r, role))
            if p:
                flag(p, role)
            years[role] = y
        nums = {}
        for role in ("baseline", "target"):
            raw = cell(r, role)
            v, p = _number(raw, decimal)
            if p:
                flag(p, role)
            elif role == "target" and v is None:
                flag("plan_missing_value", role)
            comma_cells += _is_comma_number(raw)
            nums[role] = v
        ms, p = parse_milestones(cell(r, "milestones"), decimal)
        if p:
            flag(p, "milestones")
        for strat in (strategic, _cell_text(cell(r, "operational"))):
            if strat.startswith(("=", "@")) or len(strat) > D.MAX_NAME:
                flag("plan_bad_name", "strategic", strat)
        if bad:
            continue
        rows.append(PlanRow(row=n, strategic=strategic, operational=_cell_text(cell(r, "operational")),
                            indicator=indicator, baseline_year=years["baseline_year"], baseline=nums["baseline"],
                            target_year=years["target_year"], target=nums["target"], milestones=ms,
                            teryt=re.sub(r"[\s_-]", "", _cell_text(cell(r, "teryt")))))
    if not rows and not problems:
        raise PlanFileError([Problem("plan_no_rows", row=header + 1)])
    projects: list[dict] = []
    if kind == "xlsx":
        try:
            projects = _read_projects(data, kind, decimal)
        except PlanFileError as exc:
            problems += exc.problems
    return ParsedPlan(rows=rows, columns=label, decimal=decimal, comma_cells=comma_cells, projects=projects,
                      problems=problems)


def _read_projects(data: bytes, kind: str, decimal: str) -> list[dict]:
    """Raw rows of an XLSX's projects sheet (if any): row, name, goal, budget, year_from, year_to,
    status, responsible. Problems raise PlanFileError."""
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    sheet = next((ws for ws in wb.worksheets if _norm(ws.title) in PROJECT_SHEETS), None)
    if sheet is None:
        return []
    grid = [list(r) for r in sheet.iter_rows(values_only=True)]
    if not any(any(_cell_text(c) for c in r) for r in grid):
        return []
    header, cols, labels = _find_header(grid, PROJECT_ROLES, ("name", "goal"))
    label = {r: labels[j] for r, j in cols.items()}
    out, problems = [], []
    for n, r in _grid_rows(grid, header):
        def cell(role):
            j = cols.get(role)
            return r[j] if j is not None and j < len(r) else None
        rec = {"row": n, "name": _cell_text(cell("name")), "goal": _cell_text(cell("goal")),
               "responsible": _cell_text(cell("responsible"))}
        if not rec["name"]:
            problems.append(Problem("plan_missing_value", row=n, column=label["name"], detail="projects"))
        v, p = _number(cell("budget"), decimal)
        if p:
            problems.append(Problem(p, row=n, column=label.get("budget", "budget"), value=_cell_text(cell("budget"))))
        rec["budget"] = v
        for role in ("year_from", "year_to"):
            c = cell(role)
            if _cell_text(c) == "":
                rec[role] = None
                continue
            y, p = _year(c)
            if p:
                problems.append(Problem(p, row=n, column=label.get(role, role), value=_cell_text(c)))
            rec[role] = y
        st = _norm(cell("status")) or "planowane"
        if st not in PROJECT_STATUS_WORDS:
            problems.append(Problem("plan_bad_status", row=n, column=label.get("status", "status"),
                                    value=_cell_text(cell("status"))))
        rec["status"] = PROJECT_STATUS_WORDS.get(st, "planned")
        out.append(rec)
    if problems:
        raise PlanFileError(problems)
    return out


# ------------------------------------------------------------------------------------------------
# Rows -> a checked plan
# ------------------------------------------------------------------------------------------------

def match_indicator(text: str, indicators: dict) -> str | None:
    """An indicator id from its id or its exact Polish/English name (case-insensitive)."""
    if text in indicators:
        return text
    key = _norm(text)
    for ind in indicators.values():
        if key in (_norm(ind.id), _norm(ind.name_pl), _norm(ind.name_en)):
            return ind.id
    return None


def build_plan(parsed: ParsedPlan, *, name: str, subject: str, indicators: dict, series_of,
               subject_codes: set[str] | None = None, adopted: int | None = None) -> D.Plan:
    """The plan described by ``parsed`` for ``subject``, every rule checked. ``series_of(indicator)``
    returns the subject's (year, value) frame (for baselines left empty). ``subject_codes``: the codes a
    ``teryt`` cell may name for this subject (the unit's 7- and 6-digit code)."""
    problems: list[Problem] = list(parsed.problems)
    col = parsed.columns
    goals: dict[tuple[str, str], str] = {}
    strat_ids: dict[str, str] = {}
    targets: list[D.Target] = []
    seen: dict[tuple, int] = {}
    for r in parsed.rows:
        def flag(code, role, value="", detail=""):
            problems.append(Problem(code, row=r.row, column=col.get(role, role), value=str(value)[:80],
                                    detail=str(detail)))
        if r.teryt and subject_codes is not None and r.teryt not in subject_codes:
            flag("plan_unknown_unit", "teryt", r.teryt)
            continue
        ind = match_indicator(r.indicator, indicators)
        if ind is None:
            flag("plan_unknown_indicator", "indicator", r.indicator)
            continue
        baseline, from_store = r.baseline, False
        if baseline is None:
            s = series_of(ind)
            hit = s.loc[(s["year"] == r.baseline_year) & s["value"].notna(), "value"] if not s.empty else s
            if len(hit) == 0:
                flag("plan_no_baseline_in_store", "baseline", r.baseline_year)
                continue
            baseline, from_store = float(hit.iloc[0]), True
        if r.strategic not in strat_ids:
            strat_ids[r.strategic] = str(len(strat_ids) + 1)
            goals[(r.strategic, "")] = strat_ids[r.strategic]
        gid = strat_ids[r.strategic]
        if r.operational:
            if (r.strategic, r.operational) not in goals:
                n_ops = sum(1 for (s_, o) in goals if s_ == r.strategic and o)
                goals[(r.strategic, r.operational)] = f"{gid}.{n_ops + 1}"
            gid = goals[(r.strategic, r.operational)]
        t = D.Target(goal=gid, indicator=ind, baseline_year=r.baseline_year, baseline=baseline,
                     target_year=r.target_year, target=r.target, milestones=r.milestones,
                     baseline_from_store=from_store)
        try:
            D.check_target(t)
        except D.PlanError as exc:
            role = {"target_year_not_after_baseline": "target_year", "target_equals_baseline": "target",
                    "milestone_outside_period": "milestones", "milestone_duplicate_year": "milestones"
                    }.get(exc.code, "target")
            value = {"target_year": r.target_year, "target": r.target}.get(role, "")
            flag("plan_" + exc.code, role, value, detail=r.baseline_year if role == "target_year" else
                 (baseline if role == "target" else ""))
            continue
        key = D.target_key(t)
        if key in seen:
            flag("plan_duplicate_target", "indicator", r.indicator, detail=seen[key])
            continue
        seen[key] = r.row
        targets.append(t)
    goal_list = tuple(D.Goal(gid, (o or s)) for (s, o), gid in goals.items())
    projects = []
    for p in parsed.projects:
        gid = p["goal"] if p["goal"] in goals.values() else next(
            (g for (s, o), g in goals.items() if _norm(o or s) == _norm(p["goal"])), None)
        if gid is None:
            problems.append(Problem("plan_unknown_goal", row=p["row"], column="cel", value=p["goal"][:80],
                                    detail="projects"))
            continue
        projects.append(D.Project(name=p["name"], goal=gid, budget=p["budget"], year_from=p["year_from"],
                                  year_to=p["year_to"], status=p["status"], responsible=p["responsible"]))
    if problems:
        raise PlanFileError(sorted(problems, key=lambda p: (p.row or 0, p.column)))
    plan = D.Plan(name=name, subject=subject, goals=tuple(sorted(goal_list, key=lambda g: _goal_sort(g.id))),
                  targets=tuple(targets), projects=tuple(projects), adopted=adopted)
    D.check_plan(plan)
    return plan


def _goal_sort(gid: str) -> tuple[int, ...]:
    return tuple(int(x) for x in gid.split("."))


def rows_frame(parsed: ParsedPlan) -> pd.DataFrame:
    return pd.DataFrame([r.__dict__ for r in parsed.rows])
