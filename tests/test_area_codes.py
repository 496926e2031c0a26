"""The one reading of a functional area typed as gmina codes (domain.area_codes) and its callers:
``cli.py show/assess/report/plan import --area``, reports.commands, store.plans, the HTTP API's
``area=`` and, for the split and the strict reading, the dashboard URL's ``area=``.

Real codes of the mirror: Kraków 1261011, Zielonki 1206172, Wieliczka 1219053, Bolesławiec (town)
0201011, Ostrowice 3203042 (merged away in 2019), 0218032 an old code of today's 0218033.
"""
from __future__ import annotations

import pytest

from domain import area_codes as AC

KRAKOW, ZIELONKI, WIELICZKA = "1261011", "1206172", "1219053"
THREE = (ZIELONKI, WIELICZKA, KRAKOW)  # sorted


@pytest.fixture(scope="module")
def check(sqlite_store):
    units = sqlite_store.units(include_historical=True)
    return lambda text: AC.check_area(text, units, sqlite_store.resolve_code)


# -- the helper -------------------------------------------------------------------------------------
@pytest.mark.parametrize("text, codes, recoded", [
    ("1261011,1206172,1219053", THREE, ()),                              # good list
    ("1219053;1261011;1206172", THREE, ()),                              # semicolons, any order
    (" 1261011 , 1206172 ,1219053, ", THREE, ()),                        # spaces around, trailing comma
    ("1261011 1206172\t1219053", THREE, ()),                             # white space separates, as in the URL
    ("126101,120617,121905", THREE, ()),                                 # 6-digit codes
    ("126101_1,1206172", (ZIELONKI, KRAKOW), ()),                        # a written form of a 7-digit code
    ("1261011,1261011,1206172,126101", (ZIELONKI, KRAKOW), ()),          # duplicates count once
    ("0218032,126101", ("0218033", KRAKOW), (("0218032", "0218033"),)),  # an old code is mapped and said
])
def test_good_lists(check, text, codes, recoded):
    assert check(text) == AC.AreaCodes(codes=codes, recoded=recoded)


@pytest.mark.parametrize("text, problems", [
    ("1261011,abc", [("abc", "malformed")]),                             # bad code
    ("1261011,12610111", [("12610111", "malformed")]),                   # 8 digits
    ("1261011,1261010", [("1261010", "malformed")]),                     # type digit 0
    ("1261011,020101101011", [("020101101011", "malformed")]),           # a 12-digit BDL id (was a traceback)
    ("1261011,0299011", [("0299011", "unknown")]),                       # unknown code
    ("1261011,201011", [("201011", "unknown")]),                         # no zero guessed: not 0201011
    ("1261011,1206", [("1206", "not_gmina")]),                           # non-gmina: a powiat
    ("12,1261011,PL", [("12", "not_gmina"), ("PL", "not_gmina")]),       # a województwo, the country
    ("1261011,0201044", [("0201044", "part")]),                          # a town part of Nowogrodziec
    ("1261011,3203042", [("3203042", "historical")]),                    # merged away in 2019
    ("126 1011,1206172", [("126", "malformed"), ("1011", "not_gmina")]),  # spaces inside a code split it
    ("x,1261011,y", [("x", "malformed"), ("y", "malformed")]),           # every bad entry, in order
])
def test_unusable_entries_are_all_named(check, text, problems):
    err = check(text)
    assert isinstance(err, AC.AreaCodesError) and err.reason == AC.UNUSABLE
    assert [(p.input, p.reason) for p in err.problems] == problems


@pytest.mark.parametrize("text, reason, n", [
    ("1261011", AC.TOO_FEW, 1),                        # too few
    ("1261011,126101,1261011", AC.TOO_FEW, 1),         # duplicates: one gmina
    ("", AC.TOO_FEW, 0),
    (" ,; ", AC.TOO_FEW, 0),
    (",".join([KRAKOW] * 501), AC.TOO_MANY, 501),      # more entries than an area may have, before matching
])
def test_size(check, text, reason, n):
    assert check(text) == AC.AreaCodesError(reason, n=n)


def test_five_hundred_entries_are_still_read(check, sqlite_store):
    gminy = sqlite_store.units().query("level == 'gmina'")["code"].sort_values().head(500).tolist()
    res = check(",".join(gminy))
    assert isinstance(res, AC.AreaCodes) and res.codes == tuple(gminy)


