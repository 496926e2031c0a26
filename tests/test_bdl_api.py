"""BDL API client and loader against a local replay server built from the real pybdl samples:
paging, unit ids, no-data attributes, 429/500/timeouts, offline, cache, quota — and the fetch into
the store (atomic, resumable, replacing)."""
from __future__ import annotations

import json
import math
import os
import shutil
import subprocess
import sys
from dataclasses import replace

import pandas as pd
import pytest

from loaders import bdl_api as B
from store.db import Store
from loaders.bdl_fetch import fetch as fetch_bdl
from store.user_data import import_bdl
from tests.bdl_replay import Replay, ReplayError, data_results, gmina_units_with_parts, sample
from tests.conftest import ROOT

VAR = 10  # P1313 "Gmina councillors by sex and age" — ogółem, 25-29 (samples_raw_variables.json get_variable)


@pytest.fixture(scope="module")
def samples(mirror):
    return {k: sample(k) for k in ("variables", "subjects", "units", "data", "attributes")}


def build_replay(samples, units, **kw) -> Replay:
    r = Replay(**kw)
    r.detail[f"variables/{VAR}"] = samples["variables"]["get_variable"]
    subj = {s["id"]: s for s in samples["subjects"]["list_subjects"]}
    r.detail["subjects/P1313"] = subj["P1313"]  # its parent G2 is not in the samples: 404 ends the path
    r.paged[f"data/by-variable/{VAR}"] = data_results(gmina_units_with_parts(units))
    r.extra[f"data/by-variable/{VAR}"] = {"variableId": VAR, "measureUnitId": 26,
                                          "lastUpdate": "2025-05-14T15:05:15.743"}
    r.paged["variables/search"] = samples["variables"]["search_variables"]
    r.paged["subjects/search"] = samples["subjects"]["search_subjects"]
    r.paged["variables"] = samples["variables"]["list_variables"]
    return r.start()


@pytest.fixture
def replay(samples, sqlite_store):
    r = build_replay(samples, sqlite_store.units(), page_size=4)
    yield r
    r.stop()


class Sleeps(list):
    def __call__(self, s):
        self.append(s)


@pytest.fixture
def client_factory(replay, tmp_path):
    made = []

    def make(**kw):
        sleeps = Sleeps()
        opts = dict(cache_dir=tmp_path / "cache", timeout=0.5, sleep=sleeps, retries=3, backoff=0.01)
        opts.update(kw)
        c = B.BdlClient(opts.pop("base_url", replay.base_url), **opts)
        c.sleeps = sleeps
        made.append(c)
        return c
    yield make
    for c in made:
        c.close()


def data_paths(replay):
    return [(p, q) for p, q, _ in replay.requests if p.startswith("data/")]


# -- paging and format --------------------------------------------------------------------------

def test_paging_follows_links_next_until_the_last_page(replay, client_factory):
    c = client_factory()
    pages = list(c.pages(f"data/by-variable/{VAR}", {"unit-level": 6, "year": ["2018"]}))
    total = len(replay.paged[f"data/by-variable/{VAR}"])
    assert len(pages) == math.ceil(total / 4) >= 3
    assert "next" not in pages[-1]["links"] and all("next" in p["links"] for p in pages[:-1])
    assert sum(len(p["results"]) for p in pages) == total
    first_q = data_paths(replay)[0][1]
    assert first_q["page-size"] == ["100"] and first_q["unit-level"] == ["6"] and first_q["format"] == ["json"]


def test_next_link_on_the_api_host_is_rebased_onto_the_configured_url(samples, sqlite_store, tmp_path):
    r = build_replay(samples, sqlite_store.units(), page_size=4, next_host="https://bdl.stat.gov.pl")
    try:
        with B.BdlClient(r.base_url, cache_dir=tmp_path, sleep=lambda s: None) as c:
            pages = list(c.pages(f"data/by-variable/{VAR}", {"unit-level": 6}))
        assert pages[0]["links"]["next"].startswith("https://bdl.stat.gov.pl/api/v1/")
        assert len(pages) == math.ceil(len(r.paged[f"data/by-variable/{VAR}"]) / 4)
    finally:
        r.stop()


