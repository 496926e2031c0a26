"""Users' own indicator files: real-world messy CSV/XLSX generated in tmp_path, read by
loaders.upload and matched to the real unit list (domain.matching.match_values)."""
from __future__ import annotations

import io
import math

import pandas as pd
import pytest
from openpyxl import Workbook

from presentation.data_text import md
from loaders.upload import MAX_BYTES, Problem, UploadError, neutralise_cell, parse_upload, parse_value
from domain.matching import match_values
from store.user_data import unit_index


@pytest.fixture(scope="module")
def index(sqlite_store):
    return unit_index(sqlite_store)


def parse_and_match(data: bytes, index, name="plik.csv"):
    parsed = parse_upload(data, name)
    return parsed, match_values(parsed.values, index)


def problems(data: bytes, name="plik.csv") -> list[Problem]:
    with pytest.raises(UploadError) as err:
        parse_upload(data, name)
    return err.value.problems


def xlsx(rows, merges=(), formulas=()) -> bytes:
    wb = Workbook()
    ws = wb.active
    for r in rows:
        ws.append(list(r))
    for rng in merges:
        ws.merge_cells(rng)
    for ref, f in formulas:
        ws[ref] = f
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# -- encodings, decimals, layouts ---------------------------------------------------------------

def test_cp1250_semicolons_decimal_commas_no_bom(tmp_path, index):
    text = ("Kod TERYT;Nazwa gminy;2022;2023\n"
            "1261011;Kraków;71,5;72,25\n"
            "1061011;Łódź;64,0;\n"
            "0201022;Bolesławiec;1 234,5;-\n")
    path = tmp_path / "ankieta.csv"
    path.write_bytes(text.encode("cp1250"))
    parsed, m = parse_and_match(path.read_bytes(), index)
    assert parsed.encoding == "cp1250" and parsed.decimal == "," and parsed.layout == "wide"
    got = m.values.set_index(["unit", "year"])["value"]
    assert got[("1261011", 2023)] == 72.25 and got[("0201022", 2022)] == 1234.5
    assert ("1061011", 2023) not in got.index  # empty cell = no data, never 0
    assert m.unmatched_rows == 0 and m.name_mismatch.empty
    assert any(n.code == "no_data_cells" and n.detail == "2" for n in parsed.notes)


def test_utf8_bom_commas_and_decimal_points_long_layout(index):
    text = "\ufeffteryt,rok,wartość\n1261011,2024,\"1,234.5\"\n1465011,2024,98.5\n1465011,2023,97\n"
    parsed, m = parse_and_match(text.encode("utf-8"), index)
    assert parsed.layout == "long" and parsed.encoding == "utf-8" and parsed.decimal == "."
    assert sorted(m.values["value"]) == [97.0, 98.5, 1234.5]


def test_xlsx_with_merged_title_and_year_header_rows(tmp_path, index):
    rows = [["Wyniki ankiety mieszkańców 2024", None, None, None],
            ["Kod", "Gmina", "Rok", None],
            [None, None, 2023, 2024],
            ["1261011", "Kraków", 3.5, 3.75],
            [1206032, "Kraków", 4, None],  # a numeric code cell whose name column does not fit
            ["Źródło: ankieta urzędu", None, None, None]]
    data = xlsx(rows, merges=["A1:D1", "C2:D2", "A2:A3", "B2:B3"])
    (tmp_path / "ankieta.xlsx").write_bytes(data)
    parsed, m = parse_and_match(data, index, "ankieta.xlsx")
    assert parsed.encoding == "xlsx" and parsed.layout == "wide" and parsed.header_row == 3
    assert parsed.year_columns == ["2023", "2024"] and parsed.columns["code"] == "Kod"
    assert m.values.set_index(["unit", "year"])["value"][("1261011", 2024)] == 3.75
    assert m.report.set_index("row").loc[5, "unit"] == "1206032"
    assert m.name_mismatch.values.tolist() == [[5, "1206032", "Iwanowice", "Kraków"]]
    assert any(n.code == "ignored_rows" for n in parsed.notes)  # the source note under the table


