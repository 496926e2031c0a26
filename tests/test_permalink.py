import pytest

from domain.permalink import ViewState, parse_query, to_query


@pytest.mark.parametrize("query", [
    {"unit": "1261011"},
    {"unit": "1261011", "indicator": "population_total", "year": "2019", "level": "gmina", "lang": "en"},
    {"area": "1206032,1206042,1261011", "indicator": "turnout_sejm"},
    {"unit": "0201", "peers": "typology:woj", "cls": "fisher_jenks", "k": "7"},
    {"unit": "1465011", "peers": "custom:0264011,1261011", "tab": "scatter", "x": "population_total"},
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
