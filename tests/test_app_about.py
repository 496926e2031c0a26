"""/o-danych lists every catalogue source with publisher, licence, vintage and what the app
computes from it (checked against data/catalogue/sources.yaml and the store)."""
import pytest
import yaml

from i18n import t
from tests.conftest import ROOT
from tests.test_app_all_pages import walk

SOURCES = yaml.safe_load((ROOT / "data" / "catalogue" / "sources.yaml").read_text(encoding="utf-8"))


def source_blocks(at) -> dict[str, str]:
    """Each bordered source card's text, keyed by its bold title."""
    out = {}
    blocks = [at.main] + [n for _, _, n in walk(at.main) if hasattr(n, "children")]
    for b in blocks:
        texts = [b.children[i].value for i in sorted(b.children)
                 if b.children[i].__class__.__name__ == "Markdown"]
        if len(texts) >= 2 and texts[0].startswith("**") and texts[0].endswith("**"):
            out[texts[0].strip("*")] = "\n".join(texts)
    return out


@pytest.mark.parametrize("lang", ["pl", "en"])
def test_every_source_with_publisher_licence_vintage_and_use(app, lang, sqlite_store):
    app.query_params["lang"] = lang
    app.run()
    app.switch_page("pages/o_danych.py").run()
    assert not app.exception
    cards = source_blocks(app)
    used = set(sqlite_store.indicator_sources()["source"])
    assert {s[f"title_{lang}"] for s in SOURCES} <= set(cards), set(cards)
    for s in SOURCES:
        text = cards[s[f"title_{lang}"]]
        licence = "licence_pl" if lang == "pl" else "licence"  # issue 18: no English licence in Polish
        for field in (f"publisher_{lang}", licence, "vintage"):
            assert str(s[field]) in text, (s["id"], field)
        if lang == "pl":
            assert s["licence"] not in text, s["id"]
        if s["id"] in used:
            assert t("about.source_direct", lang, n=0, names="").split("0")[0] in text, s["id"]
        else:
            assert t("about.source_no_values", lang) in text, s["id"]
    vital = cards[next(s[f"title_{lang}"] for s in SOURCES if s["id"] == "gus_vital_2024")]
    # GUS table IV gives gmina population; the app adds it up for powiaty, voivodeships and Poland
    assert ("Ludność ogółem" if lang == "pl" else "Population, total") in vital
    assert t("about.source_aggregated", lang, n=0, names="").split("0")[0] in vital


def test_ingest_time_is_a_polish_date_not_an_iso_timestamp(app):
    import re
    app.run()
    app.switch_page("pages/o_danych.py").run()
    assert not app.exception
    captions = " ".join(c.value for c in app.caption)
    assert not re.search(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}", captions), captions
    months = ("stycznia", "lutego", "marca", "kwietnia", "maja", "czerwca", "lipca", "sierpnia", "września",
              "października", "listopada", "grudnia")
    assert any(m in captions for m in months) and "UTC" in captions
