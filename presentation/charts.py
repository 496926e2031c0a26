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

from domain.palettes import OKABE_ITO, ROLE_COLOURS, ROLE_TEXT, text_colour_on

FONT = "Source Sans Pro, Arial, sans-serif"
SEPARATORS = {"pl": ",\u00a0", "en": ".,"}


def _rgba(hex_colour: str, alpha: float) -> str:
    h = hex_colour.lstrip("#")
    r, g, b = (int(h[i:i + 2], 16) for i in (0, 2, 4))
    return f"rgba({r},{g},{b},{alpha})"


def _figure(data: list[dict], layout: dict, *, lang: str, height: int, title: str | None = None,
            legend: bool = True) -> go.Figure:
    """One go.Figure built from plain dicts in a single validation pass (calling add_trace,
    add_vline, update_* one by one costs tens of milliseconds per chart)."""
    grid = {"gridcolor": "#E5E5E5", "zerolinecolor": "#BBBBBB", "automargin": True}
    layout = {**layout, "xaxis": {**grid, **layout.get("xaxis", {})}, "yaxis": {**grid, **layout.get("yaxis", {})}}
    # no named template: applying "plotly_white" costs ~50 ms per figure; Streamlit's theme styles the
    # chart on screen and these plain settings keep exports legible
    base = dict(
        paper_bgcolor="#FFFFFF", plot_bgcolor="#FFFFFF", height=height, separators=SEPARATORS.get(lang, SEPARATORS["pl"]),
        font={"family": FONT, "size": 14}, margin={"l": 10, "r": 10, "t": 50 if title else 20, "b": 10},
        showlegend=legend, hoverlabel={"font_size": 13},
        legend={"orientation": "h", "yanchor": "top", "y": -0.12, "x": 0, "xanchor": "left"})
    if title:
        base["title"] = {"text": title, "x": 0, "xanchor": "left", "font": {"size": 16}}
    for key, value in layout.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            base[key] = {**base[key], **value}
        else:
            base[key] = value
    return go.Figure(data=data, layout=base)


def _vline(x: float, colour: str, *, dash: str = "solid", width: float = 1.5, layer: str = "above") -> dict:
    return {"type": "line", "xref": "x", "yref": "paper", "x0": x, "x1": x, "y0": 0, "y1": 1,
            "line": {"color": colour, "dash": dash, "width": width}, "layer": layer}


def _hline(y: float, colour: str, *, dash: str = "solid", width: float = 1.0) -> dict:
    return {"type": "line", "xref": "paper", "yref": "y", "x0": 0, "x1": 1, "y0": y, "y1": y,
            "line": {"color": colour, "dash": dash, "width": width}}


def _label_at(x: float, text: str, colour: str = "#333333", size: int = 13) -> dict:
    """A label above the plot at data coordinate x (for vertical reference lines)."""
    return {"x": x, "xref": "x", "y": 1, "yref": "paper", "yanchor": "bottom", "text": text, "showarrow": False,
            "font": {"color": colour, "size": size}}


def _tickformat(decimals: int) -> str:
    """Axis ticks with thousands grouped and at most ``decimals`` decimals, trailing zeros trimmed
    ("7 000", "0,5" — not "7 000,00")."""
    return f",.{max(0, int(decimals))}~f"


def log_ticks(values) -> list[float]:
    """Tick values 1-2-5 × 10^k covering the positive ``values`` (a log axis then reads "1 000,
    2 000, 5 000, 10 000" instead of plotly's "1000, 2, 5, 10k")."""
    v = np.asarray(pd.to_numeric(pd.Series(list(values)), errors="coerce"), dtype=float)
    v = v[np.isfinite(v) & (v > 0)]
    if not len(v):
        return []
    lo, hi = int(np.floor(np.log10(v.min()))), int(np.ceil(np.log10(v.max())))
    ticks = [m * 10.0 ** k for k in range(lo, hi + 1) for m in (1, 2, 5)]
    inside = [x for x in ticks if v.min() / 1.5 <= x <= v.max() * 1.5]
    if len(inside) > 10:  # a wide range: powers of ten only
        inside = [x for x in inside if np.isclose(np.log10(x) % 1, 0)]
    return inside


