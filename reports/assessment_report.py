"""The synthetic assessment in the exports (issue 13, item 5): a PDF page, a deck slide, a DOCX
chapter and an XLSX sheet, from reports.assessment_context (the method: domain.assessment).

``summary(ac)`` turns an AssessmentContext into plain frozen data the renderers read:
  * ``overall``: the headline sentence — the overall score (0–100, percentile rank within the
    group: 100 = best of the group, 50 ≈ its median; not a share of anything), the rank in the
    group and its 5th–95th-percentile uncertainty interval, and the dynamics score;
  * ``narrative``: neutral sentences — the dimensions' scores, the sub-areas that pull the unit up
    (score ≥ 50, highest first) and down (< 50, lowest first), how many nodes have no data;
  * ``header``/``rows``: the dimensions and areas (score, rank of n, interval, dynamics);
  * ``figure``: the /ocena page's bar chart of the dimensions and areas with the group's median
    (presentation.assessment.bars_figure; its narrative paragraph is reused too);
  * ``table``: every node's row (domain.assessment.COLUMNS, headers in the language) with the
    leaves' normalised inputs — the XLSX sheet.
No Streamlit here.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from domain import assessment as AS
from presentation import assessment as PA
from i18n import fmt_num, t

SHOWN_KINDS = ("overall", "dimension", "area")


@dataclass(frozen=True)
class AssessmentSummary:
    title: str
    overall: str  # one sentence: score, rank with interval, dynamics
    narrative: tuple[str, ...]
    method: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    kinds: tuple[str, ...]  # kind of each row (overall | dimension | area)
    pulls_up: tuple[str, ...]
    pulls_down: tuple[str, ...]
    figure: object  # plotly figure (dimensions and areas)
    figure_caption: str
    sheet_name: str
    table: pd.DataFrame  # every node, numbers stay numbers
    score: float | None = None
    rank: int | None = None
    group_size: int | None = None
    rank_low: int | None = None
    rank_high: int | None = None

    # the DOCX draft's chapter (reports.docx.Extras protocol)
    def docx_paragraphs(self, lang: str) -> list[str]:
        return [self.overall, *self.narrative, self.method]

    def docx_table(self, lang: str):
        return self.header, self.rows


def _num(x) -> float | None:
    return None if x is None or pd.isna(x) else float(x)


def _int(x) -> int | None:
    return None if x is None or pd.isna(x) else int(x)


def score_text(x, lang: str) -> str:
    return "–" if _num(x) is None else fmt_num(float(x), 0, lang)


def dynamics_text(x, lang: str) -> str:
    """"47 na 100" or "brak danych" (a sentence never shows a bare dash)."""
    if _num(x) is None:
        return t("assess_report.no_data", lang)
    return t("assess_report.of_100", lang, score=fmt_num(float(x), 0, lang))


def interval_text(lo, hi, lang: str) -> str:
    if _int(lo) is None or _int(hi) is None:
        return "–"
    return f"{int(lo)}–{int(hi)}" if int(lo) != int(hi) else str(int(lo))


def node_table(ac, lang: str) -> pd.DataFrame:
    """Every node (domain.assessment.COLUMNS) plus each leaf's normalised input, headers in ``lang``."""
    f = ac.frame.copy()
    leaf = f["kind"] == "indicator"
    f.insert(f.columns.get_loc("score") + 1, "normalised", np.where(leaf, f["score"], np.nan))
    f["kind"] = [t(f"assess_report.kind.{k}", lang) for k in f["kind"]]
    f["score"] = pd.to_numeric(f["score"], errors="coerce").round(1)
    f["normalised"] = pd.to_numeric(f["normalised"], errors="coerce").round(1)
    f["dynamics"] = pd.to_numeric(f["dynamics"], errors="coerce").round(1)
    f["coverage"] = pd.to_numeric(f["coverage"], errors="coerce").round(3)
    return f.rename(columns={c: t(f"assess_report.col.{c}", lang) for c in f.columns})


