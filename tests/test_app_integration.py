"""A functional area as a first-class unit across the app (AppTests against the real store):
/profil and /porownania with ``area=`` (peers = its own gminy, = powiaty of similar size, = kNN
powiaty), the unit/area switch and the sidebar, the map's area and peer-group outlines.

Reference numbers (hand-computed from the raw files by the areas engineer): Kraków + Zielonki +
Wieliczka + Skawina had 906,274 residents in 2019 (BDL) and a Sejm 2019 turnout of 70.5343 %
(PKW; the catalogue's ratio of the four gminy's sums)."""
import pytest

from tests.test_app_profile import arr, charts, metrics, texts, url

AREA = "1261011,1206172,1219053,1206113"  # Kraków, Zielonki, Wieliczka, Skawina
CANON = "1206113,1206172,1219053,1261011"
# powiat limanowski without Kamienica but with Szczawa (carved from Kamienica in 2025): before 2025
# Szczawa is a member without data, so sums are partial and thin indicators are withheld
LIMANOWSKI = "1207011,1207021,1207032,1207042,1207062,1207072,1207082,1207092,1207102,1207112,1207122,1207132"

_CLEARED: list = []


@pytest.fixture
def app(app_env, monkeypatch):
    """Caches cleared once per module (see tests/test_app_profile.py)."""
    from tests.conftest import make_app

    at = make_app(app_env, monkeypatch, clear_caches=not _CLEARED)
    _CLEARED.append(True)
    return at


def open_page(app, page, **query):
    for k, v in query.items():
        app.query_params[k] = v
    app.run()
    app.switch_page(page).run()
    assert not app.exception, app.exception
    assert not app.error, [e.value for e in app.error]
    return app


def expanders(at) -> list[str]:
    return [e.label for e in at.expander]


def trace(fig, name):
    return next(d for d in fig.data if d.name == name)


# --------------------------------------------------------------------------------------------
# /profil
# --------------------------------------------------------------------------------------------
def test_area_profile_compares_the_area_with_its_own_gminy(app):
    at = open_page(app, "pages/profil.py", area=AREA, peers="members")
    body = texts(at)
    assert "Obszar funkcjonalny: 4 gminy" in [h.value for h in at.header]
    assert "Obszar: 4 gminy — Kraków, Skawina, Wieliczka, Zielonki" in body
    assert "**Grupa porównawcza:** gminy należące do obszaru; n = 4" in body
    assert at.segmented_control(key="peers_method").value == "members"
    # a 4-gmina area defaults to kNN powiaty (issue 18: n = 4 is too few for claims); members on request
    assert url(at) == {"area": CANON, "peers": "members"}
    # GUS 2024: 809,168 + 28,079 + 69,791 + 43,999 residents; the area's total is not ranked
    # against its own gminy, and the card says so
    m = metrics(at)
    assert m["Ludność ogółem"] == "951\xa0037 osób"
    assert "To suma gmin obszaru — nie porównujemy jej z pojedynczymi gminami." in body
    # a rate is ranked among the four gminy (the "of" counts the area): coverage on every card
    assert "wśród gmin obszaru:" in body and "z 5 (1 = najlepiej)" in body
    assert "wyliczone z jednostek składowych, dane z 4 z 4 gmin" in body
    # four gminy are too few for strengths and weaknesses: the page says why
    assert "Grupa porównawcza liczy 4 jedn. — za mało (potrzeba co najmniej 5)" in body
    # EP turnout has no honest aggregation rule: members only, their values one click away
    ep = [x for x in expanders(at) if x.startswith("Frekwencja – wybory do Parlamentu Europejskiego (2024)")]
    assert ep == ["Frekwencja – wybory do Parlamentu Europejskiego (2024) — tylko wartości gmin (dane z 4 z 4 gmin)"]
    breakdown = next(df.value for df in at.dataframe if "Status" in df.value.columns)
    assert len(breakdown) == 5  # the area row + 4 gminy
    assert "Tylko dla gmin obszaru" in [s.value for s in at.subheader]


def test_area_profile_against_powiaty_of_similar_size(app):
    at = open_page(app, "pages/profil.py", area=AREA, peers="typology")
    body = texts(at)
    assert ("powiaty (każdy jako grupa swoich gmin) o podobnej liczbie ludności: 250\xa0000 i więcej mieszkańców "
            "(ludność w 2024 r.); n = 14") in body
    assert url(at)["peers"] == "typology"
    # now the area's population IS ranked (among powiaty of 250,000+): 2nd after Warszawa
    assert "Dane za 2024 · w grupie: 2. z 15 (1 = najwyższa wartość)" in body
    members = at.dataframe[0].value  # the group's members, with population
    assert "Kraków" in set(members["Jednostka"]) and len(members) == 14
    assert "Mocne strony" in body and "Słabe strony" in body


