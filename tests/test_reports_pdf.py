"""The PDF report from the real store: parse it with pypdf and check real numbers, sources, A4,
language, escaping; and the area report against hand-summed member values."""
import dataclasses
import io
import re

import pytest
from pypdf import PdfReader

from reports import gather, pdf
from reports.model import KeyIndicator


def text_of(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return re.sub(r"\s+", " ", "\n".join(p.extract_text() for p in reader.pages))


@pytest.fixture(scope="module")
def krakow_pl(sqlite_store, chromium):
    model = gather.build(sqlite_store, lang="pl", code="1261011",
                         permalink="http://127.0.0.1:8501/raporty?unit=1261011")
    return model, pdf.render_pdf(model)


def test_krakow_report_is_an_a4_pdf_with_its_real_numbers_and_sources(krakow_pl):
    model, data = krakow_pl
    assert data.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(data))
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4 in points
    text = text_of(data)
    assert "Kraków" in text
    # GUS table IV: 809,168 residents on 31.12.2024 — Polish format with its diacritics intact
    assert "Ludność ogółem 809 168 osób 2024" in text
    assert "Najważniejsze wskaźniki" in text and "Źródła danych" in text
    for publisher in ("Państwowa Komisja Wyborcza", "GUGiK – Państwowy Rejestr Granic", "Państwowa Straż Pożarna",
                      "GUS – Bank Danych Lokalnych"):
        assert publisher in text, publisher
    assert "http://127.0.0.1:8501/raporty?unit=1261011" in text.replace(" ", "")
    # every source in the model is listed, with its vintage
    for s in model.sources:
        assert s.vintage in text


def test_krakow_ranks_are_consistent_with_the_store(krakow_pl, sqlite_store):
    model, _ = krakow_pl
    pop = next(k for k in model.key_indicators if k.indicator_id == "population_total")
    level = sqlite_store.level_values("population_total", 2024, "gmina")
    bigger = (level["value"] > 809168).sum()
    assert pop.national_rank == bigger + 1 == 2  # only Warszawa is larger
    assert pop.national_of == level["value"].notna().sum()
    assert pop.value == 809168 and pop.year == 2024


def test_report_has_charts_with_takeaways_and_a_locator_map(krakow_pl):
    model, data = krakow_pl
    keys = [c.key for c in model.charts]
    assert keys[0] == "position" and "trend:population_total" in keys
    text = text_of(data)
    trend = next(c for c in model.charts if c.key == "trend:population_total")
    assert "wzrost z 757 740 do 809 168 osób w latach 2010–2024" in trend.takeaway.replace("\xa0", " ")
    assert trend.takeaway.replace("\xa0", " ")[:40] in text
    assert model.locator is not None and "Położenie w Polsce" in text
    assert len(PdfReader(io.BytesIO(data)).pages) >= 4


def test_english_report_formats_numbers_the_english_way(sqlite_store, chromium):
    model = gather.build(sqlite_store, lang="en", code="1261011", charts=("trend:population_total",))
    text = text_of(pdf.render_pdf(model))
    assert "Population, total 809,168 persons 2024" in text
    assert "Key indicators" in text and "Data sources" in text and "Ludność" not in text


def test_area_report_sums_member_gminy(sqlite_store, chromium):
    area = ("1206032", "1206042", "1261011")  # Kraków and two neighbours
    model = gather.build(sqlite_store, lang="pl", area=area, charts=())
    pops = sqlite_store.values(units=list(area), indicators=["population_total"], years=[2024])
    expected = pops["value"].sum()
    assert len(pops) == 3
    pop = next(k for k in model.key_indicators if k.indicator_id == "population_total")
    assert pop.value == expected and pop.national_rank is None
    text = text_of(pdf.render_pdf(model))
    assert "Obszar funkcjonalny: 3 gmin" in text
    assert f"{int(expected):,}".replace(",", " ") in text
    assert "Miejsce w kraju" not in text  # an area has no national rank


def test_unit_names_and_user_text_are_escaped(sqlite_store, chromium):
    model = gather.build(sqlite_store, lang="pl", code="1261011", charts=(), with_map=False)
    evil = "<b>Gmina</b> & <script>alert(1)</script> =HYPERLINK(\"x\")"
    model = dataclasses.replace(model, title=evil, key_indicators=model.key_indicators + (
        KeyIndicator("own", "=cmd|' /C calc'!A0 <i>x</i>", 1.0, "1", "szt.", 2024, "użytkownik"),))
    html = pdf.render_html(model, [])
    assert "<script>" not in html and "&lt;script&gt;" in html and "<i>x</i>" not in html
    text = text_of(pdf.render_pdf(model))
    assert "<b>Gmina</b> & <script>alert(1)</script>" in text
    assert "=cmd|' /C calc'!A0 <i>x</i>" in text


def test_krakow_pdf_headline_plurals_and_licences_are_polish(krakow_pl):
    """Issue 18: the first takeaway says the value and what the percent means; 809 168 osób;
    licences in Polish (no 'repository states no licence' in a Polish report)."""
    _, data = krakow_pl
    text = text_of(data).replace("\xa0", " ")
    assert "najsłabszy — udział ludności w wieku poprodukcyjnym: 23,6 % (gorzej niż 85% gmin)" in text
    assert "809 168 osób" in text and "809 168 osoby" not in text
    assert "statystyka publiczna GUS" in text
    assert "repository states" not in text and "public statistics" not in text
