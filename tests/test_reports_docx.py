"""The 'Raport o stanie gminy' DOCX draft from the real store, read back with python-docx:
heading styles and the TOC field, real numbers formatted the Polish way in real Word tables,
charts with alt text, marked placeholders, no English in the Polish file, an area's sums."""
from __future__ import annotations

import io
import re

import pytest
from docx import Document
from PIL import Image

from i18n import fmt_num, t
from reports import docx as D
from reports import gather

KIETRZ = "1602043"  # gmina miejsko-wiejska; GUS: 10 822 residents in 2019, 9 834 in 2024
URL = "http://127.0.0.1:8501/profil?unit=1602043"
# common English words that are not also Polish words or names (a leak check, not a dictionary)
ENGLISH = {"the", "and", "of", "with", "from", "for", "source", "sources", "rank", "group", "median", "value",
           "values", "year", "years", "total", "population", "per", "share", "report", "draft", "table", "figure",
           "chart", "computed", "derived", "licence", "license", "public", "statistics", "repository", "unit",
           "indicator", "indicators", "not", "is", "are", "in", "against", "comparison", "inferred", "lists", "created",
           "peers", "strengths", "weaknesses", "method", "annex", "contents", "completed", "office", "gminas",
           "persons", "people", "budget", "revenue", "expenditure", "turnout", "election", "change", "other",
           "official", "published", "states", "register", "codes", "names", "results"}
ALLOWED_TOKENS = {"GPL", "TERYT", "REGON", "PSP", "PKW", "GUS", "BDL", "PRG", "GUGiK", "Unlicense", "Word", "F9",
                  "TOC"}


def all_text(doc) -> str:
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts += [c.text for c in row.cells]
    return "\n".join(parts)


def english_words(text: str) -> set[str]:
    text = re.sub(r"https?://\S+", " ", text)
    words = set(re.findall(r"[A-Za-z]+", text))
    return {w for w in words if w.lower() in ENGLISH and w not in ALLOWED_TOKENS}


def table_rows(table) -> list[list[str]]:
    return [[c.text for c in row.cells] for row in table.rows]


@pytest.fixture(scope="module")
def kietrz(sqlite_store, chromium):
    model = gather.build(sqlite_store, lang="pl", code=KIETRZ, charts=D.DOCX_CHARTS, with_map=False,
                         permalink=URL)
    return model, Document(io.BytesIO(D.build_docx(model)))


def test_chapters_are_real_heading_styles_in_order(kietrz):
    _, doc = kietrz
    h1 = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    expected = ["docx.ch.brief", "docx.ch.demography", "docx.ch.economy", "docx.ch.budget", "docx.ch.infrastructure",
                "docx.ch.safety", "docx.ch.civic", "docx.ch.culture", "docx.ch.assessment", "docx.ch.strategy",
                "docx.ch.office", "docx.ch.annex"]
    assert h1 == [f"{i}. {t(k, 'pl')}" for i, k in enumerate(expected, 1)]
    h2 = [p.text for p in doc.paragraphs if p.style.name == "Heading 2"]
    for key in ("docx.office.resolutions", "docx.office.participatory_budget", "docx.office.climate",
                "docx.office.programmes", "docx.annex_sources", "docx.revenue_title"):
        assert t(key, "pl") in h2, key
    assert doc.paragraphs[0].style.name == "Title" and doc.paragraphs[0].text == "Raport o stanie gminy Kietrz — projekt"
    # a table-of-contents field Word fills in (Heading 1-2), and Word is asked to update fields on open
    xml = doc.element.body.xml
    assert 'TOC \\o "1-2" \\h \\z \\u' in xml
    assert 'w:updateFields w:val="true"' in doc.settings.element.xml
    assert doc.core_properties.language == "pl-PL"