def test_area_knn_peers_are_powiaty(app):
    at = open_page(app, "pages/profil.py", area=AREA, peers="knn:k=10")
    body = texts(at)
    assert "10 powiatów najbardziej podobnych do obszaru pod względem: Ludność ogółem, Gęstość zaludnienia" in body
    members = at.dataframe[0].value
    assert len(members) == 10 and members["TERYT"].str.len().eq(4).all()
    assert "Odległość" in members.columns


def test_area_with_missing_members_shows_coverage_and_withheld_values(app):
    at = open_page(app, "pages/profil.py", area=LIMANOWSKI)
    body = texts(at)
    assert "Obszar funkcjonalny: 12 gmin" in [h.value for h in at.header]
    # Szczawa has no data before its creation: the population is a partial sum of 11 of 12 gminy
    assert "dane z 11 z 12 gmin" in body and "To suma częściowa — dolne oszacowanie" in body
    # cultural participants: only 7 of 12 gminy reported in 2019 -> withheld, shown for members only
    assert ("Uczestnicy imprez kulturalnych na 1000 mieszkańców (2019) — wartość obszaru wstrzymana "
            "(dane z 7 z 12 gmin)") in expanders(at)
    assert "Uczestnicy imprez kulturalnych na 1000 mieszkańców" not in metrics(at)


def test_unit_and_area_switch_keeps_the_url_the_source_of_truth(app):
    at = open_page(app, "pages/profil.py", area=AREA, unit="0201022")
    assert at.segmented_control(key="subject_switch").value == "area"
    assert "Obszar funkcjonalny: 4 gminy" in [h.value for h in at.header]
    at.segmented_control(key="subject_switch").set_value("unit").run()
    assert not at.exception
    assert url(at)["subject"] == "unit" and url(at)["area"] == CANON
    assert "Bolesławiec — gmina wiejska (0201022)" in [h.value for h in at.header]
    assert "Strony pokazują teraz jednostkę" in "\n".join(c.value for c in at.sidebar.caption)
    # back to the area; then clear it in the sidebar: the unit stays
    at.segmented_control(key="subject_switch").set_value("area").run()
    assert "subject" not in url(at)
    at.sidebar.button(key="sb_area_clear").click().run()
    assert not at.exception
    assert "area" not in url(at) and url(at)["unit"] == "0201022"
    assert "Bolesławiec — gmina wiejska (0201022)" in [h.value for h in at.header]
    assert "subject_switch" not in [c.key for c in at.segmented_control]


def test_permalink_with_subject_unit_shows_the_unit(app):
    at = open_page(app, "pages/profil.py", area=AREA, unit="1261011", subject="unit")
    assert "Kraków — miasto na prawach powiatu (1261011)" in [h.value for h in at.header]
    assert url(at)["subject"] == "unit"


def test_members_peers_on_a_unit_fall_back_to_its_typology(app):
    at = open_page(app, "pages/profil.py", unit="0201022", peers="members")
    assert "gminy wiejskie, od 10\xa0000 do 19\xa0999 mieszkańców (ludność w 2024 r.); n = 232" in texts(at)


def test_english_area_profile(app):
    at = open_page(app, "pages/profil.py", area=AREA, peers="members", lang="en")
    body = texts(at)
    assert "Functional area: 4 gminy" in [h.value for h in at.header]
    assert "the gminas that make up the area; n = 4" in body
    assert metrics(at)["Population, total"] == "951,037 persons"


# --------------------------------------------------------------------------------------------
# /porownania
# --------------------------------------------------------------------------------------------
def test_area_time_series_uses_the_areas_real_numbers(app):
    at = open_page(app, "pages/porownania.py", area=AREA, peers="members", indicator="population_total")
    fig = charts(at)[0]
    area = trace(fig, "Obszar (4 gminy)")
    years = arr(area.x)
    assert arr(area.y)[years.index(2019)] == 906_274
    # a count is not set against the members: no peer band, no region or country lines
    assert [d.name for d in fig.data if d.name] == ["Obszar (4 gminy)"]
    cap = next(c.value for c in at.caption if c.value.startswith("Źródło:"))
    assert "Grupa porównawcza: gminy należące do obszaru; n = 4." in cap
    assert "Wartość obszaru to suma jego gmin" in cap


def test_area_turnout_against_its_members(app):
    at = open_page(app, "pages/porownania.py", area=AREA, peers="members", indicator="turnout_sejm")
    fig = charts(at)[0]
    area = trace(fig, "Obszar (4 gminy)")
    years = arr(area.x)
    assert round(arr(area.y)[years.index(2019)], 4) == 70.5343
    names = [d.name for d in fig.data if d.name]
    assert "mediana gmin obszaru" in names and "środkowe 50% gmin obszaru" in names
    assert "woj. małopolskie" in names and "Polska" in names  # all four gminy are in Małopolska
    cap = next(c.value for c in at.caption if c.value.startswith("Źródło:"))
    assert "Obszar (4 gminy): wartości wyliczone z jednostek składowych, dane z 4 z 4 gmin" in cap


