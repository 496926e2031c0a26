"""Pure report builders: CSV and XLSX (formula injection neutralised, metadata), cells, file names,
the locator map. No browser needed."""
import datetime as dt
import io
import json

import openpyxl
import pandas as pd
import pytest

from reports import csv as csv_out
from reports import xlsx
from reports.cells import is_dangerous, neutralise, number_text
from reports.locator import Locator, bbox, expand, polygons, thin
from reports.model import ColumnDoc, ExportMeta, SourceRef, file_stem

EVIL = ["=HYPERLINK(\"http://x\",\"klik\")", "+48 123", "-2+3", "@SUM(A1)", "\tTAB", "\rCR", "=1+1"]
SAFE = ["Kraków", "Bielsko-Biała", "ąęśćńłóźż ĄĘŚĆŃŁÓŹŻ", "a=b", " =not first", ""]


def frame():
    return pd.DataFrame({
        "Jednostka": EVIL + SAFE[:2],
        "Wartość": [809168.0, -0.62, 1.5, 0.0, 12.25, float("nan"), 3.0, 1e-7, 2477.0],
        "Rok": [2024, 2024, 2019, 2019, 2023, 2023, 2018, 2018, 2024],
    })


@pytest.mark.parametrize("text", EVIL)
def test_dangerous_text_is_recognised_and_prefixed(text):
    assert is_dangerous(text)
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize("text", SAFE)
def test_ordinary_text_is_left_alone(text):
    assert not is_dangerous(text)
    assert neutralise(text) == text


@pytest.mark.parametrize("value,dec,expected", [
    (809168.0, ",", "809168"), (-0.62, ",", "-0,62"), (2477, ".", "2477"), (1e-7, ".", "1e-07"),
    (12.25, ",", "12,25"), (True, ".", "1"),
])
def test_numbers_are_written_without_grouping_in_full_precision(value, dec, expected):
    assert number_text(value, dec) == expected


def test_polish_csv_has_bom_semicolons_decimal_comma_and_neutralised_text():
    import csv

    raw = csv_out.build_csv(frame(), lang="pl")
    assert raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8-sig")
    assert text.split("\r\n")[0] == "Jednostka;Wartość;Rok"
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    assert rows[1] == ["'" + EVIL[0], "809168", "2024"]
    assert rows[2] == ["'+48 123", "-0,62", "2024"]  # the negative NUMBER stays a number
    assert rows[3] == ["'-2+3", "1,5", "2019"]
    assert rows[4] == ["'@SUM(A1)", "0", "2019"]
    assert rows[6] == ["'\rCR", "", "2023"]  # NaN -> empty field
    assert rows[9] == ["Bielsko-Biała", "2477", "2024"]
    # no field starts with a formula character unless it is a number
    for row in rows:
        for cell in row:
            if cell and cell[0] in "=+-@\t\r":
                float(cell.replace(",", "."))


def test_english_csv_uses_commas_and_a_decimal_point():
    raw = csv_out.build_csv(frame(), lang="en").decode("utf-8-sig")
    assert raw.split("\r\n")[2] == "'+48 123,-0.62,2024"


def meta(lang="pl"):
    return ExportMeta(title="Kraków — wskaźniki", lang=lang, permalink="http://127.0.0.1:8501/raporty?unit=1261011",
                      exported=dt.datetime(2026, 1, 2, 3, 4, 5),
                      columns=(ColumnDoc("Wartość", "Wartość w ostatnim roku", "osoby"),
                               ColumnDoc("=Evil column", "=2+2", "@x")),
                      sources=(SourceRef("gus", "GUS", "=cmd|' /C calc'!A0", "2024", "public"),),
                      notes=("-note starting with minus",))


