"""Boundaries loader on the real PRG-based gmina file of the data mirror.

The pipeline runs once per module (≈ 1 s) at the default tolerance/decimals and once with
tolerance 0 (rounding only) to check the dissolve itself against the source's counties file.
Bounds marked "measured" come from bench/boundaries_sizes.py at the defaults; a change of the
default tolerance has to re-measure them.
"""
from __future__ import annotations
import gzip

import json
import re
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from loaders.base import LoaderError
from loaders.boundaries import (
    DEFAULT_DECIMALS,
    DEFAULT_TOLERANCE,
    GMINY_RELPATH,
    LEVELS,
    build_web_boundaries,
    dissolve_levels,
    load_gminy,
    simplify_coverage,
    to_feature_collection,
    to_geojson_geometry,
)
from settings import get_settings

# Product goal: the first map of a page ≤ 1 MB in total, the geometry fetched once by the browser
# (static file under /app/static, which Streamlit serves gzip-compressed). Raw sizes are bounded to
# catch regressions; the gzip bound is what crosses the network (≤ 350 kB leaves ample room for
# the figure's codes/values and page data within 1 MB).
GMINA_LAYER_MAX_BYTES = 1_500_000      # measured 1,470,523
GMINA_LAYER_MAX_GZIP_BYTES = 350_000   # measured 320,723
POWIAT_LAYER_MAX_BYTES = 580_000       # measured 564,331
WOJEWODZTWO_LAYER_MAX_BYTES = 120_000  # measured 115,150

# Area change versus the unsimplified source at the defaults (measured, rounded up).
MAX_AREA_CHANGE_PCT = {"gmina": 3.5, "powiat": 1.0, "wojewodztwo": 0.25, "country": 0.01}
P99_AREA_CHANGE_PCT = {"gmina": 1.0, "powiat": 0.6}
LAND_POWIAT_MAX_AREA_CHANGE_PCT = 1.0


def _mirror() -> Path:
    return get_settings().data_mirror  # MRL_DATA_MIRROR or <project root>/../shared/data


def _source(name: str) -> Path:
    path = _mirror() / "jusuff-PolandGeoJson" / name
    if not path.is_file():
        pytest.skip(f"data mirror not found: {path} (set MRL_DATA_MIRROR)")
    return path


@pytest.fixture(scope="module")
def source_gminy() -> gpd.GeoDataFrame:
    return load_gminy(_source("poland.municipalities.json"))


@pytest.fixture(scope="module")
def web():
    _source("poland.municipalities.json")
    return build_web_boundaries(_mirror())


@pytest.fixture(scope="module")
def web_rounded_only():
    _source("poland.municipalities.json")
    return build_web_boundaries(_mirror(), tolerance=0.0)


@pytest.fixture(scope="module")
def counties() -> gpd.GeoDataFrame:
    return gpd.read_file(_source("poland.counties.json")).set_index("terc")


@pytest.fixture(scope="module")
def voivodeships() -> gpd.GeoDataFrame:
    return gpd.read_file(_source("poland.voivodeships.json")).set_index("terc")


def _geoms(gdf) -> np.ndarray:
    return np.asarray(gdf.geometry.array, dtype=object)


def _area(gdf) -> pd.Series:
    """Planar area in deg² (only ratios are compared, so lon/lat distortion cancels)."""
    return pd.Series(shapely.area(_geoms(gdf)), index=gdf.index)


# ---------------------------------------------------------------- loading


def test_load_gminy_real_file(source_gminy):
    g = source_gminy
    assert list(g.columns) == ["source_code", "code6", "name", "geometry"]
    assert g.crs.to_epsg() == 4326
    assert len(g) == 2477
    assert g["source_code"].str.fullmatch(r"\d{7}").all()
    assert (g["code6"] == g["source_code"].str[:6]).all()
    assert g["code6"].is_unique
    assert set(g.geom_type) == {"Polygon", "MultiPolygon"}
    assert g.attrs["invalid_source"] == 0
    row = g.set_index("source_code").loc["1261011"]
    assert row["name"] == "Kraków" and row["code6"] == "126101"


def _write(tmp_path, doc) -> Path:
    path = tmp_path / "gminy.json"
    path.write_text(doc if isinstance(doc, str) else json.dumps(doc), encoding="utf-8")
    return path


