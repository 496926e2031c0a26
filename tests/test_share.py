"""The copy-link control: URL building from the browser's address or the request headers, and the
link shown on the pages reproduces the view."""
from urllib.parse import parse_qs, urlsplit

import pytest

from components.share import base_from_headers, build_url, split_context_url
from domain.permalink import parse_query


@pytest.mark.parametrize("base,page,query,expected", [
    ("http://127.0.0.1:8501", "raporty", {"unit": "1261011"}, "http://127.0.0.1:8501/raporty?unit=1261011"),
    ("https://mrl.example.pl/app/", "", {"unit": "1261011", "lang": "en"},
     "https://mrl.example.pl/app?unit=1261011&lang=en"),
    ("", "mapa", {"indicator": "population_total", "year": "2024"}, "/mapa?indicator=population_total&year=2024"),
    ("", "", {}, "/"),
    ("http://h", "raporty", {"charts": "position,trend:population_total", "area": "1206032,1261011"},
     "http://h/raporty?charts=position,trend:population_total&area=1206032,1261011"),
    ("http://h", "", {"unit": "a b&c=d#e"}, "http://h?unit=a%20b%26c=d%23e"),
])
def test_build_url(base, page, query, expected):
    assert build_url(base, page, query) == expected


def test_built_url_round_trips_through_the_parser():
    query = {"unit": "1465011", "peers": "custom:0264011,1261011", "tab": "scatter", "x": "population_total",
             "charts": "position,trend:turnout_sejm", "lang": "en"}
    url = build_url("http://127.0.0.1:8501", "raporty", query)
    parsed = parse_query({k: v for k, v in parse_qs(urlsplit(url).query).items()})
    assert parsed.problems == ()
    assert parsed.state.unit == "1465011" and parsed.state.lang == "en"
    assert dict(parsed.state.extra)["charts"] == "position,trend:turnout_sejm"


@pytest.mark.parametrize("url,page,expected", [
    ("http://127.0.0.1:8501/raporty", "raporty", "http://127.0.0.1:8501"),
    ("https://x.pl/mrl/raporty/", "raporty", "https://x.pl/mrl"),
    ("http://127.0.0.1:8501", "", "http://127.0.0.1:8501"),
    ("http://127.0.0.1:8501/o-danych", "raporty", "http://127.0.0.1:8501/o-danych"),  # other page: kept
])
def test_split_context_url(url, page, expected):
    assert split_context_url(url, page) == expected


@pytest.mark.parametrize("headers,base_path,expected", [
    ({"Host": "127.0.0.1:8501"}, "", "http://127.0.0.1:8501"),
    ({"host": "a.pl", "X-Forwarded-Proto": "https"}, "mrl", "https://a.pl/mrl"),
    ({"Host": "inner:8501", "X-Forwarded-Host": "public.pl, proxy", "X-Forwarded-Proto": "https,http"}, "",
     "https://public.pl"),
    ({"Host": "evil.pl/phish?x="}, "", ""),
    ({"Host": "a.pl", "X-Forwarded-Proto": "javascript"}, "", "http://a.pl"),
    ({}, "", ""),
])
def test_base_from_headers(headers, base_path, expected):
    assert base_from_headers(headers, base_path) == expected


def code_texts(at) -> list[str]:
    return [c.value for c in at.code]


def test_start_page_shows_the_permalink_of_its_view(app):
    app.query_params["unit"] = "1261011"
    app.query_params["lang"] = "en"
    app.run()
    assert not app.exception
    links = [c for c in code_texts(app) if "unit=" in c]
    assert links == ["/?unit=1261011&lang=en"]  # AppTest has no browser address: relative link


def test_about_page_shows_its_permalink(app):
    app.run()
    app.switch_page("pages/o_danych.py").run()
    assert not app.exception
    assert "/o-danych" in code_texts(app)


def test_reports_page_link_follows_the_chart_choice(app):
    app.query_params["unit"] = "1261011"
    app.run()
    app.switch_page("pages/raporty.py").run()
    assert not app.exception
    app.multiselect[0].set_value(["trend:population_total"]).run()
    assert not app.exception
    assert "/raporty?unit=1261011&charts=trend:population_total" in code_texts(app)
    assert app.query_params["charts"] in (["trend:population_total"], "trend:population_total")
