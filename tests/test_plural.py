"""Units agree with their number in sentences (i18n.plurals.with_unit / unit_after): 1 osoba, 2–4 osoby except 12–14,
else osób; fractions take "osoby"; the genitive after z/do; English singular for exactly 1."""
import pytest

from domain.areas import plural_form as gminy_form
from i18n.plurals import category as plural_form
from i18n.plurals import unit_after, with_unit


@pytest.mark.parametrize("n, unit", [
    (1, "osoba"), (2, "osoby"), (4, "osoby"), (5, "osób"), (12, "osób"), (13, "osób"), (14, "osób"),
    (21, "osób"), (22, "osoby"), (25, "osób"), (112, "osób"), (1173, "osoby"), (607, "osób"), (809168, "osób"),
    (9834, "osoby"), (0, "osób")])
def test_polish_persons(n, unit):
    assert unit_after(n, "osoby", "pl") == unit


def test_fractions_and_rounding():
    assert with_unit("2,5", 2.5, "osoby", "pl", 1) == "2,5 osoby"
    assert with_unit("2", 2.4, "osoby na km²", "pl", 0) == "2 osoby na km²"  # what is printed decides
    assert with_unit("5", 4.6, "osoby na km²", "pl", 0) == "5 osób na km²"
    assert with_unit("1", 1.0, "kobiety na 100 mężczyzn", "pl", 0) == "1 kobieta na 100 mężczyzn"


def test_genitive_after_a_preposition():
    assert unit_after(809168, "osoby", "pl", genitive=True) == "osób"
    assert unit_after(9834, "osoby", "pl", genitive=True) == "osób"
    assert unit_after(1, "osoby", "pl", genitive=True) == "osoby"
    assert unit_after(23, "rodziny (średnio miesięcznie)", "pl", genitive=True) == "rodzin (średnio miesięcznie)"


def test_other_units_and_bare_counts():
    assert with_unit("72,77", 72.77, "%", "pl", 2) == "72,77 %"
    assert with_unit("1\xa0234,50", 1234.5, "zł", "pl", 2) == "1\xa0234,50 zł"
    assert with_unit("105", 105, "liczba", "pl") == "105"
    assert with_unit("105", 105, "number", "en") == "105"
    assert unit_after(None, "osoby", "pl") == "osoby"


def test_english():
    assert unit_after(1, "persons", "en") == "person" and unit_after(2, "persons", "en") == "persons"
    assert unit_after(1.5, "persons per km²", "en") == "persons per km²"


def test_same_rule_as_the_gminy_counter():
    for n in range(0, 3000):
        assert plural_form(n, "pl") == gminy_form(n, "pl"), n
        assert plural_form(n, "en") == gminy_form(n, "en"), n
