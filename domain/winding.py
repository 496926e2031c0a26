"""Ring orientation of GeoJSON polygons for SVG map renderers (pure).

The store keeps RFC 7946 winding (exterior rings counter-clockwise). d3-geo, which draws plotly's
``geo`` (SVG) maps, reads polygons on the sphere: a counter-clockwise exterior is "everything but
this polygon", so every unit would paint the whole map. ``d3_winding`` returns the geometry with
exterior rings clockwise and holes counter-clockwise (planar lon/lat orientation, which is what
d3 means for polygons this small), whatever the input orientation.
"""
from __future__ import annotations


def _signed_area(ring) -> float:
    """Twice the planar signed area (shoelace): > 0 counter-clockwise, < 0 clockwise."""
    s = 0.0
    for (x1, y1), (x2, y2) in zip(ring, ring[1:]):
        s += x1 * y2 - x2 * y1
    return s


def _orient(ring, clockwise: bool):
    ccw = _signed_area(ring) > 0
    return list(reversed(ring)) if ccw == clockwise else ring


def _polygon(rings):
    return [_orient(r, clockwise=(n == 0)) for n, r in enumerate(rings)]


def geometry(g: dict | None) -> dict | None:
    """A Polygon/MultiPolygon with d3 winding (other geometry types unchanged); a new dict."""
    if not g:
        return g
    if g.get("type") == "Polygon":
        return {**g, "coordinates": _polygon(g["coordinates"])}
    if g.get("type") == "MultiPolygon":
        return {**g, "coordinates": [_polygon(p) for p in g["coordinates"]]}
    if g.get("type") == "GeometryCollection":
        return {**g, "geometries": [geometry(x) for x in g.get("geometries", [])]}
    return g


def d3_winding(obj: dict) -> dict:
    """FeatureCollection, Feature or geometry with d3 winding (a new object; input untouched)."""
    t = obj.get("type")
    if t == "FeatureCollection":
        return {**obj, "features": [d3_winding(f) for f in obj.get("features", [])]}
    if t == "Feature":
        return {**obj, "geometry": geometry(obj.get("geometry"))}
    return geometry(obj)