_SQUARE = {"type": "Polygon", "coordinates": [[[19.0, 50.0], [19.1, 50.0], [19.1, 50.1],
                                                [19.0, 50.1], [19.0, 50.0]]]}


def _fc(*features):
    return {"type": "FeatureCollection", "features": list(features)}


def _feat(terc="1261011", name="Kraków", geometry=_SQUARE):
    return {"type": "Feature", "properties": {"terc": terc, "name": name}, "geometry": geometry}


@pytest.mark.parametrize("doc, message", [
    ("{not json", "not valid JSON"),
    ({"type": "Feature"}, "expected a GeoJSON FeatureCollection"),
    ([1, 2], "expected a GeoJSON FeatureCollection"),
    (_fc(), "has no features"),
    (_fc(_feat(terc="126101")), "7-digit"),
    (_fc(_feat(terc=1261011)), "7-digit"),
    (_fc(_feat(name="")), "'name'"),
    (_fc(_feat(geometry=None)), "Polygon or MultiPolygon"),
    (_fc(_feat(geometry={"type": "Point", "coordinates": [19.0, 50.0]})), "Polygon or"),
    (_fc(_feat(geometry={"type": "Polygon", "coordinates": [[[19.0]]]})), "unreadable geometry"),
    (_fc(_feat(geometry={"type": "Polygon", "coordinates": [[[566000.0, 244000.0],
        [567000.0, 244000.0], [567000.0, 245000.0], [566000.0, 244000.0]]]})), "not lon/lat"),
    (_fc(_feat(), _feat(name="Kraków bis")), "duplicate source_code"),
    (_fc(_feat(), _feat(terc="1261012")), "duplicate code6"),
    ({**_fc(_feat()), "crs": {"type": "name", "properties": {"name": "EPSG:2180"}}}, "CRS"),
])
def test_load_gminy_rejects_malformed_file(tmp_path, doc, message):
    path = _write(tmp_path, doc)
    with pytest.raises(LoaderError, match=re.escape(message)) as err:
        load_gminy(path)
    assert str(path) in str(err.value)


def test_load_gminy_missing_file(tmp_path):
    with pytest.raises(LoaderError, match="not found"):
        load_gminy(tmp_path / "nope.json")


def test_load_gminy_minimal_valid_file(tmp_path):
    g = load_gminy(_write(tmp_path, _fc(_feat(), _feat(terc="1465011", name="Warszawa"))))
    assert g["code6"].tolist() == ["126101", "146501"]


# ---------------------------------------------------------------- counts, validity


def test_level_counts_and_codes(web):
    lv = web.levels
    assert [len(lv[k]) for k in LEVELS] == [2477, 380, 16, 1]
    for level, width in [("gmina", 6), ("powiat", 4), ("wojewodztwo", 2)]:
        codes = lv[level]["code"]
        assert codes.is_unique and codes.str.fullmatch(rf"\d{{{width}}}").all(), level
    assert lv["country"]["code"].tolist() == ["PL"]
    assert lv["powiat"]["n_gminy"].sum() == lv["wojewodztwo"]["n_gminy"].sum() == 2477
    assert lv["country"]["n_gminy"].iloc[0] == 2477
    assert set(lv["gmina"]["code"].str[:4]) == set(lv["powiat"]["code"])
    assert set(lv["powiat"]["code"].str[:2]) == set(lv["wojewodztwo"]["code"])
    for frame in lv.values():
        assert {"code", "geometry", "rep_lon", "rep_lat", "bbox"} <= set(frame.columns)
        assert frame.crs.to_epsg() == 4326


def test_no_gmina_lost(web, source_gminy):
    gm = web.levels["gmina"]
    assert gm["source_code"].tolist() == source_gminy["source_code"].tolist()
    assert (gm["name"] == source_gminy["name"]).all()
    # every exclave and every enclave (hole = a town inside its rural gmina) survives
    src, out = _geoms(source_gminy), _geoms(gm)
    assert (shapely.get_num_geometries(out) == shapely.get_num_geometries(src)).all()
    holes = lambda a: shapely.get_num_interior_rings(shapely.get_parts(a)).sum()  # noqa: E731
    assert holes(out) == holes(src) == 63


@pytest.mark.parametrize("level", LEVELS)
def test_all_valid_non_empty_polygonal(web, level):
    geoms = _geoms(web.levels[level])
    assert shapely.is_valid(geoms).all()
    assert not shapely.is_empty(geoms).any()
    assert set(shapely.get_type_id(geoms)) <= {3, 6}  # Polygon, MultiPolygon
    assert web.stats["levels"][level]["invalid"] == 0