@pytest.mark.parametrize("text, name, hint, line", [
    ("1261011,abc,0299011", "--area", AC.CLI_HINT,
     "--area: not usable as gmina codes: 'abc' (not a TERYT code); '0299011' (no gmina has this code)"),
    ("1261011,1206", None, "", "not usable as gmina codes: '1206' (not a gmina code)"),
    ("1261011", "--area", AC.CLI_HINT, "--area needs 2 to 500 different gminy, got 1 (use --teryt for one unit)"),
    ("1261011", None, "", "an area needs 2 to 500 different gminy, got 1"),
    (",".join([KRAKOW] * 600), "--area", AC.CLI_HINT, "--area needs 2 to 500 different gminy, got 600 codes"),
])
def test_message_is_one_line(check, text, name, hint, line):
    assert check(text).message(name, hint=hint) == line


def test_split_is_the_urls():
    from domain.permalink import parse_area

    assert AC.split_codes(" 1261011 126101;,1206172\n") == ["1261011", "126101", "1206172"]
    assert parse_area(" 1261011 126101;,1206172\n") == ("1206172", "126101", "1261011")
    assert AC.split_codes(None) == [] and AC.split_codes(" , ") == []


# -- each caller uses it: a list only the one rule accepts, and one only it refuses ---------------------
def test_cli_show_and_assess(run_cli):
    ok = run_cli("show", "--area", "1261011 1206172", "--indicator", "population_total", "--year", "2024")
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.splitlines()[1].startswith('"1206172,1261011",area,obszar (2 gminy),population_total,2024,837247,')
    for cmd in ("show", "assess"):
        res = run_cli(cmd, "--area", "1261011,201011")
        assert res.returncode == 2 and res.stdout == ""
        assert res.stderr.strip().splitlines() == ["error: --area: not usable as gmina codes: "
                                                   "'201011' (no gmina has this code)"]
    res = run_cli("assess", "--area", "1261011")  # the hint is no longer only show's
    assert res.stderr.strip().splitlines() == ["error: --area needs 2 to 500 different gminy, got 1 "
                                               "(use --teryt for one unit)"]


def test_reports_resolve_area(sqlite_store):
    from reports.commands import UsageError, resolve_area

    assert resolve_area(sqlite_store, "126101 1206172") == (ZIELONKI, KRAKOW)
    with pytest.raises(UsageError, match=r"^--area: not usable as gmina codes: '020101101011' \(not a TERYT code\)$"):
        resolve_area(sqlite_store, "1261011,020101101011")


def test_store_plans_resolve_subject(any_store):
    from store.plans import SubjectError, resolve_subject

    assert resolve_subject(any_store, area="126101;1206172 1219053") == (",".join(THREE), set())
    with pytest.raises(SubjectError, match=r"^--area needs 2 to 500 different gminy, got 1 \(use --teryt"):
        resolve_subject(any_store, area="1261011, 126101")


def test_api_area(sqlite_store):
    from fastapi.testclient import TestClient

    from api.app import create_app

    api = TestClient(create_app(sqlite_store), raise_server_exceptions=False)
    ok = api.get("/api/v1/area", params={"area": "1261011 1206172", "indicator": "population_total",
                                        "year": "2024"})
    assert ok.status_code == 200 and ok.json()["data"][0]["value"] == 837247  # 809,168 + 28,079
    r = api.get("/api/v1/area", params={"area": "1261011,201011"})
    assert r.status_code == 400 and "Traceback" not in r.text
    assert r.json()["param"] == "area"
    assert r.json()["message"] == "not usable as gmina codes: '201011' (no gmina has this code)"


@pytest.mark.parametrize("lang, warning", [
    ("pl", "Pominięto kod „201011” z adresu: nie ma gminy o tym kodzie."),
    ("en", "Left out the code “201011” from the address: no gmina has this code."),
])
def test_dashboard_url_reads_codes_as_written(app, lang, warning):
    app.switch_page("pages/obszary.py")
    app.query_params["area"] = "201011,1261011,1206172"
    app.query_params["lang"] = lang
    app.run()
    assert not app.exception, app.exception
    assert warning in [w.value for w in app.warning]
    area = app.query_params.get("area")
    assert (area[0] if isinstance(area, list) else area) == "1206172,1261011"  # not Bolesławiec 0201011


def test_lenient_list_import_names_an_impossible_bdl_id(sqlite_store):
    """The file import (deck --units, the areas page) still reads BDL ids; one of a województwo
    that does not exist is a problem row, not a TerytError."""
    import pandas as pd

    from domain import matching as M

    entries = pd.DataFrame({"row": [1, 2], "code": ["020101101011", KRAKOW], "name": ""})
    m = M.match_entries(entries, sqlite_store.units(include_historical=True), sqlite_store.resolve_code)
    assert m.report[["input", "status", "reason"]].values.tolist() == [
        ["020101101011", "problem", "malformed"], [KRAKOW, "ok", "exact"]]
    assert m.codes == (KRAKOW,)
