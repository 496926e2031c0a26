"""Every page × both languages, strict catalogue (issue 8): no exception, no missing message, no
Polish catalogue text left in the English page, every chart followed by its text alternative,
and a link to the provenance page."""
from __future__ import annotations

import json
import re

import pytest

from i18n import messages, t

UNIT = "1261011"  # Kraków
AREA = "1206113,1206172,1219053,1261011"  # Kraków, Skawina, Wieliczka, Zielonki
PAGES = {"": "pages/start.py", "mapa": "pages/mapa.py", "profil": "pages/profil.py",
         "porownania": "pages/porownania.py", "obszary": "pages/obszary.py", "raporty": "pages/raporty.py",
         "dane": "pages/dane.py", "o-danych": "pages/o_danych.py", "strategia": "pages/strategia.py"}
AREA_PAGES = ("mapa", "profil", "porownania", "obszary", "raporty", "strategia")
CHART_TYPES = {"plotly_chart", "deck_gl_json_chart", "arrow_vega_lite_chart", "vega_lite_chart", "graphviz_chart",
               "bokeh_chart", "map"}
CASES = [(url, lang, "unit") for url in PAGES for lang in ("pl", "en")]
CASES += [(url, lang, "area") for url in AREA_PAGES for lang in ("pl", "en")]


def walk(block, parent=None):
    """(block, index, node) for every node below ``block``, in page order."""
    for i in sorted(block.children):
        node = block.children[i]
        yield block, i, node
        if hasattr(node, "children"):
            yield from walk(node, node)


def nodes(at):
    yield from walk(at.main)
    yield from walk(at.sidebar)


def visible_texts(at) -> list[str]:
    """Every string a user reads: text elements, labels, options, table headers, chart text."""
    out = []
    for _, _, n in nodes(at):
        kind = getattr(n, "type", "")
        for attr in ("value", "label", "body", "placeholder", "help"):
            if attr == "value" and kind not in ("markdown", "caption", "title", "header", "subheader", "alert",
                                                "error", "warning", "info", "success", "text", "code"):
                continue
            try:
                v = getattr(n, attr)
            except Exception:  # noqa: BLE001 - not every element has every attribute
                continue
            if isinstance(v, str) and v.strip():
                out.append(v)
        proto = getattr(n, "proto", None)
        if proto is not None and hasattr(proto, "options"):
            try:
                out += [str(o) for o in getattr(n, "options", [])]
            except Exception:  # noqa: BLE001
                pass
        if kind == "arrow_data_frame" or n.__class__.__name__ == "Dataframe":
            try:
                out += [str(c) for c in n.value.columns]
            except Exception:  # noqa: BLE001
                pass
        if kind == "plotly_chart":
            spec = json.loads(n.proto.spec)
            out += [str(d.get("name")) for d in spec.get("data", []) if d.get("name")]
            lay = spec.get("layout", {})
            for k, v in lay.items():
                if (k.startswith("xaxis") or k.startswith("yaxis") or k == "title") and isinstance(v, dict):
                    title = v.get("title")
                    text = title.get("text") if isinstance(title, dict) else (v.get("text") if k == "title" else None)
                    if text:
                        out.append(str(text))
            out += [str(a.get("text")) for a in lay.get("annotations", []) if a.get("text")]
    return out


def _template_regex(msg: str) -> re.Pattern | None:
    parts = re.split(r"\{[^{}]*\}", msg)
    if sum(len(p.strip()) for p in parts) < 12:  # mostly placeholders: would match anything
        return None
    return re.compile("^" + "(.+?)".join(re.escape(p) for p in parts) + "$", re.S)


def polish_leaks(texts: list[str]) -> list[tuple[str, str]]:
    """(text, key) for texts that are a Polish catalogue message whose English differs."""
    pl, en = messages("pl"), messages("en")
    exact = {v.strip(): k for k, v in pl.items() if "{" not in v and en.get(k, "").strip() != v.strip()
             and len(v.strip()) >= 4}
    templates = []
    for k, v in pl.items():
        if "{" in v and en.get(k) and en[k] != v:
            rx, rx_en = _template_regex(v), _template_regex(en[k])
            if rx is not None:
                templates.append((k, rx, rx_en))
    leaks = []
    for text in texts:
        s = text.strip()
        if s in exact and s not in set(en.values()):
            leaks.append((s, exact[s]))
            continue
        for k, rx, rx_en in templates:
            if rx.match(s) and not (rx_en and rx_en.match(s)):
                leaks.append((s[:120], k))
                break
    return leaks