def _log_axis(values) -> dict:
    ticks = log_ticks(values)
    return {"type": "log", "tickmode": "array", "tickvals": ticks, "tickformat": ",~f"} if ticks else {"type": "log"}


def _by_year(frame: pd.DataFrame, years: list[int], col: str) -> np.ndarray:
    """``col`` on every year of ``years`` (NaN where the frame has no row), so that lines break
    across years without data (no invented trend)."""
    m = dict(zip(frame["year"].astype(int).tolist(), frame[col].astype(float).tolist()))
    return np.array([m.get(y, np.nan) for y in years], dtype=float)


def band_polygons(years: list[int], low: np.ndarray, high: np.ndarray, *, half_width: float = 0.2
                  ) -> tuple[list, list]:
    """The band between ``low`` and ``high`` as closed polygons, one per run of consecutive years with
    both values, separated by None (plotly fills each with ``fill="toself"``). A plain
    ``fill="tonexty"`` between two lines joins the runs across missing years into a wrong wedge. A
    year standing alone gets a narrow box (± ``half_width``) so it stays visible."""
    xs: list = []
    ys: list = []
    ok = [bool(np.isfinite(lo) and np.isfinite(hi)) for lo, hi in zip(low, high)]
    i = 0
    while i < len(years):
        if not ok[i]:
            i += 1
            continue
        j = i
        while j + 1 < len(years) and ok[j + 1]:
            j += 1
        if xs:
            xs.append(None)
            ys.append(None)
        if i == j:
            y0 = years[i]
            xs += [y0 - half_width, y0 + half_width, y0 + half_width, y0 - half_width, y0 - half_width]
            ys += [float(high[i]), float(high[i]), float(low[i]), float(low[i]), float(high[i])]
        else:
            seg = list(range(i, j + 1))
            xs += [years[k] for k in seg] + [years[k] for k in reversed(seg)] + [years[i]]
            ys += [float(high[k]) for k in seg] + [float(low[k]) for k in reversed(seg)] + [float(high[i])]
        i = j + 1
    return xs, ys


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
    data: list[dict] = []
    if band is not None and not band.empty:
        q1, med, q3, n = (_by_year(band, years, c) for c in ("q1", "median", "q3", "n"))
        bx, by = band_polygons(years, q1, q3)
        data.append({"type": "scatter", "x": bx, "y": by, "mode": "lines", "line": {"width": 0},
                     "fill": "toself", "fillcolor": _rgba(ROLE_COLOURS["peers"], 0.18), "name": names["band"],
                     "hoverinfo": "skip"})
        has = np.isfinite(q1) & np.isfinite(q3)
        data.append({"type": "scatter", "x": [y for y, ok in zip(years, has) if ok], "y": q1[has].tolist(),
                     "mode": "markers", "marker": {"color": ROLE_COLOURS["peers"], "opacity": 0, "size": 8},
                     "showlegend": False, "text": [f"{fmt(lo)} – {fmt(hi)}" for lo, hi in zip(q1[has], q3[has])],
                     "hovertemplate": "%{x}: %{text}<extra>" + names["band"] + "</extra>"})
        data.append({"type": "scatter", "x": years, "y": med, "mode": "lines+markers",
                     "name": names["median"], "connectgaps": False,
                     "line": {"color": ROLE_COLOURS["peers"], "dash": "dash", "width": 2}, "marker": {"size": 6},
                     "text": [fmt(v) for v in med], "customdata": [None if not np.isfinite(x) else int(x) for x in n],
                     "hovertemplate": "%{x}: %{text} (n = %{customdata})<extra>" + names["median"] + "</extra>"})
    for key, frame, colour, dash, width in (("country", country, ROLE_COLOURS["country"], "dot", 2),
                                            ("region", region, ROLE_COLOURS["region"], "dashdot", 2),
                                            ("unit", unit, ROLE_COLOURS["unit"], "solid", 3.5)):
        if frame is None or frame.empty or key not in names:
            continue
        y = _by_year(frame, years, "value")
        data.append({"type": "scatter", "x": years, "y": y, "mode": "lines+markers",
                     "name": names[key], "connectgaps": False, "line": {"color": colour, "dash": dash, "width": width},
                     "marker": {"size": 9 if key == "unit" else 6, "color": colour,
                                "symbol": {"unit": "circle", "region": "diamond", "country": "square"}[key]},
                     "text": [fmt(v) for v in y],
                     "hovertemplate": "%{x}: %{text}<extra>" + names[key] + "</extra>"})
    layout = {"xaxis": {"dtick": 1 if len(years) <= 16 else 2, "tickformat": "d", "title": {"text": None}},
              "yaxis": {"title": {"text": y_title}, "tickformat": _tickformat(decimals), "zeroline": False}}
    return _figure(data, layout, lang=lang, height=height, title=title)


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
    # gap rows need distinct category labels: pad with zero-width spaces (invisible)
    ylabels = [f"{int(r)}. {lab}" if isinstance(c, str) else gap_label + "\u200b" * i
               for i, (c, r, lab) in enumerate(zip(f["code"], f["rank"], f["label"]))]
    colours = [ROLE_COLOURS["unit"] if c == unit else ROLE_COLOURS["peers"] for c in f["code"]]
    data = [{"type": "bar", "x": f["value"].to_numpy(), "y": ylabels, "orientation": "h", "marker": {"color": colours},
             "text": list(f["text"]), "textposition": "outside", "cliponaxis": False,
             "hovertemplate": "%{y}: %{text}<extra></extra>", "showlegend": False}]
    layout = {"yaxis": {"autorange": "reversed", "title": {"text": None}, "type": "category"},
              "xaxis": {"title": {"text": x_title}, "tickformat": _tickformat(decimals)}}
    vals = pd.to_numeric(f["value"], errors="coerce").dropna()
    if len(vals):  # room for the value labels outside the longest bars (else "7 277," is cut off)
        lo, hi = min(0.0, float(vals.min())), max(0.0, float(vals.max()))
        longest = max((len(str(x)) for x in f["text"]), default=4)
        pad = (hi - lo) * min(0.45, 0.025 * longest + 0.04)
        layout["xaxis"]["range"] = [lo - (pad if lo < 0 else 0), hi + (pad if hi > 0 else 0)]
    if median is not None and np.isfinite(median):
        # under the bars and their value labels, never over the numbers
        layout["shapes"] = [_vline(median, "#555555", dash="dot", layer="below")]
        layout["annotations"] = [_label_at(median, median_label)]
    height = max(260, 28 * len(f) + 90)
    return _figure(data, layout, lang=lang, height=height, title=title, legend=False)