def test_simplify_stats(web):
    st = web.stats["simplify"]
    assert st["invalid_final"] == 0 and st["empty"] == 0 and st["off_grid_vertices"] == 0
    assert st["coverage_valid"]
    # snapping the source to 1e-4° turns exactly one neck into a bow-tie (Czerniewice), repaired
    assert st["invalid_after_rounding"] == 1
    # the source is already mapshaper-simplified: at 0.0075° little is removed (measured 69,173 of 69,647)
    assert web.stats["levels"]["gmina"]["vertices"] <= web.stats["source_vertices"]


# ---------------------------------------------------------------- topology


def test_gmina_layer_is_a_valid_coverage(web):
    assert shapely.coverage_is_valid(_geoms(web.levels["gmina"]))


@pytest.mark.parametrize("level", ["powiat", "wojewodztwo", "country"])
def test_dissolve_has_no_slivers(web, level):
    """Each dissolved unit's area equals the sum of its gminy (no overlaps, no gaps inside)."""
    gm = web.levels["gmina"]
    area = shapely.area(_geoms(gm))
    key = {"powiat": 4, "wojewodztwo": 2}.get(level)
    groups = gm["code"].str[:key] if key else np.full(len(gm), "PL")
    sums = gm.assign(a=area).groupby(groups)["a"].sum()
    frame = web.levels[level].set_index("code")
    rel = np.abs(shapely.area(_geoms(frame)) / sums.reindex(frame.index).to_numpy() - 1)
    assert rel.max() < 1e-3  # 0.1 %; in fact ~1e-12


def test_country_has_no_holes(web):
    country = web.levels["country"].geometry.iloc[0]
    assert sum(len(p.interiors) for p in shapely.get_parts(country)) == 0


def _shared_border_lengths(geoms: np.ndarray, pairs: np.ndarray) -> np.ndarray:
    a, b = shapely.boundary(geoms[pairs[0]]), shapely.boundary(geoms[pairs[1]])
    return shapely.length(shapely.intersection(a, b))


def test_neighbours_still_share_a_border(web, source_gminy):
    """Every pair of gminy sharing a border segment in the source still shares one, and no
    simplified pair overlaps (coverage simplification, not per-polygon)."""
    src = _geoms(source_gminy)
    pairs = shapely.STRtree(src).query(src, predicate="intersects")
    pairs = pairs[:, pairs[0] < pairs[1]]
    src_len = _shared_border_lengths(src, pairs)
    out = _geoms(web.levels["gmina"])
    # A border shorter than the 1e-4° grid can collapse into a point when snapped; the source
    # has exactly two (1.1 m and 3.0 m long, at near-quadruple points). All others survive.
    grid = 10.0 ** -DEFAULT_DECIMALS
    adjacent = pairs[:, src_len >= grid]
    assert adjacent.shape[1] > 7000
    assert (_shared_border_lengths(out, adjacent) > 0).all()
    tiny = pairs[:, (src_len > 0) & (src_len < grid)]
    names = web.levels["gmina"]["name"].to_numpy()
    assert sorted(tuple(sorted(names[p])) for p in tiny.T) == [
        ("Budziszewice", "Czerniewice"), ("Lubartów", "Niedźwiada")]
    assert shapely.touches(out[tiny[0]], out[tiny[1]]).all()  # still neighbours, at a point
    overlap = shapely.area(shapely.intersection(out[pairs[0]], out[pairs[1]]))
    assert overlap.max() == 0.0
    # e.g. Kraków and Zielonki
    codes = web.levels["gmina"]["code"].tolist()
    i, j = codes.index("126101"), codes.index("120617")
    shared = shapely.intersection(out[i].boundary, out[j].boundary)
    assert shared.length > 0.01 and shapely.area(shapely.intersection(out[i], out[j])) == 0


def test_per_polygon_simplify_would_fail_the_sliver_check(source_gminy):
    """The checks above have teeth: plain per-polygon simplify of the same gminy overlaps."""
    src = _geoms(source_gminy)
    naive = shapely.simplify(src, DEFAULT_TOLERANCE)
    assert not shapely.coverage_is_valid(naive)
    total = shapely.area(naive).sum()
    assert abs(shapely.area(shapely.union_all(naive)) / total - 1) > 1e-3


