"""AppTest of the map page against the real store: defaults, permalinks, bad parameters, widgets."""
import json
import re

import pytest

from presentation.map_figures import class_labels  # noqa: F401 - imported to fail early if it breaks
from domain.classify import fisher_jenks_bins
from i18n import fmt_num
from tests.conftest import ROOT


def open_map(app, **params):
    """Open /mapa?params directly (URL problems are shown on the first run, like in a browser)."""
    for k, v in params.items():
        app.query_params[k] = v
    app.switch_page("pages/mapa.py").run()
    assert not app.exception, app.exception
    return app


def qp(app) -> dict:
    return {k: (v[0] if isinstance(v, list) else v) for k, v in app.query_params.items()}


def texts(app) -> str:
    parts = [m.value for m in app.markdown] + [c.value for c in app.caption] + [s.value for s in app.title]
    parts += [i.value for i in app.info] + [w.value for w in app.warning]
    return "\n".join(str(p) for p in parts)


def map_spec(app) -> dict:
    charts = app.get("plotly_chart")
    specs = [json.loads(c.proto.spec) for c in charts]
    return next(s for s in specs if s["layout"].get("meta", {}).get("indicator"))


def legend(spec) -> list[str]:
    return [d["name"] for d in spec["data"] if d.get("showlegend") and d.get("legendgroup", "").startswith("class")]


def legend_total(spec) -> int:
    return sum(int(re.search(r"\(([\d\u00a0]+)\)$", n).group(1).replace("\u00a0", "")) for n in legend(spec))


def test_default_map_is_population_density_of_gminy_in_the_latest_year(app):
    open_map(app)
    assert "Gęstość zaludnienia — gminy, 2019" in texts(app)
    assert qp(app) == {"indicator": "population_density", "year": "2019", "level": "gmina"}
    spec = map_spec(app)
    url = spec["data"][0]["geojson"]
    assert re.fullmatch(r"/app/static/geo/gmina\.[0-9a-f]{8}\.geojson", url)
    path = ROOT / "static" / url.removeprefix("/app/static/")
    features = json.loads(path.read_text(encoding="utf-8"))["features"]
    assert len(features) == 2477
    krakow = next(f for f in features if f["id"] == "1261011")
    assert krakow["properties"]["pl"] == "Kraków — miasto na prawach powiatu (1261011)"
    # 2,477 gminy have a 2019 density; Szczawa and Grabówka (created 2025) have none
    assert legend_total(spec) == 2477
    assert any(d["name"] == "brak danych (2)" for d in spec["data"])
    # województwa drawn over the gminy for orientation, from their own static file
    assert any(str(d.get("geojson", "")).startswith("/app/static/geo/wojewodztwo.") for d in spec["data"])
    # the SVG geo map reads its (empty) basemap from the app's static files, not plotly's CDN
    chart = next(c for c in app.get("plotly_chart") if json.loads(c.proto.spec) == spec)
    prefix = json.loads(chart.proto.config)["topojsonURL"]
    assert prefix == "/app/static/topojson/"
    basemap = json.loads((ROOT / "static" / "topojson" / "world_110m.json").read_text(encoding="utf-8"))
    assert basemap["type"] == "Topology" and all(o["geometries"] == [] for o in basemap["objects"].values())
    assert "Szczawa (1207132)" in texts(app) and "GUS" in texts(app)


def test_permalink_powiat_crime_rate_with_natural_breaks(app, sqlite_store):
    open_map(app, level="powiat", indicator="crimes_per_1000", year="2019", cls="fisher_jenks", k="5")
    assert not app.warning
    assert qp(app) == {"level": "powiat", "indicator": "crimes_per_1000", "year": "2019", "cls": "fisher_jenks",
                       "k": "5"}
    spec = map_spec(app)
    assert spec["layout"]["meta"] == {"indicator": "crimes_per_1000", "year": 2019, "level": "powiat", "classes": 5}
    assert len(legend(spec)) == 5 and legend_total(spec) == 380
    v = sqlite_store.level_values("crimes_per_1000", 2019, "powiat")["value"]
    bins = fisher_jenks_bins(v.to_numpy(), 5)
    assert legend(spec)[0] == f"{fmt_num(bins[3], 1)} – {fmt_num(bins[4], 1)} ({int((v > bins[3]).sum())})"
    body = texts(app)
    assert "miejsce 1 = najniższa wartość" in body  # lower is better
    assert "Komendy Głównej Policji" in body  # source: publisher and vintage
    assert "Wartości wyliczone ze wskaźników: Przestępstwa stwierdzone ogółem / Ludność ogółem" in body


# the URL value is Markdown-escaped in the message (now shown by the router on every page, issue 18)
@pytest.mark.parametrize("params,expect_warning,fragment,final", [
    ({"indicator": "no_such_thing"}, True, "Nie ma wskaźnika „no\\_such\\_thing”", {"indicator": "population_density"}),
    ({"indicator": "population_density", "year": "1899"}, True, "Parametr „year”", {"year": "2019"}),
    ({"indicator": "population_density", "year": "2012"}, False, "Brak danych za 2012 r.", {"year": "2019"}),
    ({"indicator": "population_density", "year": "2024"}, False, "Brak danych za 2024 r.", {"year": "2019"}),
    ({"cls": "kmeans"}, True, "Parametr „cls”", {}),
    ({"k": "12"}, True, "Parametr „k”", {}),
    ({"cls": "user", "breaks": "abc"}, True, "Nie rozumiemy granic klas „abc”", {}),
    ({"level": "gmina", "indicator": "crimes_per_1000"}, False, "nie ma danych dla poziomu „gminy”",
     {"level": "powiat", "indicator": "crimes_per_1000"}),
    ({"pal": "Rainbow"}, True, "Nieznana paleta „Rainbow”", {}),
    ({"level": "kraj"}, True, "Parametr „level”", {"level": "gmina"}),
])
def test_bad_or_unavailable_params_get_a_message_and_a_sensible_map(app, params, expect_warning, fragment, final):
    open_map(app, **params)
    assert fragment in texts(app)
    if expect_warning:
        assert app.warning
    assert map_spec(app)  # a map is still drawn
    for k, v in final.items():
        assert qp(app)[k] == v
    assert "cls" not in qp(app) or qp(app)["cls"] in ("fisher_jenks", "equal_interval", "std_mean", "user")