# --------------------------------------------------------------------------------------------
def _points(f: pd.DataFrame, *, name: str, role: str, x: str, y: str, x_text: str, y_text: str, x_title: str,
            y_title: str) -> dict:
    colour, size, opacity = {"other": (ROLE_COLOURS["other"], 6, 0.55), "peer": (ROLE_COLOURS["peers"], 10, 0.9),
                             "unit": (ROLE_COLOURS["unit"], 16, 1.0)}[role]
    is_unit = role == "unit"
    trace = {"type": "scatter", "x": f[x].to_numpy(), "y": f[y].to_numpy(), "name": name,
             "mode": "markers+text" if is_unit else "markers",
             "marker": {"color": colour, "size": size, "opacity": opacity, "symbol": "diamond" if is_unit else "circle",
                        "line": {"width": 1.5 if is_unit else 0.5, "color": "#000000" if is_unit else "#FFFFFF"}},
             "customdata": np.stack([f["label"].astype(str), f[x_text].astype(str), f[y_text].astype(str)], axis=-1),
             "hovertemplate": "<b>%{customdata[0]}</b><br>" + x_title + ": %{customdata[1]}<br>" + y_title
                              + ": %{customdata[2]}<extra></extra>"}
    if is_unit:
        trace.update(text=list(f["label"]), textposition="top center",
                     textfont={"size": 14, "color": ROLE_TEXT["unit"]})
    return trace