def test_spreadsheet_dropped_leading_zeros_are_restored(index):
    data = xlsx([["TERYT", "2024"], [201011, 10], [1261011, 20], [218033, 30]])
    _, m = parse_and_match(data, index, "x.xlsx")
    assert sorted(m.values["unit"]) == ["0201011", "0218033", "1261011"]


# -- names and codes ------------------------------------------------------------------------------

@pytest.mark.parametrize("name,expected,status", [
    ("Kraków", "1261011", "by_name"),
    ("m. Bolesławiec", "0201011", "by_name"),
    ("gm. Bochnia", "1201022", "by_name"),
    ("Bochnia (gmina wiejska)", "1201022", "by_name"),
    ("Nowy Targ - miasto", "1211011", "by_name"),
    ("powiat krakowski", "1206", "by_name"),
    ("województwo małopolskie", "12", "by_name"),
    ("M. ST. WARSZAWA", "1465011", "by_name"),
])
def test_names_instead_of_codes(index, name, expected, status):
    assert index.match("", name)[:2] == (expected, status)


def test_ambiguous_and_unknown_names_are_unmatched_with_a_reason(index):
    code, status, reason = index.match("", "Bolesławiec")
    assert code is None and status == "unmatched" and reason == "ambiguous_name:0201011,0201022,1018013"
    assert index.match("", "gm. Bolesławiec")[2] == "ambiguous_name:0201022,1018013"  # two non-urban ones
    assert index.match("", "gm. Bolesławiec", "bolesławiecki")[0] == "0201022"
    assert index.match("", "Gotham")[2] == "unknown_name"
    assert index.match("", "Dąbrowa", "opolski")[0] == "1609022"  # disambiguated by the powiat column


def test_codes_of_re_typed_gminy_and_unknown_codes(index):
    text = "teryt;2024\n021803;5\n0218032;5\n0299011;7\n12610;1\n1261011;9\n"
    parsed, m = parse_and_match(text.encode(), index)
    st = m.report.set_index("row")
    assert (st.loc[2, "unit"], st.loc[2, "status"]) == ("0218033", "by_code6")  # Miękinia, 6 digits
    assert (st.loc[3, "unit"], st.loc[3, "status"]) == ("0218033", "recoded")  # 2020 type digit
    assert (st.loc[4, "status"], st.loc[4, "reason"]) == ("unmatched", "unknown_code")
    assert st.loc[5, "reason"] == "malformed_code"  # 5 digits: no TERYT form
    assert m.duplicates[["unit", "year", "rows"]].values.tolist() == [["0218033", 2024, "2,3"]]
    assert len(m.values) == 2 and m.matched_rows == 3 and m.unmatched_rows == 2


def test_duplicated_rows_with_different_values_are_a_conflict(index):
    text = "teryt;rok;wartość\n1261011;2024;5\n1261011;2024;5\n1261011;2023;4\n126101;2023;6\n"
    _, m = parse_and_match(text.encode(), index)
    assert m.conflicts[["unit", "year", "rows", "values"]].values.tolist() == [["1261011", 2023, "4,5", "4, 6"]]
    assert m.duplicates["rows"].tolist() == ["2,3"]


def test_town_part_codes_are_not_gminy(index):
    _, m = parse_and_match(b"teryt;2024\n0201044;3\n0201043;4\n", index)
    st = m.report.set_index("row")
    assert st.loc[2, "reason"] == "unit_part" and st.loc[3, "unit"] == "0201043"


# -- bad files: specific messages, nothing parsed ----------------------------------------------------

