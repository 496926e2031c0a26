"""A strategy plan's progress (issue 14) from a data source, and its files: the plan file back
(the same columns the import reads) and the filled-in progress table, as CSV or XLSX.

The data source is the profile's (services.profile.source for the app, reports.source.StoreSource
for the command line), so the unit's series and the peer group are exactly the profile's: the
peer group is the profile's ``peers=`` specification, typology by default (an area: powiaty of
similar size). The rule itself is domain.strategy's. No Streamlit here.
"""
from __future__ import annotations

import io
from dataclasses import dataclass, field

import pandas as pd

from presentation import profile_context as PC
from domain import strategy as D
from domain.areas import plural_form
from domain.profile import series as unit_series
from i18n import fmt_num, has, t
from reports.cells import number_text
from reports.csv import build_csv, separators
from reports.xlsx import _workbook, _Writer

STATUS_HEADER = ["goal", "indicator", "baseline_year", "baseline", "target_year", "target", "latest_year", "latest",
                 "progress", "elapsed", "status", "peer_change"]
SUMMARY_ORDER = ("on_track", "at_risk", "off_track", "achieved", "no_data")


@dataclass
class TargetProgress:
    goal: D.Goal
    progress: D.Progress
    series: pd.DataFrame  # the subject's year, value of the indicator
    peer_path: pd.DataFrame  # year, value, n (domain.strategy.peer_path)

    @property
    def target(self) -> D.Target:
        return self.progress.target


@dataclass
class PlanProgress:
    plan: D.Plan
    lang: str
    subject_label: str
    peer_text: str  # who the peers are (the profile's sentence)
    peer_method: str
    targets: list[TargetProgress] = field(default_factory=list)
    peer_codes: tuple[str, ...] = ()

    @property
    def counts(self) -> dict[str, int]:
        return D.status_counts([tp.progress for tp in self.targets])

    def goal_status(self, goal_id: str) -> str:
        own = [tp.progress for tp in self.targets
               if tp.goal.id == goal_id or tp.goal.id.split(".")[0] == goal_id and "." not in goal_id]
        return D.goal_status(own)


def context(src, plan: D.Plan, lang: str, peers: str | None = None):
    """The profile context of the plan's subject (unit or area) with its peer group."""
    if plan.is_area:
        return PC.build(src, None, peers or "typology", lang, area=tuple(plan.subject.split(",")))
    return PC.build(src, plan.subject, peers or "typology", lang)


def evaluate_plan(src, plan: D.Plan, lang: str, peers: str | None = None) -> PlanProgress:
    ctx = context(src, plan, lang, peers)
    out = PlanProgress(plan=plan, lang=lang, subject_label=ctx.label, peer_text=PC.group_text(ctx),
                       peer_method=ctx.group.method, peer_codes=tuple(ctx.group.codes))
    peers_codes = list(ctx.group.codes)
    for tgt in plan.targets:
        s = unit_series(ctx.values, tgt.indicator)
        peer_wide = None
        if peers_codes and tgt.indicator in ctx.indicators:
            wide, _ = ctx.frame([tgt.indicator])
            if tgt.indicator in wide.columns.get_level_values(0):
                peer_wide = wide[tgt.indicator].reindex(peers_codes)
                peer_wide.columns = [int(c) for c in peer_wide.columns]
        prog = D.evaluate(tgt, s, peer_wide)
        path = D.peer_path(peer_wide, tgt) if peer_wide is not None else pd.DataFrame(columns=["year", "value", "n"])
        out.targets.append(TargetProgress(goal=plan.goal(tgt.goal) or D.Goal(tgt.goal, tgt.goal), progress=prog,
                                          series=s, peer_path=path))
    return out


# ------------------------------------------------------------------------------------------------
# Words
# ------------------------------------------------------------------------------------------------

def status_label(status: str, lang: str) -> str:
    return t(f"strategy.status.{status}", lang)


def status_badge(status: str, lang: str) -> str:
    """Symbol + words: a status never rests on its colour alone."""
    return f"{D.STATUS_SYMBOLS[status]} {status_label(status, lang)}"


def summary_sentence(counts: dict[str, int], lang: str) -> str:
    """"9 celów: 4 na dobrej drodze, 2 zagrożone, 1 poza ścieżką, 1 osiągnięty, 1 bez danych"."""
    n = sum(counts.values())
    head = t(f"strategy.summary.targets_{plural_form(n, lang)}", lang, n=fmt_num(n, 0, lang))
    parts = [t(f"strategy.summary.{s}_{plural_form(counts[s], lang)}", lang, n=fmt_num(counts[s], 0, lang))
             for s in SUMMARY_ORDER if counts.get(s)]
    return head + (": " + ", ".join(parts) if parts else "") + "."