def scatter_figure(*, frame: pd.DataFrame, x_title: str, y_title: str, names: dict[str, str], lang: str,
                   x_log: bool = False, y_log: bool = False, x_decimals: int = 0, y_decimals: int = 0,
                   title: str | None = None, height: int = 520) -> go.Figure:
    """Two indicators for every unit of the level: others grey, peers blue, the unit vermillion and
    labelled. ``frame``: code, label, x, y, role (unit | peer | other), x_text, y_text."""
    data = []
    for role in ("other", "peer", "unit"):
        f = frame.loc[frame["role"] == role]
        if f.empty or role not in names:
            continue
        data.append(_points(f, name=names[role], role=role, x="x", y="y", x_text="x_text", y_text="y_text",
                            x_title=x_title, y_title=y_title))
    layout = {"xaxis": {"title": {"text": x_title}, **(_log_axis(frame["x"]) if x_log else
                                                        {"type": "linear", "tickformat": _tickformat(x_decimals)})},
              "yaxis": {"title": {"text": y_title}, **(_log_axis(frame["y"]) if y_log else
                                                        {"type": "linear", "tickformat": _tickformat(y_decimals)})}}
    return _figure(data, layout, lang=lang, height=height, title=title)


# --------------------------------------------------------------------------------------------
def distribution_figure(*, groups: list[tuple[str, pd.Series, pd.Series]], unit_value: float | None,
                        unit_label: str, x_title: str, decimals: int, lang: str, fmt,
                        title: str | None = None, height: int = 360) -> go.Figure:
    """Horizontal box + points per group (e.g. all units of the level, the peer group) with the unit
    marked by a vermillion line. ``groups``: (name, values, labels) with values/labels aligned."""
    data = []
    for i, (name, values, labels) in enumerate(groups):
        v = values.dropna()
        lab = labels.reindex(v.index)
        colour = ROLE_COLOURS["other"] if i == 0 and len(groups) > 1 else ROLE_COLOURS["peers"]
        data.append({"type": "box", "x": v.to_numpy(), "name": name, "orientation": "h",
                     "boxpoints": "all" if len(v) <= 600 else "outliers", "jitter": 0.5, "pointpos": 0,
                     "marker": {"color": colour, "size": 5, "opacity": 0.6}, "line": {"color": colour},
                     "fillcolor": _rgba(colour, 0.15), "text": [f"{a}: {fmt(b)}" for a, b in zip(lab, v)],
                     "hoverinfo": "text", "hoveron": "points", "showlegend": False})
    layout = {"xaxis": {"title": {"text": x_title}, "tickformat": _tickformat(decimals)},
              "yaxis": {"title": {"text": None}}}
    if unit_value is not None and np.isfinite(unit_value):
        layout["shapes"] = [_vline(unit_value, ROLE_COLOURS["unit"], width=3)]
        layout["annotations"] = [_label_at(unit_value, f"{unit_label}: {fmt(unit_value)}", ROLE_TEXT["unit"], 14)]
    return _figure(data, layout, lang=lang, height=height + 40 * max(0, len(groups) - 2), title=title, legend=False)


# --------------------------------------------------------------------------------------------
def quadrant_figure(*, frame: pd.DataFrame, x_median: float, y_median: float, x_title: str, y_title: str,
                    names: dict[str, str], corners: dict[str, str], lang: str, x_decimals: int = 0,
                    y_decimals: int = 0, title: str | None = None, height: int = 520) -> go.Figure:
    """Level (x) × change (y) of the unit and its peers, split at the peers' medians.

    ``frame``: code, label, level, change, role (unit | peer), level_text, change_text. ``corners``:
    texts for the quadrants tr, tl, br, bl (e.g. "level and change above the group median")."""
    data = []
    for role in ("peer", "unit"):
        f = frame.loc[frame["role"] == role]
        if f.empty:
            continue
        data.append(_points(f, name=names[role], role=role, x="level", y="change", x_text="level_text",
                            y_text="change_text", x_title=x_title, y_title=y_title))
    shapes = []
    if np.isfinite(x_median):
        shapes.append(_vline(x_median, "#666666", dash="dash", width=1))
    if np.isfinite(y_median):
        shapes.append(_hline(y_median, "#666666", dash="dash", width=1))
    pos = {"tr": (0.99, 0.99, "right", "top"), "tl": (0.01, 0.99, "left", "top"),
           "br": (0.99, 0.01, "right", "bottom"), "bl": (0.01, 0.01, "left", "bottom")}
    annotations = []
    for key, text in corners.items():
        x, y, xa, ya = pos[key]
        annotations.append({"x": x, "y": y, "xref": "paper", "yref": "paper", "xanchor": xa, "yanchor": ya,
                            "text": text, "showarrow": False, "font": {"size": 12, "color": "#555555"},
                            "bgcolor": "rgba(255,255,255,0.8)"})
    layout = {"shapes": shapes, "annotations": annotations,
              "xaxis": {"title": {"text": x_title}, "tickformat": _tickformat(x_decimals)},
              "yaxis": {"title": {"text": y_title}, "tickformat": _tickformat(y_decimals), "zeroline": True,
                        "zerolinecolor": "#BBBBBB"}}
    return _figure(data, layout, lang=lang, height=height, title=title)


