"""The read-only data API (api/) against the session stores, SQLite and PostgreSQL (``any_store``).

Values are compared with ``cli.py show`` run as a user runs it; numbers are real values from the
mirror. Hostile parameters must answer 400/404 with a JSON message, never a traceback or a 500.
"""
from __future__ import annotations

import csv
import io
import os
import socket
import subprocess
import sys
import time

import pytest
from fastapi.testclient import TestClient

from tests.conftest import ROOT

_CLIENTS: dict[int, TestClient] = {}


@pytest.fixture
def api(any_store):
    """One TestClient per store for the whole session (the API's caches live with it)."""
    from api.app import create_app

    key = id(any_store)
    if key not in _CLIENTS:
        _CLIENTS[key] = TestClient(create_app(any_store), raise_server_exceptions=False)
    return _CLIENTS[key]


def csv_rows(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


SHOW = ["teryt", "level", "name", "indicator", "year", "value", "unit", "source"]


# -- values equal cli.py show -------------------------------------------------------------------
def test_krakow_population_2024(api):
    r = api.get("/api/v1/values", params={"unit": "1261011", "indicator": "population_total", "year": "2024"})
    assert r.status_code == 200
    [row] = r.json()["data"]
    assert row["value"] == 809168 and row["year"] == 2024 and row["unit"] == "osoby"
    assert row["name"] == "Kraków" and row["source_id"] == "gus_vital_2024" and row["vintage"] == "2024"
    assert row["publisher"].startswith("GUS")


@pytest.mark.parametrize("code", ["1261011", "0201022", "1465", "12", "2862011"])
def test_values_equal_cli_show(api, run_cli, code):
    """Every value of the unit, CSV from the API == `cli.py show` (first eight columns, same order)."""
    cli = run_cli("show", "--teryt", code)
    assert cli.returncode == 0, cli.stderr
    want = csv_rows(cli.stdout)
    r = api.get("/api/v1/values", params={"unit": code, "format": "csv", "page_size": "5000"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    got = [{k: row[k] for k in SHOW} for row in csv_rows(r.text)]
    assert len(want) > 50 and got == want


def test_area_equals_cli_show_area(api, run_cli):
    codes = "1261011,1206172,1219053"
    cli = run_cli("show", "--area", codes)
    assert cli.returncode == 0, cli.stderr
    r = api.get("/api/v1/area", params={"area": codes, "format": "csv", "page_size": "5000"})
    assert r.status_code == 200
    assert [{k: row[k] for k in SHOW} for row in csv_rows(r.text)] == csv_rows(cli.stdout)
    j = api.get("/api/v1/area", params={"area": codes, "indicator": "population_total", "year": "2024"}).json()
    assert j["area"]["code"] == "1206172,1219053,1261011" and j["area"]["name"] == "obszar (3 gminy)"
    [row] = j["data"]
    assert row["value"] == 907038 and row["n"] == 3 and row["of"] == 3 and row["method"] == "aggregated"


def test_area_maps_old_and_six_digit_codes(api):
    j = api.get("/api/v1/area", params={"area": "0218032,126101", "indicator": "area_km2"}).json()
    assert j["area"]["members"] == ["0218033", "1261011"]
    assert any("0218032" in n for n in j["notes"])


def test_json_and_csv_carry_the_same_values(api):
    params = {"unit": "1261011,1465011", "indicator": "population_total,turnout_sejm"}
    js = api.get("/api/v1/values", params=params).json()["data"]
    cs = csv_rows(api.get("/api/v1/values", params=params, headers={"Accept": "text/csv"}).text)
    assert len(js) == len(cs) > 10
    for a, b in zip(js, cs):
        assert (a["teryt"], a["indicator"], str(a["year"])) == (b["teryt"], b["indicator"], b["year"])
        assert a["value"] == pytest.approx(float(b["value"]), rel=1e-6)
        assert a["vintage"] == b["vintage"] and a["source"] == b["source"]
    assert {r["teryt"] for r in js} == {"1261011", "1465011"}


def test_computed_values_say_so(api):
    [row] = api.get("/api/v1/values", params={"unit": "12", "indicator": "population_total",
                                               "year": "2019"}).json()["data"]
    assert row["value"] == 3410901 and row["method"] == "aggregated" and (row["n"], row["of"]) == (182, 182)
    assert row["source"] == "bdl_web_przemo6 (computed: aggregated 182/182)"


def test_filters_by_level_and_years(api):
    j = api.get("/api/v1/values", params={"indicator": "population_total", "level": "wojewodztwo",
                                          "year": "2018-2019"}).json()
    assert j["total"] == 32 and {r["year"] for r in j["data"]} == {2018, 2019}
    assert {r["level"] for r in j["data"]} == {"wojewodztwo"}


def test_english_names_and_units(api):
    [row] = api.get("/api/v1/values", params={"unit": "1261011", "indicator": "population_total", "year": "2024",
                                               "lang": "en"}).json()["data"]
    assert row["unit"] == "persons" and row["indicator_name"] == "Population, total"


# -- paging ---------------------------------------------------------------------------------------
def test_pages_add_up_to_the_whole(api):
    full = api.get("/api/v1/values", params={"unit": "1261011"}).json()
    rows, url = [], "/api/v1/values?unit=1261011&page_size=70"
    pages = 0
    while url:
        j = api.get(url).json()
        assert j["total"] == full["total"] and len(j["data"]) <= 70
        rows += j["data"]
        url = j["links"].get("next")
        pages += 1
    assert rows == full["data"] and pages == -(-full["total"] // 70)
    past = api.get("/api/v1/values", params={"unit": "1261011", "page": "999"}).json()
    assert past["data"] == [] and past["total"] == full["total"]


# -- units ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("q,code", [("lodz", "1061011"), ("ŁÓDŹ", "1061011"), ("Bialystok", "2061011"),
                                    ("krakow", "1261011"), ("  zielona   gora ", "0862011"), ("126101", "1261011")])
def test_search_ignores_case_and_diacritics(api, q, code):
    j = api.get("/api/v1/units", params={"q": q, "level": "gmina"}).json()
    assert j["data"] and j["data"][0]["code"] == code


def test_units_by_level_and_parent(api, any_store):
    units = any_store.units()
    j = api.get("/api/v1/units", params={"level": "gmina", "page_size": "5000"}).json()
    assert j["total"] == (units["level"] == "gmina").sum() == 2479  # 2026 TERYT list
    j = api.get("/api/v1/units", params={"parent": "12", "level": "powiat"}).json()
    assert j["total"] == 22 and all(u["parent"] == "12" for u in j["data"])
    assert [u["code"] for u in api.get("/api/v1/units", params={"parent": "1261"}).json()["data"]] == ["1261011"]


def test_one_unit_and_old_code(api):
    j = api.get("/api/v1/units/1261011").json()
    assert j["name"] == "Kraków" and [p["code"] for p in j["parents"]] == ["1261", "12", "PL"]
    old = api.get("/api/v1/units/0218032").json()
    assert old["code"] == "0218033" and "old code" in old["note"]


# -- indicators, sources, profile -------------------------------------------------------------------
def test_indicator_catalogue(api, any_store):
    j = api.get("/api/v1/indicators").json()
    assert j["total"] == len(any_store.indicators())
    pop = next(i for i in j["data"] if i["id"] == "population_total")
    assert pop["unit"] == "osoby" and pop["aggregation"] == "sum" and pop["first_year"] <= 2010
    assert "gus_vital_2024" in pop["sources"]
    one = api.get("/api/v1/indicators/turnout_sejm", params={"lang": "en"}).json()
    assert one["unit"] == "%" and one["polarity"] == "higher_better" and one["coverage"]
    assert api.get("/api/v1/indicators/nope").status_code == 404
    srcs = api.get("/api/v1/sources").json()["data"]
    assert {"id", "vintage", "licence", "publisher_pl"} <= set(srcs[0])


def test_profile_cards(api):
    j = api.get("/api/v1/units/1261011/profile").json()
    cards = {c["indicator"]: c for c in j["cards"]}
    pop = cards["population_total"]
    # Kraków is the second-largest of the 2,477 gminy (after Warsaw)
    assert (pop["value"], pop["year"], pop["rank"], pop["rank_of"]) == (809168, 2024, 2, 2477)
    assert pop["vintage"] == "2024" and pop["first_year"] == 2010
    # the card's value is the latest value of /values
    vals = api.get("/api/v1/values", params={"unit": "1261011", "indicator": "turnout_sejm"}).json()["data"]
    last = max(vals, key=lambda r: r["year"])
    assert (cards["turnout_sejm"]["year"], cards["turnout_sejm"]["value"]) == (last["year"], last["value"])
    csv_text = api.get("/api/v1/units/1261011/profile", params={"format": "csv"}).text
    row = next(r for r in csv_rows(csv_text) if r["indicator"] == "population_total")
    assert row["value"] == "809168" and row["rank"] == "2"


# -- caching ----------------------------------------------------------------------------------------
def test_etag_and_304(api, any_store):
    url = "/api/v1/values?unit=1261011&indicator=population_total"
    r = api.get(url)
    etag = r.headers["etag"]
    assert any_store.meta()["ingest_id"][:16] in etag and "max-age" in r.headers["cache-control"]
    again = api.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == etag
    assert api.get(url + "&format=csv").headers["etag"] != etag
    assert api.get(url, headers={"If-None-Match": 'W/"other"'}).status_code == 200


def test_empty_store_is_503(tmp_path):
    from api.app import create_app
    from store.db import Store

    c = TestClient(create_app(Store(f"sqlite:///{tmp_path / 'empty.sqlite'}")), raise_server_exceptions=False)
    r = c.get("/api/v1/values", params={"unit": "1261011"})
    assert r.status_code == 503 and r.json()["error"] == "store_empty"


# -- hostile parameters -----------------------------------------------------------------------------
HOSTILE = [
    ("/api/v1/values?unit=1261011&page_size=1000000000", 400, "page_size"),
    ("/api/v1/values?unit=1261011&page_size=0", 400, "page_size"),
    ("/api/v1/values?unit=1261011&page=-1", 400, "page"),
    ("/api/v1/values?unit=1261011&page=1e3", 400, "page"),
    ("/api/v1/values?unit=1261011&year=abc", 400, "year"),
    ("/api/v1/values?unit=1261011&year=99999", 400, "year"),
    ("/api/v1/values?unit=1261011&year=1066", 400, "year"),
    ("/api/v1/values?unit=1261011&year=2024-2010", 400, "year"),
    ("/api/v1/values?unit=1261011&year=1900-2100", 400, "year"),  # 201 years: over the cap of 100
    ("/api/v1/values?unit=1261011&year=2000-2099", 200, None),
    ("/api/v1/values?unit=1261011&indicator=population_total%27%20OR%20%271%27=%271", 400, "indicator"),
    ("/api/v1/values?unit=1261011&indicator=nope", 400, "indicator"),
    ("/api/v1/values?unit=1261011%27;DROP%20TABLE%20value;--", 400, "unit"),
    ("/api/v1/values?unit=0299011", 404, None),
    ("/api/v1/values?unit=12a", 400, "unit"),
    ("/api/v1/values?unit=9999999", 400, "unit"),
    ("/api/v1/values?unit=%E2%80%AE1261011", 400, "unit"),
    ("/api/v1/values?unit=" + "1" * 5000, 400, "unit"),
    ("/api/v1/values?unit=" + ",".join(["1261011"] * 101), 400, "unit"),
    ("/api/v1/values", 400, "unit"),
    ("/api/v1/values?level=gmina", 400, "unit"),
    ("/api/v1/values?unit=1261011&level=planet", 400, "level"),
    ("/api/v1/values?unit=1261011&format=xml", 400, "format"),
    ("/api/v1/values?unit=1261011&lang=de", 400, "lang"),
    ("/api/v1/area?area=12", 400, "area"),
    ("/api/v1/area?area=1261011", 400, "area"),
    ("/api/v1/area?area=1261011,abc", 400, "area"),
    ("/api/v1/area?area=1261011,0299011", 400, "area"),
    ("/api/v1/area", 400, "area"),
    ("/api/v1/area?area=" + ",".join(f"{i:07d}" for i in range(1000000, 1000700)), 400, "area"),
    ("/api/v1/units?q=%00", 400, "q"),
    ("/api/v1/units?q=" + "a" * 500, 400, "q"),
    ("/api/v1/units?q=%25%27%20OR%201=1%20--", 200, None),
    ("/api/v1/units?q=%F0%9F%98%80", 200, None),
    ("/api/v1/units?parent=zz", 400, "parent"),
    ("/api/v1/units?historical=maybe", 400, "historical"),
    ("/api/v1/units/%00%01", 400, "unit"),
    ("/api/v1/units/0299011", 404, None),
    ("/api/v1/units/0299011/profile", 404, None),
    ("/api/v1/indicators/..%2F..%2Fetc", 404, None),
    ("/api/v1/no-such-endpoint", 404, None),
]


@pytest.mark.parametrize("url,status,param", HOSTILE)
def test_hostile_parameters(api, url, status, param):
    r = api.get(url)
    assert r.status_code == status, r.text[:300]
    if status != 200:
        j = r.json()
        assert j["message"] and "Traceback" not in r.text and "sqlalchemy" not in r.text.lower()
        if param:
            assert j.get("param") == param
    elif "units" in url:
        assert r.json()["total"] == 0


def test_writes_are_not_allowed(api):
    for method in ("post", "put", "delete", "patch"):
        r = getattr(api, method)("/api/v1/values?unit=1261011")
        assert r.status_code == 405 and r.json()["error"] == "method_not_allowed"


def test_openapi_page_is_offline(api):
    page = api.get("/api/v1/docs")
    assert page.status_code == 200 and "swagger-ui-bundle.js" in page.text
    assert "http://" not in page.text and "https://" not in page.text  # no CDN
    assert api.get("/static-offline-docs/swagger-ui-bundle.js").status_code == 200
    spec = api.get("/api/v1/openapi.json").json()
    assert {"/api/v1/values", "/api/v1/units", "/api/v1/area", "/api/v1/units/{code}/profile"} <= set(spec["paths"])


# -- the documented command -------------------------------------------------------------------------
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_python_m_api_serves_on_loopback(app_env):
    """`./run.sh api` runs `python -m api`: it binds 127.0.0.1 by default and answers over HTTP."""
    import httpx

    port = _free_port()
    env = {**os.environ, **app_env, "MRL_API_PORT": str(port)}
    env.pop("MRL_API_HOST", None)
    proc = subprocess.Popen([sys.executable, "-m", "api"], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                r = httpx.get(f"http://127.0.0.1:{port}/api/v1/values?unit=1261011&indicator=population_total"
                              f"&year=2024", timeout=5)
                break
            except httpx.TransportError:
                assert proc.poll() is None and time.monotonic() < deadline, proc.stderr.read() if proc.poll() else ""
                time.sleep(0.3)
        assert r.status_code == 200 and r.json()["data"][0]["value"] == 809168
        conns = subprocess.run(["ss", "-ltnp"], capture_output=True, text=True).stdout
        listening = [ln for ln in conns.splitlines() if f":{port} " in ln]
        assert listening and all("127.0.0.1:" in ln for ln in listening)
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def test_bad_port_setting_is_one_line(app_env):
    env = {**os.environ, **app_env, "MRL_API_PORT": "eighty"}
    res = subprocess.run([sys.executable, "-m", "api"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert res.returncode == 2 and len(res.stderr.strip().splitlines()) == 1 and "MRL_API_PORT" in res.stderr


# -- the synthetic assessment (issue 13 through the API) ---------------------------------------------
def test_assessment_equals_cli_assess(sqlite_store, run_cli):
    """/units/{code}/assessment gives cli.py assess's rows (same scores, ranks and intervals)."""
    import csv
    import io

    from fastapi.testclient import TestClient

    from api.app import create_app

    client = TestClient(create_app(sqlite_store))
    res = client.get("/api/v1/units/1602043/assessment", params={"format": "csv"})
    assert res.status_code == 200
    api_rows = list(csv.DictReader(io.StringIO(res.content.decode("utf-8-sig"))))
    assert list(api_rows[0]) == ["node", "parent", "kind", "name", "year", "value", "direction", "score", "rank",
                                 "group_size", "rank_low", "rank_high", "dynamics", "coverage"]
    cli = run_cli("assess", "--teryt", "1602043")
    assert cli.returncode == 0, cli.stderr
    cli_rows = list(csv.DictReader(io.StringIO(cli.stdout)))
    assert [r["node"] for r in api_rows] == [r["node"] for r in cli_rows]
    for a, c in zip(api_rows, cli_rows):
        for col in ("score", "rank", "group_size", "rank_low", "rank_high", "coverage"):
            x, y = a[col], c[col]
            assert (x == y == "") or abs(float(x) - float(y)) < 1e-6, (a["node"], col, x, y)
    body = client.get("/api/v1/units/1602043/assessment").json()
    overall = next(r for r in body["data"] if r["kind"] == "overall")
    assert body["group_size"] == overall["group_size"] == len(body["group"]) + 1


@pytest.mark.parametrize("peers,status", [("nonsense", 400), ("knn:k=5;w=nope*2", 400), ("members", 400)])
def test_assessment_rejects_bad_peers(sqlite_store, peers, status):
    from fastapi.testclient import TestClient

    from api.app import create_app

    res = TestClient(create_app(sqlite_store)).get("/api/v1/units/1602043/assessment", params={"peers": peers})
    assert res.status_code == status and "peers" in res.json().get("param", "peers")


def test_assessment_of_an_unknown_unit_is_404(sqlite_store):
    from fastapi.testclient import TestClient

    from api.app import create_app

    assert TestClient(create_app(sqlite_store)).get("/api/v1/units/0299999/assessment").status_code == 404
