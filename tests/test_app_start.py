"""AppTest of the router, the sidebar unit picker and the start page against the real store."""
import pytest


def texts(at) -> str:
    parts = [m.value for m in at.markdown] + [h.value for h in at.header] + [t.value for t in at.title]
    parts += [c.value for c in at.caption] + [i.value for i in at.info] + [w.value for w in at.warning]
    return "\n".join(str(p) for p in parts)


def frame_text(at) -> str:
    return "\n".join(df.value.to_csv(index=False) for df in at.dataframe)


def test_start_page_shows_krakow_population_with_year_unit_and_source(app):
    app.query_params["unit"] = "1261011"
    app.run()
    assert not app.exception
    assert "Kraków" in texts(app)
    table = frame_text(app)
    # GUS 2024 table IV: Kraków 809,168 residents on 31.12.2024 — Polish number format
    assert "809\xa0168" in table
    assert "Ludność ogółem" in table and "2024" in table and "osób" in table
    assert "GUS" in table


def test_start_page_headline_cards_use_plural_forms(app):
    """Issue 18: "809 168 osoby" must read "809 168 osób" (and the table's unit fits its number)."""
    app.query_params["unit"] = "1261011"
    app.run()
    assert not app.exception
    metrics = {m.label: m.value.replace("\xa0", " ") for m in app.metric}
    assert metrics["Ludność ogółem"] == "809 168 osób"
    rows = app.dataframe[0].value
    pop = rows.loc[rows.iloc[:, 1] == "Ludność ogółem"].iloc[0]
    assert "osób" in pop.tolist() and "osoby" not in pop.tolist()


def test_english_switch_translates_and_formats_numbers(app):
    app.query_params["unit"] = "1261011"
    app.query_params["lang"] = "en"
    app.run()
    assert not app.exception
    table = frame_text(app)
    assert "Population, total" in table and "809,168" in table


def test_old_type_digit_code_is_mapped_with_a_note(app):
    app.query_params["unit"] = "0218032"  # 2020 code of Miękinia, now 0218033
    app.run()
    assert not app.exception
    assert "0218033" in texts(app)
    assert app.query_params["unit"] == ["0218033"] or app.query_params["unit"] == "0218033"


@pytest.mark.parametrize("query", [{"unit": "9999999"}, {"unit": "abc"}, {"year": "x"}, {"bogus": "1"},
                                   {"unit": "' OR 1=1 --"}])
def test_bad_url_gives_a_gentle_message_not_a_traceback(app, query):
    for k, v in query.items():
        app.query_params[k] = v
    app.run()
    assert not app.exception
    assert app.warning, "a warning explains the ignored parameter"
    assert "Polska" in texts(app)  # falls back to the country view


def test_picking_a_unit_in_the_sidebar_updates_the_page_and_url(app):
    app.run()
    app.sidebar.selectbox[0].set_value("1465011").run()
    assert not app.exception
    assert "Warszawa" in texts(app)
    assert "1465011" in str(app.query_params["unit"])


@pytest.mark.parametrize("lang", ["pl", "en"])
def test_about_page_lists_sources_rules_and_exclusions(app, lang):
    app.query_params["lang"] = lang
    app.run()
    app.switch_page("pages/o_danych.py").run()
    assert not app.exception
    body = texts(app)
    assert "GUGiK" in body and ("Państwowa Komisja Wyborcza" in body or "National Electoral Commission" in body)
    assert "bezrobocie_powiaty.csv" in body  # excluded file with its reason
    table = frame_text(app)
    turnout = "Frekwencja – wybory do Sejmu" if lang == "pl" else "Turnout – Sejm (parliamentary) election"
    assert turnout in table
    rule = "iloraz sum: Karty ważne" if lang == "pl" else "ratio of sums: Valid ballot papers"
    assert rule in table


def test_empty_store_says_plainly_how_to_get_data(monkeypatch, tmp_path):
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from tests.conftest import ROOT

    monkeypatch.setenv("MRL_DATABASE_URL", f"sqlite:///{tmp_path / 'empty.sqlite'}")
    st.cache_data.clear()
    st.cache_resource.clear()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    assert not at.exception
    assert "python cli.py ingest" in "\n".join(c.value for c in at.code)
    assert "MRL_DATA_MIRROR" in texts(at)
    st.cache_resource.clear()
