"""AppTests of /profil and /porownania against the real store: permalinks with peers=, the three
peer methods, real values, captions that state source, years and group, bad input."""
import base64

import numpy as np
import plotly.io as pio
import pytest

from tests.conftest import texts


_CLEARED = []


@pytest.fixture
def app(app_env, monkeypatch):
    """Like conftest's ``app`` but clears Streamlit's caches once per module, not per test: the
    caches are keyed by the store's ingest id and read-only, and a cold level matrix costs seconds
    (one query of ~200,000 values) — these tests exercise pages, not cold caches."""
    from tests.conftest import make_app

    at = make_app(app_env, monkeypatch, clear_caches=not _CLEARED)
    _CLEARED.append(True)
    return at


def open_page(app, page, **query):
    for k, v in query.items():
        app.query_params[k] = v
    app.run()
    app.switch_page(page).run()
    assert not app.exception
    assert not app.error, [e.value for e in app.error]
    return app


def metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def charts(at):
    """The page's plotly figures, decoded (arrays travel base64-encoded in the spec)."""
    return [pio.from_json(c.proto.spec) for c in at.get("plotly_chart")]


def arr(v) -> list:
    """A trace array as a list (plotly sends numeric arrays as {dtype, bdata})."""
    if isinstance(v, dict) and "bdata" in v:
        return np.frombuffer(base64.b64decode(v["bdata"]), dtype=v["dtype"]).tolist()
    return list(v)


def url(at) -> dict:
    return {k: (v[0] if isinstance(v, list) else v) for k, v in at.query_params.items()}


def test_profile_permalink_with_knn_peers(app):
    at = open_page(app, "pages/profil.py", unit="0201022", peers="knn:k=10")
    body = texts(at)
    assert "Bolesławiec — gmina wiejska (0201022)" in body
    assert "10 jednostek najbardziej podobnych pod względem: Ludność ogółem, Gęstość zaludnienia" in body
    assert "rok odniesienia: 2019" in body
    # the group is explained: one row per peer, with the share of the distance per indicator
    table = at.dataframe[0].value
    assert len(table) == 10 and "0201022" not in set(table["TERYT"])
    assert {"Odległość", "Podobna pod względem", "Różni się głównie", "Ludność ogółem"} <= set(table.columns)
    dist = table["Odległość"].str.replace(",", ".").astype(float)  # Polish decimal comma
    assert dist.is_monotonic_increasing and dist.iloc[0] > 0
    # GUS 2024: 15,359 residents; the card says so with year, ranks and source
    assert metrics(at)["Ludność ogółem"] == "15\xa0359 osób"
    assert "Dane za 2024 · 508. miejsce z 2\xa0477 gmin" in body
    assert "Źródło: GUS – „Ludność. Stan i struktura oraz ruch naturalny" in body
    assert at.segmented_control[0].value == "knn" and at.slider[0].value == 10
    assert url(at)["peers"] == "knn:k=10"


def test_default_typology_group_and_summary(app):
    at = open_page(app, "pages/profil.py", unit="0201022")
    body = texts(at)
    assert "gminy wiejskie, od 10\xa0000 do 19\xa0999 mieszkańców (ludność w 2024 r.); n = 232" in body
    assert "Mocne strony" in body and "Słabe strony" in body
    # sewerage 72.1 % vs a group median of 47.8 % (BDL 2019) is named as a strength with its numbers
    assert "**Korzystający z kanalizacji** (2019): 72,1 % ludności — więcej niż mediana grupy (47,8 % ludności)" \
        in body
    assert "peers" not in url(at)


def test_switching_the_method_rewrites_the_url_and_the_group(app):
    at = open_page(app, "pages/profil.py", unit="0201022")
    at.segmented_control[0].set_value("typology_woj").run()
    assert not at.exception
    assert url(at)["peers"] == "typology:woj"
    assert "gminy wiejskie, od 10\xa0000 do 19\xa0999 mieszkańców (ludność w 2024 r.), woj. dolnośląskie; n = 8" \
        in texts(at)
    at.segmented_control[0].set_value("knn").run()
    at.slider[0].set_value(5).run()
    assert url(at)["peers"] == "knn:k=5"
    assert "5 jednostek najbardziej podobnych" in texts(at)
    at.multiselect[0].set_value(["population_total", "gas_pct"]).run()
    assert url(at)["peers"] == "knn:k=5;w=population_total,gas_pct"
    at.number_input[0].set_value(3.0).run()
    assert url(at)["peers"] == "knn:k=5;w=population_total*3,gas_pct"
    assert "Ludność ogółem ×3" in texts(at)