TITLES = {"": "app.title", "mapa": "map.title", "profil": "profile.title", "porownania": "compare.title",
          "obszary": "areas.title", "raporty": "report.page_title", "dane": "data.title", "o-danych": "about.title",
          "strategia": "strategy.title"}


def open_page(app, url: str, lang: str, subject: str):
    """Open /url?lang&unit|area like a permalink (a first run registers the navigation, so that
    switch_page resolves pages whose file name differs from their URL, e.g. o_danych.py)."""
    app.query_params["lang"] = lang
    if subject == "area":
        app.query_params["area"] = AREA
    else:
        app.query_params["unit"] = UNIT
    app.run()
    app.switch_page(PAGES[url]).run()
    titles = [x.value for x in app.title]
    if url != "mapa":  # the map's title names the indicator
        assert t(TITLES[url], lang) in titles, (url, titles)
    else:
        assert titles and titles[0] != t("app.title", lang), titles
    return app


@pytest.mark.parametrize("url,lang,subject", CASES, ids=[f"{u or 'start'}-{l}-{s}" for u, l, s in CASES])
def test_page_in_both_languages(app, url, lang, subject):
    at = open_page(app, url, lang, subject)
    assert not at.exception, [e.value for e in at.exception]
    errors = [e.value for e in at.error]
    assert t("error.unexpected", lang) not in errors, "a page raised (missing message key?) — see the log"
    assert not errors, errors
    texts = visible_texts(at)
    assert len(texts) > 5
    if lang == "en":
        leaks = polish_leaks(texts)
        assert not leaks, leaks[:10]
    check_chart_alternatives(at, lang)
    check_about_link(at, url)


def check_chart_alternatives(at, lang: str) -> None:
    """Convention (components.a11y.chart): every chart has an accessible name (``alt``) and the
    element directly after it is a caption "In short: <the same sentence>", generated from the data."""
    prefix = t("a11y.summary", lang, text="")
    n = 0
    for block, i, node in nodes(at):
        if getattr(node, "type", "") not in CHART_TYPES:
            continue
        n += 1
        after = [j for j in sorted(block.children) if j > i]
        assert after, f"{node.type} is the last element: no text alternative after it"
        nxt = block.children[after[0]]
        assert nxt.__class__.__name__ == "Caption" and nxt.value.startswith(prefix), (
            f"{node.type} {getattr(node.proto, 'id', '')[:40]} is followed by {nxt.__class__.__name__} "
            f"{getattr(nxt, 'value', '')!r}, not by its summary")
        summary = nxt.value[len(prefix):].strip()
        assert len(summary) > 20, summary
        if node.type == "plotly_chart":
            assert node.proto.alt == summary
    for _, _, node in nodes(at):  # inline SVG sparklines: images with an accessible name
        if getattr(node, "type", "") == "markdown" and "<svg" in node.value:
            assert 'role="img"' in node.value and re.search(r'aria-label="[^"]{10,}"', node.value), node.value[:200]
    return n


def check_about_link(at, url: str) -> None:
    links = [n for _, _, n in nodes(at) if n.__class__.__name__ == "PageLink"]
    targets = [ln.proto.page for ln in links]
    if url != "o-danych":
        assert any("o_danych" in p or p.endswith("o-danych") for p in targets), targets


def test_chart_pages_really_have_charts_with_summaries(app):
    """The convention check above must not pass vacuously: the map page has two charts."""
    at = open_page(app, "mapa", "pl", "unit")
    assert check_chart_alternatives(at, "pl") == 2
    summaries = [c.value for c in at.caption if c.value.startswith("W skrócie:")]
    # Kraków's selection does not change the extremes: the densest gmina is a city, the sparsest rural
    assert any("najwyższa wartość" in s and "mediana" in s for s in summaries), summaries
    assert any("klasach" in s for s in summaries), summaries


