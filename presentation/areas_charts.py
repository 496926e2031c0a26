"""Figures for functional areas: pure, keyword-only builders (DataFrame in -> go.Figure out)."""
from __future__ import annotations

import json

import pandas as pd
import plotly.graph_objects as go

from domain.palettes import NO_DATA_FILL, NO_DATA_LINE, ROLE_COLOURS, ROLE_TEXT
from domain.winding import d3_winding


def breakdown_figure(*, frame: pd.DataFrame, total: float | None, total_label: str, x_title: str,
                     height: int | None = None) -> go.Figure:
    """Horizontal bars, one per member (columns ``label``, ``x``, ``text``), and a dashed line at
    the area's value ``total`` (None: no line, e.g. for shares of a sum)."""
    f = frame.iloc[::-1]  # first row on top
    fig = go.Figure(go.Bar(
        x=f["x"], y=f["label"], orientation="h", text=f["text"], textposition="auto",
        marker_color=ROLE_COLOURS["peers"], hovertemplate="%{y}: %{text}<extra></extra>", cliponaxis=False))
    if total is not None and total == total:
        fig.add_vline(x=total, line_dash="dash", line_color=ROLE_COLOURS["unit"], line_width=2,
                      annotation_text=total_label, annotation_position="top",
                      annotation_font_color=ROLE_TEXT["unit"])
    fig.update_layout(height=height or max(220, 34 * len(f) + 90), margin=dict(l=10, r=30, t=40, b=40),
                      xaxis_title=x_title, yaxis_title=None, showlegend=False, plot_bgcolor="white",
                      font=dict(size=14))
    fig.update_xaxes(gridcolor="#E5E5E5", zeroline=True, zerolinecolor="#999999")
    return fig


def selection_map_figure(*, geometries: pd.DataFrame, members: set[str], labels: dict[str, str],
                         outline: str | None, height: int = 520) -> go.Figure:
    """Gminy to click on (``geometries``: code, geojson), members filled, others light; the
    area's outline on top. Plotly's SVG ``geo`` map like /mapa (no tiles, no WebGL; the caller
    passes the local basemap in ``config.topojsonURL``); rings re-wound for d3."""
    feats = [{"type": "Feature", "id": c, "properties": {"code": c}, "geometry": json.loads(g)}
             for c, g in zip(geometries["code"], geometries["geojson"])]
    fc = d3_winding({"type": "FeatureCollection", "features": feats})
    codes = list(geometries["code"])
    z = [1 if c in members else 0 for c in codes]
    fig = go.Figure(go.Choropleth(
        geojson=fc, locations=codes, z=z, featureidkey="properties.code",
        colorscale=[[0, NO_DATA_FILL], [1, ROLE_COLOURS["peers"]]], zmin=0, zmax=1, showscale=False,
        marker_line_color=NO_DATA_LINE, marker_line_width=0.6, marker_opacity=0.85,
        customdata=codes, text=[labels.get(c, c) for c in codes],
        hovertemplate="%{text}<extra></extra>", name=""))
    if outline:
        geom = json.loads(outline)
        polys = geom["coordinates"] if geom["type"] == "MultiPolygon" else [geom["coordinates"]]
        lon, lat = [], []
        for poly in polys:
            for ring in poly:
                lon += [p[0] for p in ring] + [None]
                lat += [p[1] for p in ring] + [None]
        fig.add_trace(go.Scattergeo(lon=lon, lat=lat, mode="lines", line=dict(color=ROLE_COLOURS["unit"], width=3),
                                    hoverinfo="skip", showlegend=False))
    lons, lats = [], []
    for f in feats:
        _coords(f["geometry"], lons, lats)
    if lons:
        pad_lon, pad_lat = 0.03 * (max(lons) - min(lons)) + 0.01, 0.03 * (max(lats) - min(lats)) + 0.01
        lon_range = [min(lons) - pad_lon, max(lons) + pad_lon]
        lat_range = [min(lats) - pad_lat, max(lats) + pad_lat]
    else:
        lon_range, lat_range = [14.0, 24.2], [49.0, 54.9]
    fig.update_layout(geo=dict(visible=False, bgcolor="white", projection={"type": "mercator"},
                               lonaxis={"range": lon_range}, lataxis={"range": lat_range},
                               domain={"x": [0, 1], "y": [0, 1]}),
                      height=height, margin=dict(l=0, r=0, t=0, b=0), clickmode="event+select", dragmode=False,
                      showlegend=False, paper_bgcolor="white")
    return fig


def _coords(geom: dict, lons: list, lats: list) -> None:
    polys = geom["coordinates"] if geom["type"] == "MultiPolygon" else [geom["coordinates"]]
    for poly in polys:
        for ring in poly[:1]:
            lons.extend(p[0] for p in ring)
            lats.extend(p[1] for p in ring)
