"""AppTest of the embeddable views (view=embed) and the "Osadź na stronie" control, in Polish and English."""
import json
import re
from html import unescape

import pytest

from components.embed import embed_query, snippet
from domain.permalink import parse_query


def open_embed(app, page: str, **params):
    for k, v in params.items():
        app.query_params[k] = v
    app.switch_page(page).run()
    assert not app.exception, app.exception
    return app


def texts(app) -> str:
    parts = [m.value for m in app.markdown] + [c.value for c in app.caption] + [s.value for s in app.title]
    parts += [i.value for i in app.info] + [w.value for w in app.warning] + [h.value for h in app.header]
    return "\n".join(str(p) for p in parts).replace("\\", "")  # Markdown escapes


def specs(app) -> list[dict]:
    return [json.loads(c.proto.spec) for c in app.get("plotly_chart")]


def no_chrome(app) -> None:
    """Nothing of the full app: no sidebar widgets, no navigation, no page title, no share box."""
    assert len(app.sidebar) == 0
    assert not app.title and not app.selectbox and not app.get("page_link")
    assert not any("share" in str(getattr(c, "key", "")) for c in app.main)


@pytest.mark.parametrize("lang,heading,footer", [
    ("pl", "Ludność ogółem — gminy, 2024", "Źródło: GUS"),
    ("en", "Population, total — gminy (municipalities), 2024", "Source: Statistics Poland"),
])
def test_map_embed(app, lang, heading, footer):
    open_embed(app, "pages/mapa.py", view="embed", el="map", eh="600", indicator="population_total", year="2024",
               level="gmina", unit="1261011", lang=lang)
    no_chrome(app)
    t = texts(app)
    assert heading in t and footer in t and "Monitor Rozwoju Lokalnego" in t
    [spec] = specs(app)
    assert spec["layout"]["meta"]["indicator"] == "population_total"
    # the URL's unit is outlined, as on the full map
    assert any("Kraków" in (d.get("name") or "") and d.get("locations") == ["1261011"] for d in spec["data"])
    assert spec["layout"]["height"] == 600 - 200
    # the footer links to the full view: the same state, without the embed keys
    link = re.search(r'href="([^"]+)"', t).group(1)
    q = parse_query(dict(x.split("=", 1) for x in unescape(link).split("?", 1)[1].split("&"))).state
    assert q.indicator == "population_total" and q.unit == "1261011" and q.year == 2024
    assert "view=embed" not in link and "/mapa" in link
    assert app.query_params["view"] in ("embed", ["embed"])  # the URL stays an embed


@pytest.mark.parametrize("lang,word", [("pl", "Frekwencja"), ("en", "turnout")])
def test_chart_embed(app, lang, word):
    open_embed(app, "pages/porownania.py", view="embed", el="chart:trend:turnout_sejm", eh="500", unit="1261011",
               lang=lang)
    no_chrome(app)
    [spec] = specs(app)
    assert spec["layout"]["height"] == 500 - 200
    t = texts(app)
    assert "Kraków" in t and word.lower() in t.lower() and "Monitor Rozwoju Lokalnego" in t
    assert ("Państwowa Komisja Wyborcza" if lang == "pl" else "National Electoral Commission") in t
    assert '/porownania?' in t


@pytest.mark.parametrize("lang,label", [("pl", "Ludność ogółem"), ("en", "Population, total")])
def test_cards_embed(app, lang, label):
    open_embed(app, "pages/profil.py", view="embed", el="cards", unit="1261011", lang=lang)
    no_chrome(app)
    shown = [m.value for m in app.metric]
    assert 1 <= len(shown) <= 6
    assert any(re.sub(r"\D", "", v) == "809168" for v in shown)  # population 2024, formatted by locale
    assert label in texts(app)


def test_unknown_element_says_so(app):
    open_embed(app, "pages/mapa.py", view="embed", el="nonsense")
    no_chrome(app)
    assert "nie istnieje" in texts(app)


def test_embed_in_public_mode(app, monkeypatch):
    monkeypatch.setenv("MRL_PUBLIC_MODE", "1")
    open_embed(app, "pages/mapa.py", view="embed", el="map", indicator="population_total", year="2024")
    no_chrome(app)
    assert specs(app)


@pytest.mark.parametrize("lang,label", [("pl", "Osadź na stronie"), ("en", "Embed on a website")])
def test_controls_give_iframe_snippets(app, lang, label):
    open_embed(app, "pages/mapa.py", indicator="population_total", year="2024", unit="1261011", lang=lang)
    [exp] = [e for e in app.expander if e.label == label]
    code = next(c.value for c in app.code if c.value.startswith("<iframe"))
    assert 'width="800"' in code and 'height="640"' in code
    src = unescape(re.search(r'src="([^"]+)"', code).group(1))
    assert "view=embed" in src and "el=map" in src and "eh=640" in src and "ew=800" in src
    assert "indicator=population_total" in src
    app.number_input(key="embed_map_ctl_w").set_value(420).run()
    code = next(c.value for c in app.code if c.value.startswith("<iframe"))
    assert 'width="420"' in code and "ew=420" in code
    # profile cards and comparison charts have the control too
    app.switch_page("pages/profil.py").run()
    assert any(c.value.startswith("<iframe") and "el=cards" in c.value for c in app.code)
    app.switch_page("pages/porownania.py").run()
    assert any(c.value.startswith("<iframe") and "el=chart:trend:" in unescape(c.value) for c in app.code)


def test_snippet_escapes_and_round_trips():
    from domain.permalink import ViewState

    v = ViewState(unit="1261011", indicator="population_total", year=2024, lang="en")
    q = embed_query(v, "chart:trend:population_total", 500)
    assert q["view"] == "embed" and q["el"] == "chart:trend:population_total" and q["lang"] == "en"
    parsed = parse_query(q)
    assert not parsed.problems and parsed.state.unit == "1261011"
    s = snippet('https://x.example/mapa?a=1&b="<script>', 300, 200, 'a "title"')
    assert "<script>" not in s and "&amp;b=&quot;&lt;script&gt;" in s and 'title="a &quot;title&quot;"' in s
