"""d3 winding of GeoJSON polygons (hand-checked rings) and of the served gmina geometry file."""
import json

import pytest

from domain.winding import _signed_area, d3_winding, geometry

CCW = [[0, 0], [2, 0], [2, 2], [0, 2], [0, 0]]          # RFC 7946 exterior (area +8)
CW = [[0, 0], [0, 2], [2, 2], [2, 0], [0, 0]]           # d3 exterior (area -8)
HOLE_CW = [[0.5, 0.5], [0.5, 1], [1, 1], [1, 0.5], [0.5, 0.5]]   # RFC 7946 hole (clockwise)
HOLE_CCW = [[0.5, 0.5], [1, 0.5], [1, 1], [0.5, 1], [0.5, 0.5]]


def test_shoelace_sign():
    assert _signed_area(CCW) == 8 and _signed_area(CW) == -8


@pytest.mark.parametrize("rings,expected", [
    ([CCW], [CW]),                       # RFC 7946 in -> reversed
    ([CW], [CW]),                        # already d3 -> unchanged
    ([CCW, HOLE_CW], [CW, HOLE_CCW]),    # holes go the other way round
    ([CW, HOLE_CCW], [CW, HOLE_CCW]),
])
def test_polygon_exterior_clockwise_holes_counter_clockwise(rings, expected):
    assert geometry({"type": "Polygon", "coordinates": rings})["coordinates"] == expected


def test_multipolygon_feature_collection_and_input_untouched():
    fc = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "id": "a", "properties": {"pl": "A"},
         "geometry": {"type": "MultiPolygon", "coordinates": [[CCW], [CW]]}},
        {"type": "Feature", "id": "p", "properties": {}, "geometry": {"type": "Point", "coordinates": [1, 2]}}]}
    before = json.dumps(fc)
    out = d3_winding(fc)
    assert out["features"][0]["geometry"]["coordinates"] == [[CW], [CW]]
    assert out["features"][0]["id"] == "a" and out["features"][0]["properties"] == {"pl": "A"}
    assert out["features"][1] == fc["features"][1]
    assert json.dumps(fc) == before  # a new object; the (possibly cached) input is not mutated
    assert d3_winding(out) == out   # idempotent


def test_served_gmina_file_has_every_exterior_clockwise_and_the_same_area(sqlite_store):
    from services.static_geo import with_properties

    text = sqlite_store.layer("gmina")[0]
    stored = json.loads(text)["features"]
    served = json.loads(with_properties(text, {}))["features"]
    assert len(served) == len(stored) == 2477

    def polys(f):
        g = f["geometry"]
        return [g["coordinates"]] if g["type"] == "Polygon" else g["coordinates"]

    for a, b in zip(stored, served):
        assert a["id"] == b["id"]
        for pa, pb in zip(polys(a), polys(b)):
            assert _signed_area(pb[0]) < 0                       # exterior clockwise
            assert all(_signed_area(h) > 0 for h in pb[1:])      # holes counter-clockwise
            assert abs(_signed_area(pa[0])) == pytest.approx(abs(_signed_area(pb[0])))  # same ring
