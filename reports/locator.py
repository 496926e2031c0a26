"""A small offline locator map, drawn directly from boundary GeoJSON (no browser, no tiles).

Two panels: Poland with its województwa and the unit (or area) filled and ringed, so even a small
gmina can be found; and a close-up of the unit among its neighbours. Output as SVG (embedded in the
PDF) or PNG (Pillow, for the slide deck). Pure: geometries in, markup/bytes out.

Projection: equirectangular scaled by cos(latitude of the map centre) — at Poland's extent the
distortion is invisible at locator size.
"""
from __future__ import annotations

import io
import math
from dataclasses import dataclass
from html import escape

from domain.palettes import NO_DATA_LINE, ROLE_COLOURS

Ring = list[tuple[float, float]]
UNIT_FILL = ROLE_COLOURS["unit"]
CONTEXT_FILL = "#EDEDED"
CONTEXT_LINE = "#FFFFFF"
REGION_LINE = NO_DATA_LINE
FRAME = "#555555"


def polygons(geometry: dict) -> list[list[Ring]]:
    """Polygons of a GeoJSON Polygon/MultiPolygon, each a list of rings (outer first, then holes)."""
    if not geometry:
        return []
    kind, coords = geometry.get("type"), geometry.get("coordinates") or []
    polys = [coords] if kind == "Polygon" else coords if kind == "MultiPolygon" else []
    return [[[(float(x), float(y)) for x, y, *_ in ring] for ring in poly if len(ring) >= 3] for poly in polys]


def rings(geometry: dict) -> list[Ring]:
    """All rings of a geometry, outer and inner, as (lon, lat) lists."""
    return [ring for poly in polygons(geometry) for ring in poly]


def bbox(geoms: list[dict]) -> tuple[float, float, float, float] | None:
    xs, ys = [], []
    for g in geoms:
        for ring in rings(g):
            xs += [p[0] for p in ring]
            ys += [p[1] for p in ring]
    if not xs:
        return None
    return min(xs), min(ys), max(xs), max(ys)


def intersects(a, b) -> bool:
    return not (a[2] < b[0] or b[2] < a[0] or a[3] < b[1] or b[3] < a[1])


def expand(box, *, factor: float = 1.8, min_deg: float = 0.5, aspect: float = 1.0):
    """A box around ``box``, ``factor`` times as large (at least ``min_deg`` high), ``aspect`` =
    width / height on the ground."""
    x0, y0, x1, y1 = box
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    k = math.cos(math.radians(cy))
    half_h = max((y1 - y0), (x1 - x0) * k / aspect, min_deg) * factor / 2
    half_w = half_h * aspect / k
    return cx - half_w, cy - half_h, cx + half_w, cy + half_h


@dataclass(frozen=True)
class Panel:
    box: tuple[float, float, float, float]  # lon/lat extent shown
    x: float  # panel origin and size in output units
    y: float
    w: float
    h: float

    def project(self, lon: float, lat: float) -> tuple[float, float]:
        x0, y0, x1, y1 = self.box
        k = math.cos(math.radians((y0 + y1) / 2))
        gw, gh = (x1 - x0) * k, (y1 - y0)
        s = min(self.w / gw, self.h / gh)
        ox = self.x + (self.w - gw * s) / 2
        oy = self.y + (self.h - gh * s) / 2
        return ox + (lon - x0) * k * s, oy + (y1 - lat) * s