def problem_text(p, lang: str) -> str:
    """A file problem in the user's language: where (row, column) and what."""
    kw = {"value": p.value, "detail": p.detail, "column": p.column, "row": p.row if p.row is not None else "",
          "max_mb": 10}
    key = f"strategy.problem.{p.code}" if has(f"strategy.problem.{p.code}", lang) else f"data.problem.{p.code}"
    what = t(key, lang, **kw) if has(key, lang) else p.code
    where = []
    if p.row:
        where.append(t("data.problem.at_row", lang, row=p.row))
    if p.column:
        where.append(t("data.problem.at_column", lang, column=p.column))
    return (", ".join(where) + ": " if where else "") + what


# ------------------------------------------------------------------------------------------------
# The status table (CLI), the progress table and the plan file (downloads)
# ------------------------------------------------------------------------------------------------

def _num(x, nd: int = 6) -> str:
    if x is None or x != x:
        return ""
    x = round(float(x), nd)
    return str(int(x)) if x.is_integer() else f"{x:.{nd}f}".rstrip("0").rstrip(".")


def status_rows(pp: PlanProgress) -> list[list[str]]:
    """Rows under STATUS_HEADER (plain numbers, point decimals) for ``cli.py plan status``."""
    rows = []
    for tp in pp.targets:
        p, tg = tp.progress, tp.target
        rows.append([f"{tp.goal.id} {tp.goal.name}", tg.indicator, str(tg.baseline_year), _num(tg.baseline),
                     str(tg.target_year), _num(tg.target), "" if p.latest_year is None else str(p.latest_year),
                     _num(p.latest), _num(p.progress, 4), _num(p.elapsed, 4), p.status, _num(p.peer_change, 2)])
    return rows


def progress_frame(pp: PlanProgress, indicators: dict) -> pd.DataFrame:
    """The filled-in progress table in the export's language (numbers stay numbers)."""
    lang = pp.lang
    recs = []
    for tp in pp.targets:
        p, tg = tp.progress, tp.target
        ind = indicators.get(tg.indicator)
        recs.append({
            t("strategy.col.goal_id", lang): tp.goal.id,
            t("strategy.col.goal", lang): tp.goal.name,
            t("strategy.col.indicator", lang): ind.name(lang) if ind else tg.indicator,
            t("strategy.col.unit", lang): (ind.unit_pl if lang == "pl" else ind.unit_en) if ind else "",
            t("strategy.col.baseline_year", lang): tg.baseline_year,
            t("strategy.col.baseline", lang): tg.baseline,
            t("strategy.col.target_year", lang): tg.target_year,
            t("strategy.col.target", lang): tg.target,
            t("strategy.col.latest_year", lang): p.latest_year,
            t("strategy.col.latest", lang): p.latest,
            t("strategy.col.progress", lang): None if p.progress is None else round(p.progress * 100, 1),
            t("strategy.col.elapsed", lang): None if p.elapsed is None else round(p.elapsed * 100, 1),
            t("strategy.col.expected", lang): None if p.expected is None else round(p.expected * 100, 1),
            t("strategy.col.status", lang): status_label(p.status, lang),
            t("strategy.col.own_change", lang): None if p.own_change is None else round(p.own_change, 1),
            t("strategy.col.peer_change", lang): None if p.peer_change is None else round(p.peer_change, 1),
            t("strategy.col.peer_n", lang): p.peer_n if p.peer_change is not None else None,
            t("strategy.col.indicator_id", lang): tg.indicator,
        })
    frame = pd.DataFrame(recs)
    for key in ("latest_year", "peer_n"):
        col = t(f"strategy.col.{key}", lang)
        if col in frame:
            frame[col] = frame[col].astype("Int64")
    return frame


