"""The strategy's progress in the PDF report (a section) and in the XLSX download (a sheet), and the
plan file / progress table exports (formula-like text neutralised), on a real plan for Liszki."""
from __future__ import annotations

import io
import subprocess
from dataclasses import replace

import pytest

from domain import strategy as D
from reports import strategy as RS
from reports.source import StoreSource
from tests.test_strategy_cli import PLAN_CSV


@pytest.fixture(scope="module")
def progress(sqlite_store):
    from store import plans as SP

    plan = SP.plan_from_file(sqlite_store, PLAN_CSV.encode(), "plan.csv", subject="1206072", name="=Strategia 2030")
    plan = D.with_projects(plan, [D.Project("@Kanalizacja", "2.2", 4_200_000.0, 2024, 2026, "in_progress", "UG")])
    return {lang: RS.evaluate_plan(StoreSource(sqlite_store), plan, lang) for lang in ("pl", "en")}


def test_pdf_section(progress, sqlite_store):
    from reports import gather, pdf

    pp = progress["pl"]
    section = RS.section(pp, sqlite_store.indicators())
    model = gather.build(StoreSource(sqlite_store), lang="pl", code="1206072", charts=(), with_map=False)
    html = pdf.render_html(replace(model, strategy=section), [])
    assert "Realizacja strategii: =Strategia 2030" in html
    assert "5 wskaźników docelowych: 3 na dobrej drodze, 2 poza ścieżką." in html
    assert html.count("▼ poza ścieżką") == 2 and "#D55E00" in html
    data = pdf.render_pdf(replace(model, strategy=section))
    text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=data, capture_output=True).stdout.decode()
    assert "Realizacja strategii" in text and "5 wskaźników docelowych: 3 na dobrej drodze, 2 poza ścieżką." in text
    flat = " ".join(text.replace("\u00a0", " ").split())
    assert "18 754" in flat and "16 815" in flat and "poza ścieżką" in flat
    assert "Ostatnia wartość = najnowsza wartość wskaźnika po roku bazowym" in text  # the rule, stated


def test_xlsx_sheet_in_the_key_indicator_download(progress, sqlite_store):
    from openpyxl import load_workbook

    from reports.model import ExportMeta
    from reports.xlsx import build_xlsx

    section = RS.section(progress["en"], sqlite_store.indicators())
    data = build_xlsx(section.table.iloc[:0, :2], ExportMeta(title="x", lang="en",
                                                                extra_sheets=((section.sheet_name, section.table),)))
    wb = load_workbook(io.BytesIO(data))
    assert wb.sheetnames == ["Data", "Progress", "Metadata"]
    ws = wb["Progress"]
    head = [c.value for c in ws[1]]
    assert head[:4] == ["Goal no.", "Goal", "Indicator", "Unit"] and "Status" in head
    rows = {r[2]: dict(zip(head, r)) for r in ws.iter_rows(min_row=2, values_only=True)}
    pop = rows["Population, total"]
    assert (pop["Latest value"], pop["Latest year"], pop["Status"]) == (18754, 2024, "on track")
    assert isinstance(pop["Change — peers' median (%)"], float)


def test_plan_file_and_progress_exports_neutralise_formulas(progress, sqlite_store):
    from openpyxl import load_workbook

    plan = progress["pl"].plan
    inds = sqlite_store.indicators()
    csv_text = RS.plan_file_bytes(plan, inds, "csv", "pl").decode("utf-8-sig")
    assert csv_text.splitlines()[0].startswith("cel strategiczny;cel operacyjny;wskaźnik;jednostka miary;rok bazowy")
    assert '"2020: 17500; 2025: 18200"' in csv_text and ";1,5;" in csv_text  # decimal comma in Polish
    wb = load_workbook(io.BytesIO(RS.plan_file_bytes(plan, inds, "xlsx", "pl")))
    assert wb.sheetnames == ["Cele i wskaźniki", "Przedsięwzięcia"]
    proj = wb["Przedsięwzięcia"]
    cell = proj["A2"]
    assert cell.value == "@Kanalizacja" and cell.data_type == "s" and cell.quotePrefix  # text, never a formula
    prog = RS.progress_bytes(progress["pl"], inds, "csv").decode("utf-8-sig")
    assert prog.splitlines()[0].startswith("Nr celu;Cel;Wskaźnik;")
    # round trip: the exported file imports to the same targets
    from loaders import plan_file as F
    from store import plans as SP

    back = F.build_plan(F.parse_plan_file(RS.plan_file_bytes(plan, inds, "xlsx", "pl"), "p.xlsx"), name=plan.name,
                        subject=plan.subject, indicators=inds, series_of=SP.series_getter(sqlite_store, plan.subject))
    assert [replace(x, baseline_from_store=False, baseline=round(x.baseline, 9)) for x in back.targets] == [
        replace(x, baseline_from_store=False, baseline=round(x.baseline, 9)) for x in plan.targets]
    assert back.goals == plan.goals and back.projects == plan.projects
    back_csv = F.build_plan(F.parse_plan_file(csv_text.encode("utf-8"), "p.csv"), name=plan.name, subject=plan.subject,
                            indicators=inds, series_of=SP.series_getter(sqlite_store, plan.subject))
    assert [x.target for x in back_csv.targets] == [x.target for x in plan.targets]