def summary(ac) -> AssessmentSummary:
    lang = ac.lang
    ctx, res = ac.ctx, ac.result
    f = ac.frame
    by = f.set_index("node")
    root = ac.tree.root
    r0 = by.loc[root]
    name = ctx.short_name if not ctx.is_area else ctx.label
    n = _int(r0["group_size"]) or len(res.members)
    if _num(r0["score"]) is None:
        overall = t("assess_report.overall_none", lang, name=name)
    else:
        overall = t("assess_report.overall", lang, name=name, score=score_text(r0["score"], lang),
                    rank=int(r0["rank"]), n=n, interval=interval_text(r0["rank_low"], r0["rank_high"], lang),
                    dynamics=dynamics_text(r0["dynamics"], lang))
    narrative = [t("assess_report.what", lang, group=PC_group(ctx))]
    if res.interval is not None:  # the /ocena page's paragraph (it states the rank interval)
        narrative.append(PA.narrative(ac))
    dims = f.loc[f["kind"] == "dimension"]
    dim_parts = [t("assess_report.dim_part", lang, name=d["name"], score=score_text(d["score"], lang),
                   dynamics=dynamics_text(d["dynamics"], lang)) for d in dims.to_dict("records")]
    if dim_parts:
        narrative.append(t("assess_report.dimensions", lang, parts="; ".join(dim_parts)))
    up, down = AS.pulls(res)
    names = dict(zip(f["node"], f["name"]))
    scores = dict(zip(f["node"], f["score"]))
    up_t = tuple(f"{names[k]} ({score_text(scores[k], lang)})" for k in up)
    down_t = tuple(f"{names[k]} ({score_text(scores[k], lang)})" for k in down)
    missing = int(f.loc[f["kind"] != "indicator", "score"].isna().sum())
    if missing:
        narrative.append(t("assess_report.missing", lang, n=missing))
    shown = f.loc[f["kind"].isin(SHOWN_KINDS)]
    header = tuple(t(f"assess_report.head.{k}", lang) for k in ("node", "score", "rank", "interval", "dynamics"))
    rows = []
    for r in shown.to_dict("records"):
        label = ("" if r["kind"] in ("overall", "dimension") else "– ") + str(r["name"])
        rank = f"{int(r['rank'])} / {int(r['group_size'])}" if _int(r["rank"]) and _int(r["group_size"]) else "–"
        rows.append((label, score_text(r["score"], lang), rank, interval_text(r["rank_low"], r["rank_high"], lang),
                     score_text(r["dynamics"], lang)))
    return AssessmentSummary(
        title=t("assess_report.title", lang, name=name), overall=overall, narrative=tuple(narrative),
        method=t("assess_report.method", lang), header=header, rows=tuple(rows), kinds=tuple(shown["kind"]),
        pulls_up=up_t, pulls_down=down_t, figure=PA.bars_figure(ac),
        figure_caption=t("assess_report.figure_caption", lang), sheet_name=t("assess_report.sheet", lang),
        table=node_table(ac, lang), score=_num(r0["score"]), rank=_int(r0["rank"]), group_size=n,
        rank_low=_int(r0["rank_low"]), rank_high=_int(r0["rank_high"]))


def PC_group(ctx) -> str:
    from presentation.profile_context import group_text

    return group_text(ctx)


def build(src, *, lang: str, code: str | None = None, area: tuple[str, ...] = (), peers: str | None = None,
          interval: bool = True, inputs=None) -> AssessmentSummary | None:
    """The assessment summary of a unit or area, or None where the tree cannot be assessed (a store
    without the tree's indicators, Poland as a whole). ``inputs``: the level's leaf values
    (reports.assessment_context.level_inputs) when many units of one level are assessed."""
    from reports import assessment_context as AC

    if len(area) < 2 and code in (None, "PL"):
        return None  # Poland has no comparison group
    try:
        ac = AC.gather(src, code, peers, lang, area=area, interval=interval, inputs=inputs)
    except AS.TreeError:  # a store built before the tree's derived indicators existed
        return None
    return summary(ac)


__all__ = ["AssessmentSummary", "build", "node_table", "summary"]