def test_unit_ids_map_to_teryt_and_parts_are_not_units(samples, sqlite_store):
    results = data_results(gmina_units_with_parts(sqlite_store.units()))
    raw, _ = B.records_to_raw(results, VAR, "osoba")
    skip = raw.drop_duplicates("code").set_index("code")["skip"]
    assert skip["011212001011"] == "" and skip["011212001022"] == ""  # Bochnia urban / rural (real sample ids)
    parts = skip[skip != ""]
    assert set(parts) == {"town part", "rural part"} and len(parts) % 2 == 0 and len(parts) >= 2
    assert B.unit_skip_reason("010000000000").startswith("not an administrative unit")  # MAKROREGION POŁUDNIOWY
    assert B.unit_skip_reason("011200000000") == ""  # MAŁOPOLSKIE


def test_no_data_attributes_follow_the_api_dictionary(samples):
    attrs = {a["id"]: a for a in samples["attributes"]["list_attributes"]}
    no_data = {i for i, a in attrs.items() if a["name"] in (". lub 0", "-", "- lub 0")}
    assert set(B.NO_DATA_ATTRS) == no_data
    assert attrs[97]["symbol"] == "p" and set(B.COMBINED_ATTRS) == {97}
    assert set(attrs) == set(B.NO_DATA_ATTRS) | set(B.COMBINED_ATTRS) | B.VALUE_ATTRS
    real = samples["data"]["get_data_by_variable"][2]  # MAŁOPOLSKIE, real values
    vals = [dict(v) for v in real["values"][:4]]
    vals[1]["attrId"], vals[2]["attrId"], vals[3]["attrId"] = 4, 97, 7
    raw, counts = B.records_to_raw([{"id": real["id"], "name": real["name"], "values": vals}], VAR, "osoba")
    assert raw["value"].tolist()[0] == real["values"][0]["val"]
    assert math.isnan(raw["value"].iloc[1]) and math.isnan(raw["value"].iloc[2])  # x, and powiat+city "p"
    assert raw["value"].iloc[3] == real["values"][3]["val"]  # "a": value below the shown precision is a value
    assert counts == {1: 1, 4: 1, 97: 1, 7: 1}


def test_variable_metadata_from_the_real_samples(replay, client_factory):
    meta = B.variable_meta(client_factory(), VAR)
    assert meta.subject_id == "P1313" and meta.parts == ("ogółem", "25-29") and meta.level == 6
    assert meta.measure_unit == "osoba" and meta.subject_path == ("Gmina councillors by sex and age",)
    assert meta.name == "Gmina councillors by sex and age — ogółem, 25-29"


def test_search_returns_subjects_and_variables(replay, client_factory):
    subjects, variables = B.search(client_factory(), "kobiety")
    assert list(subjects["id"]) == ["K43", "K27"]
    assert 8 in set(variables["id"]) and variables.set_index("id").loc[8, "subject_id"] == "P1312"
    assert variables.set_index("id").loc[9185, "name"] == "kobiety, 60 lat i więcej"


# -- failures -----------------------------------------------------------------------------------

def test_429_then_success_backs_off_and_goes_on(replay, client_factory):
    replay.fail(f"variables/{VAR}", 429, body={"errorReason": "Przekroczono limit zapytań"})
    c = client_factory()
    assert B.variable_meta(c, VAR).id == VAR
    assert c.sleeps == [0.01]  # one backoff step
    assert [p for p, _, _ in replay.requests].count(f"variables/{VAR}") == 2


def test_429_with_a_long_retry_after_stops_with_the_servers_reason(replay, client_factory):
    replay.fail(f"variables/{VAR}", 429, body={"errorReason": "Limit 100 zapytań na 15 min"},
                headers={"Retry-After": "900"})
    c = client_factory()
    with pytest.raises(B.BdlQuotaExceeded) as err:
        B.variable_meta(c, VAR)
    assert err.value.reason == "Limit 100 zapytań na 15 min" and err.value.reset_at is not None
    assert c.sleeps == []  # no 15-minute sleep inside a request


