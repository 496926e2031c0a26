"""Fuzz the URL contract: a few hundred generated query strings (stdlib random, fixed seed) never
raise, always give a valid state, and the state's URL is stable (parse -> URL -> parse)."""
import random
from urllib.parse import parse_qsl, urlencode

import pytest

from domain.permalink import (CLASSIFICATIONS, EXTRA_KEYS, KNOWN, LANGS, LEVELS, MAX_AREA_MEMBERS,
                              MAX_PARAM_LEN, ViewState, parse_query, to_query)

SEED = 20261126
GOOD = {
    "unit": ["1261011", "126101", "12 61 01 1", "0201", "12", "PL", "0218032", "2002162"],
    "area": ["1206032,1206042,1261011", "126101 1206032", "1261011"],
    "indicator": ["population_total", "turnout_sejm", "own_revenue_per_capita"],
    "year": ["2019", "2024", "1990", "2100"],
    "level": list(LEVELS),
    "peers": ["typology", "typology:woj", "knn:k=10", "custom:0264011,1261011", "custom:"],
    "lang": list(LANGS),
    "cls": list(CLASSIFICATIONS),
    "k": ["3", "5", "9"],
    "charts": ["position", "position,trend:population_total", "none"],
}
NASTY = ["", " ", "0", "-1", "1e9", "NaN", "None", "null", "' OR 1=1 --", "<script>alert(1)</script>",
         "%00", "\x00", "\u202e", "ąęśćńłóźż", "🙂", "../../etc/passwd", "=HYPERLINK(\"x\")", "1261011;DROP",
         "9" * 30, "x" * (MAX_PARAM_LEN + 1), ",".join(["1261011"] * 3), ",".join(f"{i:07d}" for i in range(600)),
         "custom:" + "1" * 7, "knn:k=10;w=population_total*2", "typology:pl", "gmina ", "2019.5", "+2019"]
KEYS = sorted(KNOWN) + list(EXTRA_KEYS) + ["foo", "UNIT", "unit[]", "", "utm_source", "lang "]


def random_value(rng: random.Random, key: str) -> str:
    r = rng.random()
    if r < 0.45 and key in GOOD:
        return rng.choice(GOOD[key])
    if r < 0.8:
        return rng.choice(NASTY)
    alphabet = "0123456789abcdefghijklmnopqrstuvwxyz,;:=*_ -.%&#?+ąłż"
    return "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40)))


def random_queries(n: int):
    rng = random.Random(SEED)
    for _ in range(n):
        params = {}
        for _ in range(rng.randint(0, 7)):
            key = rng.choice(KEYS)
            params[key] = [random_value(rng, key)] if rng.random() < 0.2 else random_value(rng, key)
        yield params


def assert_valid(state: ViewState) -> None:
    assert state.lang in LANGS
    assert state.level is None or state.level in LEVELS
    assert state.cls is None or state.cls in CLASSIFICATIONS
    assert state.k is None or 3 <= state.k <= 9
    assert state.year is None or 1990 <= state.year <= 2100
    assert len(state.area) <= MAX_AREA_MEMBERS and list(state.area) == sorted(set(state.area))
    assert all(k in EXTRA_KEYS for k, _ in state.extra)
    if state.unit is not None:
        assert state.unit == "PL" or state.unit.isdigit() and len(state.unit) in (2, 4, 6, 7)


QUERIES = list(random_queries(400))


def test_the_fuzz_corpus_is_varied():
    keys = {k for q in QUERIES for k in q}
    assert set(KNOWN) <= keys and "foo" in keys
    assert sum(1 for q in QUERIES if not parse_query(q).problems) > 20  # some are fully valid
    assert sum(1 for q in QUERIES if parse_query(q).problems) > 200  # most carry a problem


@pytest.mark.parametrize("i", range(0, 400, 50))
def test_generated_queries_never_raise_and_round_trip(i):
    for params in QUERIES[i:i + 50]:
        parsed = parse_query(params)
        assert_valid(parsed.state)
        url_params = to_query(parsed.state)
        again = parse_query(url_params)
        assert again.problems == (), (params, url_params)
        assert again.state == parsed.state
        assert to_query(again.state) == url_params  # the URL is stable
        # and through a real query string (what the browser sends back)
        qs = urlencode(url_params)
        assert parse_query(dict(parse_qsl(qs, keep_blank_values=True))).state == parsed.state


def test_every_problem_names_a_reason():
    reasons = {p.reason for q in QUERIES for p in parse_query(q).problems}
    assert reasons <= {"unknown_param", "malformed", "out_of_range", "too_long"}
