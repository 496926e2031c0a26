"""TEMPORARY chart builders for reports — placeholders until the profile branch lands.

To be replaced by the pure builders in components/charts.py (profile branch); the report model
(reports.model.ChartItem) only needs a plotly figure, so swapping them changes nothing else.
Pure, keyword-only: DataFrame in -> go.Figure out. Styled for print and projection: no
interactive chrome, large type, Polish/English number separators, the shared role colours.
"""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from domain.palettes import ROLE_COLOURS

FONT = "DejaVu Sans, Arial, sans-serif"
SEPARATORS = {"pl": ", ", "en": ".,"}  # plotly: decimal mark, then thousands separator


def base_layout(lang: str, *, height: int = 420) -> dict:
    return dict(font=dict(family=FONT, size=14, color="#222222"), separators=SEPARATORS.get(lang, ", "),
                template="simple_white", height=height, margin=dict(l=10, r=20, t=30, b=10),
                paper_bgcolor="white", plot_bgcolor="white", showlegend=True,
                legend=dict(orientation="h", yanchor="bottom", y=1.02, x=0, xanchor="left"))


def position_chart(*, rows: pd.DataFrame, unit_name: str, axis_title: str, median_label: str,
                   lang: str) -> go.Figure:
    """Where the unit stands on each indicator: 0 = worst, 100 = best of its level (polarity
    applied). ``rows``: label (indicator name), value_label (value, unit, year), percentile
    (0–100), hover text."""
    rows = rows.iloc[::-1].assign(label=lambda d: d["label"].map(wrap))  # first row on top
    fig = go.Figure()
    fig.add_trace(go.Bar(x=[100] * len(rows), y=rows["label"], orientation="h", marker_color="#F0F0F0",
                         hoverinfo="skip", showlegend=False))
    fig.add_trace(go.Scatter(x=rows["percentile"], y=rows["label"], mode="markers+text", name=unit_name,
                             marker=dict(size=15, color=ROLE_COLOURS["unit"], line=dict(color="white", width=1.5)),
                             text=rows.get("value_label"), textposition=[
                                 "middle left" if p > 55 else "middle right" for p in rows["percentile"]],
                             textfont=dict(size=13, color="#333333"),
                             hovertext=rows.get("hover"), hoverinfo="text"))
    fig.add_vline(x=50, line=dict(color=ROLE_COLOURS["country"], width=1.2, dash="dot"))
    fig.add_annotation(x=50, y=1.0, yref="paper", yanchor="bottom", text=median_label, showarrow=False,
                       font=dict(size=12, color="#444444"))
    fig.update_layout(**base_layout(lang, height=max(300, 46 * len(rows) + 90)), bargap=0.45)
    fig.update_xaxes(range=[-2, 102], title_text=axis_title, dtick=25, showgrid=True, gridcolor="#E5E5E5",
                     title_font=dict(size=13))
    fig.update_yaxes(automargin=True, ticks="")
    fig.update_layout(showlegend=False)
    return fig


def wrap(text: str, width: int = 34) -> str:
    """Break a long label into lines (plotly understands <br>)."""
    words, lines, cur = str(text).split(), [], ""
    for w in words:
        if cur and len(cur) + 1 + len(w) > width:
            lines.append(cur)
            cur = w
        else:
            cur = f"{cur} {w}".strip()
    lines.append(cur)
    return "<br>".join(lines)


def trend_chart(*, series: pd.DataFrame, unit_name: str, y_title: str, lang: str,
                peer_median: pd.DataFrame | None = None, peer_label: str = "", decimals: int = 0) -> go.Figure:
    """The unit's values over time (``series``: year, value), with the peer group's median by year."""
    fig = go.Figure()
    fmt = f",.{max(0, decimals)}f"
    if peer_median is not None and not peer_median.empty:
        fig.add_trace(go.Scatter(x=peer_median["year"], y=peer_median["value"], name=peer_label, mode="lines+markers",
                                 line=dict(color=ROLE_COLOURS["peers"], width=2.5, dash="dash"), legendrank=2,
                                 marker=dict(size=7), hovertemplate=f"%{{x}}: %{{y:{fmt}}}<extra></extra>"))
    fig.add_trace(go.Scatter(x=series["year"], y=series["value"], name=unit_name, mode="lines+markers",
                             line=dict(color=ROLE_COLOURS["unit"], width=3.5), marker=dict(size=9), legendrank=1,
                             hovertemplate=f"%{{x}}: %{{y:{fmt}}}<extra></extra>"))
    years = sorted(set(series["year"]) | (set(peer_median["year"]) if peer_median is not None else set()))
    fig.update_layout(**base_layout(lang))
    fig.update_xaxes(tickmode="array", tickvals=years if len(years) <= 12 else None, tickformat="d",
                     showgrid=False)
    fig.update_yaxes(title_text=y_title, tickformat=",", showgrid=True, gridcolor="#E5E5E5", rangemode="normal")
    return fig
