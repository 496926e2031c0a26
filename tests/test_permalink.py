import pytest

from domain.permalink import ViewState, parse_query, to_query


@pytest.mark.parametrize("query", [
    {"unit": "1261011"},
    {"unit": "1261011", "indicator": "population_total", "year": "2019", "level": "gmina", "lang": "en"},
    {"area": "1206032,1206042,1261011", "indicator": "turnout_sejm"},
    {"unit": "0201", "peers": "typology:woj", "cls": "fisher_jenks", "k": "7"},
    {"unit": "1465011", "peers": "custom:0264011,1261011", "tab": "scatter", "x": "population_total"},
    {"unit": "0201022", "peers": "knn:k=10"},
    {"unit": "0201022", "peers": "knn:k=5;w=population_total*2,gas_pct,share_post_working*0.5"},
    {"unit": "1261", "peers": "custom:0201,1261,1465"},
    {"unit": "12", "peers": "custom:02,14"},
    {},
])
def test_round_trip_is_stable(query):
    parsed = parse_query(query)
    assert parsed.problems == ()
    assert to_query(parsed.state) == query
    assert parse_query(to_query(parsed.state)).state == parsed.state


@pytest.mark.parametrize("query,key,reason", [
    ({"unit": "12345"}, "unit", "malformed"),
    ({"unit": "' OR 1=1 --"}, "unit", "malformed"),
    ({"year": "20x9"}, "year", "malformed"),
    ({"year": "99999999999999999999"}, "year", "malformed"),
    ({"level": "planet"}, "level", "malformed"),
    ({"lang": "de"}, "lang", "malformed"),
    ({"k": "12"}, "k", "malformed"),
    ({"indicator": "<script>"}, "indicator", "malformed"),
    ({"foo": "bar"}, "foo", "unknown_param"),
    ({"area": "1261011," + "x" * 10}, "area", "malformed"),
    ({"unit": "1" * 5000}, "unit", "too_long"),
    ({"peers": "magic"}, "peers", "malformed"),
    ({"peers": "knn:k=0"}, "peers", "malformed"),
    ({"peers": "knn:k=10;w=Population"}, "peers", "malformed"),
    ({"peers": "knn:w=gas_pct*99"}, "peers", "malformed"),
    ({"peers": "knn:k=10;x=1"}, "peers", "malformed"),
    ({"peers": "custom:PL"}, "peers", "malformed"),
    ({"peers": "custom:1261011,abc"}, "peers", "malformed"),
    ({"peers": "typology:powiat"}, "peers", "malformed"),
])
def test_bad_params_fall_back_with_a_problem(query, key, reason):
    parsed = parse_query(query)
    assert [(p.key, p.reason) for p in parsed.problems] == [(key, reason)]
    assert parsed.state == ViewState()


def test_6_digit_and_spaced_codes_normalise():
    assert parse_query({"unit": "12 61 01 1"}).state.unit == "1261011"
    assert parse_query({"area": "1261011 126101, 1261011"}).state.area == ("126101", "1261011")


def test_list_values_take_the_last():
    assert parse_query({"year": ["2018", "2019"]}).state.year == 2019


@pytest.mark.parametrize("raw,canonical", [
    ("knn", "knn:k=10"),
    ("knn:", "knn:k=10"),
    ("knn:w=gas_pct*2.0;k=7", "knn:k=7;w=gas_pct*2"),
    ("knn:k=10;w=population_total,population_density,share_post_working,own_revenue_per_capita,"
     "unemployed_share_working_age", "knn:k=10"),  # the default context is not repeated
    ("custom:1261011,0201022,1261011", "custom:0201022,1261011"),
    ("custom:126101", "custom:126101"),  # a 6-digit gmina code is resolved by the page
])
def test_peers_are_written_back_canonically(raw, canonical):
    st = parse_query({"peers": raw}).state
    assert st.peers == canonical
    assert parse_query(to_query(st)).state == st
