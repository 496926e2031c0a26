"""AppTest of the functional-areas page (/obszary) against the real session store."""
import pytest

PAGE = "pages/obszary.py"
AREA = "1261011,1206172,121905,1206113"  # Kraków, Zielonki, Wieliczka (6 digits), Skawina
CANON = "1206113,1206172,1219053,1261011"


def texts(at) -> str:
    parts = [m.value for m in at.markdown] + [h.value for h in at.header] + [t.value for t in at.title]
    parts += [c.value for c in at.caption] + [i.value for i in at.info] + [w.value for w in at.warning]
    parts += [s.value for s in at.success] + [e.value for e in at.error] + [s.value for s in at.subheader]
    return "\n".join(str(p) for p in parts)


# read-only tables carry no key in AppTest: find them by a column only they have
TABLE_COLUMN = {"ar_indicators": ("Pokrycie", "Coverage"), "ar_breakdown": ("Status",), "ar_import_problems": ("Wiersz",)}


def frame(at, key):
    return next(df.value for df in at.dataframe if set(TABLE_COLUMN[key]) & set(df.value.columns))


def button(at, label):
    return next(b for b in at.button if b.label == label)


def qp(at, key):
    v = at.query_params.get(key)
    return v[0] if isinstance(v, list) else v


def open_page(app, **params):
    """Open /obszary?params directly, as a permalink does."""
    app.switch_page(PAGE)
    for k, v in params.items():
        app.query_params[k] = v
    app.run()
    assert not app.exception, app.exception
    assert any(t.value in ("Obszary funkcjonalne", "Functional areas") for t in app.title)
    return app


@pytest.fixture
def clean_saved(sqlite_store):
    before = set(sqlite_store.saved_areas()["id"])
    yield sqlite_store
    for i in set(sqlite_store.saved_areas()["id"]) - before:
        sqlite_store.delete_area(int(i))


def test_area_from_url_shows_aggregates_with_coverage_and_canonical_permalink(app, sqlite_store):
    at = open_page(app, area=AREA)
    body = texts(at)
    assert "obszar (4 gminy)" in body and "Kraków, Skawina, Wieliczka, Zielonki" in body
    assert f"/obszary?area={CANON}" in body
    assert qp(at, "area") == CANON  # the 6-digit code was made canonical in the URL
    pop = sqlite_store.values(units=CANON.split(","), indicators=["population_total"], years=[2024])
    expected = int(pop["value"].sum())
    assert expected == 951_037  # GUS 2024: 809,168 + 28,079 + 69,791 + 43,999
    table = frame(at, "ar_indicators")
    row = table.loc[table["Wskaźnik"] == "Ludność ogółem"].iloc[0]
    assert row["Wartość"] == "951\xa0037" and row["Rok"] == "2024" and row["Pokrycie"] == "dane z 4 z 4 gmin"
    assert row["Jak policzone"] == "suma gmin" and "GUS" in row["Źródło"]
    turnout = table.loc[table["Wskaźnik"] == "Frekwencja – wybory do Sejmu"].iloc[0]
    assert turnout["Jak policzone"].startswith("iloraz sum: Karty ważne")
    ep = table.loc[table["Wskaźnik"].str.startswith("Frekwencja – wybory do Parlamentu Europejskiego")].iloc[0]
    assert ep["Wartość"] == "–" and "nie agregujemy" in ep["Jak policzone"]


def test_breakdown_of_turnout_shows_numerator_denominator_and_shares(app):
    at = open_page(app, area=CANON, indicator="turnout_sejm", year="2019")
    bd = frame(at, "ar_breakdown")
    assert list(bd.columns) == ["Gmina", "Wartość (%)", "Karty ważne – wybory do Sejmu",
                                "Uprawnieni do głosowania – wybory do Sejmu", "Udział w liczniku obszaru (%)", "Status"]
    total = bd.iloc[0]
    assert total["Gmina"] == "Obszar razem" and total["Wartość (%)"] == "70,53"
    assert total["Uprawnieni do głosowania – wybory do Sejmu"] == "703\xa0675"
    krakow = bd.loc[bd["Gmina"].str.startswith("Kraków")].iloc[0]
    assert krakow["Uprawnieni do głosowania – wybory do Sejmu"] == "607\xa0616" and krakow["Status"] == "wliczona"
    assert "**Obszar: 70,53 %** (2019; dane z 4 z 4 gmin)." in texts(at)


def test_english_page(app):
    at = open_page(app, area=CANON, lang="en")
    body = texts(at)
    assert "area (4 gminy)" in body and "Functional areas" in body
    table = frame(at, "ar_indicators")
    assert table.loc[table["Indicator"] == "Population, total", "Value"].iloc[0] == "951,037"


def test_bad_codes_in_the_url_are_named_and_dropped(app):
    at = open_page(app, area="1261011,1206172,0299011,3203042")
    body = texts(at)
    assert "0299011" in body and "nie ma gminy o tym kodzie" in body
    assert "3203042" in body and "już nie istnieje" in body
    assert qp(at, "area") == "1206172,1261011" and "obszar (2 gminy)" in body


def test_old_code_in_the_url_is_mapped(app):
    at = open_page(app, area="0218032,1261011")
    assert "dawny kod TERYT" in texts(at) and qp(at, "area") == "0218033,1261011"