def test_custom_list_from_url_rejects_other_levels(app):
    at = open_page(app, "pages/profil.py", unit="0201022", peers="custom:0201011,0264011,1261")
    body = texts(at)
    assert "lista wybrana przez użytkownika; n = 2" in body
    assert "Pominięto kody, które nie są jednostkami tego szczebla: 1261" in body
    assert set(at.multiselect[0].value) == {"0201011", "0264011"}


def test_small_city_group_in_its_voivodeship_is_too_small_for_claims(app):
    at = open_page(app, "pages/profil.py", unit="1261011", peers="typology:woj")  # Kraków
    body = texts(at)
    assert "miasta na prawach powiatu" in body and "n = 2" in body
    assert "za mało (potrzeba co najmniej 5)" in body
    assert "Mocne strony" not in body


def test_smallest_gmina_shows_small_number_warnings(app):
    at = open_page(app, "pages/profil.py", unit="2210011")  # Krynica Morska, 1,157 residents
    body = texts(at)
    assert "gminy miejskie, poniżej 5\xa0000 mieszkańców (ludność w 2024 r.); n = 25" in body
    assert "Mała liczba: Ludność ogółem = 1\xa0157 (2024), poniżej 5\xa0000" in body
    assert "Uwaga, mała liczba: Ludność ogółem = 1\xa0157 (2024)" in body  # in the summary too


def test_new_gmina_without_population(app):
    at = open_page(app, "pages/profil.py", unit="1207132", peers="knn:k=10")  # Szczawa, created 2025
    body = texts(at)
    assert "Pominięto wskaźnik Ludność ogółem: brak wartości dla wybranej jednostki" in body
    assert "n = 0" in body or "0 jednostek" in body
    assert "Brak danych dla tej jednostki:" in body


def test_powiat_profile_has_crime_cards_and_land_powiat_peers(app):
    at = open_page(app, "pages/profil.py", unit="0201")  # powiat bolesławiecki, 87,255 residents in 2024
    body = texts(at)
    assert "powiaty ziemskie, od 50\xa0000 do 99\xa0999 mieszkańców (ludność w 2024 r.)" in body
    # crimes are published for powiaty only (Police via BDL): 2019 = 29.3 per 1,000 (computed by us)
    assert metrics(at)["Przestępstwa na 1000 mieszkańców"] == "29,3"
    assert "na 1000 mieszkańców" in body  # the long unit is written under the value
    assert "Ludność ogółem" in metrics(at) and metrics(at)["Ludność ogółem"] == "87\xa0255 osób"
    assert "wyliczone z jednostek składowych, dane z 6 z 6 jednostek" in body  # roll-up coverage stated


def test_country_without_unit_shows_a_hint_and_no_peers(app):
    at = open_page(app, "pages/profil.py")
    body = texts(at)
    assert "Polska" in body and "Wybierz gminę, powiat lub województwo" in body
    assert not at.segmented_control
    assert metrics(at)["Ludność ogółem"].startswith("37\xa0")  # about 37.5 million in 2024


def test_english_profile(app):
    at = open_page(app, "pages/profil.py", unit="0201022", lang="en")
    body = texts(at)
    assert "rural gminas, 10,000 to 19,999 residents (population in 2024); n = 232" in body
    assert metrics(at)["Population, total"].startswith("15,359")
    assert "Strengths" in body


@pytest.mark.parametrize("peers", ["knn:k=999", "custom:abc", "nearest"])
def test_bad_peers_fall_back_with_a_message(app, peers):
    app.query_params["unit"] = "0201022"
    app.query_params["peers"] = peers
    app.run()
    assert not app.exception
    assert any("peers" in w.value for w in app.warning), "the ignored parameter is explained"
    app.switch_page("pages/profil.py").run()
    assert not app.exception
    assert "gminy wiejskie, od 10\xa0000 do 19\xa0999" in texts(app)
    assert "peers" not in url(app)


