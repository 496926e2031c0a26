"""Pure map figure builders on real store data: legend counts, no-data counts, colours, payload."""
import json
import re

import numpy as np

from i18n import plural
import plotly.graph_objects as go
import pytest

from presentation.map_figures import (Outline, choropleth_figure, class_labels, histogram_figure, locator_map,
                                    outline_trace, use_log_axis)
from domain import palettes
from domain.classify import class_colours, classify
from domain.rankings import ranking_frame
from services.static_geo import feature_ids

URL = "/app/static/geo/test.geojson"
N_GMINY = 2479  # 2026 TERYT list; 2 of them (created 2025) have no 2020 geometry


def build(store, indicator, year, level, *, method="quantiles", k=5, breaks=None, lang="pl", outlines=()):
    ind = store.indicators()[indicator]
    units = store.units(level)
    frame = ranking_frame(units, store.level_values(indicator, year, level), ind.polarity,
                          feature_ids(store.layer(level)[0]))
    c = classify(frame["value"].to_numpy(), method=method, k=k, breaks=breaks)
    colours = class_colours(c, polarity=ind.polarity, center=ind.centered_on)
    fig = choropleth_figure(ranking=frame, classification=c, colours=colours, geojson=URL, indicator=ind,
                            year=year, level=level, lang=lang, outlines=outlines)
    return fig, frame, c, colours


def legend_count(name: str) -> int:
    return int(re.search(r"\(([\d\s\u00a0,]+)\)$", name).group(1).replace("\u00a0", "").replace(",", "")
               .replace(" ", ""))


def class_traces(fig):
    return [d for d in fig.data if (d.legendgroup or "").startswith("class")]


def test_gmina_legend_counts_sum_to_units_with_data_and_no_data_is_the_rest(sqlite_store):
    fig, frame, c, _ = build(sqlite_store, "population_density", 2019, "gmina")
    with_data = int(frame["value"].notna().sum())
    assert len(frame) == N_GMINY
    shown = [d for d in class_traces(fig) if d.showlegend]
    assert len(shown) == 5
    assert sum(legend_count(d.name) for d in shown) == with_data == 2477
    nodata = next(d for d in fig.data if d.legendgroup == "nodata")
    assert legend_count(nodata.name) == N_GMINY - with_data == 2
    # every drawn gmina appears exactly once across the class and no-data traces
    drawn = [code for d in class_traces(fig) + [nodata] for code in d.locations]
    assert len(drawn) == len(set(drawn)) == int(frame["has_geometry"].sum()) == 2477


def test_units_without_geometry_are_counted_in_classes_but_not_drawn(sqlite_store):
    # presidential election 2025: the two gminy created in 2025 have results but no 2020 boundary
    fig, frame, c, _ = build(sqlite_store, "turnout_president_r1", 2025, "gmina")
    assert int(frame["value"].notna().sum()) == N_GMINY
    assert sum(c.counts) == N_GMINY
    drawn = [code for d in class_traces(fig) for code in d.locations]
    assert len(drawn) == 2477
    assert {"1207132", "2002162"} - set(drawn) == {"1207132", "2002162"}
    nodata = next(d for d in fig.data if d.legendgroup == "nodata")
    assert not nodata.showlegend and len(nodata.locations) == 0


def test_class_trace_colours_follow_classification_and_values_sit_in_their_class(sqlite_store):
    fig, frame, c, colours = build(sqlite_store, "population_density", 2019, "gmina")
    by_code = dict(zip(frame["code"], frame["value"]))
    for d in class_traces(fig):
        i = int(d.legendgroup.removeprefix("class"))
        assert d.colorscale[0][1] == colours[i]
        vals = np.array([by_code[x] for x in d.locations])
        assert (vals <= c.bins[i] + 1e-9).all() and (i == 0 or (vals > c.bins[i - 1]).all())
        assert d.geojson == URL and d.featureidkey == "id"
        assert "%{properties.pl}" in d.hovertemplate
        # issue 18: the unit after the value in its plural form (3 980 osób na km², 22 osoby na km²)
        forms = {plural(round(v), ("osoba", "osoby", "osób"), "pl") for v in vals}
        assert len(forms) == 1 and "} " + forms.pop() + " na km² (2019)" in d.hovertemplate, d.hovertemplate
    words = {w for d in class_traces(fig) for w in ("osoba ", "osoby ", "osób ") if "} " + w in d.hovertemplate}
    assert {"osoby ", "osób "} <= words