def test_building_an_area_with_the_picker_and_a_whole_powiat(app):
    at = open_page(app)
    assert "Wybierz co najmniej dwie gminy" in texts(at)
    at.multiselect(key="ar_members").set_value(["1261011", "1206172"]).run()
    assert not at.exception
    assert qp(at, "area") == "1206172,1261011" and "obszar (2 gminy)" in texts(at)
    at.selectbox(key="ar_add_group").set_value("1219").run()  # powiat wielicki: 5 gminy
    assert qp(at, "area") == "1206172,1219012,1219022,1219032,1219043,1219053,1261011"
    assert "obszar (7 gmin)" in texts(at)
    button(at, "Wyczyść").click().run()
    assert at.session_state["view"].area == () and at.multiselect(key="ar_members").value == []
    assert "Wybierz co najmniej dwie gminy" in texts(at)


def test_predefined_powiat_loads_its_gminy_with_a_name(app, sqlite_store):
    at = open_page(app)
    at.selectbox(key="ar_predef").set_value("1206").run()
    assert not at.exception
    assert len(qp(at, "area").split(",")) == 17 and "powiat krakowski (1206) — gminy" in texts(at)
    # the area's population equals the ingest's roll-up for the powiat (one mechanism)
    table = frame(at, "ar_indicators")
    pop = sqlite_store.values(units=["1206"], indicators=["population_total"], years=[2024])["value"].iloc[0]
    shown = table.loc[table["Wskaźnik"] == "Ludność ogółem", "Wartość"].iloc[0]
    assert shown.replace("\xa0", "") == str(int(pop))


def test_pasted_list_reports_each_bad_entry_and_adds_the_good_ones(app):
    at = open_page(app, area="1261011,1206172")
    at.text_area(key="ar_paste").set_value("1219053\n1206\nabc\n126101\n0201044").run()
    assert not at.exception
    problems = frame(at, "ar_import_problems")
    assert problems["Wiersz"].tolist() == [2, 3, 5]
    assert problems["Wpis w pliku"].tolist() == ["1206", "abc", "0201044"]
    assert "kod powiatu" in problems["Wynik"].iloc[0] and "nie ma gminy o tej nazwie" in problems["Wynik"].iloc[1]
    assert "Rozpoznano **2 gminy** w 5 wpisach" in texts(at)
    button(at, "Dodaj do obszaru (2)").click().run()
    assert qp(at, "area") == "1206172,1219053,1261011"


def test_save_update_and_delete_a_named_area(app, clean_saved):
    store = clean_saved
    at = open_page(app, area=CANON)
    at.text_input(key="ar_name").set_value("Kraków i sąsiedzi (test)").run()
    button(at, "Zapisz jako nowy").click().run()
    assert not at.exception and "Zapisano obszar „Kraków i sąsiedzi (test)”" in texts(at)
    saved = store.saved_areas()
    row = saved.loc[saved["name"] == "Kraków i sąsiedzi (test)"].iloc[0]
    assert row["definition"] == CANON
    # a second area with the same name is refused
    button(at, "Zapisz jako nowy").click().run()
    assert "już jest zapisany" in texts(at)
    # change the members and update
    at.multiselect(key="ar_members").set_value(["1261011", "1206172"]).run()
    button(at, "Zapisz zmiany").click().run()
    assert store.saved_areas().set_index("id").loc[row["id"], "definition"] == "1206172,1261011"
    # pick it again from the saved list after clearing
    button(at, "Wyczyść").click().run()
    at.selectbox(key="ar_saved").set_value(int(row["id"])).run()
    assert qp(at, "area") == "1206172,1261011" and at.text_input(key="ar_name").value == "Kraków i sąsiedzi (test)"
    # delete asks first
    button(at, "Usuń zapisany obszar").click().run()
    assert "Na pewno usunąć" in texts(at)
    button(at, "Tak, usuń").click().run()
    assert "Usunięto obszar" in texts(at) and row["id"] not in set(store.saved_areas()["id"])


def test_public_mode_cannot_save_but_shares_by_link(app, monkeypatch):
    monkeypatch.setenv("MRL_PUBLIC_MODE", "1")
    at = open_page(app, area=CANON)
    labels = {b.label for b in at.button}
    assert "Zapisz jako nowy" not in labels and "Usuń zapisany obszar" not in labels
    body = texts(at)
    assert "W wersji publicznej nie można zapisywać" in body and f"/obszary?area={CANON}" in body


def test_szczawa_without_kamienica_explains_missing_years(app):
    at = open_page(app, area="1207132,1261011", indicator="population_total", year="2019")
    body = texts(at)
    assert "Szczawa powstała w 2025 r. z części gminy Kamienica" in body
    assert "Wartości obszaru nie podajemy" in body and "dane z 1 z 2 gmin" in body
    bd = frame(at, "ar_breakdown")
    szczawa = bd.loc[bd["Gmina"].str.startswith("Szczawa")].iloc[0]
    assert szczawa["Status"].startswith("brak danych") and szczawa["Wartość (osoby)"] == "–"


def test_not_aggregated_indicator_lists_members_only(app):
    at = open_page(app, area=CANON, indicator="turnout_ep", year="2019")
    assert "Tego wskaźnika nie łączymy w wartość obszaru" in texts(at)
    bd = frame(at, "ar_breakdown")
    assert bd.iloc[0]["Wartość (%)"] == "–" and (bd["Status"].iloc[1:] == "wartość gminy").all()


def test_area_outline_and_selection_map_are_offline(app):
    at = open_page(app, area=CANON)
    charts = [c for c in at.get("plotly_chart")]
    specs = [c.proto.spec for c in charts]
    assert any('"choropleth"' in s and '"mercator"' in s for s in specs)  # the SVG geo map, as on /mapa
    assert not any("mapbox" in s or "carto" in s or "choroplethmap" in s for s in specs)
    configs = [c.proto.config for c in charts]
    assert any("/app/static/topojson/" in c for c in configs)  # basemap from this server, not plotly's CDN
