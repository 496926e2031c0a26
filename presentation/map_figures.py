"""Pure figure builders of the map explorer (keyword-only; DataFrame in -> go.Figure out).

The choropleth draws every unit of a level from a geometry file given by URL (or inline GeoJSON
for exports), one trace per class so the legend lists class bounds and counts; units without data
are a distinct grey trace counted in the legend. Only codes, values, ranks and percentiles travel
with the figure: names and unit types are the geometry file's ``properties`` (``pl``/``en``).

Outlines (the selected unit, later its peer group or functional area) are separate line-only
traces built by ``outline_trace(codes=...)``; pass them to ``choropleth_figure(outlines=...)``.

The map is plotly's SVG ``geo`` subplot (Mercator fitted to Poland, basemap hidden), not the
MapLibre ``map`` subplot: Streamlit re-creates a chart whose figure changed, and a new MapLibre
map (WebGL context, shaders, tiling every source, ~0.3–0.6 s per frame in software WebGL) took
1.3–1.8 s to show in headless Chromium, the SVG map ~0.2–0.4 s (bench/map_bench.py). Geometry
must be in d3 winding (services/static_geo.py writes it so; inline outlines are re-wound here)
and plotly needs ``config={"topojsonURL": services.map.basemap_url()}`` so it reads an empty
local basemap instead of fetching one from its CDN.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from domain import palettes
from domain.catalogue import Indicator
from domain.classify import Classification, legend_decimals
from domain.winding import d3_winding
from i18n import fmt_num, t, unit_after

# Poland's extent (lon, lat) with a small margin (the legend is drawn below the map).
POLAND_LON = (13.9, 24.3)
# Unit borders of a class whose fill is too light to stand apart from the white page.
FAINT_LINE = "#969696"
POLAND_LAT = (48.95, 54.95)
TRANSPARENT = "rgba(0,0,0,0)"
SEPARATORS = {"pl": ",\u00a0", "en": ".,"}
LINE_WIDTH = {"gmina": 0.3, "powiat": 0.6, "wojewodztwo": 1.0}
FONT = "Source Sans Pro, Arial, sans-serif"
# An empty template: plotly's default one adds ~6.4 KB of JSON to every figure sent to the browser.
BARE = go.layout.Template()


@dataclass(frozen=True)
class Outline:
    """Units to outline on the map (selected unit, peer group, functional area...)."""
    codes: tuple[str, ...]
    geojson: str | dict
    role: str = "unit"            # a key of palettes.ROLE_COLOURS
    label: str = ""               # legend entry ("" = not in the legend)
    width: float = 3.0


def outline_trace(*, codes: Sequence[str], geojson: str | dict, role: str = "unit", label: str = "",
                  width: float = 3.0) -> go.Choropleth:
    """A line-only trace outlining ``codes`` (transparent fill, no hover, not clickable). Inline
    GeoJSON is re-wound for d3 (files by URL are written that way)."""
    codes = list(codes)
    return go.Choropleth(
        geojson=geojson if isinstance(geojson, str) else d3_winding(geojson), featureidkey="id", locations=codes, z=[0] * len(codes),
        colorscale=[[0, TRANSPARENT], [1, TRANSPARENT]], showscale=False,
        marker={"line": {"color": palettes.ROLE_COLOURS.get(role, role), "width": width}},
        hoverinfo="skip", name=label or role, showlegend=bool(label), legendgroup=f"outline-{role}")


def class_labels(c: Classification, *, decimals: int, lang: str) -> list[str]:
    """"12,5 – 45,0" per class (lowest first), with enough decimals to tell bounds apart."""
    d = legend_decimals(c, decimals)
    out = []
    for i, (lo, hi) in enumerate(zip(c.lower, c.bins)):
        if i > 0 and hi <= lo:  # empty top class ending on the previous break
            out.append(t("map.legend_above", lang, value=fmt_num(lo, d, lang)))
        else:
            out.append(f"{fmt_num(lo, d, lang)} – {fmt_num(hi, d, lang)}")
    return out


def _rank_line(ind: Indicator, n: int, lang: str, level: str) -> str:
    key = "map.hover_rank_value" if ind.judging_polarity == "neutral" else "map.hover_rank"
    return t(key, lang, rank="%{customdata[0]}", n=fmt_num(n, 0, lang), pct="%{customdata[1]}",
             units=t(f"map.units_gen.{level}", lang))


def _value_fmt(decimals: int) -> str:
    return f"%{{z:,.{max(0, int(decimals))}f}}"


def _rounded(values: pd.Series, decimals: int) -> list[float]:
    return [round(float(v), decimals) for v in values]


def no_data_reason(row: dict, lang: str) -> str:
    flags = set(str(row.get("flag") or "").split(","))
    if "withheld" in flags and row.get("of") == row.get("of") and row.get("of"):
        return t("map.withheld", lang, n=fmt_num(int(row["n"] or 0), 0, lang), of=fmt_num(int(row["of"]), 0, lang))
    return t("map.no_value", lang)


def choropleth_figure(*, ranking: pd.DataFrame, classification: Classification, colours: Sequence[str],
                      geojson: str | dict, indicator: Indicator, year: int, level: str, lang: str,
                      outlines: Sequence[Outline] = (), context_geojson: str | dict | None = None,
                      context_codes: Sequence[str] = (), height: int = 640, compact: bool = False,
                      grow_for_legend: bool = False,
                      feature_index: dict[str, int] | None = None) -> go.Figure:
    """The classed choropleth of one indicator/year/level.

    ``ranking``: rows as services.map.ranking (code, value, rank, percentile, method, n, of, flag,
    has_geometry, n_ranked), in the same order as ``classification.classes``.
    ``context_geojson``/``context_codes``: outlines drawn over the units for orientation
    (województwa over gminy). ``compact``: legend below the map (phones).
    ``grow_for_legend``: ``height`` is the map's own; the legend below it adds its rows (else the
    legend takes its rows from ``height``, e.g. a fixed-height embed).
    ``feature_index``: unit code -> the feature's ``properties.i`` in the geometry file. Given, the
    unit traces locate features by that small integer (sent as a 2-byte typed array) instead of
    the 7-character code: about 18 KB less per gmina map. Clicks then report the index
    (``location_codes`` turns it back into a code).
    """
    c = classification
    dec = int(indicator.decimals)
    unit_txt = indicator.unit(lang)
    frame = ranking.assign(_cls=c.classes)
    drawn = frame.loc[frame["has_geometry"]]
    n_ranked = int(frame["value"].notna().sum())
    labels = class_labels(c, decimals=dec, lang=lang)
    rank_line = _rank_line(indicator, n_ranked, lang, level)
    head = "<b>%{properties." + lang + "}</b><br>"
    # the unit after the value in its plural form (809 168 osób, 22 osoby, 1 osoba): units whose
    # word changes get one trace per form (a per-feature text would add to every map's payload)
    unit_of = frame["value"].map(lambda v: unit_after(fmt_num(v, dec, lang), unit_txt, lang) if v == v else "")

    def value_line(unit: str) -> str:
        return f"{_value_fmt(dec)} {unit} ({year})".replace("  ", " ")
    computed_line = "<br><i>" + t("map.hover_computed", lang, n="%{customdata[2]}", of="%{customdata[3]}",
                                  units=t("map.members_gen", lang)) + "</i>"
    # an assessment score (presentation.assessment_scores): the unit's rank in its own group too
    in_group = "group_rank" in frame.columns
    group_line = ("<br>" + t("assessmap.hover_group", lang, rank="%{customdata[2]}", n="%{customdata[3]}")
                  if in_group else "")
    line = {"color": "#ffffff", "width": LINE_WIDTH.get(level, 0.5)}
    if feature_index is not None:
        idkey = "properties.i"

        def locs(codes):
            return np.array([feature_index[x] for x in codes], dtype=np.int16 if len(feature_index) < 32000
                            else np.int32)
    else:
        idkey = "id"

        def locs(codes):
            return list(codes)
    if not isinstance(geojson, str):
        geojson = d3_winding(geojson)
    if context_geojson is not None and not isinstance(context_geojson, str):
        context_geojson = d3_winding(context_geojson)
    fig = go.Figure()
    for i in reversed(range(c.k)):  # highest class first in the legend
        part = drawn.loc[drawn["_cls"] == i]
        legend_name = f"{labels[i]} ({fmt_num(c.counts[i], 0, lang)})"
        computed = part["method"].eq("aggregated") & part["of"].notna()
        forms = unit_of.loc[part.index]
        words = sorted(set(forms) or {unit_txt})  # one trace per word form of the unit (809 168 osób / 22 osoby)
        groups = [(part.loc[~computed & (forms == u)], False, u) for u in words]
        groups += [(part.loc[computed & (forms == u)], True, u) for u in words]
        # The legend entry goes on the first trace that draws something: plotly leaves an empty
        # trace out of the legend, and on the powiat/województwo maps every value is computed,
        # so the class legend vanished when it sat on the (empty) non-computed trace.
        with_legend = next((j for j, (sub, _, _) in enumerate(groups) if not sub.empty), 0)
        faint = palettes.needs_outline(colours[i])
        class_line = ({"color": FAINT_LINE, "width": max(0.5, line["width"])} if faint else line)
        for j, (sub, is_computed, unit_word) in enumerate(groups):
            if sub.empty and j != with_legend:
                continue
            cd_cols = ["rank", "percentile"] + (["n", "of"] if is_computed else
                                                ["group_rank", "group_size"] if in_group else [])
            customdata = sub[cd_cols].fillna(0).to_numpy(dtype=np.int16) if len(sub) else None
            fig.add_trace(go.Choropleth(
                geojson=geojson, featureidkey=idkey, locations=locs(sub["code"]),
                z=_rounded(sub["value"], dec), customdata=customdata,
                colorscale=[[0, colours[i]], [1, colours[i]]], showscale=False, marker={"line": class_line},
                hovertemplate=head + value_line(unit_word) + "<br>" + rank_line
                + (computed_line if is_computed else group_line)
                + "<extra></extra>",
                name=legend_name, legendgroup=f"class{i}", showlegend=j == with_legend,
                selected={"marker": {"opacity": 1}}, unselected={"marker": {"opacity": 1}}))
    nodata = drawn.loc[drawn["_cls"] < 0]
    n_nodata = int((frame["_cls"] < 0).sum())
    fig.add_trace(go.Choropleth(
        geojson=geojson, featureidkey=idkey, locations=locs(nodata["code"]), z=[0] * len(nodata),
        text=[no_data_reason(r, lang) for r in nodata.to_dict("records")],
        colorscale=[[0, palettes.NO_DATA_FILL], [1, palettes.NO_DATA_FILL]], showscale=False,
        marker={"line": {"color": palettes.NO_DATA_LINE, "width": max(0.6, LINE_WIDTH.get(level, 0.5))}},
        hovertemplate=head + t("map.hover_no_data", lang, year=year) + "<br>%{text}<extra></extra>",
        name=f"{t('map.no_data', lang)} ({fmt_num(n_nodata, 0, lang)})", legendgroup="nodata",
        showlegend=n_nodata > 0,
        selected={"marker": {"opacity": 1}}, unselected={"marker": {"opacity": 1}}))
    if context_geojson is not None and len(context_codes):
        fig.add_trace(outline_trace(codes=context_codes, geojson=context_geojson, role="#404040", width=1.1))
    for o in outlines:
        if o.codes:
            fig.add_trace(outline_trace(codes=o.codes, geojson=o.geojson, role=o.role, label=o.label,
                                        width=o.width))
    # The legend sits below the map, never over it (over the map it hid part of Dolnośląskie):
    # one entry per line, as a list read from the highest class down.
    legend = {"orientation": "v", "x": 0, "y": -0.01, "yanchor": "top", "xanchor": "left"}
    if grow_for_legend:  # ``height`` is the map's; the legend's rows (its title + one per entry) come on top
        height += 30 + 22 * sum(1 for d in fig.data if d.showlegend)
    fig.update_layout(
        geo={"visible": False, "bgcolor": "white", "projection": {"type": "mercator"},
             "lonaxis": {"range": list(POLAND_LON)},
             "lataxis": {"range": list(POLAND_LAT)}, "domain": {"x": [0, 1], "y": [0, 1]}},
        height=height, margin={"l": 0, "r": 0, "t": 0, "b": 0}, separators=SEPARATORS.get(lang, ".,"),
        legend={**legend, "title": {"text": t("map.legend_title", lang, unit=unit_txt,
                                              units=t(f"map.units_gen.{level}", lang)), "side": "top"},
                "font": {"size": 12}, "itemclick": "toggle", "itemdoubleclick": "toggleothers"},
        hoverlabel={"bgcolor": "white", "font": {"size": 13, "family": FONT}},
        font={"family": FONT}, uirevision=f"map-{level}", paper_bgcolor="white", template=BARE,
        meta={"indicator": indicator.id, "year": int(year), "level": level, "classes": c.k})
    return fig


def location_codes(locations, feature_codes: Sequence[str] | None) -> list[str]:
    """Unit codes of trace locations (or of clicked points' ``location``): indexes into the geometry
    file's feature order when ``feature_codes`` is given, codes otherwise."""
    if feature_codes is None:
        return [str(x) for x in locations]
    out = []
    for x in locations:
        if isinstance(x, str):  # outline traces locate by code
            out.append(x)
        else:
            i = int(x)
            out.append(feature_codes[i] if 0 <= i < len(feature_codes) else "")
    return out


# -- histogram --------------------------------------------------------------------------------

def use_log_axis(values: np.ndarray) -> bool:
    """Strongly right-skewed positive data (population, density, counts) read better on a log axis."""
    v = values[np.isfinite(values)]
    if v.size < 8 or v.min() <= 0:
        return False
    sd = v.std()
    if sd == 0:
        return False
    skew = float(np.mean(((v - v.mean()) / sd) ** 3))
    return bool(skew > 2.0 and v.max() / v.min() > 20)


def _nice_ticks(lo: float, hi: float) -> list[float]:
    """1-2-5 steps across [lo, hi] for a log axis."""
    ticks = []
    for e in range(int(math.floor(math.log10(lo))), int(math.ceil(math.log10(hi))) + 1):
        for m in (1, 2, 5):
            v = m * 10 ** e
            if lo <= v <= hi:
                ticks.append(v)
    return ticks


def histogram_figure(*, values: Sequence[float], classification: Classification, colours: Sequence[str],
                     indicator: Indicator, level: str, lang: str, selected_value: float | None = None,
                     selected_label: str | None = None, height: int = 280) -> go.Figure:
    """Distribution of the values (pre-binned bars coloured by class), class breaks as dashed
    lines and the selected unit as a vermillion line. Strongly skewed positive data on a log axis."""
    y = np.asarray(values, dtype=float)
    y = y[np.isfinite(y)]
    c = classification
    dec = int(indicator.decimals)
    log = use_log_axis(y)
    tr = (np.log10 if log else (lambda a: np.asarray(a, dtype=float)))
    ty = tr(y)
    nbins = int(min(40, max(6, round(math.sqrt(y.size)))))
    lo, hi = float(ty.min()), float(ty.max())
    if hi == lo:
        hi = lo + 1.0
    edges = np.linspace(lo, hi, nbins + 1)
    counts, _ = np.histogram(ty, bins=edges)
    centres = (edges[:-1] + edges[1:]) / 2
    real_centres = 10 ** centres if log else centres
    cls = c.assign(real_centres)
    bar_colours = [colours[i] if i >= 0 else palettes.NO_DATA_FILL for i in cls]
    real_edges = 10 ** edges if log else edges
    hover = [t("map.hist_bar", lang, lo=fmt_num(a, dec, lang), hi=fmt_num(b, dec, lang),
               n=fmt_num(int(k), 0, lang), units=t(f"map.units_gen.{level}", lang))
             for a, b, k in zip(real_edges[:-1], real_edges[1:], counts)]
    fig = go.Figure(go.Bar(x=centres.tolist(), y=counts.tolist(), width=float(edges[1] - edges[0]),
                           marker={"color": bar_colours, "line": {"color": "#606060", "width": 0.4}},
                           hovertext=hover, hoverinfo="text", showlegend=False))
    for b in c.bins[:-1]:
        if b > 0 or not log:
            x = float(tr(np.array([b]))[0])
            if lo <= x <= hi:
                fig.add_vline(x=x, line={"color": "#404040", "width": 1, "dash": "dash"})
    if selected_value is not None and np.isfinite(selected_value) and (selected_value > 0 or not log):
        x = float(tr(np.array([selected_value]))[0])
        fig.add_vline(x=x, line={"color": palettes.ROLE_COLOURS["unit"], "width": 3})
        fig.add_annotation(x=x, y=1, yref="paper", yanchor="bottom", showarrow=False,
                           text=f"<b>{selected_label or ''}</b> {fmt_num(selected_value, dec, lang)}",
                           font={"color": palettes.ROLE_TEXT["unit"], "size": 13}, bgcolor="white")
    xaxis: dict = {"title": {"text": indicator.unit(lang) + (" · " + t("map.log_axis", lang) if log else "")}}
    if log:
        ticks = _nice_ticks(10 ** lo, 10 ** hi) or [10 ** lo, 10 ** hi]
        xaxis.update(tickvals=[math.log10(v) for v in ticks],
                     ticktext=[fmt_num(v, 0 if v >= 1 else 2, lang) for v in ticks])
    fig.update_layout(height=height, margin={"l": 60, "r": 10, "t": 34, "b": 56}, bargap=0.02,
                      xaxis=xaxis, yaxis={"title": {"text": t("map.hist_count", lang,
                                                              units=t(f"map.units_gen.{level}", lang))}},
                      separators=SEPARATORS.get(lang, ".,"), plot_bgcolor="white", font={"family": FONT},
                      meta={"log": log}, template=BARE)
    fig.update_xaxes(showgrid=False, zeroline=False, linecolor="#808080", automargin=True, title_standoff=8)
    fig.update_yaxes(gridcolor="#e6e6e6", automargin=True, title_standoff=8)
    return fig


# -- locator map ------------------------------------------------------------------------------

def _rings(geometry: dict) -> list[list[list[float]]]:
    if geometry["type"] == "Polygon":
        return [geometry["coordinates"][0]]
    if geometry["type"] == "MultiPolygon":
        return [p[0] for p in geometry["coordinates"]]
    raise ValueError(f"unsupported geometry {geometry['type']}")


def _xy(rings, k: float) -> tuple[list, list]:
    xs, ys = [], []
    for r in rings:
        xs += [p[0] * k for p in r] + [None]
        ys += [p[1] for p in r] + [None]
    return xs, ys


def locator_map(*, region: dict, unit: dict, unit_label: str = "", region_label: str = "",
                width: int = 360, height: int = 360) -> go.Figure:
    """A small map locating one unit within its województwo (GeoJSON geometries in, offline SVG out:
    no map tiles, no WebGL, so kaleido renders it for PDF reports)."""
    reg = _rings(region)
    lat0 = float(np.mean([p[1] for r in reg for p in r]))
    k = math.cos(math.radians(lat0))  # equal-area-ish aspect at this latitude
    rx, ry = _xy(reg, k)
    ux, uy = _xy(_rings(unit), k)
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=rx, y=ry, fill="toself", mode="lines", fillcolor="#ececec",
                             line={"color": "#606060", "width": 1}, name=region_label, hoverinfo="skip",
                             showlegend=False))
    fig.add_trace(go.Scatter(x=ux, y=uy, fill="toself", mode="lines", fillcolor=palettes.ROLE_COLOURS["unit"],
                             line={"color": palettes.ROLE_COLOURS["unit"], "width": 1.5}, name=unit_label,
                             hoverinfo="skip", showlegend=False))
    if unit_label:
        ux_f = [x for x in ux if x is not None]
        uy_f = [y for y in uy if y is not None]
        fig.add_annotation(x=(min(ux_f) + max(ux_f)) / 2, y=max(uy_f), text=f"<b>{unit_label}</b>",
                           showarrow=False, yanchor="bottom", font={"size": 12, "color": "#000000"},
                           bgcolor="rgba(255,255,255,0.8)")
    fig.update_layout(width=width, height=height, margin={"l": 4, "r": 4, "t": 24 if region_label else 4, "b": 4},
                      title={"text": region_label, "x": 0.5, "font": {"size": 13}} if region_label else None,
                      plot_bgcolor="white", paper_bgcolor="white", showlegend=False, template=BARE)
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False, scaleanchor="x", scaleratio=1)
    return fig
