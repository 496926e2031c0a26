"""Reports built from the profile's pieces (real store): the peer group is the profile's (kNN from
the URL, not a typology fallback), stated word for word as on the page and named; an area's PDF,
deck and spreadsheet show its gminy, coverage and members-only indicators."""
import io
import re

import openpyxl
import pytest
from pptx import Presentation
from pypdf import PdfReader

from presentation.profile_context import build as build_context, group_text
from reports import deck, gather, pdf, xlsx
from reports.model import ExportMeta
from reports.source import StoreSource
from reports.tables import key_indicator_frame

AREA = ("1261011", "1206172", "1219053", "1206113")  # Kraków, Zielonki, Wieliczka, Skawina
KNN_DEF = ("10 jednostek najbardziej podobnych pod względem: Ludność ogółem, Gęstość zaludnienia, Udział ludności "
           "w wieku poprodukcyjnym, Dochody własne na mieszkańca, Udział bezrobotnych w ludności w wieku "
           "produkcyjnym (rok odniesienia: 2019)")


@pytest.fixture(scope="module")
def source(sqlite_store):
    return StoreSource(sqlite_store)  # one source: level matrices pivoted once for the module


def text_of(data: bytes) -> str:
    return re.sub(r"\s+", " ", "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages))


@pytest.fixture(scope="module")
def knn_report(source, chromium):
    model = gather.build(source, lang="pl", code="0201022", peers="knn:k=10",
                         charts=("ranking:sewerage_pct", "trend:turnout_sejm"))
    return model, text_of(pdf.render_pdf(model))


def test_knn_report_states_and_names_the_profiles_peer_group(knn_report, source):
    model, text = knn_report
    ctx = build_context(source, "0201022", "knn:k=10", "pl")
    assert model.peer_definition == group_text(ctx) == KNN_DEF  # word for word as on /profil
    assert KNN_DEF in text
    # the nearest neighbour (domain.peers.knn_peers) is named on the cover, nearest first
    assert model.peer_names[0] == ctx.names[ctx.group.codes[0]] == "Oleśnica (gmina wiejska, pow. oleśnicki)"
    assert "W grupie: Oleśnica (gmina wiejska, pow. oleśnicki), Żary (gmina wiejska, pow. żarski)" in text
    pop = next(k for k in model.key_indicators if k.indicator_id == "population_total")
    assert (pop.national_rank, pop.national_of, pop.peer_of) == (508, 2477, 11)


def test_knn_report_takeaways_come_from_the_data(knn_report):
    model, text = knn_report
    ranking = next(c for c in model.charts if c.key == "ranking:sewerage_pct")
    # BDL 2019: 72.1 % of Bolesławiec (rural) residents use the sewerage network; kNN group median 49.5 %
    assert ranking.takeaway == ("Bolesławiec (gmina wiejska, pow. bolesławiecki) — Korzystający z kanalizacji: "
                                "72,1 % ludności (2019), więcej niż mediana grupy (49,5 % ludności); "
                                "2. miejsce na 11 (1 = najlepiej).")
    assert ranking.takeaway[:60] in text
    assert KNN_DEF in ranking.caption
    assert not ranking.data.empty and len(ranking.data) == 11


def test_area_report_pdf_lists_gminy_coverage_and_members_only(source, chromium):
    # a 4-gmina area is compared with similar powiaty by default (issue 18); its own gminy on request
    model = gather.build(source, lang="pl", area=AREA, peers="members", charts=("trend:turnout_sejm",))
    assert model.is_area and model.peer_definition == "gminy należące do obszaru; n = 4"
    assert [n for _, n in model.members] == ["Kraków", "Skawina", "Wieliczka", "Zielonki"]
    turnout = next(k for k in model.key_indicators if k.indicator_id == "turnout_sejm")
    assert turnout.coverage == "dane z 4 z 4 gmin" and turnout.national_rank is None
    text = text_of(pdf.render_pdf(model))
    assert "Obszar funkcjonalny: 4 gminy" in text
    assert "Gminy obszaru (4) Kraków (1261011), Skawina (1206113), Wieliczka (1219053), Zielonki (1206172)" in text
    assert "Pokrycie" in text and "dane z 4 z 4 gmin" in text and "Miejsce w kraju" not in text
    assert "Frekwencja – wybory do Parlamentu Europejskiego (2024) — tylko wartości gmin (dane z 4 z 4 gmin)" in text
    assert "za mało (potrzeba co najmniej 5)" in text  # no strengths claimed from four gminy
    trend = model.charts[0]
    assert "Obszar (4 gminy) — Frekwencja – wybory do Sejmu: wzrost z 59,01 do 81,63 %" in trend.takeaway
    assert "więcej niż mediana gmin obszaru (80,98 %)" in trend.takeaway


def test_area_report_against_powiaty_of_similar_size_has_ranks_and_strengths(source):
    model = gather.build(source, lang="pl", area=AREA, peers="typology", charts=(), with_map=False)
    assert model.peer_definition.startswith("powiaty (każdy jako grupa swoich gmin) o podobnej liczbie ludności")
    pop = next(k for k in model.key_indicators if k.indicator_id == "population_total")
    assert (pop.peer_rank, pop.peer_of) == (2, 15)  # among powiaty of 250,000+: after Warszawa
    assert "Warszawa" in model.peer_names and model.strengths


def test_area_deck_has_a_members_slide_and_coverage(source, chromium):
    model = gather.build(source, lang="pl", area=AREA, charts=(), with_map=False)
    prs = Presentation(io.BytesIO(deck.build_deck(model)))
    titles = [s.shapes.title.text_frame.text for s in prs.slides if s.shapes.title is not None]
    assert "Gminy obszaru (4)" in titles
    members = prs.slides[titles.index("Gminy obszaru (4)")]
    body = "\n".join(sh.text_frame.text for sh in members.shapes if sh.has_text_frame)
    assert "Zielonki (1206172)" in body and "Frekwencja – wybory do Parlamentu Europejskiego" in body
    table = [sh for sh in prs.slides[1].shapes if sh.has_table][0].table
    head = [table.cell(0, c).text_frame.text for c in range(len(table.columns))]
    assert head == ["Wskaźnik", "Wartość", "Rok", "Pokrycie", "Miejsce w grupie"]


def test_area_spreadsheet_has_coverage_and_the_member_list(source):
    model = gather.build(source, lang="pl", area=AREA, charts=(), with_map=False)
    frame, docs = key_indicator_frame(model)
    assert "Pokrycie" in frame.columns and "Miejsce w kraju" not in frame.columns
    assert frame.columns[-1] == "Identyfikator wskaźnika"
    wb = openpyxl.load_workbook(io.BytesIO(xlsx.build_xlsx(frame, ExportMeta(
        title=model.title, lang="pl", columns=docs, sources=model.sources, notes=model.notes))))
    cells = [v for r in wb["Metadane"].iter_rows(values_only=True) for v in r if v]
    assert any("Gminy obszaru: Kraków (1261011), Skawina (1206113)" in str(c) for c in cells)
    assert any("Pokrycie" == c for c in cells)


def test_english_knn_report(source):
    model = gather.build(source, lang="en", code="0201022", peers="knn:k=10", charts=(), with_map=False)
    assert model.peer_definition.startswith("the 10 units most similar in: Population, total, Population density")
    assert model.peer_definition == group_text(build_context(source, "0201022", "knn:k=10", "en"))
