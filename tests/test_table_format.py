"""Issue 18: no raw floats in on-screen tables (chart data under each chart, the report table)."""
import pandas as pd

from presentation.table_format import auto_decimals, styled


def shown(frame, lang="pl"):
    st = styled(frame, lang)
    st._compute()
    ctx = st._translate(False, False)
    return [[c["display_value"] for c in row[1:]] for row in ctx["body"]]


def test_position_chart_data_reads_as_numbers_in_the_readers_format():
    # Kraków's position-chart rows (store values: 4 920,148815 zł, 17,249058 %, rank 1 749 of 2 477)
    f = pd.DataFrame({"Wskaźnik": ["Dochody własne na mieszkańca", "Udział ludności w wieku przedprodukcyjnym"],
                      "Wartość": [4920.148815, 17.249058], "Rok": [2019, 2019], "Miejsce": [51, 1749],
                      "Liczba jednostek": [2477, 2477], "Pozycja (0–100)": [98.0, 29.4]})
    rows = [[v.replace("\xa0", " ") for v in r] for r in shown(f)]
    assert rows[0] == ["Dochody własne na mieszkańca", "4 920,15", "2019", "51", "2 477", "98"]
    assert rows[1] == ["Udział ludności w wieku przedprodukcyjnym", "17,25", "2019", "1 749", "2 477", "29,4"]
    en = shown(f, "en")
    assert en[0][1] == "4,920.15" and en[1][3] == "1,749"


def test_auto_decimals():
    assert [auto_decimals(x) for x in (809168.0, 17.24905822632089, 23.6, -0.6216, 0.00123)] == [0, 2, 1, 2, 4]
