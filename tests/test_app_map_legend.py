"""Issue 18 items 3, 4 and 13 on /mapa (AppTest, figure JSON, real store): a colour legend at every
level, peer outlines only on their own level's map, the legend below the map, a lightest class
that stands apart from the white page, and the page's "link to this view" box."""
import base64
import json

import numpy as np
import pytest

from domain.palettes import contrast_ratio
from presentation.map_figures import FAINT_LINE

PEER = "#CC79A7"  # palettes.ROLE_COLOURS["peer_outline"]


def open_map(app, **params):
    for k, v in params.items():
        app.query_params[k] = v
    app.switch_page("pages/mapa.py").run()
    assert not app.exception, app.exception
    return app


def map_spec(app) -> dict:
    specs = [json.loads(c.proto.spec) for c in app.get("plotly_chart")]
    return next(s for s in specs if s["layout"].get("meta", {}).get("indicator"))


def n_locations(trace) -> int:
    loc = trace.get("locations")
    if isinstance(loc, dict) and "bdata" in loc:
        return len(np.frombuffer(base64.b64decode(loc["bdata"]), dtype=loc["dtype"]))
    return len(loc or [])


def class_legend(spec) -> list[dict]:
    return [d for d in spec["data"] if d.get("showlegend") and d.get("legendgroup", "").startswith("class")]


@pytest.mark.parametrize("lang", ["pl", "en"])
@pytest.mark.parametrize("level,n_units", [("gmina", 2477), ("powiat", 380), ("wojewodztwo", 16)])
def test_every_level_has_a_colour_legend_on_traces_that_draw(app, level, n_units, lang):
    spec = map_spec(open_map(app, level=level, indicator="population_density", year="2019",
                             unit="0201043", lang=lang))
    shown = class_legend(spec)
    assert len(shown) == spec["layout"]["meta"]["classes"] == 5
    # plotly leaves an empty trace out of the legend: every entry must sit on a trace with units
    assert all(n_locations(d) > 0 for d in shown), [d["name"] for d in shown]
    counts = [int("".join(ch for ch in d["name"].rsplit("(", 1)[1] if ch.isdigit())) for d in shown]
    assert sum(counts) == n_units


def peer_traces(spec) -> list[dict]:
    return [d for d in spec["data"] if d.get("marker", {}).get("line", {}).get("color") == PEER]


def test_gmina_peer_outlines_on_the_gmina_map(app):
    # Łódź (a city with powiat rights): its typology peers are gminy (33 big cities)
    peers = peer_traces(map_spec(open_map(app, level="gmina", unit="1061011")))
    assert len(peers) == 1 and n_locations(peers[0]) == 33
    assert "grupa porównawcza (n = 33)" in peers[0]["name"]


@pytest.mark.parametrize("level,region", [("wojewodztwo", "łódzkie"), ("powiat", "Łódź")])
def test_gmina_peer_outlines_not_over_higher_levels(app, level, region):
    spec = map_spec(open_map(app, level=level, unit="1061011"))
    assert not peer_traces(spec)
    caps = "\n".join(c.value for c in app.caption)
    assert "Fioletowy kontur" not in caps
    assert f"wybrana: {region}" in "\n".join(d.get("name", "") for d in spec["data"])  # the selection stays


def test_legend_is_below_the_map_and_light_classes_are_visible(app):
    spec = map_spec(open_map(app, level="gmina", indicator="population_density", year="2019"))
    lg = spec["layout"]["legend"]
    assert lg["y"] < 0 and lg["yanchor"] == "top"  # below the map area (y 0..1), never over Poland
    assert spec["layout"]["geo"]["domain"]["x"] == [0, 1]
    for d in class_legend(spec):
        fill = d["colorscale"][0][1]
        line = d["marker"]["line"]["color"]
        assert contrast_ratio(fill, "#ffffff") >= 1.3 or line == FAINT_LINE, (fill, line)


def test_diverging_neutral_class_gets_a_visible_edge(app):
    spec = map_spec(open_map(app, level="powiat", indicator="natural_increase_per_1000", year="2024"))
    fills = {d["colorscale"][0][1]: d["marker"]["line"]["color"] for d in class_legend(spec)}
    assert spec["layout"]["meta"]["indicator"] == "natural_increase_per_1000"
    faint = {f: ln for f, ln in fills.items() if contrast_ratio(f, "#ffffff") < 1.3}
    assert faint, "the diverging scheme has a near-white neutral class"
    assert all(ln == FAINT_LINE for ln in faint.values()), faint


@pytest.mark.parametrize("lang,title", [("pl", "Link do tego widoku"), ("en", "Link to this view")])
def test_map_has_a_link_to_this_view(app, lang, title):
    open_map(app, level="powiat", indicator="population_density", year="2019", unit="1261011", lang=lang)
    assert any(title in m.value for m in app.markdown)
    link = [c.value for c in app.code if "/mapa?" in c.value]
    assert link and "level=powiat" in link[0] and "unit=1261011" in link[0] and "year=2019" in link[0]
