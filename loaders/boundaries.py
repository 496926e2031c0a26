"""Administrative boundaries for the web: gminy -> powiaty -> województwa -> country.

Source: the PRG-based ``poland.municipalities.json`` of jusuff/PolandGeoJson (see the data
mirror's SOURCES.md, section 1): 2,477 gminy as of 2020, WGS84 lon/lat, ``terc`` = 7-digit
TERYT code incl. the type digit. Only the gmina file is read; the higher levels are built here
by dissolving the *simplified* gminy by code prefix, so every level lines up exactly with the
gmina layer (the source's counties/voivodeships files are used only by the tests, as a check).

Pipeline (``build_web_boundaries``)::

    load_gminy -> simplify_coverage -> dissolve_levels -> to_feature_collection

``simplify_coverage`` treats the gminy as one polygonal *coverage*:

1. snap every coordinate to a ``10**-decimals`` degree grid and drop repeated points. Shared
   vertices are snapped identically on both sides, so shared borders stay shared;
2. ``make_valid`` the few polygons the snapping made invalid (a neck narrower than the grid
   turns into a bow-tie: Czerniewice at 4 decimals) and, because that repair adds a node the
   neighbours lack, re-match the edges with ``shapely.coverage_clean`` (no snapping, no gap
   filling);
3. ``shapely.coverage_simplify`` (Visvalingam–Whyatt on the shared edges; GEOS >= 3.12, and
   ``coverage_clean`` needs GEOS >= 3.14, which the shapely 2.2 wheels ship): a
   border shared by two gminy is simplified once, so no slivers or gaps appear, which a
   per-polygon ``simplify`` cannot guarantee. It only removes vertices, so the result stays on
   the grid;
4. snap once more (only nodes added in step 2 are off the grid), repair and re-clean if needed,
   and check: validity, emptiness, vertices off the grid, ``coverage_is_valid``.

Rounding *before* simplifying is deliberate: rounding afterwards can collapse a neck into a
self-intersection where the coverage functions can no longer clean up. Every repair is counted
in the stats (``SimplifyStats``).

Codes are NOT reconciled with the current TERYT list here (the ingest does that); a gmina's
``code`` is ``code6`` = the first 6 digits of ``terc`` (``WWPPGG``) and the 7-digit ``terc`` is kept
as ``source_code``.

Areas used for "area change" statistics are planar areas in degrees²: only ratios between a
unit before and after simplification are reported, and for those the lon/lat distortion cancels.
"""
from __future__ import annotations

import json
import math
import time
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely
from shapely.geometry import mapping, shape

from loaders.base import LoaderError

# Degrees. Visvalingam tolerance ≈ sqrt(area of the triangles removed). Measured with
# bench/boundaries_sizes.py (4 decimals): at 0.0075° every gmina keeps its shape (max area change
# 3.2 %, p99 0.9 %) and every powiat stays within 1 % of the source counties; the gmina layer is
# 1.47 MB raw, 0.32 MB as the browser receives it (Streamlit gzips /app/static responses), fetched
# once and cached. 0.0175° would make the raw layer 0.88 MB but turn small towns into triangles
# (up to 59 % area change, Sopot/Przemyśl), which mayors would notice.
DEFAULT_TOLERANCE = 0.0075
# 1e-4° ≈ 11 m north-south, 7 m east-west: far below one pixel at any country-wide zoom.
DEFAULT_DECIMALS = 4

GMINY_RELPATH = Path("jusuff-PolandGeoJson") / "poland.municipalities.json"
LEVELS = ("gmina", "powiat", "wojewodztwo", "country")
COUNTRY_CODE = "PL"
_PREFIX = {"powiat": 4, "wojewodztwo": 2}
_CRS84_NAMES = {"urn:ogc:def:crs:OGC:1.3:CRS84", "urn:ogc:def:crs:OGC::CRS84",
                "urn:ogc:def:crs:EPSG::4326", "EPSG:4326"}


# --------------------------------------------------------------------------------------------
# Loading
# --------------------------------------------------------------------------------------------

