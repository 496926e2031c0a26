"""The command line against the session store (subprocess, as a user runs it)."""
import csv
import io

import pytest


def rows(out: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(out)))


@pytest.mark.parametrize("code", ["1261011", "126101", "126101_1"])
def test_show_accepts_common_code_forms(run_cli, code):
    res = run_cli("show", "--teryt", code, "--indicator", "population_total", "--year", "2017")
    assert res.returncode == 0, res.stderr
    assert res.stdout.splitlines()[0] == "teryt,level,name,indicator,year,value,unit,source"
    assert rows(res.stdout) == [{"teryt": "1261011", "level": "gmina", "name": "Kraków",
                                 "indicator": "population_total", "year": "2017", "value": "767348",
                                 "unit": "osoby", "source": "bdl_web_przemo6"}]


def test_show_powiat_and_wojewodztwo(run_cli):
    pw = rows(run_cli("show", "--teryt", "1261", "--indicator", "crimes_total", "--year", "2013").stdout)
    assert pw[0]["value"] == "31326" and pw[0]["level"] == "powiat"
    woj = rows(run_cli("show", "--teryt", "12", "--indicator", "population_total", "--year", "2019").stdout)
    assert woj[0]["level"] == "wojewodztwo" and "computed: aggregated 182/182" in woj[0]["source"]


def test_show_all_indicators_of_a_unit(run_cli):
    out = rows(run_cli("show", "--teryt", "1465011").stdout)
    indicators = {r["indicator"] for r in out}
    assert {"population_total", "turnout_sejm", "revenue_per_capita", "fire_service_incidents"} <= indicators
    assert all(r["source"] for r in out)


def test_old_code_is_shown_under_the_current_one(run_cli):
    res = run_cli("show", "--teryt", "0218032", "--indicator", "area_km2")
    assert res.returncode == 0 and rows(res.stdout)[0]["teryt"] == "0218033"
    assert "old code" in res.stderr


@pytest.mark.parametrize("args,needle", [
    (("show", "--teryt", "0299011"), "unknown TERYT code"),
    (("show", "--teryt", "12a"), "malformed TERYT code"),
    (("show", "--teryt", "9999999"), "no województwo has code 99"),
    (("show", "--teryt", "1261011", "--indicator", "nope"), "unknown indicator"),
    (("show", "--teryt", "1261011", "--year", "abc"), "invalid int value"),
    (("show",), "required"),
    (("frobnicate",), "invalid choice"),
])
def test_bad_input_is_one_line_and_exit_2(run_cli, args, needle):
    res = run_cli(*args)
    assert res.returncode == 2
    assert res.stdout == "" and len(res.stderr.strip().splitlines()) == 1 and needle in res.stderr


def test_report_lists_reconciliation(run_cli):
    res = run_cli("report")
    assert res.returncode == 0 and "recoded" in res.stdout and "Szczawa" in res.stdout


def test_part_code_shows_the_whole_gmina_with_a_note(run_cli):
    # issue 18 item 8: 0201044 is the town part of Nowogrodziec; never silently the whole gmina
    res = run_cli("show", "--teryt", "0201044", "--indicator", "population_total", "--year", "2024")
    assert res.returncode == 0, res.stderr
    assert rows(res.stdout) == [{"teryt": "0201043", "level": "gmina", "name": "Nowogrodziec",
                                 "indicator": "population_total", "year": "2024", "value": "14523",
                                 "unit": "osoby", "source": "gus_vital_2024"}]
    assert res.stderr.strip().splitlines() == [
        "note: 0201044 is the town part of gmina Nowogrodziec; data are published for the whole gmina: "
        "showing 0201043"]
    assert "old code" not in res.stderr
