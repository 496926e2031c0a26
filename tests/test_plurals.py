"""Polish plural forms after numbers (issue 18, item 2): the i18n helper and message tokens."""
import pytest

from i18n import fmt_unit, plural, t, unit_after
from i18n.plurals import category

OSOBY = ("osoba", "osoby", "osób")


@pytest.mark.parametrize("n,form", [(1, "osoba"), (2, "osoby"), (4, "osoby"), (5, "osób"), (12, "osób"),
                                    (13, "osób"), (14, "osób"), (22, "osoby"), (25, "osób"), (112, "osób"),
                                    (173, "osoby"), (607, "osób"), (1173, "osoby"), (0, "osób"),
                                    (809168, "osób"), (180537, "osób")])
def test_polish_count_forms(n, form):
    assert plural(n, OSOBY, "pl") == form


def test_fractions_take_the_genitive_singular_and_formatted_numbers_are_read():
    assert plural(2.5, OSOBY, "pl") == "osoby"  # "2,5 osoby"
    assert plural("2,5", OSOBY, "pl") == "osoby"
    assert plural("1,0", OSOBY, "pl") == "osoby"  # a visible fraction, even if zero
    assert category("809 168", "pl") == "many" and category("1 173", "pl") == "few"
    assert category("2,477", "en") == "other" and category("1", "en") == "one"


def test_property_every_integer_follows_the_cldr_rule():
    for n in range(0, 3000):
        want = "one" if n == 1 else "few" if n % 10 in (2, 3, 4) and n % 100 not in (12, 13, 14) else "many"
        assert category(n, "pl") == want, n


@pytest.mark.parametrize("value,dec,unit,lang,text", [
    (809168, 0, "osoby", "pl", "809 168 osób"),
    (22, 0, "osoby", "pl", "22 osoby"),
    (12, 0, "osoby", "pl", "12 osób"),
    (1, 0, "osoby", "pl", "1 osoba"),
    (180537, 0, "osoby", "pl", "180 537 osób"),
    (607, 0, "osoby", "pl", "607 osób"),
    (3980.4, 0, "osoby na km²", "pl", "3 980 osób na km²"),
    (2.5, 1, "osoby", "pl", "2,5 osoby"),
    (3, 0, "rodziny (średnio miesięcznie)", "pl", "3 rodziny (średnio miesięcznie)"),
    (1250, 0, "rodziny (średnio miesięcznie)", "pl", "1 250 rodzin (średnio miesięcznie)"),
    (8123, 0, "liczba", "pl", "8 123"),
    (23.6, 1, "%", "pl", "23,6 %"),
    (1, 0, "persons", "en", "1 person"),
    (809168, 0, "persons", "en", "809,168 persons"),
    (8123, 0, "number", "en", "8,123"),
    (None, 0, "osoby", "pl", "–"),
])
def test_fmt_unit(value, dec, unit, lang, text):
    assert fmt_unit(value, dec, unit, lang).replace("\xa0", " ") == text


def test_unit_after_leaves_unknown_units_alone():
    assert unit_after("5", "zł", "pl") == "zł"
    assert unit_after("5", "kobiety na 100 mężczyzn", "pl") == "kobiet na 100 mężczyzn"


def test_message_tokens_pick_the_form_in_both_languages():
    assert t("data.problem.more", "pl", n=1) == "…i jeszcze 1 problem"
    assert t("data.problem.more", "pl", n=3) == "…i jeszcze 3 problemy"
    assert t("data.problem.more", "pl", n=12) == "…i jeszcze 12 problemów"
    assert t("data.problem.more", "en", n=1) == "…and 1 more problem"
    assert "22 gminy na wykresie" in t("a11y.breakdown", "pl", title="x", hi="a", hi_value="1", lo="b",
                                      lo_value="0", n="22")
    assert "2 477 gmin na wykresie" in t("a11y.breakdown", "pl", title="x", hi="a", hi_value="1", lo="b",
                                        lo_value="0", n="2 477")
    assert t("report.deck_more_rows", "pl", n=2) == "(+2 wskaźniki w raporcie PDF)"


def test_genitive_after_z_do():
    """'wzrost z 757 740 do 809 168 osób', 'do 22 osób', 'do 1 osoby', 'do 2,5 osoby'."""
    assert fmt_unit(809168, 0, "osoby", "pl", genitive=True).replace("\xa0", " ") == "809 168 osób"
    assert fmt_unit(22, 0, "osoby", "pl", genitive=True) == "22 osób"
    assert fmt_unit(1, 0, "osoby", "pl", genitive=True) == "1 osoby"
    assert fmt_unit(2.5, 1, "osoby", "pl", genitive=True) == "2,5 osoby"
    assert fmt_unit(22, 0, "persons", "en", genitive=True) == "22 persons"