def load_gminy(path) -> gpd.GeoDataFrame:
    """Read the gmina GeoJSON FeatureCollection.

    Returns a GeoDataFrame (EPSG:4326, sorted by code) with columns ``source_code`` (the 7-digit
    ``terc`` as given), ``code6`` (``terc[:6]``), ``name`` and ``geometry`` (Polygon/MultiPolygon).
    ``gdf.attrs["invalid_source"]`` counts source polygons that are not OGC-valid (they are kept
    as they are; ``simplify_coverage`` repairs them).

    Raises ``LoaderError`` naming the file and the feature for anything that is not such a
    collection: invalid JSON, another GeoJSON type, a declared CRS other than lon/lat, a
    missing/malformed ``terc`` or ``name``, a missing or non-polygonal geometry, coordinates
    outside lon/lat range (a projected file), duplicate codes.
    """
    path = Path(path)
    if not path.is_file():
        raise LoaderError(f"{path}: gmina boundaries file not found")
    try:
        with path.open("r", encoding="utf-8") as fh:
            doc = json.load(fh)
    except UnicodeDecodeError as exc:
        raise LoaderError(f"{path}: not UTF-8 text ({exc})") from exc
    except json.JSONDecodeError as exc:
        raise LoaderError(f"{path}: not valid JSON ({exc})") from exc
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection":
        kind = doc.get("type") if isinstance(doc, dict) else type(doc).__name__
        raise LoaderError(f"{path}: expected a GeoJSON FeatureCollection, got {kind!r}")
    crs = doc.get("crs")
    if crs is not None:
        crs_name = (crs.get("properties") or {}).get("name") if isinstance(crs, dict) else None
        if crs_name not in _CRS84_NAMES:
            raise LoaderError(f"{path}: CRS {crs_name!r} is not WGS84 lon/lat "
                              "(reproject the file to EPSG:4326 first)")
    features = doc.get("features")
    if not isinstance(features, list) or not features:
        raise LoaderError(f"{path}: FeatureCollection has no features")

    codes: list[str] = []
    names: list[str] = []
    geoms: list = []
    for i, feat in enumerate(features):
        where = f"{path}: feature {i}"
        if not isinstance(feat, dict) or feat.get("type") != "Feature":
            raise LoaderError(f"{where}: not a GeoJSON Feature")
        props = feat.get("properties")
        if not isinstance(props, dict):
            raise LoaderError(f"{where}: no properties")
        terc = props.get("terc")
        if not isinstance(terc, str) or not (len(terc) == 7 and terc.isascii() and terc.isdigit()):
            raise LoaderError(f"{where}: property 'terc' must be a 7-digit string "
                              f"(WWPPGGT), got {terc!r}")
        name = props.get("name")
        if not isinstance(name, str) or not name.strip():
            raise LoaderError(f"{where} (terc {terc}): property 'name' missing or empty")
        gj = feat.get("geometry")
        if not isinstance(gj, dict) or gj.get("type") not in ("Polygon", "MultiPolygon"):
            kind = gj.get("type") if isinstance(gj, dict) else gj
            raise LoaderError(f"{where} (terc {terc}): geometry must be a Polygon or "
                              f"MultiPolygon, got {kind!r}")
        try:
            geom = shape(gj)
        except Exception as exc:  # shapely raises several types for bad coordinate arrays
            raise LoaderError(f"{where} (terc {terc}): unreadable geometry ({exc})") from exc
        if geom.is_empty:
            raise LoaderError(f"{where} (terc {terc}): empty geometry")
        minx, miny, maxx, maxy = geom.bounds
        if not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
            raise LoaderError(f"{where} (terc {terc}): coordinates {geom.bounds} are not "
                              "lon/lat degrees (projected file?)")
        codes.append(terc)
        names.append(name.strip())
        geoms.append(geom)

    gdf = gpd.GeoDataFrame({"source_code": codes, "code6": [c[:6] for c in codes],
                            "name": names}, geometry=geoms, crs="EPSG:4326")
    for col in ("source_code", "code6"):
        dup = gdf.loc[gdf[col].duplicated(keep=False), col]
        if len(dup):
            raise LoaderError(f"{path}: duplicate {col} {sorted(set(dup))[:5]}")
    gdf = gdf.sort_values("source_code", kind="stable").reset_index(drop=True)
    gdf.attrs["invalid_source"] = int((~shapely.is_valid(_geoms(gdf))).sum())
    return gdf


# --------------------------------------------------------------------------------------------
# Simplification
# --------------------------------------------------------------------------------------------

