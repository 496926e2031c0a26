"""Figure builders: DataFrame in, plotly figure out — roles and colours, gaps, number format,
ranking windows, sparklines — without any UI."""
import numpy as np
import pandas as pd
import pytest

from presentation import charts
from components.profile_cards import sparkline_svg
from domain.palettes import ROLE_COLOURS
from domain.profile import age_structure, level_change, peer_band


def fmt(v):
    return "–" if pd.isna(v) else f"{v:.1f}"


def test_time_series_breaks_lines_across_missing_years_and_uses_role_colours():
    unit = pd.DataFrame({"year": [2016, 2017, 2019], "value": [1.0, 2.0, 3.0]})
    band = pd.DataFrame({"year": [2016, 2017, 2019], "q1": [0.5] * 3, "median": [1.0] * 3, "q3": [2.0] * 3,
                         "n": [10] * 3})
    country = pd.DataFrame({"year": [2016, 2019], "value": [1.5, 1.6]})
    fig = charts.time_series_figure(unit=unit, band=band, region=None, country=country,
                                    names={"unit": "Bolesławiec", "median": "mediana", "band": "IQR",
                                           "country": "Polska"},
                                    y_title="%", decimals=1, lang="pl", fmt=fmt)
    by_name = {t.name: t for t in fig.data if t.name}
    u = by_name["Bolesławiec"]
    assert list(u.x) == [2016, 2017, 2018, 2019]
    assert np.isnan(u.y[2]) and u.connectgaps is False  # 2018 has no data: the line breaks
    assert u.line.color == ROLE_COLOURS["unit"]
    assert by_name["mediana"].line.color == ROLE_COLOURS["peers"]
    assert by_name["Polska"].line.color == ROLE_COLOURS["country"]
    assert "IQR" in by_name and by_name["IQR"].fill == "toself"
    # the band is one closed polygon per run of years with data, never a wedge across the gap
    assert charts.band_polygons([2016, 2017, 2018, 2019], np.array([0.5, 0.5, np.nan, 0.5]),
                                np.array([2.0, 2.0, np.nan, 2.0])) == (
        [2016, 2017, 2017, 2016, 2016, None, 2018.8, 2019.2, 2019.2, 2018.8, 2018.8],
        [2.0, 2.0, 0.5, 0.5, 2.0, None, 2.0, 2.0, 0.5, 0.5, 2.0])
    assert list(by_name["IQR"].x) == [2016, 2017, 2017, 2016, 2016, None, 2018.8, 2019.2, 2019.2, 2018.8, 2018.8]
    assert fig.layout.separators == ",\u00a0"  # Polish: decimal comma, space thousands


def test_separators_follow_the_language():
    f = charts.distribution_figure(groups=[("all", pd.Series([1.0, 2.0]), pd.Series(["a", "b"]))], unit_value=1.0,
                                   unit_label="a", x_title="x", decimals=0, lang="en", fmt=fmt)
    assert f.layout.separators == ".,"


@pytest.mark.parametrize("n,unit_pos,expected_len", [(10, 3, 10), (40, 20, 40), (100, 50, 25), (100, 0, 13),
                                                     (100, 99, 13)])
def test_ranking_window(n, unit_pos, expected_len):
    # > 40 units: first 5, last 5 and 7 on each side of the unit (at the top: 0..7 + 95..99 = 13)
    order = [f"c{i:03d}" for i in range(n)]
    shown = charts.ranking_window(order, order[unit_pos])
    assert len(shown) == expected_len
    assert order[unit_pos] in shown and shown[:5] == order[:5] and shown[-5:] == order[-5:]
    assert shown == [c for c in order if c in shown]  # order kept


def test_ranking_figure_highlights_the_unit_and_marks_gaps():
    frame = pd.DataFrame([
        {"code": "A", "label": "Alfa", "value": 9.0, "rank": 1, "text": "9"},
        {"code": None, "label": "", "value": np.nan, "rank": np.nan, "text": ""},
        {"code": "U", "label": "Unit", "value": 5.0, "rank": 7, "text": "5"},
    ])
    fig = charts.ranking_figure(frame=frame, unit="U", median=6.0, median_label="mediana: 6", x_title="x",
                                decimals=0, lang="pl")
    bar = fig.data[0]
    assert list(bar.y) == ["1. Alfa", "…\u200b", "7. Unit"]
    assert bar.marker.color[2] == ROLE_COLOURS["unit"] and bar.marker.color[0] == ROLE_COLOURS["peers"]
    assert fig.layout.shapes[0].x0 == 6.0