def test_polish_leak_detector_finds_polish_text():
    """The leak check must catch a Polish message in an English page (exact and templated)."""
    assert polish_leaks([t("nav.about_data", "pl")]) == [("O danych", "nav.about_data")]
    assert polish_leaks([t("about.link", "en")]) == []
    templ = t("a11y.extremes", "pl", title="X", hi="A", hi_value="1", lo="B", lo_value="0", unit="u", median="1",
              n="2", of="2")
    assert [k for _, k in polish_leaks([templ])] == ["a11y.extremes"]


def test_catalogues_have_the_same_keys_and_no_empty_message():
    import i18n

    def raw(lang):
        from babel.messages.pofile import read_po

        with (i18n._DIR / lang / "LC_MESSAGES" / "messages.po").open("rb") as fh:
            return {m.id: m.string for m in read_po(fh, locale=lang) if m.id}

    pl, en = raw("pl"), raw("en")
    assert set(pl) - set(en) == set()
    assert set(en) - set(pl) == set()
    assert [k for k, v in pl.items() if not str(v).strip()] == []
    assert [k for k, v in en.items() if not str(v).strip()] == []
    # placeholders agree, so a translation can never raise KeyError at format time
    field = re.compile(r"\{([a-z_0-9]+)[^{}]*\}")
    bad = [k for k in pl if set(field.findall(pl[k])) != set(field.findall(en[k]))]
    assert bad == []


# --------------------------------------------------------------------------------------------
# colours of the built figures: colour-blind-safe sets, readable text
# --------------------------------------------------------------------------------------------

def safe_colours() -> set[str]:
    from domain import palettes as P

    out = {c.lower() for c in P.OKABE_ITO} | {c.lower() for c in P.ROLE_COLOURS.values()}
    out |= {c.lower() for c in P.ROLE_TEXT.values()} | {P.NO_DATA_FILL.lower(), P.NO_DATA_LINE.lower()}
    for ramp in list(P._SEQUENTIAL.values()) + list(P._DIVERGING.values()):
        out |= {c.lower() for c in ramp}
    return out


def is_safe(colour: str, safe: set[str]) -> bool:
    """A palette colour (any opacity), or a neutral grey/white/black (no hue to confuse)."""
    from domain.palettes import parse_colour

    r, g, b, _ = parse_colour(colour)
    if max(r, g, b) - min(r, g, b) <= 6:  # greys, white, black
        return True
    return f"#{r:02x}{g:02x}{b:02x}" in safe


def figure_colours(spec: dict) -> list[tuple[str, str]]:
    """(where, colour) of every data colour in a plotly spec (markers, lines, fills, colourscales)."""
    out = []

    def add(where, v):
        if isinstance(v, str) and (v.startswith("#") or v.startswith("rgb") or v in ("white", "black")):
            out.append((where, v))
        elif isinstance(v, list):
            for x in v:
                if isinstance(x, list) and len(x) == 2:  # colourscale entry [pos, colour]
                    add(where, x[1])
                else:
                    add(where, x)

    for n, d in enumerate(spec.get("data", [])):
        add(f"trace{n}.fillcolor", d.get("fillcolor"))
        add(f"trace{n}.colorscale", d.get("colorscale"))
        for part in ("marker", "line"):
            obj = d.get(part) or {}
            add(f"trace{n}.{part}.color", obj.get("color"))
            add(f"trace{n}.{part}.colorscale", obj.get("colorscale"))
            add(f"trace{n}.{part}.line.color", (obj.get("line") or {}).get("color"))
    for n, s in enumerate(spec.get("layout", {}).get("shapes", [])):
        add(f"shape{n}.line", (s.get("line") or {}).get("color"))
        add(f"shape{n}.fill", s.get("fillcolor"))
    return out