def _geoms(gdf) -> np.ndarray:
    return np.asarray(gdf.geometry.array, dtype=object)


def _check_params(tolerance: float, decimals: int) -> None:
    if not (isinstance(tolerance, (int, float)) and math.isfinite(tolerance) and tolerance >= 0):
        raise ValueError(f"tolerance must be a finite number >= 0 (degrees), got {tolerance!r}")
    if not (isinstance(decimals, (int, np.integer)) and 0 <= decimals <= 15):
        raise ValueError(f"decimals must be an integer 0..15, got {decimals!r}")


def _snap(geoms: np.ndarray, decimals: int) -> np.ndarray:
    """Round coordinates to ``decimals`` and drop repeated consecutive points.

    A ring that collapses below 4 points makes GEOS refuse the vertex removal; such geometries
    go through ``set_precision`` (GEOS snap-rounding), which drops collapsed parts instead.
    """
    rounded = shapely.transform(geoms, lambda c: np.round(c, decimals))
    try:
        return shapely.remove_repeated_points(rounded, 0.0)
    except shapely.errors.GEOSException:
        out = np.empty_like(rounded)
        grid = 10.0 ** -decimals
        for i, (orig, geom) in enumerate(zip(geoms, rounded)):
            try:
                out[i] = shapely.remove_repeated_points(geom, 0.0)
            except shapely.errors.GEOSException:
                out[i] = shapely.transform(shapely.set_precision(orig, grid),
                                           lambda c: np.round(c, decimals))
        return out


def _polygonal(geom):
    """Keep only the polygonal part of a geometry (make_valid may return a collection)."""
    if geom is None or geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    polys = [p for p in shapely.get_parts(geom) if p.geom_type in ("Polygon", "MultiPolygon")]
    parts = [q for p in polys for q in shapely.get_parts(p)]
    return shapely.MultiPolygon(parts) if parts else shapely.Polygon()


def _snap_repair(geoms: np.ndarray, decimals: int) -> tuple[np.ndarray, int]:
    """Snap to the grid, then ``make_valid`` what the snapping made invalid.

    Returns (geoms, number of geometries that were invalid after snapping). The repair is not
    snapped again on purpose: make_valid adds the crossing node of a bow-tie, which lies on the
    neighbours' (unchanged) edges; ``coverage_clean`` then gives the neighbours that node too, so
    the next snap rounds it identically everywhere.
    """
    out = _snap(geoms, decimals)
    bad = np.flatnonzero(~shapely.is_valid(out))
    if len(bad):
        fixed = shapely.make_valid(out[bad], method="structure", keep_collapsed=False)
        out[bad] = [_polygonal(g) for g in fixed]
    return out, len(bad)


def _off_grid(geoms: np.ndarray, decimals: int) -> int:
    xy = shapely.get_coordinates(geoms)
    return int((np.round(xy, decimals) != xy).any(axis=1).sum())


@dataclass
class SimplifyStats:
    invalid_source: int = 0          # invalid as loaded
    invalid_after_rounding: int = 0  # made invalid by snapping the source to the grid (repaired)
    invalid_after_simplify: int = 0  # invalid after simplify + final snap (repaired)
    coverage_cleans: int = 0         # coverage_clean runs needed to re-match edges after repairs
    invalid_final: int = 0           # still invalid at the end (should be 0)
    empty: int = 0                   # units whose geometry vanished (should be 0)
    off_grid_vertices: int = 0       # vertices not on the decimal grid at the end (should be 0)
    coverage_valid: bool = True      # shapely.coverage_is_valid on the result
    seconds: float = 0.0