def test_lower_better_darkest_class_is_the_lowest_values(sqlite_store):
    fig, frame, c, colours = build(sqlite_store, "crimes_per_1000", 2019, "powiat", method="fisher_jenks")
    L = palettes.relative_luminance
    assert L(colours[0]) < L(colours[-1])  # fewest crimes = darkest = better
    assert sum(c.counts) == int(frame["value"].notna().sum()) == 380


def test_neutral_rank_line_says_by_value_and_rank_line_otherwise(sqlite_store):
    fig, *_ = build(sqlite_store, "population_density", 2019, "gmina")
    assert "wg wartości" in class_traces(fig)[0].hovertemplate
    fig2, *_ = build(sqlite_store, "turnout_sejm", 2023, "gmina")
    assert "wg wartości" not in class_traces(fig2)[0].hovertemplate
    assert "z 2\u00a0477 gmin" in class_traces(fig2)[0].hovertemplate  # the 2 gminy of 2025 did not vote in 2023


def test_withheld_values_are_no_data_with_the_reason(sqlite_store):
    # GUS gives cultural events for 6 of the 7 gminy of powiat 0202 (dzierżoniowski) in 2016:
    # 86 % < 90 % coverage, so the roll-up is withheld
    fig, frame, c, _ = build(sqlite_store, "cultural_event_participants", 2016, "powiat")
    row = frame.loc[frame["code"] == "0202"].iloc[0]
    assert np.isnan(row["value"]) and "withheld" in row["flag"]
    nodata = next(d for d in fig.data if d.legendgroup == "nodata")
    i = list(nodata.locations).index("0202")
    assert nodata.text[i] == "wartość wstrzymana: dane tylko z 6 z 7 jednostek składowych"


def test_computed_values_carry_coverage_in_the_tooltip(sqlite_store):
    fig, frame, c, _ = build(sqlite_store, "turnout_sejm", 2023, "powiat")
    computed = [d for d in class_traces(fig) if "wyliczone z danych" in d.hovertemplate]
    assert computed and all(d.customdata.shape[1] == 4 for d in computed if len(d.locations))


def test_selected_outline_hook(sqlite_store):
    o = Outline(codes=("1261011",), geojson=URL, role="unit", label="wybrana: Kraków")
    fig, *_ = build(sqlite_store, "population_density", 2019, "gmina", outlines=[o])
    last = fig.data[-1]
    assert list(last.locations) == ["1261011"] and last.marker.line.color == palettes.ROLE_COLOURS["unit"]
    assert last.hoverinfo == "skip"
    peers = outline_trace(codes=["0201011", "0201022"], geojson=URL, role="peers")
    assert list(peers.locations) == ["0201011", "0201022"] and peers.marker.line.color == palettes.ROLE_COLOURS["peers"]


def test_english_legend_and_number_format(sqlite_store):
    fig, *_ = build(sqlite_store, "population_density", 2019, "gmina", lang="en")
    assert fig.layout.separators == ".,"
    assert any("3,980" in d.name for d in class_traces(fig))
    assert "%{properties.en}" in class_traces(fig)[0].hovertemplate


def test_payload_is_codes_and_values_not_geometry(sqlite_store):
    fig, *_ = build(sqlite_store, "population_density", 2019, "gmina")
    payload = len(fig.to_json().encode())
    assert payload < 80_000, payload  # inline geometry would be > 1.5 MB
    assert '"coordinates"' not in fig.to_json()


@pytest.mark.parametrize("breaks,labels", [((50, 100, 500), ["4 – 50", "50 – 100", "100 – 500", "500 – 3\u00a0980"])])
def test_user_breaks_legend(sqlite_store, breaks, labels):
    fig, frame, c, _ = build(sqlite_store, "population_density", 2019, "gmina", method="user", breaks=breaks)
    assert class_labels(c, decimals=0, lang="pl") == labels
    shown = [d.name.rsplit(" (", 1)[0] for d in class_traces(fig) if d.showlegend]
    assert shown == labels[::-1]


def test_histogram_bins_every_value_and_marks_breaks_and_selection(sqlite_store):
    ind = sqlite_store.indicators()["population_density"]
    v = sqlite_store.level_values("population_density", 2019, "gmina")["value"].to_numpy()
    c = classify(v, method="quantiles", k=5)
    fig = histogram_figure(values=v, classification=c, colours=class_colours(c, polarity="neutral"), indicator=ind,
                           level="gmina", lang="pl", selected_value=2384.0, selected_label="Kraków")
    assert isinstance(fig, go.Figure)
    assert sum(fig.data[0].y) == len(v) == 2477
    assert fig.layout.meta["log"] is True  # density is strongly skewed
    dashed = [s for s in fig.layout.shapes if s.line.dash == "dash"]
    assert len(dashed) == c.k - 1
    assert any(s.line.color == palettes.ROLE_COLOURS["unit"] for s in fig.layout.shapes)
    assert "Kraków" in fig.layout.annotations[0].text