# ---------------------------------------------------------------- against the source's own levels


def test_area_change_per_level_within_measured_bounds(web):
    levels = web.stats["levels"]
    for level, bound in MAX_AREA_CHANGE_PCT.items():
        assert levels[level]["max_area_change_pct"] < bound, level
    for level, bound in P99_AREA_CHANGE_PCT.items():
        assert levels[level]["p99_area_change_pct"] < bound, level


def test_dissolve_reproduces_source_counties(web_rounded_only, counties):
    """Without simplification the dissolve equals the source's counties (a dissolve of the
    same gminy): same 380 codes, every area within 1 % (in fact ≤ 0.2 %, from rounding)."""
    pw = web_rounded_only.levels["powiat"].set_index("code")
    assert sorted(pw.index) == sorted(counties.index)
    rel = np.abs(_area(pw) / _area(counties).reindex(pw.index) - 1)
    assert rel.max() < 0.01


def test_simplified_powiaty_match_source_counties(web, source_gminy, counties):
    pw = web.levels["powiat"].set_index("code")
    assert sorted(pw.index) == sorted(counties.index) and len(pw) == 380
    pct = np.abs(_area(pw) / _area(counties).reindex(pw.index) - 1) * 100
    city = pw.index.str[2:].astype(int) >= 61
    assert city.sum() == 66
    assert pct[~city].max() < LAND_POWIAT_MAX_AREA_CHANGE_PCT
    assert pct.max() < MAX_AREA_CHANGE_PCT["powiat"]
    assert np.abs(_area(pw).sum() / _area(counties).sum() - 1) < 1e-4
    # names: a city with powiat rights is one gmina whose name is the county's name
    by_code = source_gminy.set_index("code6")["name"]
    for code in pw.index[city]:
        assert counties.loc[code, "name"] == by_code[code + "01"], code
    assert counties.loc["1261", "name"] == "Kraków" and counties.loc["0201", "name"] == "bolesławiecki"


def test_wojewodztwa_match_source_voivodeships(web, voivodeships):
    wj = web.levels["wojewodztwo"].set_index("code")
    assert sorted(wj.index) == sorted(voivodeships.index) and len(wj) == 16
    rel = np.abs(_area(wj) / _area(voivodeships).reindex(wj.index) - 1)
    assert rel.max() < 0.01
    assert voivodeships.loc["12", "name"] == "MAŁOPOLSKIE" and voivodeships.loc["14", "name"] == "MAZOWIECKIE"


# ---------------------------------------------------------------- labels, bbox


@pytest.mark.parametrize("source_code, code6, name", [("1261011", "126101", "Kraków"),
                                                      ("1465011", "146501", "Warszawa")])
def test_big_cities_present(web, source_code, code6, name):
    gm = web.levels["gmina"].set_index("code")
    row = gm.loc[code6]
    assert row["source_code"] == source_code and row["name"] == name
    assert shapely.Point(row["rep_lon"], row["rep_lat"]).distance(row.geometry) <= 1e-4
    minx, miny, maxx, maxy = row["bbox"]
    assert minx < row["rep_lon"] < maxx and miny < row["rep_lat"] < maxy
    pw = web.levels["powiat"].set_index("code")
    assert pw.loc[code6[:4], "n_gminy"] == 1


@pytest.mark.parametrize("level", LEVELS)
def test_labels_inside_and_bboxes_consistent(web, level):
    frame = web.levels[level]
    geoms = _geoms(frame)
    pts = shapely.points(frame["rep_lon"].to_numpy(), frame["rep_lat"].to_numpy())
    assert (shapely.distance(pts, geoms) <= 1e-4).all()  # inside up to the rounding
    bbox = np.array(frame["bbox"].tolist())
    assert np.allclose(bbox, shapely.bounds(geoms), atol=1e-9)
    assert (bbox[:, 0] >= 14.1).all() and (bbox[:, 2] <= 24.2).all()
    assert (bbox[:, 1] >= 49.0).all() and (bbox[:, 3] <= 54.9).all()


# ---------------------------------------------------------------- serialisation