def test_500_is_retried_with_backoff(replay, client_factory):
    replay.fail(f"variables/{VAR}", 500, times=2)
    c = client_factory()
    assert B.variable_meta(c, VAR).id == VAR
    assert c.sleeps == [0.01, 0.02]


def test_persistent_500_is_a_server_error(replay, client_factory):
    replay.fail(f"variables/{VAR}", 503, times=10, body={"errorReason": "Service Unavailable"})
    with pytest.raises(B.BdlServerError, match="503"):
        B.variable_meta(client_factory(), VAR)


def test_timeout_then_success(replay, client_factory):
    replay.fail(f"variables/{VAR}", 200, delay=1.0)  # slower than the client's 0.5 s timeout
    c = client_factory()
    assert B.variable_meta(c, VAR).id == VAR
    assert len(c.sleeps) == 1


def test_persistent_timeout_is_reported(replay, client_factory):
    replay.fail(f"variables/{VAR}", 200, delay=1.0, times=3)
    with pytest.raises(B.BdlTimeout):
        B.variable_meta(client_factory(retries=2), VAR)


def test_offline_fails_fast(client_factory):
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    c = client_factory(base_url=f"http://127.0.0.1:{port}/api/v1")
    with pytest.raises(B.BdlOffline):
        B.variable_meta(c, VAR)
    assert len(c.sleeps) == 1


def test_unknown_variable_is_not_found(replay, client_factory):
    with pytest.raises(B.BdlNotFound):
        B.variable_meta(client_factory(), 999999)


# -- cache, quota, key --------------------------------------------------------------------------

def test_repeated_fetch_comes_from_the_disk_cache(replay, client_factory):
    first = B.fetch_variable(client_factory(), VAR, "gmina", [2018, 2024])
    n = len(replay.requests)
    c2 = client_factory()
    second = B.fetch_variable(c2, VAR, "gmina", [2018, 2024])
    assert len(replay.requests) == n and c2.network_requests == 0 and c2.cached_requests >= 4
    pd.testing.assert_frame_equal(first.raw, second.raw)


def test_quota_is_refused_before_sending_and_shared_through_the_cache_dir(replay, tmp_path):
    now = [1_000_000.0]
    path = tmp_path / "cache" / "bdl" / "quota.json"
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps({"anonymous": [now[0] - 60 - i for i in range(100)]}))  # 100 in the last 15 min
    with B.BdlClient(replay.base_url, cache_dir=tmp_path / "cache", clock=lambda: now[0], sleep=lambda s: None) as c:
        assert c.quota.summary()[1] == ("15 min", 100, 100)
        with pytest.raises(B.BdlQuotaExceeded) as err:
            c.get(f"variables/{VAR}")
    assert err.value.window == 900 and err.value.limit == 100
    assert err.value.reset_at == pytest.approx(now[0] + 900 - 60 - 99)
    assert replay.requests == []


def test_per_second_limit_is_waited_out():
    now = [500.0]
    waits = []
    q = B.Quota(clock=lambda: now[0], stamps=[499.5, 499.6, 499.7, 499.8, 499.9])
    wait, window = q.wait_time()
    assert window == 1 and wait == pytest.approx(0.5)
    c = B.BdlClient("http://127.0.0.1:9/api/v1", clock=lambda: now[0], sleep=waits.append)
    c.quota = q
    c._throttle()
    assert waits == [pytest.approx(0.5)]
    c.close()


def test_client_id_is_sent_only_when_configured(replay, client_factory):
    B.variable_meta(client_factory(client_id="abc-123", use_cache=False), VAR)
    B.variable_meta(client_factory(use_cache=False), VAR)
    sent = [h.get("X-ClientId") for p, _, h in replay.requests if p == f"variables/{VAR}"]
    assert sent == ["abc-123", None]
    assert B.Quota(registered=True).limits() == {1: 10, 900: 500, 43200: 5000}


# -- into the store -----------------------------------------------------------------------------