def test_user_breaks_from_the_url(app):
    open_map(app, cls="user", breaks="50,100,500")
    names = legend(map_spec(app))
    assert [n.rsplit(" (", 1)[0] for n in names] == ["500 – 3\u00a0980", "100 – 500", "50 – 100", "4 – 50"]
    assert qp(app)["breaks"] == "50,100,500"


def test_selected_unit_is_outlined_highlighted_and_summarised(app):
    open_map(app, unit="1261011")
    spec = map_spec(app)
    outline = spec["data"][-1]
    assert outline["locations"] == ["1261011"] and outline["marker"]["line"]["color"] == "#D55E00"
    assert "**Kraków**: 2\u00a0384 osoby na km² — miejsce **21** z 2\u00a0477 gmin, percentyl 99." in texts(app)
    table = app.dataframe[0].value
    assert "Kraków" in set(table["Jednostka"])
    assert len(table) < 40  # compact: top, bottom and Kraków's neighbours


def test_selected_gmina_outlines_its_powiat_on_the_powiat_map(app):
    open_map(app, unit="1261011", level="powiat", indicator="population_density", year="2019")
    spec = map_spec(app)
    assert spec["data"][-1]["locations"] == ["1261"]
    assert "**Kraków**" in texts(app)


def test_changing_indicator_keeps_level_and_picks_a_year_it_has(app):
    open_map(app)
    box = next(s for s in app.selectbox if s.label == "Wskaźnik")
    box.set_value("turnout_sejm").run()
    assert not app.exception
    # 2019 (the density year) is also a Sejm election year: the year is kept
    assert qp(app)["indicator"] == "turnout_sejm" and qp(app)["year"] == "2019" and qp(app)["level"] == "gmina"
    assert "Frekwencja" in texts(app)
    year = next(s for s in app.selectbox if s.label == "Rok")
    year.set_value(2015).run()
    assert qp(app)["year"] == "2015"
    assert map_spec(app)["layout"]["meta"]["year"] == 2015
    # an indicator without 2015 data falls back to its latest year, without a message
    next(s for s in app.selectbox if s.label == "Wskaźnik").set_value("turnout_president_r1").run()
    assert qp(app)["year"] == "2025" and not app.info


def test_switching_level_and_classes_updates_the_url(app):
    open_map(app)
    app.segmented_control[0].set_value("wojewodztwo").run()
    assert qp(app)["level"] == "wojewodztwo"
    spec = map_spec(app)
    assert legend_total(spec) == 16
    assert not any(str(d.get("geojson", "")).startswith("/app/static/geo/wojewodztwo.") and d.get("hoverinfo") == "skip"
                   and len(d.get("locations", [])) == 16 for d in spec["data"][:-1] if d.get("legendgroup") == "outline-#404040")
    next(s for s in app.selectbox if s.label == "Podział na klasy").set_value("equal_interval").run()
    app.slider[0].set_value(4).run()
    assert qp(app)["cls"] == "equal_interval" and qp(app)["k"] == "4"
    assert len(legend(map_spec(app))) == 4


def test_show_all_lists_every_gmina(app):
    open_map(app)
    app.toggle[0].set_value(True).run()
    assert len(app.dataframe[0].value) == 2479


def test_english(app):
    open_map(app, lang="en", level="powiat", indicator="turnout_sejm", year="2023")
    body = texts(app)
    assert "Turnout" in body and "powiaty (counties)" in body
    spec = map_spec(app)
    assert spec["layout"]["separators"] == ".,"
    assert "computed from" in " ".join(d.get("hovertemplate", "") for d in spec["data"])


# -- issue 18: English level names; palettes explained ------------------------------------------
def test_english_level_control_is_english_and_palettes_are_explained(app):
    open_map(app, lang="en", level="gmina", indicator="population_total", year="2024")
    seg = app.segmented_control[0]
    shown = " | ".join(o.content for o in seg.proto.options)  # the labels as drawn
    # English terms as in GUS English publications (gmina, powiat, voivodeship), short enough to fit
    assert shown == "Gminas | Powiats | Voivodeships"
    pal = next(s for s in app.selectbox if s.label == "Colour palette")
    assert pal.format_func(pal.value).startswith("Yellow–green–blue")
    assert "Lighter = less, darker = more" in texts(app)  # population is descriptive (neutral)


def test_polish_palette_caption_says_what_light_and_dark_mean(app):
    open_map(app, level="gmina", indicator="deaths_per_1000", year="2024")
    pal = next(s for s in app.selectbox if s.label == "Paleta kolorów")
    assert "(YlGnBu)" in pal.format_func(pal.value) or "(" in pal.format_func(pal.value)
    assert "Ciemniej = mniej, czyli lepiej" in texts(app)  # fewer deaths per 1 000 = better