def test_scatter_roles_and_log_axis():
    f = pd.DataFrame({"code": ["U", "P", "O"], "label": ["Unit", "Peer", "Other"], "x": [10.0, 100.0, 1000.0],
                      "y": [1.0, 2.0, 3.0], "role": ["unit", "peer", "other"], "x_text": ["10", "100", "1000"],
                      "y_text": ["1", "2", "3"]})
    fig = charts.scatter_figure(frame=f, x_title="X", y_title="Y", lang="pl", x_log=True,
                                names={"unit": "Unit", "peer": "grupa", "other": "pozostałe"})
    colours = {t.name: t.marker.color for t in fig.data}
    assert colours == {"pozostałe": ROLE_COLOURS["other"], "grupa": ROLE_COLOURS["peers"],
                       "Unit": ROLE_COLOURS["unit"]}
    assert fig.layout.xaxis.type == "log" and fig.layout.yaxis.type == "linear"
    assert fig.data[-1].text[0] == "Unit"  # the unit is labelled on the chart


def test_distribution_marks_the_unit_value():
    groups = [("wszystkie", pd.Series([1.0, 2, 3, 4]), pd.Series(list("abcd"))),
              ("grupa", pd.Series([2.0, 3]), pd.Series(list("bc")))]
    fig = charts.distribution_figure(groups=groups, unit_value=2.5, unit_label="U", x_title="x", decimals=1,
                                     lang="pl", fmt=fmt)
    assert [t.name for t in fig.data] == ["wszystkie", "grupa"]
    assert fig.data[0].marker.color == ROLE_COLOURS["other"] and fig.data[1].marker.color == ROLE_COLOURS["peers"]
    assert fig.layout.shapes[0].x0 == 2.5 and fig.layout.shapes[0].line.color == ROLE_COLOURS["unit"]
    assert "U: 2.5" in fig.layout.annotations[0].text


def test_quadrant_splits_at_the_peer_medians():
    f = pd.DataFrame({"code": ["U", "A", "B"], "label": ["U", "A", "B"], "level": [3.0, 1.0, 2.0],
                      "change": [0.5, -1.0, 1.0], "role": ["unit", "peer", "peer"], "level_text": ["3", "1", "2"],
                      "change_text": ["+0,5", "-1", "+1"]})
    corners = {"tr": "TR ✓", "tl": "TL", "br": "BR", "bl": "BL"}
    fig = charts.quadrant_figure(frame=f, x_median=1.5, y_median=0.0, x_title="poziom", y_title="zmiana",
                                 names={"peer": "grupa", "unit": "U"}, corners=corners, lang="pl")
    xs = sorted(s.x0 for s in fig.layout.shapes if s.x0 == s.x1)
    assert 1.5 in xs
    assert {a.text for a in fig.layout.annotations} >= set(corners.values())


def test_age_structure_shares_sum_to_100_and_skip_incomplete_years():
    values = pd.DataFrame({
        "indicator": ["population_pre_working", "population_working", "population_post_working"] * 2
        + ["population_pre_working"],
        "year": [2018] * 3 + [2019] * 3 + [2020],
        "value": [20.0, 60.0, 20.0, 10.0, 70.0, 20.0, 5.0]})
    frame = age_structure(values)
    assert frame["year"].tolist() == [2018, 2019]  # 2020 has only one group
    assert (frame[["pre_pct", "working_pct", "post_pct"]].sum(axis=1) == 100).all()
    fig = charts.age_structure_figure(frame=frame, names={"pre": "0–17", "working": "18–64", "post": "65+"},
                                      y_title="%", lang="pl", fmt_count=str, fmt_pct=str)
    assert fig.layout.barmode == "stack" and [t.name for t in fig.data] == ["0–17", "18–64", "65+"]


