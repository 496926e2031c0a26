import pytest

from domain.teryt import (COUNTRY, ParsedCode, Resolver, TerytError, UnitRef, bdl12_to_teryt, normalise_name,
                          parent_of, parse_code)


@pytest.mark.parametrize("text,expected", [
    ("1261011", ParsedCode("gmina7", "1261011")),
    ("126101_1", ParsedCode("gmina7", "1261011")),
    ("12 61 01 1", ParsedCode("gmina7", "1261011")),
    ("126101", ParsedCode("gmina6", "126101")),
    ("1261", ParsedCode("powiat", "1261")),
    ("12", ParsedCode("wojewodztwo", "12")),
    ("PL", ParsedCode("country", COUNTRY)),
    ("00", ParsedCode("country", COUNTRY)),
    ("011212001011", ParsedCode("bdl12", "011212001011")),
])
def test_parse_code_accepts_common_forms(text, expected):
    assert parse_code(text) == expected


@pytest.mark.parametrize("text", ["", "abc", "123", "12345", "3461011", "0161011", "1261010", "12610111",
                                  "'; DROP TABLE unit;--", "99"])
def test_parse_code_rejects(text):
    with pytest.raises(TerytError):
        parse_code(text)


@pytest.mark.parametrize("unit_id,expected", [
    ("000000000000", ("country", "PL")),
    ("011200000000", ("wojewodztwo", "12")),
    ("010000000000", None),  # makroregion
    ("011212001000", ("powiat", "1201")),
    ("011212001011", ("gmina", "1201011")),
    ("011212001022", ("gmina", "1201022")),
    ("011212001034", None),  # town part of an urban-rural gmina
    ("071412865088", None),  # Warsaw dzielnica
    ("11212161000", ("powiat", "1261")),  # leading zero dropped, as in the crimes file
])
def test_bdl12(unit_id, expected):
    assert bdl12_to_teryt(unit_id) == expected


@pytest.mark.parametrize("code,parent", [("1261011", "1261"), ("1261", "12"), ("12", "PL"), ("PL", None)])
def test_parent_of(code, parent):
    assert parent_of(code) == parent


@pytest.mark.parametrize("raw,key", [("m. Kraków", "kraków"), ("KRAKÓW", "kraków"), ("Bolesławiec (1)", "bolesławiec"),
                                     ("m.st. Warszawa", "warszawa"), ("Bolesławiec, gm.", "bolesławiec")])
def test_normalise_name(raw, key):
    assert normalise_name(raw) == key


@pytest.fixture
def resolver():
    return Resolver([
        UnitRef("PL", "country", "Polska"), UnitRef("02", "wojewodztwo", "dolnośląskie"),
        UnitRef("0218", "powiat", "lubański"), UnitRef("0218033", "gmina", "Leśna"),
        UnitRef("1261", "powiat", "Kraków"), UnitRef("1261011", "gmina", "Kraków"),
        UnitRef("0201", "powiat", "bolesławiecki"),
        UnitRef("0201011", "gmina", "Bolesławiec"), UnitRef("0201022", "gmina", "Bolesławiec"),
    ])


@pytest.mark.parametrize("code,name,parent,expected_code,status", [
    ("1261011", "", "", "1261011", "exact"),
    ("0218032", "", "", "0218033", "recoded"),  # 2020 rural -> 2026 urban-rural
    ("021803", "", "", "0218033", "by_code6"),
    ("", "", "Kraków", "1261011", "by_name"),  # PKW row of a city with an empty code
    ("", "m. Kraków", "", "1261011", "by_name"),
    ("00", "", "", "PL", "country"),
    ("0201", "", "", "0201", "exact"),
])
def test_resolver_matches(resolver, code, name, parent, expected_code, status):
    res = resolver.resolve(code, name, parent)
    assert (res.code, res.status) == (expected_code, status)


@pytest.mark.parametrize("code,parent,reason_part", [
    ("0201034", "", "town part"),
    ("0299011", "", "no gmina"),
    ("", "Bolesławiec", "not a city"),  # Bolesławiec is not a city with powiat rights
    ("", "", "no code and no name"),
    ("12x", "", "malformed"),
    ("0203", "", "no powiat"),
])
def test_resolver_unmatched_with_reason(resolver, code, parent, reason_part):
    res = resolver.resolve(code, "", parent)
    assert res.code is None and res.status == "unmatched" and reason_part in res.reason


# -- issue 18 item 8: codes of gmina parts are named, never "an old code" ----------------------
@pytest.mark.parametrize("code,kind,whole", [
    ("0201044", "town_part", "0201043"), ("0201045", "rural_part", "0201043"),
    ("1465028", "dzielnica", "1465011"), ("1261029", "delegatura", "1261011"),
    ("0201043", None, None), ("1261011", None, None), ("020104", None, None),
])
def test_part_codes_map_to_their_whole_gmina(code, kind, whole):
    from domain.teryt import part_kind, whole_of_part
    gminy = ["0201011", "0201022", "0201032", "0201043", "1465011", "1261011", "1206011", "1206022"]
    assert part_kind(code) == kind
    assert whole_of_part(code, gminy) == whole


def test_part_of_a_missing_gmina_has_no_whole():
    from domain.teryt import whole_of_part
    assert whole_of_part("0201044", ["0201043", "0201053"]) == "0201043"
    assert whole_of_part("0201054", ["0201043"]) is None  # no urban-rural 020105
