"""AppTest of the reports page: a unit's report outline from the URL, chart choice in the URL,
areas, English, bad parameters handled gently."""
import pytest


def body(at) -> str:
    parts = [m.value for m in at.markdown] + [h.value for h in at.header] + [t.value for t in at.title]
    parts += [c.value for c in at.caption] + [i.value for i in at.info] + [w.value for w in at.warning]
    parts += [e.label for e in at.expander]
    return "\n".join(str(p) for p in parts).replace("\\", "")


def open_reports(app, **params):
    for k, v in params.items():
        app.query_params[k] = v
    app.run()
    app.switch_page("pages/raporty.py").run()
    assert not app.exception
    return app


def test_unit_report_page_shows_outline_table_and_buttons(app):
    at = open_reports(app, unit="1261011")
    text = body(at)
    assert "Raporty i prezentacje" in text and "Kraków" in text
    # the peer group is stated exactly as on the profile page (typology by kind and size)
    assert "miasta na prawach powiatu, 100\xa0000 i więcej mieszkańców (ludność w 2024 r.); n = 33" in text
    assert "Kraków — Ludność ogółem: wzrost z 757\xa0740 do 809\xa0168 osób w latach 2010–2024" in text
    # every chart in the outline carries the numbers behind it as a table (text alternative), then the
    # key-indicator table
    assert len(at.dataframe) == 5 + 1
    trend = at.dataframe[1].value.set_index("Rok")
    assert trend.loc[2024, "Kraków"] == 809168 and trend.loc[2010, "Kraków"] == 757740
    assert "mediana grupy porównawczej" in trend.columns
    table = at.dataframe[-1].value
    row = table.loc[table["Wskaźnik"] == "Ludność ogółem"].iloc[0]
    assert row["Wartość"] == 809168 and row["Rok"] == 2024 and row["Miejsce w kraju"] == 2
    assert row["Miejsce w grupie"] == 2 and row["Liczba jednostek w grupie"] == 34  # only Warszawa is larger
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels[:3] == ["Raport PDF", "Prezentacja PowerPoint", "Raport o stanie gminy (Word)"]
    # every chart: PNG + CSV + XLSX; the key-indicator table: CSV + XLSX
    assert labels[3:] == ["Obraz PNG", "CSV", "Excel (XLSX)"] * 5 + ["CSV", "Excel (XLSX)"]
    assert [e.label for e in at.expander][0].replace("\\", "").startswith("Kraków: najlepszy wynik")
    assert at.multiselect[0].value == ["position", "trend:population_total", "ranking:own_revenue_per_capita",
                                       "trend:turnout_sejm", "age"]
    # strengths from domain.narrative with their numbers: Kraków's 2024 net migration is the best of its group
    assert "Saldo migracji na 1000 osób (2024): 4,1 ‰ — więcej niż mediana grupy (-2,3 ‰); 1. miejsce na 34" in text


def test_chart_choice_comes_from_the_url(app):
    at = open_reports(app, unit="1261011", charts="trend:turnout_sejm,position")
    assert at.multiselect[0].value == ["trend:turnout_sejm", "position"]
    text = body(at)
    assert "Kraków — Frekwencja – wybory do Sejmu: wzrost z 60,12 do 81,95 % w latach 2011–2023" in text


def test_no_charts_is_a_valid_choice(app):
    at = open_reports(app, unit="1261011")
    at.multiselect[0].set_value([]).run()
    assert not at.exception
    assert at.query_params["charts"] in (["none"], "none")


def test_unknown_chart_keys_are_dropped_with_a_message(app):
    at = open_reports(app, unit="1261011", charts="position,<script>,trend:nope")
    assert at.multiselect[0].value == ["position"]
    assert "Pominięto nieznane wykresy z adresu: <script>, trend:nope" in body(at)


def test_english_report_page(app):
    at = open_reports(app, unit="1261011", lang="en")
    text = body(at)
    assert "Reports and presentations" in text and "Kraków — Population, total: up from 757,740 to 809,168" in text
    assert [b.proto.label for b in at.get("download_button")][:3] == [
        "PDF report", "PowerPoint deck", "Report on the state of the gmina (Word)"]