@pytest.mark.parametrize("lang,data_sheet,meta_sheet", [("pl", "Dane", "Metadane"), ("en", "Data", "Metadata")])
def test_xlsx_has_data_and_metadata_sheets_and_no_formula_anywhere(lang, data_sheet, meta_sheet):
    wb = openpyxl.load_workbook(io.BytesIO(xlsx.build_xlsx(frame(), meta(lang))))
    assert wb.sheetnames == [data_sheet, meta_sheet]
    ws = wb[data_sheet]
    assert [c.value for c in ws[1]] == ["Jednostka", "Wartość", "Rok"]
    for row in wb[data_sheet].iter_rows() :
        for cell in row:
            assert cell.data_type != "f", cell.coordinate
    for row in wb[meta_sheet].iter_rows():
        for cell in row:
            assert cell.data_type != "f", cell.coordinate
    # dangerous text is kept verbatim, as a string cell with Excel's quote prefix
    a2 = ws["A2"]
    assert a2.value == EVIL[0] and a2.data_type == "s" and a2.quotePrefix
    assert ws["B2"].value == 809168 and ws["B2"].data_type == "n"
    assert ws["B3"].value == -0.62 and ws["B3"].data_type == "n"  # negative numbers stay numbers
    assert ws["B7"].value is None  # NaN -> empty
    assert ws["C2"].value == 2024


def test_xlsx_metadata_lists_title_date_permalink_columns_and_sources():
    wb = openpyxl.load_workbook(io.BytesIO(xlsx.build_xlsx(frame(), meta("pl"))))
    ms = wb["Metadane"]
    pairs = {r[0]: r[1] for r in ms.iter_rows(values_only=True) if r[0]}
    assert pairs["Tytuł"] == "Kraków — wskaźniki"
    assert pairs["Data eksportu"] == "2 stycznia 2026, 03:04"  # a Polish date, not ISO (issue 18)
    assert pairs["Link do widoku"] == "http://127.0.0.1:8501/raporty?unit=1261011"
    assert pairs["Liczba wierszy danych"] == 9
    cells = [v for r in ms.iter_rows(values_only=True) for v in r if v is not None]
    assert "Wartość w ostatnim roku" in cells and "osoby" in cells
    assert "=cmd|' /C calc'!A0" in cells and "2024" in cells and "public" in cells
    assert "-note starting with minus" in cells


def test_xlsx_of_an_empty_table_still_opens():
    wb = openpyxl.load_workbook(io.BytesIO(xlsx.build_xlsx(pd.DataFrame(), meta())))
    assert wb.sheetnames == ["Dane", "Metadane"]


@pytest.mark.parametrize("text,expected", [
    ("Kraków — miasto na prawach powiatu", "krakow-miasto-na-prawach-powiatu"),
    ("Łódź", "lodz"), ("Bielsko-Biała", "bielsko-biala"), ("../../etc/passwd", "etc-passwd"), ("???", "export"),
])
def test_file_stems_are_safe_ascii(text, expected):
    assert file_stem(text) == expected


SQUARE = {"type": "Polygon", "coordinates": [[[19.0, 50.0], [20.0, 50.0], [20.0, 51.0], [19.0, 51.0], [19.0, 50.0]]]}
DONUT = {"type": "Polygon", "coordinates": [
    [[18.0, 49.0], [21.0, 49.0], [21.0, 52.0], [18.0, 52.0], [18.0, 49.0]],
    [[19.0, 50.0], [20.0, 50.0], [20.0, 51.0], [19.0, 51.0], [19.0, 50.0]]]}


def test_polygons_keep_holes_and_bbox_covers_all():
    assert len(polygons(DONUT)) == 1 and len(polygons(DONUT)[0]) == 2
    assert len(polygons({"type": "MultiPolygon", "coordinates": [SQUARE["coordinates"]] * 2})) == 2
    assert bbox([SQUARE, DONUT]) == (18.0, 49.0, 21.0, 52.0)
    assert polygons({"type": "Point", "coordinates": [1, 2]}) == []


def test_expand_keeps_the_unit_in_the_middle_and_respects_the_minimum():
    x0, y0, x1, y1 = expand((19.9, 50.0, 20.0, 50.1), factor=2, min_deg=0.5)
    assert abs((x0 + x1) / 2 - 19.95) < 1e-9 and abs((y0 + y1) / 2 - 50.05) < 1e-9
    assert y1 - y0 == pytest.approx(1.0)


def test_thin_drops_points_closer_than_the_tolerance_but_keeps_the_ends():
    pts = [(0, 0), (0.1, 0), (0.2, 0), (5, 0), (5, 5), (5.1, 5), (0, 0)]
    assert thin(pts, tol=1) == [(0, 0), (5, 0), (5, 5), (0, 0)]