@dataclass(frozen=True)
class Locator:
    """Everything needed to draw the two panels (geometries as GeoJSON geometry dicts)."""
    regions: tuple[dict, ...]  # województwa (overview)
    highlight: tuple[dict, ...]  # the unit, or an area's gminy
    context: tuple[dict, ...]  # neighbouring units for the close-up
    width: float = 640
    height: float = 300
    label: str = ""

    def panels(self) -> tuple[Panel, Panel | None]:
        hb = bbox(list(self.highlight))
        pl = bbox(list(self.regions)) or hb or (14.1, 49.0, 24.2, 54.9)
        gap = 16
        if hb is None or not self.context:
            return Panel(pl, 0, 0, self.width, self.height), None
        left = Panel(pl, 0, 0, self.width * 0.45 - gap / 2, self.height)
        rw = self.width * 0.55 - gap / 2
        right = Panel(expand(hb, aspect=rw / self.height), self.width * 0.45 + gap / 2, 0, rw, self.height)
        return left, right

    # -- SVG ----------------------------------------------------------------------------------
    def svg(self) -> str:
        left, right = self.panels()
        out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {self.width:.0f} {self.height:.0f}" '
               f'width="{self.width:.0f}" height="{self.height:.0f}" role="img" aria-label="{escape(self.label)}">']
        out.append(self._svg_group(left, self.regions, CONTEXT_FILL, REGION_LINE, 0.6))
        out.append(self._svg_group(left, self.highlight, UNIT_FILL, UNIT_FILL, 0.6))
        hb = bbox(list(self.highlight))
        if hb:
            cx, cy = left.project((hb[0] + hb[2]) / 2, (hb[1] + hb[3]) / 2)
            out.append(f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="9" fill="none" stroke="{UNIT_FILL}" '
                       f'stroke-width="2.2"/>')
        if right is not None:
            # the close-up's extent on the overview, and the close-up itself
            (ax, ay), (bx, by) = left.project(right.box[0], right.box[3]), left.project(right.box[2], right.box[1])
            out.append(f'<rect x="{ax:.1f}" y="{ay:.1f}" width="{bx - ax:.1f}" height="{by - ay:.1f}" '
                       f'fill="none" stroke="{FRAME}" stroke-width="0.8"/>')
            clip = f'<clipPath id="loc-clip"><rect x="{right.x:.1f}" y="{right.y:.1f}" width="{right.w:.1f}" ' \
                   f'height="{right.h:.1f}"/></clipPath>'
            out.append(f"<defs>{clip}</defs><g clip-path=\"url(#loc-clip)\">")
            visible = [g for g in self.context if (b := bbox([g])) and intersects(b, right.box)]
            out.append(self._svg_group(right, visible, CONTEXT_FILL, "#9A9A9A", 0.7))
            out.append(self._svg_group(right, self.highlight, UNIT_FILL, "#FFFFFF", 0.9))
            out.append("</g>")
            out.append(f'<rect x="{right.x:.1f}" y="{right.y:.1f}" width="{right.w:.1f}" height="{right.h:.1f}" '
                       f'fill="none" stroke="{FRAME}" stroke-width="0.8"/>')
        out.append("</svg>")
        return "".join(out)

    @staticmethod
    def _svg_group(panel: Panel, geoms, fill: str, stroke: str, width: float) -> str:
        parts = []
        for g in geoms:
            d = []
            for ring in rings(g):
                pts = thin([panel.project(x, y) for x, y in ring])
                if len(pts) >= 3:
                    d.append("M" + "L".join(f"{px:.1f},{py:.1f}" for px, py in pts) + "Z")
            if d:
                parts.append("".join(d))
        if not parts:
            return ""
        return (f'<path d="{" ".join(parts)}" fill="{fill}" fill-rule="evenodd" stroke="{stroke}" '
                f'stroke-width="{width}" stroke-linejoin="round"/>')

    # -- PNG ----------------------------------------------------------------------------------
    def png(self, scale: float = 3.0) -> bytes:
        """The same drawing rasterised with Pillow (drawn at 2x and downsampled for smooth edges).
        Holes (a rural gmina around its town) are cut with a mask, like SVG's even-odd rule."""
        from PIL import Image, ImageChops, ImageDraw

        f = scale * 2
        size = (round(self.width * f), round(self.height * f))
        img = Image.new("RGB", size, "white")
        draw = ImageDraw.Draw(img)
        left, right = self.panels()

        def layer(panel, geoms, fill, outline, w, clip=None):
            # Even-odd fill without a mask per polygon: outer rings on, holes off, then the outer rings
            # lying inside a hole (a town inside its rural gmina) on again — coverages never overlap.
            mask = Image.new("L", size, 0)
            md = ImageDraw.Draw(mask)
            lines = Image.new("L", size, 0)
            ld = ImageDraw.Draw(lines)
            outers, holes = [], []
            for g in geoms:
                for poly in polygons(g):
                    for i, ring in enumerate(poly):
                        pts = [(x * f, y * f) for x, y in (panel.project(*p) for p in ring)]
                        (holes if i else outers).append(pts)
                        ld.line(pts + pts[:1], fill=255, width=max(1, round(w * f)), joint="curve")
            for pts in outers:
                md.polygon(pts, fill=255)
            if holes:
                hole_boxes = [_pts_box(h) for h in holes]
                for pts in holes:
                    md.polygon(pts, fill=0)
                for pts in outers:
                    b = _pts_box(pts)
                    if any(h[0] <= b[0] and h[1] <= b[1] and b[2] <= h[2] and b[3] <= h[3] for h in hole_boxes):
                        md.polygon(pts, fill=255)
            if clip is not None:
                mask = ImageChops.multiply(mask, clip)
                lines = ImageChops.multiply(lines, clip)
            img.paste(fill, mask=mask)
            img.paste(outline, mask=lines)

        layer(left, self.regions, CONTEXT_FILL, REGION_LINE, 0.6)
        layer(left, self.highlight, UNIT_FILL, UNIT_FILL, 0.6)
        hb = bbox(list(self.highlight))
        if hb:
            cx, cy = left.project((hb[0] + hb[2]) / 2, (hb[1] + hb[3]) / 2)
            r = 9
            draw.ellipse([(cx - r) * f, (cy - r) * f, (cx + r) * f, (cy + r) * f], outline=UNIT_FILL,
                         width=round(2.2 * f))
        if right is not None:
            (ax, ay), (bx, by) = left.project(right.box[0], right.box[3]), left.project(right.box[2], right.box[1])
            draw.rectangle([ax * f, ay * f, bx * f, by * f], outline=FRAME, width=max(1, round(0.8 * f)))
            box = (round(right.x * f), round(right.y * f), round((right.x + right.w) * f),
                   round((right.y + right.h) * f))
            clip = Image.new("L", size, 0)
            ImageDraw.Draw(clip).rectangle(box, fill=255)
            layer(right, self.context, CONTEXT_FILL, "#9A9A9A", 0.7, clip)
            layer(right, self.highlight, UNIT_FILL, "#FFFFFF", 0.9, clip)
            draw.rectangle(box, outline=FRAME, width=max(1, round(0.8 * f)))
        img = img.resize((round(self.width * scale), round(self.height * scale)), Image.LANCZOS)
        buf = io.BytesIO()
        img.save(buf, format="PNG", optimize=True)
        return buf.getvalue()


def thin(pts: list[tuple[float, float]], tol: float = 1.5) -> list[tuple[float, float]]:
    """Drop projected points closer than ``tol`` output units to the last kept one (invisible at
    locator size; keeps the SVG small and fast to draw)."""
    if len(pts) <= 4:
        return pts
    out = [pts[0]]
    for p in pts[1:-1]:
        q = out[-1]
        if abs(p[0] - q[0]) + abs(p[1] - q[1]) >= tol:
            out.append(p)
    out.append(pts[-1])
    return out


def _pts_box(pts):
    xs, ys = [p[0] for p in pts], [p[1] for p in pts]
    return min(xs), min(ys), max(xs), max(ys)


def context_features(layer: dict, highlight: list[dict]) -> list[dict]:
    """Geometries of a layer's features near the highlighted ones (a generous superset of what the
    close-up shows; it is clipped to its frame)."""
    hb = bbox(highlight)
    if hb is None:
        return []
    around = expand(hb, factor=3.2)
    out = []
    for feat in layer.get("features", []):
        g = feat.get("geometry")
        b = bbox([g]) if g else None
        if b and intersects(b, around):
            out.append(g)
    return out