def test_layer_sizes_below_budget(web):
    sizes = {k: v["bytes"] for k, v in web.stats["levels"].items()}
    assert sizes["gmina"] <= GMINA_LAYER_MAX_BYTES
    assert len(gzip.compress(web.layers["gmina"].encode("utf-8"), 6)) <= GMINA_LAYER_MAX_GZIP_BYTES
    assert sizes["powiat"] <= POWIAT_LAYER_MAX_BYTES
    assert sizes["wojewodztwo"] <= WOJEWODZTWO_LAYER_MAX_BYTES
    assert sizes == {k: len(v.encode("utf-8")) for k, v in web.layers.items()}


def test_feature_collection_is_compact_rfc7946(web):
    text = web.layers["gmina"]
    assert "\n" not in text and ", " not in text and '": ' not in text
    assert not re.search(r"\d\.\d{5,}", text)  # ≤ 4 decimals everywhere
    doc = json.loads(text)
    assert doc["type"] == "FeatureCollection" and len(doc["features"]) == 2477
    ids = [f["id"] for f in doc["features"]]
    assert ids == web.levels["gmina"]["code"].tolist()
    assert all(f["properties"] == {} for f in doc["features"])
    geoms = shapely.from_geojson([json.dumps(f["geometry"]) for f in doc["features"]])
    parts = shapely.get_parts(geoms)
    assert shapely.is_ccw(shapely.get_exterior_ring(parts)).all()  # RFC 7946 winding
    assert shapely.equals(geoms, _geoms(web.levels["gmina"])).all()


def test_feature_collection_properties(web):
    pw = web.levels["powiat"].head(3)
    doc = json.loads(to_feature_collection(pw, id_field="code",
                                           properties=("n_gminy", "bbox", "rep_lon"), decimals=2))
    f = doc["features"][0]
    assert f["id"] == pw["code"].iloc[0]
    assert f["properties"]["n_gminy"] == int(pw["n_gminy"].iloc[0])
    assert f["properties"]["bbox"] == list(pw["bbox"].iloc[0])
    assert not re.search(r"\d\.\d{3,}", json.dumps(f["geometry"]))
    named = to_feature_collection(web.levels["gmina"].head(50), properties=("name",))
    assert "Bolesławiec" in named  # UTF-8, not \u-escaped
    with pytest.raises(ValueError, match="no columns"):
        to_feature_collection(pw, properties=("nope",))


def test_to_geojson_geometry_round_trips(web):
    krakow = web.levels["gmina"].set_index("code").loc["126101"].geometry
    text = to_geojson_geometry(krakow, DEFAULT_DECIMALS)
    assert " " not in text and not re.search(r"\d\.\d{5,}", text)
    assert shapely.from_geojson(text).equals(krakow)
    coarse = to_geojson_geometry(krakow, 2)
    assert not re.search(r"\d\.\d{3,}", coarse) and len(coarse) < len(text)


# ---------------------------------------------------------------- purity, strictness


def test_simplify_coverage_and_dissolve_are_pure(source_gminy):
    part = source_gminy[source_gminy["code6"].str.startswith("1206")].copy()  # powiat krakowski
    before = part.copy()
    out = simplify_coverage(part, tolerance=DEFAULT_TOLERANCE, decimals=DEFAULT_DECIMALS)
    assert part.geometry.geom_equals_exact(before.geometry, tolerance=0).all()
    assert list(out.columns) == list(part.columns) and out.index.equals(part.index)
    assert out.attrs["simplify"]["coverage_valid"]
    levels = dissolve_levels(out)
    assert len(levels["powiat"]) == 1 and levels["powiat"]["code"].iloc[0] == "1206"
    assert "rep_lon" not in out.columns


def test_bad_parameters_rejected(source_gminy):
    with pytest.raises(ValueError, match="tolerance"):
        simplify_coverage(source_gminy.head(3), tolerance=-1, decimals=4)
    with pytest.raises(ValueError, match="decimals"):
        simplify_coverage(source_gminy.head(3), tolerance=0.01, decimals=4.5)


def test_strict_refuses_collapsed_gminy(tmp_path):
    _source("poland.municipalities.json")
    with pytest.raises(LoaderError, match="empty"):
        build_web_boundaries(_mirror(), decimals=1)  # 0.1° grid: small towns vanish


def test_missing_mirror_is_a_loader_error(tmp_path):
    with pytest.raises(LoaderError, match=re.escape(str(GMINY_RELPATH))):
        build_web_boundaries(tmp_path)


def test_timings_reported(web):
    sec = web.stats["seconds"]
    assert set(sec) == {"load", "simplify", "dissolve", "serialize", "total"}
    assert sec["total"] < 10
