"""The synthetic assessment in the exports (issue 13 item 5), from the real store: the PDF page,
the deck slide, the DOCX chapter and the XLSX sheet say the same numbers as `cli.py assess`."""
from __future__ import annotations

import io
import re

import pytest
from docx import Document
from openpyxl import load_workbook
from pptx import Presentation
from pypdf import PdfReader

from domain import assessment as AS
from reports import assessment_context as AC
from reports import commands, deck, docx, gather, pdf
from reports.source import StoreSource

KIETRZ = "1602043"


@pytest.fixture(scope="module")
def src(sqlite_store):
    return StoreSource(sqlite_store)


@pytest.fixture(scope="module")
def ac(src):
    return AC.gather(src, KIETRZ, None, "pl")


@pytest.fixture(scope="module")
def model(src, chromium):
    m = gather.build(src, lang="pl", code=KIETRZ, charts=("position",), with_map=False)
    return commands.with_sections(src, m, lang="pl", code=KIETRZ, area=(), peers=None)


def test_summary_states_score_rank_and_interval_as_the_cli(model, ac):
    a = model.assessment
    row = ac.row("overall")
    assert a.score == pytest.approx(row["score"]) and a.rank == row["rank"] and a.group_size == row["group_size"]
    assert (a.rank_low, a.rank_high) == (row["rank_low"], row["rank_high"])
    assert a.rank_low <= a.rank <= a.rank_high or a.rank_low <= a.rank_high
    assert f"{round(row['score'])} na 100" in a.overall
    assert f"{int(row['rank'])}. miejsce na {int(row['group_size'])} w grupie" in a.overall
    assert f"przedział niepewności miejsca: {int(row['rank_low'])}–{int(row['rank_high'])}" in a.overall
    assert "percentyl" in a.overall  # says what the number is
    up, down = AS.pulls(ac.result)
    names = dict(zip(ac.frame["node"], ac.frame["name"]))
    for k in up:
        assert names[k] in " ".join(a.pulls_up)
    for k in down:
        assert names[k] in " ".join(a.pulls_down)


def test_pdf_has_an_assessment_page(model):
    text = re.sub(r"\s+", " ", "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.render_pdf(model))).pages))
    a = model.assessment
    assert "Ocena syntetyczna: Kietrz" in text
    assert re.sub(r"\s+", " ", a.rows[0][0]) in text
    assert f"{a.rank} / {a.group_size}" in text


def test_deck_has_an_assessment_slide(model):
    prs = Presentation(io.BytesIO(deck.build_deck(model)))
    a = model.assessment
    titles = [s.shapes.title.text_frame.text for s in prs.slides if s.shapes.title is not None]
    want = f"Ocena syntetyczna: {round(a.score)} na 100, {a.rank}. miejsce na {a.group_size} w grupie"
    slide = next(s for s, tt in zip(prs.slides, titles) if tt.startswith(want))
    assert [sh for sh in slide.shapes if sh.shape_type == 13]  # the chart picture
    assert a.method in slide.notes_slide.notes_text_frame.text


def test_docx_chapter_replaces_the_placeholder(model):
    doc = Document(io.BytesIO(docx.build_docx(model)))
    paras = [p.text for p in doc.paragraphs]
    i = paras.index("9. Ocena syntetyczna")
    assert paras[i + 1] == model.assessment.overall
    marked = [p.text for p in doc.paragraphs if p.style.name == docx.PLACEHOLDER_STYLE]
    assert not any("nie zawiera oceny syntetycznej" in x for x in marked)
    assert len(marked) == 6


def test_xlsx_sheet_has_every_node(model, ac):
    wb = load_workbook(io.BytesIO(commands.xlsx_bytes(model)))
    ws = wb[model.assessment.sheet_name]
    rows = list(ws.iter_rows(values_only=True))
    head = rows[0]
    assert head[:4] == ("węzeł", "węzeł nadrzędny", "rodzaj", "nazwa")
    assert "wartość znormalizowana (0–100)" in head and "przedział miejsca od" in head and "dynamika (0–100)" in head
    assert len(rows) - 1 == len(ac.tree.nodes)
    by = {r[0]: dict(zip(head, r)) for r in rows[1:]}
    leaf = by["own_revenue_per_capita"]
    cli = ac.row("own_revenue_per_capita")
    assert leaf["wartość"] == pytest.approx(cli["value"]) and leaf["rok"] == cli["year"]
    assert leaf["wartość znormalizowana (0–100)"] == pytest.approx(round(cli["score"], 1))
    assert by["overall"]["miejsce w grupie"] == ac.row("overall")["rank"]