def test_text_in_value_cells_names_row_column_and_cell():
    text = "Kod TERYT;2023;2024\n1261011;5,5;brak odp.\n1465011;=HYPERLINK(\"http://x\",\"1\");4\n0201011;@SUM(1);+1\n"
    probs = problems(text.encode("utf-8"))
    got = [(p.code, p.row, p.column, p.value) for p in probs]
    assert got == [("not_a_number", 2, "2024", "brak odp."),
                   ("formula", 3, "2023", '=HYPERLINK("http://x","1")'),
                   ("formula", 4, "2023", "@SUM(1)")]  # "+1" is a number, not a formula


def test_xlsx_formula_is_never_evaluated():
    data = xlsx([["teryt", "2024"], ["1261011", 5], ["1465011", 6], ["0201011", None]],
                formulas=[("B4", "=SUM(B2:B3)")])
    probs = problems(data, "f.xlsx")
    assert [(p.code, p.row, p.column, p.value) for p in probs] == [("formula", 4, "2024", "=SUM(B2:B3)")]


@pytest.mark.parametrize("data,code", [
    (b"", "empty_file"),
    (b"a;b;c\n1;2;3\n", "no_header"),
    (b"teryt;rok;wartosc\n1261011;dwa tysiace;5\n", "bad_year"),
    (b"teryt;2024\n1261011;\n1465011;-\n", "no_values"),
    (b"\x00\x01\x02PNG\x00", "not_a_table"),
    (b"PK\x03\x04garbage", "not_a_table"),
])
def test_bad_files_give_specific_messages(data, code):
    assert problems(data)[0].code == code


def test_too_big_file_is_refused_before_reading():
    data = b"teryt;2024\n" + b"1261011;1\n" * (MAX_BYTES // 10 + 1)
    assert problems(data)[0].code == "too_big"


def test_values_without_a_unit_are_an_error():
    probs = problems(b"teryt;nazwa;2024\n;;5\n1261011;Krak\xc3\xb3w;4\n")
    assert (probs[0].code, probs[0].row) == ("no_unit", 2)


# -- cells ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("cell,decimal,expected", [
    ("12,5", ",", 12.5), ("1 234,5", ",", 1234.5), ("1.234,5", ",", 1234.5), ("1\u00a0234", ",", 1234.0),
    ("1,234.5", ".", 1234.5), ("3,5", ".", 3.5), ("45%", ",", 45.0), ("-2,5", ",", -2.5), (7, ",", 7.0),
    ("", ",", None), ("-", ",", None), ("x", ",", None), ("b.d.", ",", None), ("brak danych", ".", None),
])
def test_parse_value(cell, decimal, expected):
    v, prob = parse_value(cell, decimal)
    assert prob == "" and (v == expected or (expected is None and v is None))


@pytest.mark.parametrize("cell,expected", [
    ("=HYPERLINK(\"http://evil\",\"x\")", "'=HYPERLINK(\"http://evil\",\"x\")"), ("+48 123", "'+48 123"),
    ("@cmd", "'@cmd"), ("-5", "-5"), ("Kraków", "Kraków"), (3.5, 3.5), ("-", "'-"),
])
def test_neutralise_cell(cell, expected):
    assert neutralise_cell(cell) == expected


def test_markdown_escape_keeps_links_and_images_literal():
    out = md("![x](http://evil/t.png) [a](http://e) $x$ <b>")
    assert "\\!\\[x\\]\\(http://evil/t\\.png\\)" in out and "\\$x\\$" in out and "\\<b\\>" in out


def test_matching_real_frame_keeps_years_and_rows(index):
    rows = pd.DataFrame({"row": [2, 2, 3], "code": ["1261011", "1261011", "0201011"], "name": ["", "", ""],
                         "year": [2023, 2024, 2024], "value": [1.0, math.nan, 3.0]})
    m = match_values(rows, index)
    assert m.values.sort_values("unit")[["unit", "year", "value"]].values.tolist() == [["0201011", 2024, 3.0],
                                                                                    ["1261011", 2023, 1.0]]
    assert m.report.set_index("row").loc[2, "values"] == 1


