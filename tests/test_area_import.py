"""Importing a list of gminy (CSV/XLSX/pasted text): reading the file and matching every entry to a
current gmina against the real store — nothing dropped silently, every problem named by row."""
import io

import numpy as np
import pandas as pd
import pytest


from domain import matching as M
from loaders.area_list import MAX_BYTES, AreaListError, parse_rows, parse_text, read_area_list


def xlsx(rows) -> bytes:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


@pytest.fixture(scope="module")
def units(sqlite_store):
    return sqlite_store.units(include_historical=True)


@pytest.fixture(scope="module")
def match(sqlite_store, units):
    def run(entries: pd.DataFrame) -> M.Matched:
        return M.match_entries(entries, units, sqlite_store.resolve_code)
    return run


# ------------------------------------------------------------------------------------------------
# reading files
# ------------------------------------------------------------------------------------------------

def test_csv_with_header_semicolons_and_cp1250():
    data = "Kod TERYT;Nazwa gminy;Ludność\n1261011;Kraków;800000\n1206172;Zielonki;28000\n".encode("cp1250")
    lst = read_area_list(data, "lista.csv")
    assert lst.header and lst.code_column == "A (Kod TERYT)" and lst.name_column == "B (Nazwa gminy)"
    assert lst.ignored == ("C (Ludność)",)
    assert lst.entries.to_dict("records") == [{"row": 2, "code": "1261011", "name": "Kraków"},
                                              {"row": 3, "code": "1206172", "name": "Zielonki"}]


def test_csv_without_header_picks_the_code_column_by_content():
    data = "Kraków,1261011\nZielonki,1206172\n\n Wieliczka , 1219053 \n".encode("utf-8")
    lst = read_area_list(data, "x.csv")
    assert not lst.header and lst.code_column == "B" and lst.name_column == "A"
    assert lst.entries["row"].tolist() == [1, 2, 4]  # spreadsheet row numbers; the blank row holds nothing
    assert lst.entries["code"].tolist() == ["1261011", "1206172", "1219053"]


def test_a_single_row_of_codes_is_a_list():
    lst = read_area_list(b"1261011;1206172;1219053", "x.txt")
    assert lst.entries["code"].tolist() == ["1261011", "1206172", "1219053"] and set(lst.entries["row"]) == {1}


def test_xlsx_numbers_keep_their_digits_for_the_matcher():
    lst = read_area_list(xlsx([["TERYT", "nazwa"], [1261011, "Kraków"], [201011, "Bolesławiec"], [None, None],
                               ["0201022", "Bolesławiec"]]), "lista.xlsx")
    assert lst.entries.to_dict("records") == [
        {"row": 2, "code": "1261011", "name": "Kraków"},
        {"row": 3, "code": "201011", "name": "Bolesławiec"},  # the spreadsheet dropped the leading zero
        {"row": 5, "code": "0201022", "name": "Bolesławiec"}]


@pytest.mark.parametrize("data,name,reason", [
    (b"x" * (MAX_BYTES + 1), "big.csv", "too_big"),
    (b"1261011", "list.pdf", "extension"),
    (b"PK\x03\x04 not really a zip", "list.xlsx", "not_xlsx"),
    (b"\x00\x01\x02binary", "list.csv", "binary"),
    (b"\n\n ; ;\n", "list.csv", "empty"),
    (("\n".join(["1261011"] * 5002)).encode(), "list.csv", "too_many_rows"),
])
def test_unreadable_files_say_why(data, name, reason):
    with pytest.raises(AreaListError) as exc:
        read_area_list(data, name)
    assert exc.value.reason == reason


def test_pasted_text_accepts_commas_lines_and_code_name_pairs():
    lst = parse_text("1261011, 1206172\n1219053 Wieliczka\nKraków\n\n12 06 11 3")
    assert lst.entries.to_dict("records") == [
        {"row": 1, "code": "1261011", "name": ""}, {"row": 1, "code": "1206172", "name": ""},
        {"row": 2, "code": "1219053", "name": "Wieliczka"}, {"row": 3, "code": "", "name": "Kraków"},
        {"row": 5, "code": "12 06 11 3", "name": ""}]


# ------------------------------------------------------------------------------------------------
# matching against the real store
# ------------------------------------------------------------------------------------------------

