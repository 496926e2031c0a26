"""The targets file (loaders.plan_file): Polish and English headers, decimal commas, milestones,
projects sheet, and a row-and-column problem for every kind of bad input — nothing built on any.
Pure (no store): indicators and the store's series are stand-ins."""
from __future__ import annotations

import io
from types import SimpleNamespace

import pandas as pd
import pytest

from domain import strategy as D
from loaders import plan_file as F

IND = {i: SimpleNamespace(id=i, name_pl=pl, name_en=en, unit_pl="x", unit_en="x")
       for i, pl, en in (("population_total", "Ludność ogółem", "Population, total"),
                         ("unemployed_share_working_age", "Udział bezrobotnych w ludności w wieku produkcyjnym",
                          "Registered unemployed as a share of the working-age population"),
                         ("own_revenue_per_capita", "Dochody własne na mieszkańca", "Own revenue per capita"))}
STORE = {"population_total": pd.DataFrame({"year": [2015, 2019], "value": [16815.0, 17447.0]})}


def series_of(ind):
    return STORE.get(ind, pd.DataFrame(columns=["year", "value"]))


def build(text: str, name="x.csv", **kw):
    parsed = F.parse_plan_file(text.encode("utf-8"), name)
    return F.build_plan(parsed, name="Plan", subject="1206072", indicators=IND, series_of=series_of,
                        subject_codes={"1206072", "120607"}, **kw), parsed


GOOD_PL = """Strategia rozwoju gminy 2021-2030
cel strategiczny;cel operacyjny;wskaźnik;rok bazowy;wartość bazowa;rok docelowy;wartość docelowa;kamienie milowe
Rozwój społeczny;Przyrost mieszkańców;population_total;2015;;2030;19 000;"2020: 17 500; 2025: 18 200"
Rozwój społeczny;Rynek pracy;Udział bezrobotnych w ludności w wieku produkcyjnym;2018;2,36;2025;1,5;
Gospodarka;;own_revenue_per_capita;2015;1751,2;2025;2500;
"""


def test_polish_file_with_title_row_decimal_commas_and_store_baseline():
    plan, parsed = build(GOOD_PL)
    assert parsed.comma_cells == 3  # 2,36 / 1,5 / 1751,2 read as numbers
    assert [(g.id, g.name) for g in plan.goals] == [("1", "Rozwój społeczny"), ("1.1", "Przyrost mieszkańców"),
                                                   ("1.2", "Rynek pracy"), ("2", "Gospodarka")]
    pop, unemp, rev = plan.targets
    assert pop.baseline == 16815.0 and pop.baseline_from_store  # taken from the store (year 2015)
    assert pop.target == 19000.0 and pop.milestones == (D.Milestone(2020, 17500.0), D.Milestone(2025, 18200.0))
    assert unemp.indicator == "unemployed_share_working_age" and unemp.baseline == 2.36 and unemp.target == 1.5
    assert unemp.direction == -1 and not unemp.baseline_from_store
    assert rev.goal == "2" and rev.baseline == 1751.2


def test_english_headers_and_xlsx_with_projects_sheet():
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Targets"
    ws.append(["Strategic goal", "Operational goal", "Indicator", "Baseline year", "Baseline value", "Target year",
               "Target value", "Milestones"])
    ws.append(["Economy", "Revenue", "Own revenue per capita", 2015, 1751.2, 2025, 2500, "2020: 2000"])
    ps = wb.create_sheet("Przedsięwzięcia")
    ps.append(["przedsięwzięcie", "cel", "budżet", "rok od", "rok do", "status", "odpowiedzialny"])
    ps.append(["Strefa aktywności", "1.1", "1 200 000,50", 2024, 2026, "w realizacji", "Urząd Gminy"])
    ps.append(["Park", "Economy", 300000, None, None, "planowane", ""])
    buf = io.BytesIO()
    wb.save(buf)
    parsed = F.parse_plan_file(buf.getvalue(), "plan.xlsx")
    plan = F.build_plan(parsed, name="P", subject="1206072", indicators=IND, series_of=series_of)
    assert plan.targets[0].milestones == (D.Milestone(2020, 2000.0),)
    assert [(p.name, p.goal, p.budget, p.status) for p in plan.projects] == [
        ("Strefa aktywności", "1.1", 1200000.5, "in_progress"), ("Park", "1", 300000.0, "planned")]