def _simplify(geoms: np.ndarray, tolerance: float, decimals: int) -> tuple[np.ndarray, SimplifyStats]:
    _check_params(tolerance, decimals)
    t0 = time.perf_counter()
    st = SimplifyStats(invalid_source=int((~shapely.is_valid(geoms)).sum()))
    snapped, st.invalid_after_rounding = _snap_repair(geoms, decimals)
    if not shapely.coverage_is_valid(snapped):
        # make_valid added nodes the neighbours lack (or the source overlaps): re-match edges.
        snapped = shapely.coverage_clean(snapped, snapping_distance=0.0)
        st.coverage_cleans += 1
    simplified = shapely.coverage_simplify(snapped, tolerance) if tolerance > 0 else snapped
    # Visvalingam only drops vertices, so this snap only moves nodes added by the repair.
    result, st.invalid_after_simplify = _snap_repair(np.asarray(simplified, dtype=object), decimals)
    for _ in range(3):
        if shapely.coverage_is_valid(result):
            break
        result = shapely.coverage_clean(result, snapping_distance=0.0)
        st.coverage_cleans += 1
        result, n = _snap_repair(result, decimals)
        st.invalid_after_simplify += n
    st.invalid_final = int((~shapely.is_valid(result)).sum())
    st.empty = int(shapely.is_empty(result).sum())
    st.off_grid_vertices = _off_grid(result, decimals)
    st.coverage_valid = bool(shapely.coverage_is_valid(result))
    st.seconds = time.perf_counter() - t0
    return result, st


def simplify_coverage(gdf: gpd.GeoDataFrame, *, tolerance: float = DEFAULT_TOLERANCE,
                      decimals: int = DEFAULT_DECIMALS) -> gpd.GeoDataFrame:
    """Simplify the gmina coverage (shared borders stay shared) and snap it to a decimal grid.

    ``tolerance`` in degrees (Visvalingam–Whyatt, ≈ sqrt of the area of removed triangles;
    0 = only round); ``decimals`` = decimal places kept in lon/lat. Pure: returns a new frame
    with the same columns and rows; the input is not modified. Repair counts are in
    ``result.attrs["simplify"]`` (a ``SimplifyStats`` as dict). Every row is kept, even if its
    geometry became empty (counted as ``empty``; ``build_web_boundaries`` refuses that).
    """
    geoms, st = _simplify(_geoms(gdf), tolerance, decimals)
    out = gdf.copy()
    out = out.set_geometry(gpd.GeoSeries(geoms, index=gdf.index, crs=gdf.crs))
    out.attrs = {**gdf.attrs, "simplify": st.__dict__.copy()}
    return out


# --------------------------------------------------------------------------------------------
# Dissolve
# --------------------------------------------------------------------------------------------

def _label_columns(gdf: gpd.GeoDataFrame, decimals: int) -> gpd.GeoDataFrame:
    geoms = _geoms(gdf)
    rep = shapely.point_on_surface(geoms)  # guaranteed inside, unlike the centroid
    ok = ~shapely.is_empty(rep)  # an empty unit (strict=False only) gets NaN
    lon, lat = np.full(len(geoms), np.nan), np.full(len(geoms), np.nan)
    lon[ok], lat[ok] = shapely.get_x(rep[ok]), shapely.get_y(rep[ok])
    gdf["rep_lon"] = np.round(lon, decimals)
    gdf["rep_lat"] = np.round(lat, decimals)
    bounds = np.round(shapely.bounds(geoms), decimals)
    gdf["bbox"] = [tuple(float(v) for v in b) for b in bounds]
    return gdf


def _dissolve(codes: np.ndarray, geoms: np.ndarray, counts: np.ndarray, crs) -> gpd.GeoDataFrame:
    order = np.argsort(codes, kind="stable")
    codes, geoms, counts = codes[order], geoms[order], counts[order]
    keys, starts = np.unique(codes, return_index=True)
    bounds = list(starts[1:]) + [len(codes)]
    unions = [shapely.union_all(geoms[a:b]) for a, b in zip(starts, bounds)]
    n = [int(counts[a:b].sum()) for a, b in zip(starts, bounds)]
    return gpd.GeoDataFrame({"code": keys.astype(str), "n_gminy": n},
                            geometry=[_polygonal(u) for u in unions], crs=crs)