@pytest.mark.parametrize("tab", ["ranking", "distribution", "scatter", "quadrant", "age"])
def test_every_comparison_tab_works_for_an_area(app, tab):
    at = open_page(app, "pages/porownania.py", area=AREA, peers="members", tab=tab, indicator="own_revenue_per_capita")
    figs = charts(at)
    assert len(figs) == 1
    cap = next(c.value for c in at.caption if c.value.startswith("Źródło:"))
    assert "Grupa porównawcza: gminy należące do obszaru; n = 4" in cap
    legend = {d.name for d in figs[0].data if d.name}
    if tab in ("scatter", "quadrant"):
        assert "gminy obszaru" in legend and "Obszar (4 gminy)" in legend
    if tab == "ranking":
        labels = list(figs[0].data[0].y)
        assert len(labels) == 5 and any("Obszar (4 gminy)" in y for y in labels)
        # Kraków 2019 own revenue per capita leads; the area (4,638.93 zł) is second
        assert labels[0].startswith("1. Kraków") and labels[1] == "2. Obszar (4 gminy)"
    if tab == "distribution":
        assert [d.name for d in figs[0].data] == ["wszystkie 2\xa0477 gmin", "gminy obszaru (4)"]


def test_area_ranking_among_powiaty_of_similar_size(app):
    at = open_page(app, "pages/porownania.py", area=AREA, peers="typology", tab="ranking",
                   indicator="turnout_sejm")
    labels = list(charts(at)[0].data[0].y)
    assert len(labels) == 15 and any("Obszar (4 gminy)" in y for y in labels)
    assert any(y.endswith(". Warszawa") for y in labels)
    cap = next(c.value for c in at.caption if c.value.startswith("Źródło:"))
    assert "Grupa porównawcza: powiaty (każdy jako grupa swoich gmin) o podobnej liczbie ludności" in cap


def test_members_only_indicator_on_the_comparison_page(app):
    at = open_page(app, "pages/porownania.py", area=AREA, indicator="turnout_ep")
    assert any(x.startswith("Frekwencja – wybory do Parlamentu Europejskiego (2024) — tylko wartości gmin")
               for x in expanders(at))
    assert "Tego wskaźnika nie łączymy w wartość obszaru" in texts(at)


# --------------------------------------------------------------------------------------------
# /mapa
# --------------------------------------------------------------------------------------------
def map_figure(at):
    return charts(at)[0]


def test_map_outlines_the_area(app):
    at = open_page(app, "pages/mapa.py", area=AREA)
    fig = map_figure(at)
    outline = fig.data[-1]
    assert list(outline.locations) == [CANON]  # the area's members, as its canonical definition
    assert outline.marker.line.color == "#D55E00"  # the page's subject: vermillion
    feature = outline.geojson["features"][0]
    assert feature["id"] == CANON and feature["geometry"]["type"] in ("Polygon", "MultiPolygon")
    assert "obszar funkcjonalny (4 gminy)" in outline.name


def test_map_outlines_the_units_knn_peer_group(app):
    at = open_page(app, "pages/mapa.py", unit="0201022", peers="knn:k=10", area=AREA, subject="unit")
    fig = map_figure(at)
    by_colour = {d.marker.line.color: d for d in fig.data if d.type == "choropleth" and d.name}
    peers = by_colour["#CC79A7"]
    assert len(peers.locations) == 10 and "0201022" not in peers.locations
    assert "grupa porównawcza (n = 10)" in peers.name
    assert list(by_colour["#000000"].locations) == [CANON]  # the area, not the subject: black
    assert list(fig.data[-1].locations) == ["0201022"]  # the unit on top
    caps = "\n".join(c.value for c in at.caption)
    assert "Fioletowy kontur — grupa porównawcza (jak na stronie Profil): 10 jednostek najbardziej podobnych" in caps


def test_areas_page_links_to_the_areas_views_and_shows_the_area_there(app):
    app.switch_page("pages/obszary.py")
    for k, v in {"area": AREA, "unit": "0201022", "subject": "unit"}.items():
        app.query_params[k] = v
    app.run()
    assert not app.exception
    labels = [p.proto.label for p in app.get("page_link")]
    assert {"Profil obszaru →", "Porównania →", "Obszar na mapie →", "Raport PDF / prezentacja →"} <= set(labels)
    assert "subject" not in url(app)  # working on the area makes it what the other pages show
    app.switch_page("pages/profil.py").run()
    assert "Obszar funkcjonalny: 4 gminy" in [h.value for h in app.header]