@pytest.fixture
def store_copy(sqlite_settings, tmp_path):
    path = tmp_path / "live.sqlite"
    shutil.copy(sqlite_settings.sqlite_path, path)
    s = Store(f"sqlite:///{path}")
    yield s
    s.dispose()


def _series(samples, i, year):
    return next(v["val"] for v in samples["data"]["get_data_by_variable"][i]["values"] if v["year"] == str(year))


def test_fetch_stores_values_rollups_and_metadata(replay, client_factory, store_copy, samples):
    before = store_copy.meta()["ingest_id"]
    imp = import_bdl(store_copy, fetch_bdl(client_factory(), VAR, "gmina", [2018, 2024]), rule="sum")
    assert imp.spec["id"] == "bdl_10" and imp.spec["unit_pl"] == "osoba"
    assert store_copy.meta()["ingest_id"] != before
    units = sorted(u["id"] for u in gmina_units_with_parts(store_copy.units()))
    order = [u["id"] for u in gmina_units_with_parts(store_copy.units())]
    # Bochnia (urban, 011212001011) is the first sample unit: it got the POLSKA series (index 0)
    v = store_copy.values(units=["1201011"], indicators=["bdl_10"], years=[2018])
    assert v["value"].iloc[0] == _series(samples, order.index("011212001011") % 3, 2018) and v["method"].iloc[0] == "source"
    parts = [u for u in units if u[-1] in "45"]
    assert imp.skipped == {"town part": len(parts) // 2, "rural part": len(parts) // 2}
    gminy = store_copy.values(indicators=["bdl_10"], years=[2018], level="gmina")
    pow_ = store_copy.values(units=["1201"], indicators=["bdl_10"], years=[2018]).iloc[0]
    assert pow_["method"] == "aggregated" and pow_["value"] == gminy["value"].sum()
    assert (pow_["n"], pow_["of"]) == (len(gminy), len(store_copy.units("gmina").query("parent_code == '1201'")))
    woj = store_copy.values(units=["12"], indicators=["bdl_10"], years=[2018]).iloc[0]
    assert math.isnan(woj["value"]) and "withheld" in woj["flag"]  # 9 of 182 gminy: no honest total
    src = store_copy.sources().set_index("id").loc["bdl_api_10"]
    assert src["kind"] == "bdl_api" and src["vintage"] == "BDL 2025-05-14" and src["retrieved"][:4] >= "2025"
    ind = store_copy.indicators()["bdl_10"]
    assert ind.aggregation.rule == "sum" and "P1313" not in ind.name_pl and "25-29" in ind.name_pl


def test_failed_fetch_changes_nothing_and_a_rerun_resumes_from_the_cache(replay, client_factory, store_copy):
    before = store_copy.meta()["ingest_id"]
    path = f"data/by-variable/{VAR}"
    # page 2 keeps failing: the first run gives up after its retries
    pages_before = len(data_paths(replay))
    orig = replay._page

    def page(p, query, q):
        if p == path and q.get("page") == ["2"] and not getattr(replay, "healed", False):
            raise ReplayError(500, "Internal Server Error")
        return orig(p, query, q)

    replay._page = page
    with pytest.raises(B.BdlApiError):
        import_bdl(store_copy, fetch_bdl(client_factory(retries=1), VAR, "gmina", [2018]), rule="sum")
    assert store_copy.meta()["ingest_id"] == before and "bdl_10" not in store_copy.indicators()
    fetched_first = [q.get("page", ["0"])[0] for p, q in data_paths(replay)[pages_before:]]
    assert fetched_first[:2] == ["0", "1"]
    replay.healed = True
    n = len(data_paths(replay))
    c = client_factory()
    import_bdl(store_copy, fetch_bdl(c, VAR, "gmina", [2018]), rule="sum")
    again = [q.get("page", ["0"])[0] for p, q in data_paths(replay)[n:]]
    assert "0" not in again and "1" not in again and "2" in again  # pages 0-1 came from the cache
    assert "bdl_10" in store_copy.indicators()


def test_refetch_replaces_the_fetched_years_and_keeps_others(replay, client_factory, store_copy):
    import_bdl(store_copy, fetch_bdl(client_factory(), VAR, "gmina", [2018, 2024]), rule="sum")
    path = f"data/by-variable/{VAR}"
    replay.paged[path] = [{**r, "values": [{**v, "val": v["val"] + 1000} for v in r["values"]]}
                          for r in replay.paged[path]]
    old = store_copy.values(units=["1201011"], indicators=["bdl_10"]).set_index("year")["value"]
    import_bdl(store_copy, fetch_bdl(client_factory(use_cache=False), VAR, "gmina", [2024]))
    new = store_copy.values(units=["1201011"], indicators=["bdl_10"]).set_index("year")["value"]
    assert new[2024] == old[2024] + 1000 and new[2018] == old[2018]
    assert store_copy.indicators()["bdl_10"].aggregation.rule == "sum"  # the earlier choice is kept


def test_rate_like_variable_is_not_summed_by_default(replay, client_factory, store_copy, samples):
    meta = dict(samples["variables"]["get_variable"], measureUnitName="%")
    replay.detail[f"variables/{VAR}"] = meta
    imp = import_bdl(store_copy, fetch_bdl(client_factory(), VAR, "gmina", [2018]))
    assert imp.result.rule == "none" and imp.spec["levels"] == ["gmina"]
    assert store_copy.values(units=["1201", "12", "PL"], indicators=["bdl_10"]).empty


# -- CLI ----------------------------------------------------------------------------------------

@pytest.fixture
def run_cli(store_copy, replay, tmp_path):
    def run(*args, url=None):
        env = {**os.environ, "MRL_DATABASE_URL": store_copy.url, "MRL_BDL_API_URL": url or replay.base_url,
               "MRL_CACHE_DIR": str(tmp_path / "clicache"), "MRL_I18N_STRICT": "1"}
        return subprocess.run([sys.executable, str(ROOT / "cli.py"), *args], capture_output=True, text=True,
                              env=env, timeout=120)
    return run


def test_cli_fetch_then_show(run_cli):
    res = run_cli("bdl", "fetch", str(VAR), "--level", "gmina", "--year", "2018", "--aggregation", "sum", "--quiet")
    assert res.returncode == 0, res.stderr
    assert "stored bdl_10" in res.stdout and "town part" in res.stdout and "quota 1 s:" in res.stdout
    show = run_cli("show", "--teryt", "1201", "--indicator", "bdl_10")
    assert show.returncode == 0
    assert "bdl_api_10 (computed: aggregated 9/9)" in show.stdout or "bdl_api_10 (computed: aggregated" in show.stdout


def test_cli_fetch_offline_is_a_clear_message_and_exit_1(run_cli):
    res = run_cli("bdl", "fetch", str(VAR), "--level", "gmina", "--year", "2018", "--quiet",
                  url="http://127.0.0.1:9/api/v1")
    assert res.returncode == 1
    assert "are you offline" in res.stderr and "Nothing was changed" in res.stderr and "Traceback" not in res.stderr


def test_cli_search_lists_curated_and_api_results(run_cli):
    res = run_cli("bdl", "search", "kobiety")
    assert res.returncode == 0, res.stderr
    lines = res.stdout.splitlines()
    assert lines[0] == "kind,id,subject,name,level,unit,verified"
    assert any(x.startswith("curated,8,P1312,") and x.endswith(",yes") for x in lines)
    assert any(x.startswith("variable,9185,P1313,") for x in lines)


@pytest.mark.parametrize("args,needle", [
    (("bdl", "fetch", "10", "--level", "gmina"), "required"),
    (("bdl", "fetch", "10", "--level", "miasto", "--year", "2020"), "invalid choice"),
    (("bdl", "fetch", "10", "--level", "gmina", "--year", "1990"), "year out of range"),
    (("bdl", "search", "a"), "at least 2 characters"),
])
def test_cli_bad_bdl_input_is_one_line(run_cli, args, needle):
    res = run_cli(*args)
    assert res.returncode == 2 and len(res.stderr.strip().splitlines()) == 1 and needle in res.stderr
