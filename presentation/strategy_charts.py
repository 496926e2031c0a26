"""Figures and texts of the /strategia page (issue 14): one chart per target — the actual series,
the planned path (baseline → milestones → target), the milestones, the target and the peers'
median path from the unit's baseline. Pure: frames in, figure/text out; labels come translated.

Colours (Okabe–Ito, colour-blind safe, each also told apart by line style or marker): actual
series vermillion solid with dots; planned path black dashed; milestones black open diamonds;
target black star; peers' median path blue dotted.
"""
from __future__ import annotations

import html

import pandas as pd

from domain import strategy as D
from domain.palettes import ROLE_COLOURS, text_colour_on
from i18n import fmt_num, t
from i18n import unit_after as i18n_unit_after
from presentation.charts import _figure, _tickformat

PLAN_COLOUR = "#000000"


def target_figure(tp, *, name: str, unit: str, decimals: int, lang: str, subject: str, height: int = 360):
    """The chart of one target (``tp``: reports.strategy.TargetProgress)."""
    tg = tp.target
    s = tp.series.loc[tp.series["year"] >= tg.baseline_year - 5] if not tp.series.empty else tp.series
    path = D.planned_path(tg)
    hover = "%{x}: %{y:,." + str(decimals) + "f} " + unit.replace("%", "%%") + "<extra>%{fullData.name}</extra>"
    data = [
        {"type": "scatter", "mode": "lines", "name": t("strategy.chart.planned", lang),
         "x": [p[0] for p in path], "y": [p[1] for p in path],
         "line": {"color": PLAN_COLOUR, "dash": "dash", "width": 2}, "hovertemplate": hover},
    ]
    if tg.milestones:
        data.append({"type": "scatter", "mode": "markers", "name": t("strategy.chart.milestones", lang),
                     "x": [m.year for m in tg.milestones], "y": [m.value for m in tg.milestones],
                     "marker": {"symbol": "diamond-open", "size": 12, "color": PLAN_COLOUR, "line": {"width": 2}},
                     "hovertemplate": hover})
    data.append({"type": "scatter", "mode": "markers", "name": t("strategy.chart.target", lang),
                 "x": [tg.target_year], "y": [tg.target],
                 "marker": {"symbol": "star", "size": 16, "color": PLAN_COLOUR}, "hovertemplate": hover})
    if not tp.peer_path.empty:
        data.append({"type": "scatter", "mode": "lines+markers", "name": t("strategy.chart.peers", lang),
                     "x": tp.peer_path["year"].tolist(), "y": tp.peer_path["value"].tolist(),
                     "line": {"color": ROLE_COLOURS["peers"], "dash": "dot", "width": 2},
                     "marker": {"size": 6, "color": ROLE_COLOURS["peers"]}, "hovertemplate": hover})
    if not s.empty:
        data.append({"type": "scatter", "mode": "lines+markers", "name": subject,
                     "x": s["year"].tolist(), "y": s["value"].tolist(),
                     "line": {"color": ROLE_COLOURS["unit"], "width": 3},
                     "marker": {"size": 8, "color": ROLE_COLOURS["unit"]}, "hovertemplate": hover})
    layout = {"xaxis": {"title": {"text": t("strategy.chart.year", lang)}, "tickformat": "d", "nticks": 7, "tickangle": 0},
              "yaxis": {"title": {"text": unit}, "tickformat": _tickformat(decimals)},
              "legend": {"orientation": "h", "yanchor": "top", "y": -0.22, "x": 0, "xanchor": "left"},
              "margin": {"l": 10, "r": 10, "t": 40, "b": 10}}
    return _figure(data, layout, lang=lang, height=height, title=name)


def unit_after(value: float | None, unit: str, lang: str) -> str:
    """The unit as written after ``value``: the catalogue's "osoby" takes the Polish plural form
    (1 osoba, 2–4 osoby except 12–14, else osób; a fraction: osoby); the one rule of
    ``i18n.plurals`` (also "osoby na km²", "rodziny"); other units unchanged."""
    if value is None or value != value:
        return unit
    return i18n_unit_after(value, unit, lang, keep_count_word=True)


def target_summary(tp, *, name: str, unit: str, decimals: int, lang: str) -> str:
    """One sentence: where the target stands, and what similar units did over the same years."""
    p, tg = tp.progress, tp.target
    def val(x):  # the number and its unit, e.g. "16 815 osób"
        return f"{fmt_num(x, decimals, lang)} {unit_after(round(x, decimals), unit, lang)}".strip()

    base = dict(name=name, status=t(f"strategy.status.{p.status}", lang), baseline=val(tg.baseline),
                baseline_year=tg.baseline_year, target=val(tg.target), target_year=tg.target_year)
    if p.latest is None:
        return t("strategy.sentence.no_data", lang, **base)
    text = t("strategy.sentence.main", lang, latest=val(p.latest), latest_year=p.latest_year,
             progress=fmt_num(round(p.progress * 100) + 0.0, 0, lang),
             expected=fmt_num(round(p.expected * 100) + 0.0, 0, lang), **base)
    if p.own_change is not None and p.peer_change is not None:
        text += " " + t("strategy.sentence.peers", lang, own=fmt_num(p.own_change, 1, lang, signed=True),
                        peers=fmt_num(p.peer_change, 1, lang, signed=True), n=fmt_num(p.peer_n, 0, lang),
                        y0=tg.baseline_year, y1=p.latest_year)
    return text


def chart_data(tp, *, lang: str, subject: str) -> pd.DataFrame:
    """The numbers behind a target's chart, by year (formatted text: the table is for reading)."""
    tg = tp.target
    years = sorted({int(y) for y in tp.series["year"] if y >= tg.baseline_year} | {tg.baseline_year, tg.target_year}
                   | {m.year for m in tg.milestones} | {int(y) for y in tp.peer_path["year"]})
    own = dict(zip(tp.series["year"].astype(int), tp.series["value"]))
    peer = dict(zip(tp.peer_path["year"].astype(int), tp.peer_path["value"])) if not tp.peer_path.empty else {}
    return pd.DataFrame({
        t("strategy.chart.year", lang): [str(y) for y in years],
        subject: [fmt_num(own.get(y), 2, lang) for y in years],
        t("strategy.chart.planned", lang): [fmt_num(D.planned_value(tg, y), 2, lang) if y <= tg.target_year else "–"
                                            for y in years],
        t("strategy.chart.peers", lang): [fmt_num(peer.get(y), 2, lang) for y in years],
    })


def badge_html(status: str, lang: str) -> str:
    """A status chip: colour, symbol and words (never colour alone); text black or white by contrast."""
    bg = D.STATUS_COLOURS[status]
    fg = text_colour_on(bg)
    label = html.escape(t(f"strategy.status.{status}", lang))
    return (f'<span style="background:{bg};color:{fg};padding:1px 8px;border-radius:10px;'
            f'white-space:nowrap;font-size:0.9em">{D.STATUS_SYMBOLS[status]} {label}</span>')


__all__ = ["target_figure", "target_summary", "unit_after", "chart_data", "badge_html", "PLAN_COLOUR"]
