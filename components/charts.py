"""Pure, keyword-only plotly figure builders for the profile and comparison pages.

DataFrame in -> go.Figure out; no Streamlit, no data access, no translation: every text (legend
names, axis titles, hover labels) is passed in already translated and numbers already formatted
where they are shown as text, so the builders are testable on their own. Colours follow
domain.palettes.ROLE_COLOURS (selected unit vermillion, peers blue, województwo green, Poland
black, everything else grey — Okabe–Ito, colour-blind safe). Captions (source, years, peer group)
are written under each chart by the caller.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from domain.palettes import OKABE_ITO, ROLE_COLOURS

FONT = "Source Sans Pro, Arial, sans-serif"
SEPARATORS = {"pl": ",\u00a0", "en": ".,"}


def _rgba(hex_colour: str, alpha: float) -> str:
    h = hex_colour.lstrip("#")
    r, g, b = (int(h[i:i + 2], 16) for i in (0, 2, 4))
    return f"rgba({r},{g},{b},{alpha})"


def _layout(fig: go.Figure, *, lang: str, height: int, title: str | None = None, legend: bool = True) -> go.Figure:
    fig.update_layout(
        template="plotly_white", height=height, separators=SEPARATORS.get(lang, SEPARATORS["pl"]),
        font={"family": FONT, "size": 14}, margin={"l": 10, "r": 10, "t": 50 if title else 20, "b": 10},
        title={"text": title, "x": 0, "xanchor": "left", "font": {"size": 16}} if title else None,
        showlegend=legend, hoverlabel={"font_size": 13},
        legend={"orientation": "h", "yanchor": "top", "y": -0.12, "x": 0, "xanchor": "left"})
    return fig


def _tickformat(decimals: int) -> str:
    return f",.{max(0, int(decimals))}f"


def _full_years(frame: pd.DataFrame, years: list[int], cols: list[str]) -> pd.DataFrame:
    """Reindex to every year so that lines break across years without data (no invented trend)."""
    f = frame.set_index("year").reindex(years)
    return f[cols].reset_index()


# --------------------------------------------------------------------------------------------
def time_series_figure(*, unit: pd.DataFrame, band: pd.DataFrame, region: pd.DataFrame | None,
                       country: pd.DataFrame | None, names: dict[str, str], y_title: str, decimals: int,
                       lang: str, fmt, title: str | None = None, height: int = 420) -> go.Figure:
    """The unit against its peers' median and inter-quartile band, its województwo and Poland.

    Frames: ``unit``/``region``/``country`` [year, value]; ``band`` [year, q1, median, q3, n].
    ``names``: unit, median, band, region, country (legend labels; region/country may be absent).
    ``fmt(value) -> str`` formats hover numbers (Polish/English).
    """
    frames = [f for f in (unit, band, region, country) if f is not None and not f.empty]
    years = sorted({int(y) for f in frames for y in f["year"]})
    if years:
        years = list(range(min(years), max(years) + 1))
    fig = go.Figure()
    if band is not None and not band.empty:
        b = _full_years(band, years, ["q1", "median", "q3", "n"])
        fig.add_trace(go.Scatter(x=b["year"], y=b["q3"], mode="lines", line={"width": 0}, hoverinfo="skip",
                                 showlegend=False, connectgaps=False))
        fig.add_trace(go.Scatter(
            x=b["year"], y=b["q1"], mode="lines", line={"width": 0}, fill="tonexty",
            fillcolor=_rgba(ROLE_COLOURS["peers"], 0.18), name=names["band"], connectgaps=False,
            text=[f"{fmt(lo)} – {fmt(hi)}" if pd.notna(lo) else "" for lo, hi in zip(b["q1"], b["q3"])],
            hovertemplate="%{x}: %{text}<extra>" + names["band"] + "</extra>"))
        fig.add_trace(go.Scatter(
            x=b["year"], y=b["median"], mode="lines+markers", name=names["median"], connectgaps=False,
            line={"color": ROLE_COLOURS["peers"], "dash": "dash", "width": 2}, marker={"size": 6},
            text=[fmt(v) for v in b["median"]], customdata=b["n"],
            hovertemplate="%{x}: %{text} (n = %{customdata})<extra>" + names["median"] + "</extra>"))
    for key, frame, colour, dash, width in (("country", country, ROLE_COLOURS["country"], "dot", 2),
                                            ("region", region, ROLE_COLOURS["region"], "dashdot", 2),
                                            ("unit", unit, ROLE_COLOURS["unit"], "solid", 3.5)):
        if frame is None or frame.empty or key not in names:
            continue
        f = _full_years(frame, years, ["value"])
        fig.add_trace(go.Scatter(
            x=f["year"], y=f["value"], mode="lines+markers", name=names[key], connectgaps=False,
            line={"color": colour, "dash": dash, "width": width},
            marker={"size": 9 if key == "unit" else 6, "color": colour,
                    "symbol": {"unit": "circle", "region": "diamond", "country": "square"}[key]},
            text=[fmt(v) for v in f["value"]], hovertemplate="%{x}: %{text}<extra>" + names[key] + "</extra>"))
    fig.update_xaxes(dtick=1 if len(years) <= 16 else 2, tickformat="d", title=None)
    fig.update_yaxes(title=y_title, tickformat=_tickformat(decimals), zeroline=False)
    return _layout(fig, lang=lang, height=height, title=title)


# --------------------------------------------------------------------------------------------
def ranking_window(order: list[str], unit: str | None, *, head: int = 5, around: int = 7, tail: int = 5,
                   max_full: int = 40) -> list[str]:
    """Codes to show in a ranking of ``order`` (best first): all of them up to ``max_full``,
    otherwise the first ``head``, the last ``tail`` and ``around`` on each side of the unit."""
    if len(order) <= max_full:
        return list(order)
    keep = set(order[:head]) | set(order[-tail:])
    if unit in order:
        i = order.index(unit)
        keep |= set(order[max(0, i - around): i + around + 1])
    return [c for c in order if c in keep]


def ranking_figure(*, frame: pd.DataFrame, unit: str | None, median: float | None, median_label: str,
                   x_title: str, decimals: int, lang: str, gap_label: str = "…", title: str | None = None
                   ) -> go.Figure:
    """Horizontal bars, best at the top. ``frame``: code, label, value, rank, text (formatted value),
    ordered best first and already windowed (see ranking_window); a row without a code is a gap."""
    f = frame.reset_index(drop=True)
    ylabels = [f"{int(r)}. {lab}" if isinstance(c, str) else gap_label * (i + 1)
               for i, (c, r, lab) in enumerate(zip(f["code"], f["rank"], f["label"]))]
    colours = [ROLE_COLOURS["unit"] if c == unit else ROLE_COLOURS["peers"] for c in f["code"]]
    fig = go.Figure(go.Bar(
        x=f["value"], y=ylabels, orientation="h", marker={"color": colours}, text=f["text"],
        textposition="outside", cliponaxis=False, hovertemplate="%{y}: %{text}<extra></extra>",
        showlegend=False))
    if median is not None and np.isfinite(median):
        fig.add_vline(x=median, line={"color": ROLE_COLOURS["country"], "dash": "dash", "width": 1.5},
                      annotation_text=median_label, annotation_position="top")
    fig.update_yaxes(autorange="reversed", title=None, type="category")
    fig.update_xaxes(title=x_title, tickformat=_tickformat(decimals))
    height = max(260, 28 * len(f) + 90)
    return _layout(fig, lang=lang, height=height, title=title, legend=False)


# --------------------------------------------------------------------------------------------
def scatter_figure(*, frame: pd.DataFrame, x_title: str, y_title: str, names: dict[str, str], lang: str,
                   x_log: bool = False, y_log: bool = False, x_decimals: int = 0, y_decimals: int = 0,
                   title: str | None = None, height: int = 520) -> go.Figure:
    """Two indicators for every unit of the level: others grey, peers blue, the unit vermillion and
    labelled. ``frame``: code, label, x, y, role (unit | peer | other), x_text, y_text."""
    fig = go.Figure()
    styles = {"other": (ROLE_COLOURS["other"], 6, 0.55), "peer": (ROLE_COLOURS["peers"], 10, 0.9),
              "unit": (ROLE_COLOURS["unit"], 16, 1.0)}
    for role in ("other", "peer", "unit"):
        f = frame.loc[frame["role"] == role]
        if f.empty or role not in names:
            continue
        colour, size, opacity = styles[role]
        fig.add_trace(go.Scatter(
            x=f["x"], y=f["y"], mode="markers+text" if role == "unit" else "markers", name=names[role],
            marker={"color": colour, "size": size, "opacity": opacity,
                    "line": {"width": 1.5 if role == "unit" else 0.5, "color": "#000000" if role == "unit" else "#FFFFFF"},
                    "symbol": "diamond" if role == "unit" else "circle"},
            text=f["label"] if role == "unit" else None, textposition="top center",
            textfont={"size": 14, "color": ROLE_COLOURS["unit"]},
            customdata=np.stack([f["label"], f["x_text"], f["y_text"]], axis=-1),
            hovertemplate="<b>%{customdata[0]}</b><br>" + x_title + ": %{customdata[1]}<br>" + y_title
                          + ": %{customdata[2]}<extra></extra>"))
    fig.update_xaxes(title=x_title, type="log" if x_log else "linear",
                     tickformat=None if x_log else _tickformat(x_decimals))
    fig.update_yaxes(title=y_title, type="log" if y_log else "linear",
                     tickformat=None if y_log else _tickformat(y_decimals))
    return _layout(fig, lang=lang, height=height, title=title)


# --------------------------------------------------------------------------------------------
def distribution_figure(*, groups: list[tuple[str, pd.Series, pd.Series]], unit_value: float | None,
                        unit_label: str, x_title: str, decimals: int, lang: str, fmt,
                        title: str | None = None, height: int = 360) -> go.Figure:
    """Horizontal box + points per group (e.g. all units of the level, the peer group) with the unit
    marked by a vermillion line. ``groups``: (name, values, labels) with values/labels aligned."""
    fig = go.Figure()
    for i, (name, values, labels) in enumerate(groups):
        v = values.dropna()
        lab = labels.reindex(v.index)
        colour = ROLE_COLOURS["other"] if i == 0 and len(groups) > 1 else ROLE_COLOURS["peers"]
        fig.add_trace(go.Box(
            x=v, name=name, orientation="h", boxpoints="all" if len(v) <= 600 else "outliers", jitter=0.5,
            pointpos=0, marker={"color": colour, "size": 5, "opacity": 0.6}, line={"color": colour},
            fillcolor=_rgba(colour, 0.15), text=[f"{a}: {fmt(b)}" for a, b in zip(lab, v)],
            hoverinfo="text", hoveron="points", showlegend=False, boxmean=False))
    if unit_value is not None and np.isfinite(unit_value):
        fig.add_vline(x=unit_value, line={"color": ROLE_COLOURS["unit"], "width": 3},
                      annotation_text=f"{unit_label}: {fmt(unit_value)}", annotation_position="top",
                      annotation_font={"color": ROLE_COLOURS["unit"], "size": 14})
    fig.update_xaxes(title=x_title, tickformat=_tickformat(decimals))
    fig.update_yaxes(title=None)
    return _layout(fig, lang=lang, height=height + 40 * max(0, len(groups) - 2), title=title, legend=False)


# --------------------------------------------------------------------------------------------
def quadrant_figure(*, frame: pd.DataFrame, x_median: float, y_median: float, x_title: str, y_title: str,
                    names: dict[str, str], corners: dict[str, str], lang: str, x_decimals: int = 0,
                    y_decimals: int = 0, title: str | None = None, height: int = 520) -> go.Figure:
    """Level (x) × change (y) of the unit and its peers, split at the peers' medians.

    ``frame``: code, label, level, change, role (unit | peer), level_text, change_text. ``corners``:
    texts for the quadrants tr, tl, br, bl (e.g. "above the median, rising faster")."""
    fig = go.Figure()
    for role, colour, size in (("peer", ROLE_COLOURS["peers"], 10), ("unit", ROLE_COLOURS["unit"], 18)):
        f = frame.loc[frame["role"] == role]
        if f.empty:
            continue
        fig.add_trace(go.Scatter(
            x=f["level"], y=f["change"], mode="markers+text" if role == "unit" else "markers", name=names[role],
            marker={"color": colour, "size": size, "symbol": "diamond" if role == "unit" else "circle",
                    "line": {"width": 1.5 if role == "unit" else 0.5, "color": "#000000" if role == "unit" else "#FFFFFF"}},
            text=f["label"] if role == "unit" else None, textposition="top center",
            textfont={"size": 14, "color": ROLE_COLOURS["unit"]},
            customdata=np.stack([f["label"], f["level_text"], f["change_text"]], axis=-1),
            hovertemplate="<b>%{customdata[0]}</b><br>" + x_title + ": %{customdata[1]}<br>" + y_title
                          + ": %{customdata[2]}<extra></extra>"))
    line = {"color": "#666666", "dash": "dash", "width": 1}
    if np.isfinite(x_median):
        fig.add_vline(x=x_median, line=line)
    if np.isfinite(y_median):
        fig.add_hline(y=y_median, line=line)
    pos = {"tr": (0.99, 0.99, "right", "top"), "tl": (0.01, 0.99, "left", "top"),
           "br": (0.99, 0.01, "right", "bottom"), "bl": (0.01, 0.01, "left", "bottom")}
    for key, text in corners.items():
        x, y, xa, ya = pos[key]
        fig.add_annotation(x=x, y=y, xref="paper", yref="paper", xanchor=xa, yanchor=ya, text=text,
                           showarrow=False, font={"size": 12, "color": "#555555"},
                           bgcolor="rgba(255,255,255,0.8)")
    fig.update_xaxes(title=x_title, tickformat=_tickformat(x_decimals))
    fig.update_yaxes(title=y_title, tickformat=_tickformat(y_decimals), zeroline=True, zerolinecolor="#BBBBBB")
    return _layout(fig, lang=lang, height=height, title=title)


# --------------------------------------------------------------------------------------------
def age_structure_figure(*, frame: pd.DataFrame, names: dict[str, str], y_title: str, lang: str, fmt_count,
                         fmt_pct, title: str | None = None, height: int = 420) -> go.Figure:
    """Stacked 100 % bars of the economic age groups per year (years without data are left blank).

    ``frame``: year, pre, working, post (counts) and pre_pct, working_pct, post_pct."""
    fig = go.Figure()
    colours = {"pre": OKABE_ITO[4], "working": OKABE_ITO[0], "post": OKABE_ITO[1]}
    for key in ("pre", "working", "post"):
        fig.add_trace(go.Bar(
            x=frame["year"], y=frame[key + "_pct"], name=names[key], marker={"color": colours[key]},
            text=[fmt_pct(v) for v in frame[key + "_pct"]], textposition="inside", insidetextanchor="middle",
            customdata=[fmt_count(v) for v in frame[key]],
            hovertemplate="%{x}: %{text} (%{customdata})<extra>" + names[key] + "</extra>"))
    fig.update_layout(barmode="stack", legend_traceorder="normal")
    fig.update_xaxes(tickformat="d", dtick=1, title=None)
    fig.update_yaxes(title=y_title, range=[0, 100], ticksuffix=" %" if lang == "pl" else "%")
    return _layout(fig, lang=lang, height=height, title=title)