def test_peer_band_and_level_change_on_a_wide_frame():
    cols = pd.MultiIndex.from_tuples([("a", 2018), ("a", 2019)])
    wide = pd.DataFrame([[1.0, 2.0], [2.0, 4.0], [3.0, np.nan], [4.0, 8.0]], index=["U", "P", "Q", "R"],
                        columns=cols)
    band = peer_band(wide, "a", ["P", "Q", "R"])
    assert band["median"].tolist() == [3.0, 6.0] and band["n"].tolist() == [3, 2]
    first, last, ch = level_change(wide, "a", n_units=4, min_share=0.75)
    assert (first, last) == (2018, 2019)
    assert ch.set_index("code")["change"].dropna().to_dict() == {"U": 1.0, "P": 2.0, "R": 4.0}
    assert level_change(wide, "a", n_units=4, min_share=0.9) is None  # 2019 covers only 3 of 4


def test_sparkline_dots_the_gap_and_needs_two_points():
    svg = sparkline_svg(years=[2016, 2017, 2019], values=[1.0, 2.0, 1.5], label="Ludność 2016–2019")
    assert svg.count("<line") == 2
    assert svg.count("stroke-dasharray") == 1  # 2017 -> 2019 skips a year
    assert 'aria-label="Ludność 2016–2019"' in svg
    assert sparkline_svg(years=[2024], values=[1.0], label="x") == ""
    assert sparkline_svg(years=[2023, 2024], values=[float("nan"), 1.0], label="x") == ""


# -- issue 18: numbers on charts ---------------------------------------------------------------
def test_axis_ticks_trim_pointless_decimals():
    """'0,00 … 7 000,00' was d3 ',.2f': ticks now trim trailing zeros (',.2~f' -> 7 000; 0,5)."""
    frame = pd.DataFrame([{"code": "A", "label": "A", "value": 7277.31, "rank": 1, "text": "7 277,31"},
                          {"code": "U", "label": "U", "value": 120.5, "rank": 2, "text": "120,50"}])
    fig = charts.ranking_figure(frame=frame, unit="U", median=3000.0, median_label="mediana", x_title="x",
                                decimals=2, lang="pl")
    assert fig.layout.xaxis.tickformat == ",.2~f"
    assert charts._tickformat(0) == ",.0~f"


def test_ranking_leaves_room_for_the_top_bar_label_and_keeps_the_median_under_the_labels():
    frame = pd.DataFrame([{"code": "A", "label": "Alfa", "value": 7277.31, "rank": 1, "text": "7 277,31"},
                          {"code": "U", "label": "Unit", "value": 3000.0, "rank": 2, "text": "3 000,00"},
                          {"code": "B", "label": "Beta", "value": 10.0, "rank": 3, "text": "10,00"}])
    fig = charts.ranking_figure(frame=frame, unit="U", median=3000.0, median_label="mediana", x_title="x",
                                decimals=2, lang="pl")
    lo, hi = fig.layout.xaxis.range
    assert lo == 0 and hi >= 7277.31 * 1.15  # the outside label of the longest bar is inside the plot
    assert fig.layout.shapes[0].layer == "below"  # the median line is drawn under bars and numbers


def test_log_axis_reads_1_2_5_with_thousands():
    f = pd.DataFrame({"code": ["U", "P", "O"], "label": ["Unit", "Peer", "Other"], "x": [1200.0, 3400.0, 9100.0],
                      "y": [1.0, 2.0, 3.0], "role": ["unit", "peer", "other"], "x_text": ["a", "b", "c"],
                      "y_text": ["1", "2", "3"]})
    fig = charts.scatter_figure(frame=f, x_title="X", y_title="Y", lang="pl", x_log=True,
                                names={"unit": "Unit", "peer": "grupa", "other": "pozostałe"})
    assert list(fig.layout.xaxis.tickvals) == [1000, 2000, 5000, 10000]
    assert fig.layout.xaxis.tickmode == "array" and fig.layout.xaxis.tickformat == ",~f"
    assert fig.layout.separators == ",\u00a0"  # 1 000, 2 000 in Polish
    assert charts.log_ticks([3, 250_000]) == [10, 100, 1000, 10_000, 100_000]  # wide: powers of ten


def test_position_chart_midline_is_drawn_under_the_value_labels():
    f = pd.DataFrame({"label": ["A", "B"], "value_label": ["12,1 na 1000 mieszkańców (2024)", "23,6 % (2019)"],
                      "percentile": [76.3, 14.7], "hover": ["", ""]})
    fig = charts.position_figure(frame=f, unit_name="Kraków", axis_title="x", median_label="środek", lang="pl")
    assert fig.layout.shapes[0].x0 == 50 and fig.layout.shapes[0].layer == "below"