# --------------------------------------------------------------------------------------------
def age_structure_figure(*, frame: pd.DataFrame, names: dict[str, str], y_title: str, lang: str, fmt_count,
                         fmt_pct, title: str | None = None, height: int = 420) -> go.Figure:
    """Stacked 100 % bars of the economic age groups per year (years without data are left blank).

    ``frame``: year, pre, working, post (counts) and pre_pct, working_pct, post_pct."""
    colours = {"pre": OKABE_ITO[4], "working": OKABE_ITO[0], "post": OKABE_ITO[1]}
    data = [{"type": "bar", "x": frame["year"].to_numpy(), "y": frame[key + "_pct"].to_numpy(), "name": names[key],
             "marker": {"color": colours[key]}, "textfont": {"color": text_colour_on(colours[key])},
             "text": [fmt_pct(v) for v in frame[key + "_pct"]],
             "textposition": "inside", "insidetextanchor": "middle", "customdata": [fmt_count(v) for v in frame[key]],
             "hovertemplate": "%{x}: %{text} (%{customdata})<extra>" + names[key] + "</extra>"}
            for key in ("pre", "working", "post")]
    layout = {"barmode": "stack", "legend": {"traceorder": "normal"},
              "xaxis": {"tickformat": "d", "dtick": 1, "title": {"text": None}},
              "yaxis": {"title": {"text": y_title}, "range": [0, 100], "ticksuffix": " %" if lang == "pl" else "%"}}
    return _figure(data, layout, lang=lang, height=height, title=title)


# --------------------------------------------------------------------------------------------
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


def position_figure(*, frame: pd.DataFrame, unit_name: str, axis_title: str, median_label: str, lang: str
                    ) -> go.Figure:
    """Where the unit stands on each indicator: 0 = worst, 100 = best of its level (polarity
    applied). ``frame``: label (indicator name), value_label (value, unit, year), percentile
    (0–100), hover; first row = best (drawn on top)."""
    f = frame.iloc[::-1]
    labels = [wrap(x) for x in f["label"]]
    data = [{"type": "bar", "x": [100] * len(f), "y": labels, "orientation": "h", "marker": {"color": "#F0F0F0"},
             "hoverinfo": "skip", "showlegend": False},
            {"type": "scatter", "x": f["percentile"].to_numpy(), "y": labels, "mode": "markers+text", "name": unit_name,
             "marker": {"size": 15, "color": ROLE_COLOURS["unit"], "line": {"color": "#FFFFFF", "width": 1.5}},
             "text": list(f["value_label"]), "textposition": ["middle left" if p > 55 else "middle right"
                                                              for p in f["percentile"]],
             "textfont": {"size": 13, "color": "#333333"}, "hovertext": list(f["hover"]), "hoverinfo": "text"}]
    layout = {"bargap": 0.45, "shapes": [_vline(50, ROLE_COLOURS["country"], dash="dot", width=1.2, layer="below")],
              "annotations": [_label_at(50, median_label, "#444444", 12)],
              "xaxis": {"range": [-2, 102], "title": {"text": axis_title}, "dtick": 25},
              "yaxis": {"ticks": "", "type": "category"}}
    return _figure(data, layout, lang=lang, height=max(300, 46 * len(f) + 90), legend=False)