HEAD = "cel strategiczny;wskaźnik;rok bazowy;wartość bazowa;rok docelowy;wartość docelowa;teryt\n"


@pytest.mark.parametrize("row, code, column", [
    ("A;bezrobocie_xyz;2018;2;2025;1;", "plan_unknown_indicator", "wskaźnik"),
    ("A;population_total;2020;100;2019;120;", "plan_target_year_not_after_baseline", "rok docelowy"),
    ("A;population_total;2020;100;2020;120;", "plan_target_year_not_after_baseline", "rok docelowy"),
    ("A;population_total;2020;100;2030;100;", "plan_target_equals_baseline", "wartość docelowa"),
    ("A;population_total;2020;100;2030;120;9999999", "plan_unknown_unit", "teryt"),
    ("A;population_total;2020;sto;2030;120;", "plan_not_a_number", "wartość bazowa"),
    ("A;population_total;2020;100;2030;=A1*2;", "plan_formula", "wartość docelowa"),
    ("A;population_total;dwa tysiące;100;2030;120;", "plan_not_a_year", "rok bazowy"),
    ("A;population_total;2020;100;2030;;", "plan_missing_value", "wartość docelowa"),
    ("A;population_total;2016;;2030;20000;", "plan_no_baseline_in_store", "wartość bazowa"),
    (";population_total;2020;100;2030;120;", "plan_missing_value", "cel strategiczny"),
])
def test_each_bad_row_names_row_column_and_builds_nothing(row, code, column):
    text = HEAD + "B;population_total;2015;;2030;19000;1206072\n" + row + "\n"
    with pytest.raises(F.PlanFileError) as e:
        build(text)
    probs = e.value.problems
    assert [(p.code, p.row, p.column) for p in probs] == [(code, 3, column)]


def test_duplicated_target_names_the_first_row():
    text = HEAD + "A;population_total;2015;;2030;19000;\nA;Ludność ogółem;2018;17000;2030;19500;\n"
    with pytest.raises(F.PlanFileError) as e:
        build(text)
    (p,) = e.value.problems
    assert (p.code, p.row, p.column, p.detail) == ("plan_duplicate_target", 3, "wskaźnik", "2")


def test_all_problems_are_reported_at_once():
    text = HEAD + "A;nope;2018;2;2025;1;\nA;population_total;2020;sto;2019;1;\nA;population_total;2020;1;2019;2;\n"
    with pytest.raises(F.PlanFileError) as e:
        build(text)
    assert [(p.code, p.row) for p in e.value.problems] == [
        ("plan_unknown_indicator", 2), ("plan_not_a_number", 3), ("plan_target_year_not_after_baseline", 4)]


def test_missing_required_columns_and_no_header():
    with pytest.raises(F.PlanFileError) as e:
        build("cel strategiczny;wskaźnik;rok bazowy\nA;population_total;2015\n")
    assert {p.column for p in e.value.problems} == {"target_year", "target"}
    assert {p.code for p in e.value.problems} == {"plan_missing_column"}
    with pytest.raises(F.PlanFileError) as e:
        build("a;b\n1;2\n")
    assert e.value.problems[0].code == "plan_no_header"
    with pytest.raises(F.PlanFileError) as e:
        F.parse_plan_file(b"", "x.csv")
    assert e.value.problems[0].code == "empty_file"


def test_bad_milestones_and_milestone_outside_period():
    with pytest.raises(F.PlanFileError) as e:
        build("cel strategiczny;wskaźnik;rok bazowy;wartość bazowa;rok docelowy;wartość docelowa;kamienie milowe\n"
              "A;population_total;2015;1;2030;2;w połowie drogi\n")
    assert e.value.problems[0].code == "plan_bad_milestones"
    with pytest.raises(F.PlanFileError) as e:
        build("cel strategiczny;wskaźnik;rok bazowy;wartość bazowa;rok docelowy;wartość docelowa;kamienie milowe\n"
              "A;population_total;2015;1;2030;2;2031: 1,5\n")
    assert e.value.problems[0].code == "plan_milestone_outside_period"


def test_decimal_comma_cells_are_numbers_not_thousands():
    plan, parsed = build(HEAD + "A;own_revenue_per_capita;2015;12,5;2025;14,75;\n")
    assert (plan.targets[0].baseline, plan.targets[0].target) == (12.5, 14.75)