def figure_text_pairs(spec: dict) -> list[tuple[str, str, str]]:
    """(where, text colour, background) for text the figure draws."""
    lay = spec.get("layout", {})
    paper = lay.get("plot_bgcolor") or lay.get("paper_bgcolor") or "#ffffff"
    base = (lay.get("font") or {}).get("color") or "#2a3f5f"  # plotly's default template text colour
    out = [("layout.font", base, paper)]
    for n, a in enumerate(lay.get("annotations", [])):
        bg = a.get("bgcolor") or paper
        if bg and bg.startswith("rgba"):
            from domain.palettes import composite
            bg = composite(bg, paper)
        out.append((f"annotation{n}", (a.get("font") or {}).get("color") or base, bg))
    for n, d in enumerate(spec.get("data", [])):
        tf = d.get("textfont") or {}
        col = tf.get("color")
        if not col or not d.get("text"):
            continue
        cols = col if isinstance(col, list) else [col]
        if d.get("type") == "bar" and d.get("textposition") == "inside":
            fills = (d.get("marker") or {}).get("color")
            fills = fills if isinstance(fills, list) else [fills] * len(cols)
            out += [(f"trace{n}.text", c, f) for c, f in zip(cols, fills) if f]
        else:
            out += [(f"trace{n}.text", c, paper) for c in cols]
    return out


def check_figures(at) -> int:
    from domain.palettes import contrast_ratio

    safe = safe_colours()
    n = 0
    for _, _, node in nodes(at):
        if getattr(node, "type", "") != "plotly_chart":
            continue
        n += 1
        spec = json.loads(node.proto.spec)
        bad = [(w, c) for w, c in figure_colours(spec) if not is_safe(c, safe)]
        assert not bad, bad[:5]
        # a trace without its own colour would get a default (non-safe) qualitative colour
        for d in spec.get("data", []):
            invisible = (d.get("mode") == "lines" and (d.get("line") or {}).get("width") == 0 and not d.get("fill"))
            if d.get("type") in ("scatter", "bar", "box", "histogram", "violin") and d.get("visible", True) is True \
                    and not invisible:  # an invisible band edge draws nothing
                has = (d.get("marker") or {}).get("color") or (d.get("line") or {}).get("color") or d.get("fillcolor")
                assert has, f"trace {d.get('name')!r} has no explicit colour"
        low = [(w, c, b, round(contrast_ratio(c, b), 2)) for w, c, b in figure_text_pairs(spec)
               if contrast_ratio(c, b) < 4.5]
        assert not low, low[:5]
    return n


@pytest.mark.parametrize("url,subject", [("mapa", "unit"), ("porownania", "unit"), ("obszary", "area"),
                                         ("raporty", "unit"), ("raporty", "area")])
def test_figures_use_safe_colours_and_readable_text(app, url, subject):
    at = open_page(app, url, "pl", subject)
    assert not at.exception
    assert check_figures(at) >= 1


@pytest.mark.parametrize("tab", ["series", "ranking", "distribution", "scatter", "quadrant", "age"])
def test_every_comparison_chart_uses_safe_colours(app, tab):
    app.query_params["tab"] = tab
    at = open_page(app, "porownania", "en", "unit")
    assert not at.exception
    assert check_figures(at) >= 1
    check_chart_alternatives(at, "en")


@pytest.mark.parametrize("lang,population,decimal", [
    ("pl", "809\xa0168", r"^-?\d{1,3}(\xa0\d{3})*,\d+\b"),   # Babel pl: no-break space groups, decimal comma
    ("en", "809,168", r"^-?\d{1,3}(,\d{3})*\.\d+\b"),
])
def test_profile_numbers_in_the_languages_format(app, lang, population, decimal):
    """GUS 2024 table IV: Kraków 809,168 residents; decimals follow the language too."""
    at = open_page(app, "profil", lang, "unit")
    values = [m.value for m in at.metric]
    assert any(v.startswith(population) for v in values), values[:5]
    assert any(re.match(decimal, v) for v in values), values
    other = r"^-?\d+\.\d" if lang == "pl" else r"^-?\d+,\d{1,2}\b(?!\d)"
    assert not [v for v in values if re.match(other, v)], values
