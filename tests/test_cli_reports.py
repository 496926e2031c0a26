"""`cli.py report --teryt/--area --format ... -o FILE` and `cli.py deck --units ...` as a user runs
them (subprocess against the session store); `cli.py report` alone still prints the
reconciliation report; bad input: one line on stderr, exit 2, no file."""
from __future__ import annotations

import io

import pytest
from docx import Document
from openpyxl import load_workbook
from pptx import Presentation


def one_line_error(res) -> str:
    assert res.returncode == 2, (res.returncode, res.stderr)
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), res.stderr
    assert "Traceback" not in res.stderr
    return lines[0]


def test_report_without_a_unit_is_still_the_reconciliation_report(run_cli):
    res = run_cli("report")
    assert res.returncode == 0, res.stderr
    assert "units" in res.stdout and "rows" in res.stdout  # the ingest's reconciliation rows


def test_docx_for_a_gmina(run_cli, tmp_path):
    out = tmp_path / "kietrz.docx"
    res = run_cli("report", "--teryt", "1602043", "--format", "docx", "-o", str(out))
    assert res.returncode == 0, res.stderr
    doc = Document(str(out))
    assert doc.paragraphs[0].text == "Raport o stanie gminy Kietrz — projekt"
    cells = [c.text for tb in doc.tables for row in tb.rows for c in row.cells]
    assert "10\xa0822" in cells  # GUS 2019 population, as `cli.py show` prints 10822
    show = run_cli("show", "--teryt", "1602043", "--indicator", "population_total", "--year", "2019")
    assert show.stdout.splitlines()[1].split(",")[5] == "10822"


def test_english_xlsx_and_pptx(run_cli, tmp_path):
    x = tmp_path / "b.xlsx"
    res = run_cli("report", "--teryt", "0201022", "--format", "xlsx", "-o", str(x), "--lang", "en")
    assert res.returncode == 0, res.stderr
    wb = load_workbook(str(x))
    ws = wb.worksheets[0]
    header = [c.value for c in ws[1]]
    assert header[0] == "Indicator"
    pop = next(r for r in ws.iter_rows(min_row=2, values_only=True) if r[0] == "Population, total")
    assert pop[1] == 15359 and pop[3] == 2024
    p = tmp_path / "b.pptx"
    res = run_cli("report", "--teryt", "0201022", "--format", "pptx", "-o", str(p), "--lang", "en")
    assert res.returncode == 0, res.stderr
    prs = Presentation(str(p))
    assert prs.slides[0].shapes.title.text_frame.text == "Bolesławiec"


def test_docx_for_an_area(run_cli, tmp_path):
    out = tmp_path / "area.docx"
    res = run_cli("report", "--area", "1206032,1206042,1261011", "--format", "docx", "-o", str(out))
    assert res.returncode == 0, res.stderr
    doc = Document(str(out))
    assert doc.paragraphs[0].text == "Raport o stanie obszaru funkcjonalnego — projekt"


@pytest.mark.parametrize("args", [
    ("report", "--teryt", "1261011", "--format", "docx"),  # no -o
    ("report", "--format", "docx", "-o", "x.docx"),  # no unit
    ("report", "--teryt", "1261011", "--format", "odt", "-o", "x.odt"),
    ("report", "--teryt", "1261011", "--format", "docx", "-o", "x.pdf"),
    ("report", "--teryt", "99", "--format", "docx", "-o", "x.docx"),
    ("report", "--teryt", "12a", "--format", "docx", "-o", "x.docx"),
    ("report", "--teryt", "1261011", "--format", "docx", "-o", "/no/such/dir/x.docx"),
    ("report", "--area", "1261011", "--format", "docx", "-o", "x.docx"),
    ("deck", "--units", "Nibylandia", "-o", "x.pptx"),
    ("deck", "--units", "1261011", "-o", "x.docx"),
    ("deck", "--units", "missing.csv", "-o", "x.pptx"),
    ("deck", "--units", "1261", "-o", "x.pptx"),
    ("deck", "--units", "1261011", "-o", "x.pptx", "--indicator", "nope"),
])
def test_bad_input_is_one_line_and_exit_2(run_cli, tmp_path, args):
    args = tuple(str(tmp_path / a) if a.startswith("x.") else a for a in args)
    res = run_cli(*args)
    one_line_error(res)
    assert not list(tmp_path.iterdir())  # nothing written


def test_deck_from_a_csv_list_with_names_and_codes(run_cli, tmp_path):
    lst = tmp_path / "gminy.csv"
    lst.write_text("teryt;nazwa\n1261011;Kraków\n;Kietrz\n2862011;Olsztyn\n1261011;Kraków\n", encoding="utf-8")
    out = tmp_path / "seminar.pptx"
    res = run_cli("deck", "--units", str(lst), "-o", str(out), "--base-url", "https://m.example.pl")
    assert res.returncode == 0, res.stderr
    assert "duplicate" in res.stderr and "3 gminy" in res.stderr
    prs = Presentation(str(out))
    titles = [s.shapes.title.text_frame.text for s in list(prs.slides)[2:-1]]
    assert titles == ["Kraków", "Kietrz", "Olsztyn"]
    body = "\n".join(sh.text_frame.text for sh in prs.slides[3].shapes if sh.has_text_frame)
    assert "https://m.example.pl/profil?unit=1602043" in body