def plan_file_frames(plan: D.Plan, indicators: dict, lang: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(targets, projects) with the import's own headers in ``lang`` — the file an office can edit
    and import again."""
    _, dec = separators(lang)
    recs = []
    for tg in plan.targets:
        g = plan.goal(tg.goal)
        strategic = plan.goal(g.parent) if g and g.parent else g
        ind = indicators.get(tg.indicator)
        recs.append({
            t("strategy.file.strategic", lang): strategic.name if strategic else tg.goal,
            t("strategy.file.operational", lang): g.name if g and g.parent else "",
            t("strategy.file.indicator", lang): tg.indicator,
            t("strategy.file.measure", lang): (ind.unit_pl if lang == "pl" else ind.unit_en) if ind else "",
            t("strategy.file.baseline_year", lang): tg.baseline_year,
            t("strategy.file.baseline", lang): tg.baseline,
            t("strategy.file.target_year", lang): tg.target_year,
            t("strategy.file.target", lang): tg.target,
            t("strategy.file.milestones", lang): "; ".join(f"{m.year}: {number_text(m.value, dec)}"
                                                           for m in tg.milestones),
        })
    targets = pd.DataFrame(recs)
    projects = pd.DataFrame([{
        t("strategy.file.project", lang): p.name, t("strategy.file.project_goal", lang): p.goal,
        t("strategy.file.budget", lang): p.budget, t("strategy.file.year_from", lang): p.year_from,
        t("strategy.file.year_to", lang): p.year_to,
        t("strategy.file.project_status", lang): t(f"strategy.project.{p.status}", lang),
        t("strategy.file.responsible", lang): p.responsible} for p in plan.projects],
        columns=[t(f"strategy.file.{k}", lang) for k in ("project", "project_goal", "budget", "year_from", "year_to",
                                                         "project_status", "responsible")])
    for k in ("year_from", "year_to"):
        projects[t(f"strategy.file.{k}", lang)] = projects[t(f"strategy.file.{k}", lang)].astype("Int64")
    return targets, projects


def _sheets_xlsx(sheets: list[tuple[str, pd.DataFrame]]) -> bytes:
    buf = io.BytesIO()
    wb = _workbook(buf)
    w = _Writer(wb)
    for name, table in sheets:
        ws = wb.add_worksheet(name[:31])
        for c, col in enumerate(table.columns):
            w.cell(ws, 0, c, str(col), bold=True)
            width = max([len(str(col))] + [len(str(v)) for v in table.iloc[:200, c].tolist()])
            ws.set_column(c, c, min(width + 2, 60))
        for r, row in enumerate(table.itertuples(index=False, name=None), start=1):
            for c, v in enumerate(row):
                w.cell(ws, r, c, None if v is pd.NA else v)
        if len(table.columns):
            ws.freeze_panes(1, 0)
    wb.close()
    return buf.getvalue()


def plan_file_bytes(plan: D.Plan, indicators: dict, fmt: str, lang: str) -> bytes:
    """The plan as the import file: XLSX (targets sheet + projects sheet) or CSV (targets only)."""
    targets, projects = plan_file_frames(plan, indicators, lang)
    if fmt == "csv":
        return build_csv(targets, lang=lang)
    return _sheets_xlsx([(t("strategy.file.sheet_targets", lang), targets),
                         (t("strategy.file.sheet_projects", lang), projects)])


def progress_bytes(pp: PlanProgress, indicators: dict, fmt: str) -> bytes:
    frame = progress_frame(pp, indicators)
    if fmt == "csv":
        return build_csv(frame, lang=pp.lang)
    return _sheets_xlsx([(t("strategy.sheet_progress", pp.lang), frame)])


# ------------------------------------------------------------------------------------------------
# The report section (PDF) and sheet (XLSX)
# ------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class StrategySection:
    """What the PDF report says about the subject's plan: plain text (the template escapes it)."""
    title: str
    summary: str
    rule: str
    peers: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]  # formatted cells, one row per target
    statuses: tuple[str, ...]  # status key per row
    colours: tuple[str, ...]  # its colour-blind-safe colour (the chip beside the status words)
    sheet_name: str
    table: pd.DataFrame  # the progress table (numbers stay numbers) for the XLSX sheet


def pct_text(x, lang: str) -> str:
    """A share of the way as a whole percentage ("89 %"; never "-0 %")."""
    return "–" if x is None else fmt_num(round(x * 100) + 0.0, 0, lang) + " %"


def section(pp: PlanProgress, indicators: dict) -> StrategySection:
    lang = pp.lang
    header = tuple(t(f"strategy.col.{k}", lang) for k in ("goal", "indicator", "baseline", "target", "latest",
                                                           "progress", "expected", "status", "own_change",
                                                           "peer_change"))
    rows, statuses = [], []
    for tp in pp.targets:
        p, tg = tp.progress, tp.target
        ind = indicators.get(tg.indicator)
        nd = ind.decimals if ind is not None else 1
        rows.append((f"{tp.goal.id} {tp.goal.name}", ind.name(lang) if ind else tg.indicator,
                     f"{fmt_num(tg.baseline, nd, lang)} ({tg.baseline_year})",
                     f"{fmt_num(tg.target, nd, lang)} ({tg.target_year})",
                     "–" if p.latest is None else f"{fmt_num(p.latest, nd, lang)} ({p.latest_year})",
                     pct_text(p.progress, lang), pct_text(p.expected, lang), status_badge(p.status, lang),
                     "–" if p.own_change is None else fmt_num(p.own_change, 1, lang, signed=True) + " %",
                     "–" if p.peer_change is None else fmt_num(p.peer_change, 1, lang, signed=True) + " %"))
        statuses.append(p.status)
    return StrategySection(
        title=t("strategy.report_title", lang, name=pp.plan.name), summary=summary_sentence(pp.counts, lang),
        rule=t("strategy.rule", lang), peers=t("strategy.peers_line", lang, group=pp.peer_text),
        header=header, rows=tuple(rows), statuses=tuple(statuses),
        colours=tuple(D.STATUS_COLOURS[s] for s in statuses), sheet_name=t("strategy.sheet_progress", lang),
        table=progress_frame(pp, indicators))