def test_area_report_from_the_url(app):
    at = open_reports(app, area="1206032,1206042,1261011,0299999")  # the last is no gmina
    text = body(at)
    assert "Raport dla obszaru funkcjonalnego z adresu strony (3 gminy)" in text
    assert "Obszar funkcjonalny: 3 gminy" in text
    assert "Gminy: Iwanowice, Jerzmanowice-Przeginia, Kraków" in text  # the code that is no gmina is dropped
    # fewer than 5 gminy: compared with the 10 most similar powiaty by default (issue 18)
    assert "Grupa porównawcza:** 10 powiatów najbardziej podobnych do obszaru" in text
    table = at.dataframe[-1].value
    assert "Miejsce w kraju" not in table.columns  # an area has no national rank, it has coverage
    assert set(table["Pokrycie"]) == {"dane z 3 z 3 gmin"}
    # EP turnout has no honest aggregation rule: given for the members only
    assert "Frekwencja – wybory do Parlamentu Europejskiego (2024) — tylko wartości gmin (dane z 3 z 3 gmin)" in text
    # switch to the unit: the area stays in the URL, the report is the unit's
    at.segmented_control(key="subject_switch").set_value("unit").run()
    assert not at.exception
    assert at.query_params["subject"] in (["unit"], "unit") and "area" in at.query_params
    assert "Polska" in body(at) and "Obszar funkcjonalny: 3 gminy" not in [h.value for h in at.header]


@pytest.mark.parametrize("params", [{"unit": "9999999"}, {"unit": "abc", "charts": "x" * 3000}, {"peers": "magic"},
                                    {"unit": "0201022", "peers": "knn:k=10"}])
def test_bad_or_unsupported_parameters_never_break_the_page(app, params):
    at = open_reports(app, **params)
    assert "Raporty i prezentacje" in body(at)


def test_knn_peers_from_the_url_are_used(app):
    at = open_reports(app, unit="0201022", peers="knn:k=10")
    text = body(at)
    assert ("10 jednostek najbardziej podobnych pod względem: Ludność ogółem, Gęstość zaludnienia, Udział ludności "
            "w wieku poprodukcyjnym, Dochody własne na mieszkańca") in text
    assert "gminy wiejskie" not in text.split("Grupa porównawcza:")[1].split("\n")[0]
    table = at.dataframe[-1].value
    assert table.loc[table["Wskaźnik"] == "Ludność ogółem", "Liczba jednostek w grupie"].item() == 11


def _display(el):
    """The text a Styler-formatted st.dataframe shows (AppTest's .value is the underlying data)."""
    import pyarrow as pa
    return pa.ipc.open_stream(el.proto.arrow_data.styler.display_values).read_all().to_pandas()


def test_report_data_table_shows_formatted_numbers_that_stay_numbers(app):
    """Issue 18: the "Dane z raportu" table showed 809168, 17.2491, -0.6216."""
    at = open_reports(app, unit="1261011")
    el = at.dataframe[-1]
    raw, shown = el.value, _display(el)
    i = raw.index[raw["Wskaźnik"] == "Ludność ogółem"][0]
    assert raw.loc[i, "Wartość"] == 809168  # sortable numbers underneath
    assert shown.loc[i, "Wartość"].replace("\xa0", " ") == "809 168"
    assert shown.loc[i, "Rok"] == "2024" and shown.loc[i, "Liczba jednostek w kraju"].replace("\xa0", " ") == "2 477"
    for v in shown["Wartość"]:
        assert "." not in v and (v == "–" or len(v.split(",")[-1]) <= 2 or "," not in v), v
    assert not [v for v in shown["Wartość"] if v.count(",") == 1 and len(v.split(",")[1]) > 2]


def test_seminar_deck_from_a_pasted_list(app):
    at = open_reports(app, unit="1261011")
    at.text_area(key="sem_paste").set_value("1261011, 0201022\nKietrz\nNibylandia").run()
    assert not at.exception
    text = body(at)
    assert "Rozpoznano **3 gminy** (wpisy na liście: 4; z problemem: 1)" in text
    problems = at.dataframe[-1].value  # after the key-indicator table
    assert list(problems.iloc[:, 1]) == ["Nibylandia"]
    button = [b for b in at.get("download_button") if b.proto.label.startswith("Prezentacja PowerPoint (")]
    assert [b.proto.label for b in button] == ["Prezentacja PowerPoint (3 gminy)"]
    assert "Kolejność slajdów: 1261011, 0201022, Kietrz" in text
    assert at.selectbox(key="sem_indicator").value == "assessment"  # the synthetic assessment first
    assert "own_revenue_per_capita" in at.selectbox(key="sem_indicator").options or \
        "Dochody własne na mieszkańca" in at.selectbox(key="sem_indicator").options


def test_seminar_section_in_english_and_with_nothing_recognised(app):
    at = open_reports(app, unit="1261011", lang="en")
    assert "Seminar deck: many gminy in one file" in [s.value for s in at.subheader]
    at.text_area(key="sem_paste").set_value("Nibylandia").run()
    assert not at.exception
    assert "Recognised **0 gminy**" in body(at)
    assert not [b for b in at.get("download_button") if b.proto.label.startswith("PowerPoint deck (")]