def test_population_table_has_the_real_2019_value_formatted_the_polish_way(kietrz, sqlite_store):
    model, doc = kietrz
    stored = sqlite_store.values(units=[KIETRZ], indicators=["population_total"], years=[2019])
    assert stored["value"].tolist() == [10822.0]
    caption = t("docx.pop_table_caption", "pl")
    idx = [i for i, p in enumerate(doc.paragraphs) if p.text.endswith(caption)]
    assert idx, "population table caption missing"
    table = next(tb for tb in doc.tables if table_rows(tb)[0][0] == "Rok" and "Ludność" in table_rows(tb)[0][1])
    rows = {r[0]: r for r in table_rows(table)[1:]}
    assert rows["2019"][1] == "10\xa0822"  # "10 822" with a non-breaking group separator
    assert rows["2019"][2] == "GUS (2016–2019)"
    assert rows["2024"][1] == "9\xa0834" and rows["2024"][2] == "GUS (2024)"
    # every year the store holds is in the table, in order
    years = sorted(int(y) for y in sqlite_store.values(units=[KIETRZ], indicators=["population_total"])["year"])
    assert [int(r[0]) for r in table_rows(table)[1:]] == years


def test_key_tables_show_store_values_with_year_unit_and_source(kietrz, sqlite_store):
    model, doc = kietrz
    head = ["Wskaźnik", "Wartość", "Rok", "Mediana grupy", "Miejsce w grupie", "Miejsce w kraju", "Źródło"]
    tables = [tb for tb in doc.tables if table_rows(tb)[0] == head]
    assert len(tables) >= 6
    rows = [r for tb in tables for r in table_rows(tb)[1:]]
    by_name = {r[0]: r for r in rows}
    # budget revenue per capita, GUS 2019: 4 446,74 zł
    rev = sqlite_store.values(units=[KIETRZ], indicators=["revenue_per_capita"], years=[2019])["value"].iloc[0]
    assert by_name["Dochody budżetu gminy na mieszkańca"][1:3] == [f"{fmt_num(rev, 2, 'pl')} zł", "2019"]
    assert by_name["Dochody budżetu gminy na mieszkańca"][1] == "4\xa0446,74 zł"
    assert by_name["Ludność ogółem"][1] == "9\xa0834 osoby"  # 4 -> osoby
    assert by_name["Gęstość zaludnienia"][1] == "78 osób na km²"  # 8 -> osób
    for r in rows:
        assert re.fullmatch(r"20\d\d", r[2]) and r[6], r  # each number has its year and source


def test_sentences_give_year_unit_and_source(kietrz):
    _, doc = kietrz
    texts = [p.text for p in doc.paragraphs]
    assert "Ludność ogółem: 9\xa0834 osoby (2024 r.; źródło: GUS (2024))." in texts
    assert any(x.startswith("Gęstość zaludnienia: 78 osób na km² (2019 r.; źródło: GUS (2016–2019)). Mediana grupy")
               for x in texts)
    assert "Liczba ludności w 2010 r.: 11\xa0523 osoby; w 2024 r.: 9\xa0834 osoby (zmiana: -14,7 %)." in texts


def test_placeholders_are_marked_and_styled(kietrz):
    _, doc = kietrz
    marked = [p for p in doc.paragraphs if p.style.name == D.PLACEHOLDER_STYLE]
    # economy, assessment and strategy (not in the Monitor yet), and the four chapters for the office
    assert len(marked) == 7
    for p in marked:
        assert p.text.startswith("[DO UZUPEŁNIENIA] ")
        assert p.runs[0].bold and p.runs[0].font.highlight_color is not None
    assert not [p for p in doc.paragraphs if "[DO UZUPEŁNIENIA]" in p.text and p.style.name != D.PLACEHOLDER_STYLE
                and not p.text.startswith("Projekt przygotowany")]
    office = t("docx.ch.office", "pl")
    paras = doc.paragraphs
    for key in D.OFFICE_PLACEHOLDERS:
        i = next(i for i, p in enumerate(paras) if p.text == t(f"docx.office.{key}", "pl"))
        assert paras[i + 1].style.name == D.PLACEHOLDER_STYLE
    assert any(p.text.endswith(office) for p in paras if p.style.name == "Heading 1")


