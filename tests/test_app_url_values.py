"""Issue 18 items 8 and 9 (AppTest, real store): codes of gmina parts are named, never "a former
TERYT code"; URL values a page does not know are named in a warning and dropped from the URL."""
import pytest

PAGES = {"profil": "pages/profil.py", "porownania": "pages/porownania.py", "raporty": "pages/raporty.py",
         "mapa": "pages/mapa.py", "start": "pages/start.py"}


def open_page(app, page, **query):
    for k, v in query.items():
        app.query_params[k] = v
    if page != "start":
        app.switch_page(PAGES[page])  # the first run is on that page, as when its address is opened
    app.run()
    assert not app.exception
    assert not app.error, [e.value for e in app.error]
    return app


def url(at) -> dict:
    return {k: (v[0] if isinstance(v, list) else v) for k, v in at.query_params.items()}


def notes(at) -> str:
    return "\n".join(str(x.value) for x in list(at.info) + list(at.warning))


@pytest.mark.parametrize("lang,expected", [
    ("pl", "Kod „0201044” to część miejska gminy Nowogrodziec; dane są publikowane dla całej gminy"),
    ("en", "Code “0201044” is the town part of gmina Nowogrodziec; data are published for the whole gmina"),
])
def test_town_part_code_is_named_and_the_whole_gmina_shown(app, lang, expected):
    at = open_page(app, "profil", unit="0201044", lang=lang)
    text = notes(at)
    assert expected in text
    assert "dawny kod" not in text and "former" not in text.lower() and "old code" not in text
    assert url(at)["unit"] == "0201043"


def test_warsaw_district_code_opens_warsaw_with_a_note(app):
    at = open_page(app, "start", unit="1465028")
    assert "Kod „1465028” to dzielnica miasta Warszawa; dane są publikowane dla całego miasta" in notes(at)
    assert url(at)["unit"] == "1465011"


@pytest.mark.parametrize("page", ["profil", "porownania", "raporty", "start"])
@pytest.mark.parametrize("lang,expected", [("pl", "Nie ma wskaźnika „nonexistent”"),
                                           ("en", "There is no indicator “nonexistent”")])
def test_unknown_indicator_is_named_and_dropped(app, page, lang, expected):
    at = open_page(app, page, unit="1261011", indicator="nonexistent", lang=lang)
    assert expected in notes(at)
    assert "indicator" not in url(at) and url(at)["unit"] == "1261011"


def test_known_indicator_stays_without_a_warning(app):
    at = open_page(app, "porownania", unit="1261011", indicator="population_density")
    assert "population_density" == url(at)["indicator"]
    assert not at.warning


@pytest.mark.parametrize("lang", ["pl", "en"])
@pytest.mark.parametrize("key,value", [("tab", "999"), ("x", "nope"), ("y", "nope")])
def test_unknown_comparison_values_are_named_and_dropped(app, key, value, lang):
    query = {"unit": "1261011", key: value, "lang": lang}
    if key in ("x", "y"):
        query["tab"] = "scatter"
    at = open_page(app, "porownania", **query)
    text = notes(at)
    needle = (f"Parametr „{key}” ma nieznaną wartość „{value}”" if lang == "pl"
              else f"The parameter “{key}” has an unknown value “{value}”")
    assert needle in text
    assert key not in url(at)
    if key != "tab":
        assert url(at)["tab"] == "scatter"


@pytest.mark.parametrize("lang,needle", [("pl", "Pominięto nieznane wykresy z adresu: trend:nope"),
                                         ("en", "Unknown charts in the address were left out: trend:nope")])
def test_unknown_report_chart_is_named_and_dropped(app, lang, needle):
    at = open_page(app, "raporty", unit="1261011", charts="trend:nope", lang=lang)
    assert needle in notes(at).replace("\\", "")
    # nothing usable was asked for: the default charts, and the junk is gone from the URL
    assert "charts" not in url(at)
    assert at.multiselect(key="rp_charts").value, "the default charts are chosen"


def test_unknown_report_chart_keeps_the_known_ones(app):
    at = open_page(app, "raporty", unit="1261011", charts="trend:population_total,trend:nope")
    assert url(at)["charts"] == "trend:population_total"
    assert at.multiselect(key="rp_charts").value == ["trend:population_total"]