BAD_LIST = [  # (code, name) as a user's file might have them, with the expected report
    ("1261011", "Kraków", "ok", "exact", "1261011"),
    ("9999999", "", "problem", "malformed", ""),            # no województwo 99
    ("0299011", "", "problem", "unknown", ""),              # well-formed, no such gmina
    ("12a6101", "", "problem", "malformed", ""),
    ("1206", "", "problem", "not_gmina", ""),               # powiat krakowski
    ("12", "", "problem", "not_gmina", ""),
    ("021803", "Miękinia", "note", "code6", "0218033"),     # 6-digit code of a gmina whose type digit changed
    ("0218032", "", "note", "old_code", "0218033"),         # its 2020 7-digit code -> duplicate of the row above
    ("126101", "", "duplicate", "duplicate", "1261011"),    # Kraków again, as 6 digits
    ("0201044", "", "problem", "part", ""),                 # town part of Nowogrodziec
    ("3203042", "Ostrowice", "problem", "historical", ""),  # abolished 2019
    ("201022", "Bolesławiec", "note", "zero_restored", "0201022"),  # Excel dropped the zero
    ("", "Zielonki", "note", "by_name", "1206172"),
    ("", "Bolesławiec", "problem", "ambiguous_name", ""),   # a town and a rural gmina share the name
    ("", "Nibylandia", "problem", "unknown_name", ""),
    ("1219053", "Niepołomice", "note", "name_differs", "1219053"),  # the code is Wieliczka's
    ("", "", None, None, None),                             # blank row: nothing to report
]


def test_every_entry_of_a_messy_list_is_reported(match):
    entries = pd.DataFrame({"row": range(2, 2 + len(BAD_LIST)), "code": [b[0] for b in BAD_LIST],
                            "name": [b[1] for b in BAD_LIST]})
    m = match(entries)
    rep = m.report.set_index("row")
    for i, (code, name, status, reason, unit) in enumerate(BAD_LIST, start=2):
        if status is None:
            assert i not in rep.index
            continue
        r = rep.loc[i]
        got = (r["status"], r["reason"], r["code"])
        if reason == "old_code":  # same gmina as the 6-digit row above: reported as its duplicate
            assert got == ("duplicate", "duplicate", "0218033") and r["detail"] == "8"
            continue
        assert got == (status, reason, unit), (code, name, got)
    assert m.codes == ("0201022", "0218033", "1206172", "1219053", "1261011")
    assert len(m.problems) == 9 and rep.loc[10, "detail"] == "2"  # 126101 duplicates row 2


def test_old_7_digit_code_alone_is_mapped_with_a_note(match):
    m = match(pd.DataFrame({"row": [1, 2], "code": ["0218032", "1261011"], "name": ""}))
    assert m.codes == ("0218033", "1261011")
    assert m.report.loc[0, "reason"] == "old_code" and "Miękinia" in m.report.loc[0, "detail"]


def test_recoded_walbrzych_old_code(match):
    m = match(pd.DataFrame({"row": [1], "code": ["022109"], "name": ""}))
    assert m.codes == ("0265011",)


def test_ambiguous_code_when_a_lost_zero_fits_two_gminy():
    units = pd.DataFrame({"code": ["0201011", "2010113"], "level": "gmina", "name": ["A", "B"],
                          "parent_code": ["0201", "2010"], "historical": False})
    resolve = {"0201011": ("0201011", ""), "201011": ("2010113", "")}.get
    m = M.match_entries(pd.DataFrame({"row": [1], "code": ["201011"], "name": ""}), units,
                        lambda c: resolve(c, (None, "unknown")))
    r = m.report.iloc[0]
    assert (r["status"], r["reason"]) == ("problem", "ambiguous_code") and "0201011" in r["detail"]
    assert "2010113" in r["detail"] and m.codes == ()


def test_url_definitions_take_codes_only(sqlite_store, units):
    m = M.resolve_definition(["126101", "Kraków", "1206172"], units, sqlite_store.resolve_code)
    assert m.codes == ("1206172", "1261011") and m.problems["reason"].tolist() == ["malformed"]


def test_reading_and_matching_a_real_xlsx_end_to_end(match):
    data = xlsx([["Lp.", "Gmina", "TERYT"], [1, "Kraków", "1261011"], [2, "Zielonki", 1206172],
                 [3, "Bolesławiec (miasto)", 201011], [4, "powiat krakowski", "1206"]])
    lst = read_area_list(data, "zit.xlsx")
    assert lst.code_column == "C (TERYT)" and lst.name_column == "B (Gmina)" and lst.ignored == ("A (Lp.)",)
    m = match(lst.entries)
    assert m.codes == ("0201011", "1206172", "1261011")
    rep = m.report.set_index("row")
    assert rep.loc[4, "reason"] == "zero_restored" and rep.loc[5, "reason"] == "not_gmina"
    assert "krakowski" in rep.loc[5, "detail"]
