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
    assert "wszystkie miasta na prawach powiatu w Polsce (65 jednostek)" in text
    assert "Ludność ogółem — Kraków: wzrost z 757\xa0740 do 809\xa0168 osoby" in text
    table = at.dataframe[0].value
    row = table.loc[table["Wskaźnik"] == "Ludność ogółem"].iloc[0]
    assert row["Wartość"] == 809168 and row["Rok"] == 2024 and row["Miejsce w kraju"] == 2
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels[:2] == ["Raport PDF", "Prezentacja PowerPoint"]
    # every chart: PNG + CSV + XLSX; the key-indicator table: CSV + XLSX
    assert labels[2:] == ["Obraz PNG", "CSV", "Excel (XLSX)"] * 4 + ["CSV", "Excel (XLSX)"]
    assert [e.label for e in at.expander][0].replace("\\", "").startswith("Kraków: najlepszy wynik")
    assert at.multiselect[0].value == ["position", "trend:population_total", "trend:own_revenue_per_capita",
                                       "trend:turnout_sejm"]


def test_chart_choice_comes_from_the_url(app):
    at = open_reports(app, unit="1261011", charts="trend:turnout_sejm,position")
    assert at.multiselect[0].value == ["trend:turnout_sejm", "position"]
    text = body(at)
    assert "Frekwencja – wybory do Sejmu — Kraków" in text


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
    assert "Reports and presentations" in text and "Population, total — Kraków: up from 757,740 to 809,168" in text
    assert [b.proto.label for b in at.get("download_button")][:2] == ["PDF report", "PowerPoint deck"]


def test_area_report_from_the_url(app):
    at = open_reports(app, area="1206032,1206042,1261011,0299999")  # the last is no gmina
    text = body(at)
    assert "Raport dla obszaru funkcjonalnego z adresu strony (3 gmin)" in text
    assert "Obszar funkcjonalny: 3 gmin" in text
    assert "0299999" not in text.split("Gminy:")[1].split("\n")[0]  # the code that is no gmina is dropped
    assert "Miejsce w kraju" not in at.dataframe[0].value.columns or at.dataframe[0].value["Miejsce w kraju"].isna().all()
    at.button(key="rp_use_unit").click().run()
    assert not at.exception
    assert "area" not in at.query_params


@pytest.mark.parametrize("params", [{"unit": "9999999"}, {"unit": "abc", "charts": "x" * 3000}, {"peers": "magic"},
                                    {"unit": "0201022", "peers": "knn:k=10"}])
def test_bad_or_unsupported_parameters_never_break_the_page(app, params):
    at = open_reports(app, **params)
    assert "Raporty i prezentacje" in body(at)


def test_knn_peers_fall_back_to_the_typology_and_say_so(app):
    at = open_reports(app, unit="0201022", peers="knn:k=10")
    assert "najbardziej podobnych" in body(at) and "gminy wiejskie" in body(at)