def dissolve_levels(gminy_simplified: gpd.GeoDataFrame, *,
                    decimals: int = DEFAULT_DECIMALS) -> dict[str, gpd.GeoDataFrame]:
    """Build all four levels from the simplified gminy.

    Returns ``{"gmina", "powiat", "wojewodztwo", "country"}`` -> GeoDataFrame with ``code``
    (gmina: ``code6``; powiat: 4 digits; województwo: 2 digits; country: ``"PL"``), geometry,
    ``rep_lon``/``rep_lat`` (a point on the surface, for labels, rounded to ``decimals``) and
    ``bbox`` = (minx, miny, maxx, maxy). The gmina frame also has ``source_code`` and ``name``;
    the others ``n_gminy``. Powiaty are unions of gminy by ``code6[:4]``, województwa unions of
    powiaty by the first 2 digits, the country the union of the województwa, so all levels
    share the gminy's borders exactly.
    """
    missing = {"code6", "source_code", "name"} - set(gminy_simplified.columns)
    if missing:
        raise ValueError(f"dissolve_levels: gmina frame lacks columns {sorted(missing)}")
    crs = gminy_simplified.crs
    gm = gpd.GeoDataFrame({"code": gminy_simplified["code6"].astype(str).to_numpy(),
                           "source_code": gminy_simplified["source_code"].astype(str).to_numpy(),
                           "name": gminy_simplified["name"].astype(str).to_numpy()},
                          geometry=_geoms(gminy_simplified), crs=crs)
    levels = {"gmina": gm}
    prev = gm.assign(n_gminy=1)
    for level in ("powiat", "wojewodztwo"):
        k = _PREFIX[level]
        codes = prev["code"].str[:k].to_numpy()
        prev = _dissolve(codes, _geoms(prev), prev["n_gminy"].to_numpy(), crs)
        levels[level] = prev
    levels["country"] = _dissolve(np.full(len(prev), COUNTRY_CODE), _geoms(prev),
                                  prev["n_gminy"].to_numpy(), crs)
    return {lvl: _label_columns(levels[lvl], decimals) for lvl in LEVELS}


# --------------------------------------------------------------------------------------------
# Serialisation
# --------------------------------------------------------------------------------------------

def _web_geoms(geoms: np.ndarray, decimals: int) -> np.ndarray:
    """Round (idempotent for already snapped geometry) and orient per RFC 7946 (shell CCW)."""
    return shapely.orient_polygons(_snap(geoms, decimals), exterior_cw=False)


def _geometry_json(geom) -> str:
    return json.dumps(mapping(geom), separators=(",", ":"))


def to_geojson_geometry(geom, decimals: int = DEFAULT_DECIMALS) -> str:
    """One geometry as compact GeoJSON text (RFC 7946 winding, ``decimals`` places)."""
    _check_params(0, decimals)
    return _geometry_json(_web_geoms(np.array([geom], dtype=object), decimals)[0])


def _json_value(v):
    if isinstance(v, np.generic):
        v = v.item()
    if isinstance(v, float) and not math.isfinite(v):
        return None
    if isinstance(v, tuple):
        return [_json_value(x) for x in v]
    return v


def to_feature_collection(gdf: gpd.GeoDataFrame, *, id_field: str = "code",
                          properties=(), decimals: int = DEFAULT_DECIMALS) -> str:
    """Compact GeoJSON FeatureCollection text: the map layer the browser downloads once.

    Each feature gets ``"id"`` = the value of ``id_field`` (use plotly's default
    ``featureidkey="id"``) and ``"properties"`` with the listed columns only (default none:
    names and values travel with the figure, not with the geometry, and each property costs
    bytes ×2,477). No whitespace, UTF-8 names unescaped, coordinates with ``decimals`` places.
    """
    _check_params(0, decimals)
    missing = [c for c in (id_field, *properties) if c not in gdf.columns]
    if missing:
        raise ValueError(f"to_feature_collection: no columns {missing}")
    geoms = _web_geoms(_geoms(gdf), decimals)
    ids = gdf[id_field].tolist()
    prop_rows = gdf[list(properties)].to_dict("records") if properties else [{}] * len(gdf)
    parts = []
    for fid, props, geom in zip(ids, prop_rows, geoms):
        head = json.dumps({"type": "Feature", "id": _json_value(fid),
                           "properties": {k: _json_value(v) for k, v in props.items()}},
                          separators=(",", ":"), ensure_ascii=False)
        parts.append(f'{head[:-1]},"geometry":{_geometry_json(geom)}}}')
    return '{"type":"FeatureCollection","features":[' + ",".join(parts) + "]}"


# --------------------------------------------------------------------------------------------
# Whole pipeline
# --------------------------------------------------------------------------------------------

@dataclass
class WebBoundaries:
    levels: dict[str, gpd.GeoDataFrame]   # LEVELS -> frame (see dissolve_levels)
    layers: dict[str, str]                # LEVELS -> compact FeatureCollection (id only)
    stats: dict = field(default_factory=dict)