# -- issue 18: formulas, invalid numbers, mixed encodings, how numbers were read ----------------
def test_formulas_whose_commas_break_the_columns_are_named_not_a_missing_header():
    data = b"teryt;rok;wartosc\n1261011;2024;=SUM(1,2,3,4);=SUM(1,2,3,4)\n0201011;2024;=SUM(1,2,3,4)\n"
    probs = problems(data)
    assert probs and {p.code for p in probs} <= {"formula", "formulas"} and "no_header" not in {p.code for p in probs}
    from i18n import t
    assert "formuły nie" in t("data.problem.formulas", "pl", value="=SUM(1,2)", detail="", max_mb=10)


def test_formula_only_table_without_header_says_formulas():
    probs = problems(b"kod\n=SUM(1,2)\n")
    assert [(p.code, p.row, p.value) for p in probs] == [("formulas", 2, "=SUM(1,2)")]


@pytest.mark.parametrize("cell", ["-inf", "inf", "NaN", "+Infinity"])
def test_non_finite_numbers_are_invalid_numbers_not_formulas(cell):
    probs = problems(f"teryt;rok;wartosc\n1261011;2024;{cell}\n".encode())
    assert [(p.code, p.value) for p in probs] == [("invalid_number", cell)]


def test_minus_or_plus_formulas_are_still_formulas():
    probs = problems(b"teryt;rok;wartosc\n1261011;2024;-A1\n0201011;2024;+SUM(A1:A2)\n")
    assert [p.code for p in probs] == ["formula", "formula"]


def test_utf8_file_with_one_cp1250_line_is_read_line_by_line_and_names_the_line():
    data = ("teryt;nazwa;rok;wartosc\n1261011;Kraków;2024;1\n".encode()
            + "0201011;Bolesławiec;2024;2\n".encode("cp1250") + "1061011;Łódź;2024;3\n".encode())
    p = parse_upload(data, "x.csv")
    assert p.encoding == "utf-8"
    assert list(p.values["name"]) == ["Kraków", "Bolesławiec", "Łódź"]  # no mojibake in the UTF-8 lines
    assert [(n.code, n.row) for n in p.notes if n.code.startswith("mixed")] == [("mixed_encoding", 3)]


def test_a_whole_cp1250_file_is_not_flagged():
    p = parse_upload("teryt;nazwa;rok;wartosc\n0201011;Bolesławiec;2024;2\n".encode("cp1250"), "x.csv")
    assert p.encoding == "cp1250" and not [n for n in p.notes if n.code.startswith("mixed")]


@pytest.mark.parametrize("body,decimal,code,value", [
    ("1261011;2024;1.234\n0201011;2024;2,5\n0201022;2024;3,5\n", ",", "read_thousands", 1234.0),
    ("1261011;2024;1,234\n0201011;2024;2.5\n0201022;2024;3.5\n", ".", "read_thousands", 1234.0),
    ("1261011;2024;1,5\n0201011;2024;2.5\n0201022;2024;3.5\n", ".", "read_decimal", 1.5),
])
def test_a_number_with_the_other_separator_gets_a_note_saying_how_it_was_read(body, decimal, code, value):
    p = parse_upload(("teryt;rok;wartosc\n" + body).encode(), "x.csv")
    assert p.decimal == decimal and p.values["value"].iloc[0] == value
    notes = [(n.code, n.row, n.detail) for n in p.notes if n.code.startswith("read_")]
    assert notes == [(code, 2, f"{value:g}")]
    from i18n import t
    assert "odczytano jako" in t(f"data.problem.{code}", "pl", value="1.234", detail="1234", max_mb=10)


def test_unambiguous_numbers_get_no_reading_note():
    p = parse_upload(b"teryt;rok;wartosc\n1261011;2024;1.234,5\n0201011;2024;2,5\n", "x.csv")
    assert not [n for n in p.notes if n.code.startswith("read_")]