def test_locator_svg_draws_regions_highlight_and_closeup(sqlite_store):
    woj = json.loads(sqlite_store.layer("wojewodztwo")[0])
    krakow = json.loads(sqlite_store.boundaries(["1261011"]).geojson.iloc[0])
    loc = Locator(regions=tuple(f["geometry"] for f in woj["features"]), highlight=(krakow,),
                  context=(DONUT,), label="Kraków <&>")
    svg = loc.svg()
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert 'aria-label="Kraków &lt;&amp;&gt;"' in svg
    assert svg.count("#D55E00") >= 2 and "clip-path" in svg
    png = loc.png(scale=1)
    from PIL import Image
    im = Image.open(io.BytesIO(png))
    assert im.size == (640, 300)
    # the unit's colour is on the picture (the close-up fills a good part of its panel)
    colours = im.convert("RGB").getcolors(1_000_000)
    vermillion = sum(n for n, c in colours if abs(c[0] - 0xD5) < 8 and abs(c[1] - 0x5E) < 8 and c[2] < 12)
    assert vermillion > 2000


def test_locator_png_cuts_holes():
    loc = Locator(regions=(), highlight=(DONUT,), context=(), width=200, height=200)
    from PIL import Image
    im = Image.open(io.BytesIO(loc.png(scale=1))).convert("RGB")
    assert im.getpixel((100, 100))[0] > 240 and im.getpixel((100, 100))[1] > 240  # hole: background
    assert im.getpixel((100, 30)) [:2] == pytest.approx((0xD5, 0x5E), abs=8)  # ring: unit colour


# -- issue 18: spreadsheet number formats ------------------------------------------------------
def test_xlsx_numbers_have_formats_with_sensible_decimals_and_stay_numbers():
    wb = openpyxl.load_workbook(io.BytesIO(xlsx.build_xlsx(frame(), meta("pl"))))
    ws = wb["Dane"]
    # 809 168 (whole) grouped, no decimals; -0.62 two decimals; 1.5 one; the year without grouping
    assert (ws["B2"].value, ws["B2"].number_format) == (809168, "#,##0")
    assert (ws["B3"].value, ws["B3"].number_format) == (-0.62, "#,##0.00")
    assert (ws["B4"].value, ws["B4"].number_format) == (1.5, "#,##0.0")
    assert ws["B9"].value == 1e-7 and ws["B9"].number_format.startswith("#,##0.000")
    assert (ws["C2"].value, ws["C2"].number_format) == (2024, "0")
    assert all(c.number_format != "General" for c in ws["B"][1:] if c.value is not None)


def test_xlsx_column_docs_give_per_row_decimals():
    t = pd.DataFrame({"Wskaźnik": ["Ludność", "Frekwencja", "Udział"], "Wartość": [809168.0, 17.24905822632089, 23.6]})
    m = ExportMeta(title="x", lang="pl", columns=(ColumnDoc("Wartość", decimals=(0, 2, 1)),))
    ws = openpyxl.load_workbook(io.BytesIO(xlsx.build_xlsx(t, m)))["Dane"]
    assert [ws[f"B{i}"].number_format for i in (2, 3, 4)] == ["#,##0", "#,##0.00", "#,##0.0"]
    assert ws["B3"].value == 17.24905822632089  # full precision kept, only the display is rounded


def test_xlsx_metadata_licences_are_polish_in_a_polish_file():
    from reports.model import source_refs
    sources = pd.DataFrame([{"id": "gus_vital_2024", "publisher_pl": "GUS", "publisher_en": "GUS", "title_pl": "t",
                             "title_en": "t", "vintage": "2024", "origin": "o",
                             "licence": "GUS public statistics (re-published; repository states no licence)"}])
    refs = source_refs(["gus_vital_2024"], sources, "pl")
    m = ExportMeta(title="x", lang="pl", sources=refs)
    ms = openpyxl.load_workbook(io.BytesIO(xlsx.build_xlsx(frame(), m)))["Metadane"]
    cells = [v for r in ms.iter_rows(values_only=True) for v in r if v is not None]
    assert "statystyka publiczna GUS (opublikowana ponownie; repozytorium nie podaje licencji)" in cells
    assert not [c for c in cells if "repository states" in str(c)]
    en = source_refs(["gus_vital_2024"], sources, "en")
    assert en[0].licence.startswith("GUS public statistics")