# --------------------------------------------------------------------------------------------
# /porownania
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("tab,needle", [
    ("series", "Linia przerywana = mediana grupy porównawczej"),
    ("ranking", "Na górze najlepsze wartości."),
    ("distribution", "Pudełko = środkowe 50% jednostek"),
    ("scatter", "Każdy punkt to jedna jednostka"),
    ("quadrant", "Linie przerywane = mediany grupy porównawczej"),
    ("age", "Wiek produkcyjny wg GUS"),
])
def test_comparison_tabs_caption_source_years_and_group(app, tab, needle):
    at = open_page(app, "pages/porownania.py", unit="0201022", peers="knn:k=10", tab=tab)
    caps = [c.value for c in at.caption if c.value.startswith("Źródło:")]
    assert len(caps) == 1, caps
    cap = caps[0]
    assert needle in cap and "Lata: " in cap
    assert "Grupa porównawcza: 10 jednostek najbardziej podobnych" in cap
    assert "GUS" in cap
    figs = charts(at)
    assert len(figs) == 1


def test_time_series_has_unit_peers_region_and_country(app):
    at = open_page(app, "pages/porownania.py", unit="0201022", indicator="share_post_working")
    fig = charts(at)[0]
    traces = {d.name: d for d in fig.data if d.name}
    unit = "Bolesławiec (gmina wiejska, pow. bolesławiecki)"
    assert list(traces) == ["środkowe 50% grupy (25.–75. percentyl)", "mediana grupy porównawczej", "Polska",
                            "woj. dolnośląskie", unit]
    assert arr(traces[unit].x) == list(range(2010, 2020))
    # BDL: 17.0 % of Bolesławiec (rural) residents were of post-working age in 2019
    assert round(arr(traces[unit].y)[-1], 1) == 17.0
    assert url(at)["indicator"] == "share_post_working"


def test_ranking_chart_lists_the_knn_group(app):
    at = open_page(app, "pages/porownania.py", unit="0201022", peers="knn:k=10", tab="ranking",
                   indicator="own_revenue_per_capita")
    fig = charts(at)[0]
    labels = list(fig.data[0].y)
    assert len(labels) == 11 and sum("Bolesławiec" in y for y in labels) == 1
    assert "2019" in fig.layout.title.text


def test_scatter_axes_from_the_url(app):
    at = open_page(app, "pages/porownania.py", unit="1261011", tab="scatter", x="population_density",
                   y="own_revenue_per_capita")
    fig = charts(at)[0]
    assert "Gęstość zaludnienia" in fig.layout.xaxis.title.text
    assert "Dochody własne na mieszkańca" in fig.layout.yaxis.title.text
    unit = [d for d in fig.data if d.name == "Kraków"][0]
    assert list(unit.text) == ["Kraków"]
    assert fig.layout.xaxis.type == "log"  # density is strongly skewed


def test_single_year_indicator_explains_why_no_change(app):
    at = open_page(app, "pages/porownania.py", unit="0201022", tab="quadrant", indicator="births_per_1000")
    assert "ma dane z jednego roku" in texts(at)


@pytest.mark.parametrize("unit", [None, "02", "1061", "2261011"])
@pytest.mark.parametrize("tab", ["series", "ranking", "distribution", "scatter", "quadrant", "age"])
def test_every_tab_at_every_level_renders_or_explains(app, unit, tab):
    query = {"tab": tab} | ({"unit": unit} if unit else {})
    at = open_page(app, "pages/porownania.py", **query)
    figs = charts(at)
    if figs:
        caption = [c.value for c in at.caption if c.value.startswith("Źródło:")]
        assert caption and "Lata: " in caption[0] and "Grupa porównawcza: " in caption[0]
    else:  # no chart: a sentence says why (e.g. Poland has no peers to rank against)
        assert at.info, "an empty tab explains itself"