def test_charts_are_pictures_with_alt_text(kietrz):
    model, doc = kietrz
    shapes = list(doc.inline_shapes)
    assert len(shapes) == len(model.charts) >= 4
    for shape, item in zip(shapes, model.charts):
        pr = shape._inline.docPr
        assert pr.get("descr") == f"{item.takeaway} {item.caption}".strip()
        assert pr.get("title") == item.takeaway
        blob = doc.part.related_parts[shape._inline.graphic.graphicData.pic.blipFill.blip.embed].blob
        assert Image.open(io.BytesIO(blob)).size[0] >= 1600
    captions = [p.text for p in doc.paragraphs if p.style.name == "Caption" and p.text.startswith("Rysunek")]
    assert len(captions) == len(model.charts)


def test_no_english_in_the_polish_file(kietrz):
    _, doc = kietrz
    leaks = english_words(all_text(doc))
    assert not leaks, leaks
    # and the check itself catches English
    assert english_words("Źródło: the source of the values (inferred)") == {"the", "source", "of", "values", "inferred"}


def test_sources_annex_lists_every_source_in_polish(kietrz):
    model, doc = kietrz
    table = next(tb for tb in doc.tables if table_rows(tb)[0][:2] == ["Wydawca", "Zbiór danych"]
                 or table_rows(tb)[0][0] == t("report.src_publisher", "pl"))
    body = table_rows(table)[1:]
    assert [r[0] for r in body] == [s.publisher for s in model.sources]
    assert all(r[3] and "repository" not in r[3] for r in body)
    text = all_text(doc)
    assert URL in text


def test_english_draft(sqlite_store):
    model = gather.build(sqlite_store, lang="en", code="0201022", charts=(), with_map=False)
    doc = Document(io.BytesIO(D.build_docx(model)))
    text = all_text(doc)
    assert doc.paragraphs[0].text == "Report on the state of the gmina of Bolesławiec — draft"
    assert "1. The gmina in brief" in [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert "Population, total: 15,359 persons (2024; source: Statistics Poland (2024))." in text
    assert "[TO BE COMPLETED]" in text and "[DO UZUPEŁNIENIA]" not in text
    for polish in ("Ludność", "Źródło", "Rozdział", "mediana", "miejsce"):
        assert polish not in text, polish
    assert doc.core_properties.language == "en-GB"


def test_area_draft_sums_its_gminy(sqlite_store):
    area = ("1206032", "1206042", "1261011")
    model = gather.build(sqlite_store, lang="pl", area=area, charts=(), with_map=False)
    doc = Document(io.BytesIO(D.build_docx(model)))
    pops = sqlite_store.values(units=list(area), indicators=["population_total"], years=[2024])
    total = pops["value"].sum()
    assert len(pops) == 3
    text = all_text(doc)
    assert doc.paragraphs[0].text == "Raport o stanie obszaru funkcjonalnego — projekt"
    assert f"Ludność ogółem: {fmt_num(total, 0, 'pl')} osoby (2024 r.;" in text  # 830 153 -> osoby
    assert "1. Obszar w skrócie" in [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert "Miejsce w kraju" not in text  # an area has no national rank


def test_strategy_chapter_from_a_real_plan(sqlite_store):
    """Liszki's plan (the strategy tests' real plan): the chapter states its progress instead of the
    placeholder, with the plan's own table."""
    from dataclasses import replace

    from reports import strategy as RS
    from reports.source import StoreSource
    from store import plans as SP
    from tests.test_strategy_cli import PLAN_CSV

    src = StoreSource(sqlite_store)
    plan = SP.plan_from_file(sqlite_store, PLAN_CSV.encode(), "plan.csv", subject="1206072", name="Strategia 2030")
    section = RS.section(RS.evaluate_plan(src, plan, "pl"), sqlite_store.indicators())
    model = replace(gather.build(src, lang="pl", code="1206072", charts=(), with_map=False), strategy=section)
    doc = Document(io.BytesIO(D.build_docx(model)))
    paras = [p.text for p in doc.paragraphs]
    i = paras.index("10. Realizacja strategii i programów")
    assert paras[i + 1] == section.title and paras[i + 2] == section.summary
    assert "5 wskaźników docelowych: 3 na dobrej drodze, 2 poza ścieżką." in paras
    table = next(tb for tb in doc.tables if table_rows(tb)[0] == list(section.header))
    assert len(table.rows) == 1 + len(section.rows)
    assert not any("nie zapisano planu strategii" in p.text for p in doc.paragraphs)