def test_log_axis_only_for_skewed_positive_data():
    rng = np.random.default_rng(0)
    assert use_log_axis(rng.lognormal(3, 1.5, 500))
    assert not use_log_axis(rng.normal(50, 5, 500))
    assert not use_log_axis(np.array([-1.0, 2, 3, 4, 5, 6, 7, 8, 1000]))


def test_locator_map_draws_the_unit_inside_its_region(sqlite_store):
    b = sqlite_store.boundaries(["1261011"]).iloc[0]
    region = [f for f in json.loads(sqlite_store.layer("wojewodztwo")[0])["features"] if f["id"] == "12"][0]
    fig = locator_map(region=region["geometry"], unit=json.loads(b["geojson"]), unit_label="Kraków",
                      region_label="małopolskie")
    assert len(fig.data) == 2 and fig.layout.yaxis.scaleanchor == "x"
    rx = [x for x in fig.data[0].x if x is not None]
    ux = [x for x in fig.data[1].x if x is not None]
    assert min(rx) < min(ux) and max(ux) < max(rx)
    assert fig.data[1].fillcolor == palettes.ROLE_COLOURS["unit"]


def test_feature_index_locations_decode_to_the_same_codes_and_shrink_the_payload(sqlite_store):
    from presentation.map_figures import location_codes
    from services.static_geo import feature_order, with_properties

    text = sqlite_store.layer("gmina")[0]
    order = feature_order(text)
    assert len(order) == 2477 and order[0] == "0201011"
    props = json.loads(with_properties(text, {"0201011": {"pl": "Bolesławiec"}}))["features"]
    assert props[0]["properties"] == {"pl": "Bolesławiec", "i": 0} and props[5]["properties"] == {"i": 5}
    by_code, frame, c, colours = build(sqlite_store, "population_density", 2019, "gmina")
    ind = sqlite_store.indicators()["population_density"]
    by_index = choropleth_figure(ranking=frame, classification=c, colours=colours, geojson=URL, indicator=ind,
                                 year=2019, level="gmina", lang="pl",
                                 feature_index={code: n for n, code in enumerate(order)})
    for a, b in zip(class_traces(by_code), class_traces(by_index)):
        assert b.featureidkey == "properties.i"
        assert location_codes(b.locations, order) == list(a.locations)
    saved = len(by_code.to_json()) - len(by_index.to_json())
    assert saved > 15_000, saved
    assert location_codes([0, 2476, "1261011", 99999], order) == ["0201011", order[2476], "1261011", ""]


def test_map_is_an_svg_geo_map_framing_poland_with_no_basemap(sqlite_store):
    fig, *_ = build(sqlite_store, "population_density", 2019, "gmina")
    assert {d.type for d in fig.data} == {"choropleth"}  # SVG (geo), no WebGL map subplot
    geo = fig.layout.geo
    assert geo.visible is False and geo.projection.type == "mercator"
    (w, e), (s, n) = geo.lonaxis.range, geo.lataxis.range
    # Poland's extreme points: Cedynia 14.12 E, Wołosate 24.15 E, Opołonek 49.00 N, Jastrzębia Góra 54.84 N
    assert w < 14.12 and e > 24.15 and s < 49.0 and n > 54.84
    assert fig.layout.map.style is None  # nothing left of the MapLibre map


def test_inline_outline_geometry_is_rewound_for_d3(sqlite_store):
    from domain.winding import _signed_area

    ccw = [[19.8, 50.0], [20.1, 50.0], [20.1, 50.1], [19.8, 50.1], [19.8, 50.0]]  # RFC 7946, as the store
    fc = {"type": "FeatureCollection",
          "features": [{"type": "Feature", "id": "A", "properties": {},
                        "geometry": {"type": "Polygon", "coordinates": [ccw]}}]}
    o = Outline(codes=("A",), geojson=fc, role="area_outline", label="obszar")
    fig, *_ = build(sqlite_store, "population_density", 2019, "gmina", outlines=[o])
    ring = fig.data[-1].geojson["features"][0]["geometry"]["coordinates"][0]
    assert _signed_area(ring) < 0 and _signed_area(ccw) > 0  # rewound copy; the caller's dict untouched