def _area_change_pct(simplified_area: np.ndarray, source_area: np.ndarray) -> np.ndarray:
    return np.abs(simplified_area / source_area - 1.0) * 100.0


def build_web_boundaries(mirror_dir, *, tolerance: float = DEFAULT_TOLERANCE,
                         decimals: int = DEFAULT_DECIMALS, strict: bool = True) -> WebBoundaries:
    """Run load -> simplify -> dissolve -> serialise from the data mirror root.

    ``mirror_dir`` is the mirror root (the directory holding ``jusuff-PolandGeoJson/``).
    Returns the four level frames, their compact FeatureCollections (``id`` = code, no
    properties) and ``stats``: per level ``units``, ``vertices``, ``bytes`` (UTF-8 length of the
    layer), ``max_area_change_pct`` / ``p99_area_change_pct`` versus the unsimplified source
    (for dissolved levels: versus the summed source gmina areas), ``invalid`` (units not valid),
    ``empty``; the repair counts of ``simplify_coverage``; timings in seconds.
    With ``strict`` (default) raises ``LoaderError`` if a gmina became empty or invalid or the
    gmina layer stopped being a valid coverage.
    """
    _check_params(tolerance, decimals)
    t = {"start": time.perf_counter()}
    src = load_gminy(Path(mirror_dir) / GMINY_RELPATH)
    t["load"] = time.perf_counter()
    simplified = simplify_coverage(src, tolerance=tolerance, decimals=decimals)
    sst = simplified.attrs["simplify"]
    t["simplify"] = time.perf_counter()
    if strict and (sst["empty"] or sst["invalid_final"] or not sst["coverage_valid"]):
        raise LoaderError(
            f"boundaries with tolerance={tolerance}, decimals={decimals}: {sst['empty']} empty and "
            f"{sst['invalid_final']} invalid gminy, coverage valid={sst['coverage_valid']}; "
            "use a smaller tolerance or more decimals")
    levels = dissolve_levels(simplified, decimals=decimals)
    t["dissolve"] = time.perf_counter()
    layers = {lvl: to_feature_collection(levels[lvl], id_field="code", decimals=decimals)
              for lvl in LEVELS}
    t["serialize"] = time.perf_counter()

    src_area = shapely.area(_geoms(src))
    src_codes = src["code6"].to_numpy().astype(str)
    per_level = {}
    for lvl, frame in levels.items():
        geoms = _geoms(frame)
        if lvl == "gmina":
            ref = src_area  # same order: simplify_coverage keeps rows
        else:
            keys = (src_codes.astype(f"<U{_PREFIX[lvl]}") if lvl in _PREFIX
                    else np.full(len(src_codes), COUNTRY_CODE))
            sums = {k: 0.0 for k in frame["code"]}
            for k, a in zip(keys, src_area):
                sums[k] += a
            ref = np.array([sums[c] for c in frame["code"]])
        change = _area_change_pct(shapely.area(geoms), ref)
        per_level[lvl] = {
            "units": len(frame),
            "vertices": int(shapely.get_num_coordinates(geoms).sum()),
            "bytes": len(layers[lvl].encode("utf-8")),
            "max_area_change_pct": float(change.max()),
            "p99_area_change_pct": float(np.percentile(change, 99)),
            "invalid": int((~shapely.is_valid(geoms)).sum()),
            "empty": int(shapely.is_empty(geoms).sum()),
            "parts": int(shapely.get_num_geometries(geoms).sum()),
            "holes": int(shapely.get_num_interior_rings(shapely.get_parts(geoms)).sum()),
        }
    stats = {
        "tolerance": tolerance,
        "decimals": decimals,
        "source_vertices": int(shapely.get_num_coordinates(_geoms(src)).sum()),
        "simplify": sst,
        "levels": per_level,
        "seconds": {
            "load": t["load"] - t["start"],
            "simplify": t["simplify"] - t["load"],
            "dissolve": t["dissolve"] - t["simplify"],
            "serialize": t["serialize"] - t["dissolve"],
            "total": t["serialize"] - t["start"],
        },
    }
    return WebBoundaries(levels=levels, layers=layers, stats=stats)
