"""domain.search on the real unit list (issue 18 item 7): diacritics folded, kinds understood,
a city with powiat rights found as its gmina first."""
import pytest

from domain.search import best, fold, parse_query, search


@pytest.fixture(scope="module")
def units(sqlite_store):
    return sqlite_store.units(include_historical=True)


@pytest.mark.parametrize("text,folded", [("Łódź", "lodz"), ("  KŁODZKO ", "klodzko"), ("Bielsko-Biała", "bielsko-biala"),
                                         ("Żółć  Ęą", "zolc ea")])
def test_fold(text, folded):
    assert fold(text) == folded


@pytest.mark.parametrize("text,code", [
    ("lodz", "1061011"), ("Łódź", "1061011"), ("ŁÓDŹ", "1061011"),  # the city gmina before the powiat 1061
    ("krakow", "1261011"), ("Klodzko", "0208021"),  # Kłodzko town (type 1) before the rural gmina
    ("gmina Kłodzko", "0208072"), ("gmina Klodzko", "0208072"),  # "gmina X": the rural gmina, not the town
    ("miasto Kłodzko", "0208021"), ("m. Bolesławiec", "0201011"), ("gm. Bolesławiec", "0201022"),
    ("powiat krakowski", "1206"), ("Wieliczka", "1219053"), ("woj. małopolskie", "12"),
    ("1261011", "1261011"), ("126101", "1261011"), ("1261", "1261"), ("zielona gora", "0862011"),
])
def test_best_match(units, text, code):
    assert best(text, units) == code


def test_lodz_lists_gmina_then_powiat(units):
    assert search("lodz", units, 2) == ["1061011", "1061"]


def test_nothing_matches(units):
    assert search("xyzzy", units) == [] and search("", units) == [] and best("gmina", units) is None


def test_prefix_words_are_only_kinds_when_a_name_follows():
    assert parse_query("gmina").wants == "" and parse_query("gmina Kłodzko").wants == "gmina"
    assert parse_query("powiat krakowski").name == "krakowski"
