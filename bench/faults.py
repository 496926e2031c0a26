"""Faults (issue 9, part 4): killed ingests and refreshes, a PostgreSQL restart under a running app.

    /tmp/venv/bin/python bench/faults.py [--kills 10] [--pg-kills 6] [--refresh-kills 8] [--seed N]
        [--skip sqlite,pg,refresh,restart] [--pg-url postgresql+psycopg://postgres@127.0.0.1:54329/postgres]

(a) **Killed ingest.** ``cli.py ingest`` runs in a subprocess and is SIGKILLed (whole process
    group) at seeded random times spread over a full run's duration (measured first, in the same
    run). After each kill: the previous store is intact — same ingest id, same row count in every
    table, same file hash (SQLite), ``PRAGMA quick_check`` ok — and a live Streamlit server on that
    store serves Kraków's profile with the right population, once *while* the ingest runs and
    once after the kill (real Chromium via Playwright, loopback only). The phase the ingest was in
    (its progress label) is recorded. Then a full ingest succeeds, the app shows the new store and
    no half-built database is left behind. SQLite: a scratch store in bench/out/faults/.
    PostgreSQL: a fresh database created for the run on ``--pg-url``'s server (dropped at the end).
(b) **Killed BDL API refresh.** ``cli.py bdl fetch`` against the local replay server of the real
    recorded API answers (tests/bdl_replay.py; nothing leaves 127.0.0.1, each answer delayed so a
    run lasts seconds), SIGKILLed at seeded random points → store intact; then a full refresh
    stores the variable.
(c) **PostgreSQL restart under a running app**, on a private throw-away cluster
    (initdb into /tmp/mrl-faults-pg, port 54340; other users of the shared test cluster are not
    disturbed): the app serves a profile; the server stops → the next interaction shows the
    localised "database unavailable" message, no traceback; the server starts → the next
    interaction shows the right data again. Also a fast restart (``pg_ctl restart -m fast``) between
    two interactions: the first interaction after it must already succeed (pool pre-ping).

Results: bench/results/faults.txt (committed), bench/out/faults.json.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.fuzz import store_fingerprint  # noqa: E402

RESULTS = ROOT / "bench" / "results"
OUT = ROOT / "bench" / "out"
PG_BIN = Path("/usr/lib/postgresql/15/bin")
PRIVATE_PG = Path("/tmp/mrl-faults-pg")
PRIVATE_PORT = 54340
# Kraków (GUS 2024) and Bolesławiec (rural gmina): the numbers the profile must show
CHECKS = [("1261011", "809 168"), ("0201022", "15 359"), ("1465011", "1 863 845")]
UNAVAILABLE_PL = "Baza danych jest chwilowo niedostępna"
EXPECT_TIMEOUT_S = 90


def log(msg: str) -> None:
    print(f"{time.strftime('%H:%M:%S')} {msg}", flush=True)


# -------------------------------------------------------------------------------------------------
# The store
# -------------------------------------------------------------------------------------------------

def open_store(url: str):
    from store.db import Store

    return Store(url, schema="mrl")


def state_of(url: str) -> dict:
    """Fingerprint + integrity of the live store at ``url``."""
    from sqlalchemy import text

    s = open_store(url)
    try:
        fp = store_fingerprint(s)
        with s.engine.connect() as conn:
            if s.is_sqlite:
                fp["integrity"] = conn.execute(text("PRAGMA quick_check")).scalar()
            else:
                # every table readable (the counts above) and no value without its unit/indicator
                orphans = conn.execute(text(
                    'SELECT count(*) FROM "mrl".value v LEFT JOIN "mrl".unit u ON u.sk = v.unit_sk '
                    'LEFT JOIN "mrl".indicator i ON i.sk = v.indicator_sk WHERE u.sk IS NULL OR i.sk IS NULL'
                )).scalar()
                fp["integrity"] = "ok" if orphans == 0 else f"{orphans} orphan values"
        return fp
    finally:
        s.dispose()


def outcome(before: dict, after: dict) -> str:
    """"old" = the previous store untouched; "new" = the killed run had already swapped in a complete
    store (killed after the commit: new ingest id, integrity ok, every data table as full as before);
    anything else is "BROKEN"."""
    if after == before:
        return "old"
    data = ("unit", "value", "indicator", "boundary", "layer", "source")
    if (after.get("ingest_id") != before.get("ingest_id") and after.get("integrity") == "ok"
            and all((after.get(k) or 0) >= (before.get(k) or 0) for k in data)):
        return "new"
    return "BROKEN"


def leftovers(url: str) -> list[str]:
    """Half-built databases of killed ingests (files next to the SQLite store, ``mrl_new_*`` schemas)."""
    if url.startswith("sqlite"):
        p = Path(url.split("sqlite:///", 1)[1])
        return sorted(x.name for x in p.parent.glob(p.name + ".tmp-*"))
    from sqlalchemy import create_engine, text

    eng = create_engine(url)
    try:
        with eng.connect() as conn:
            return list(conn.execute(text("SELECT schema_name FROM information_schema.schemata "
                                          "WHERE schema_name LIKE 'mrl\\_new\\_%'")).scalars())
    finally:
        eng.dispose()


# -------------------------------------------------------------------------------------------------
# A subprocess we kill
# -------------------------------------------------------------------------------------------------

PHASE = re.compile(r"([A-Za-z][^:\r\n|]{0,40}):\s+\d+%")


def run_and_kill(cmd: list[str], env: dict, at_s: float | None, log_path: Path, during=None,
                 kill_on: tuple[str, float] | None = None) -> dict:
    """Start ``cmd``; SIGKILL its process group after ``at_s`` seconds, or ``delay`` seconds after
    its output first shows ``label`` (``kill_on=(label, delay)``); neither = let it finish.
    ``during()`` runs meanwhile (e.g. a browser check). Returns what happened."""
    fh = log_path.open("w")
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=fh, stderr=subprocess.STDOUT, start_new_session=True)
    killed = threading.Event()
    killed_at = []

    def kill():
        if proc.poll() is None:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
                killed_at.append(time.perf_counter() - t0)
                killed.set()
            except ProcessLookupError:
                pass

    def watch(label: str, delay: float):
        while proc.poll() is None:
            if label in log_path.read_text(errors="replace"):
                time.sleep(delay)
                kill()
                return
            time.sleep(0.02)

    timer = threading.Timer(at_s, kill) if at_s is not None else None
    if timer:
        timer.start()
    if kill_on:
        threading.Thread(target=watch, args=kill_on, daemon=True).start()
    during_result = during() if during else None
    rc = proc.wait(timeout=1800)
    if timer:
        timer.cancel()
    fh.close()
    out = log_path.read_text(errors="replace")
    phases = PHASE.findall(out)
    return {"killed": killed.is_set(), "rc": rc, "seconds": round(time.perf_counter() - t0, 2),
            "killed_at_s": round(killed_at[0], 2) if killed_at else None,
            "phase": phases[-1].strip() if phases else ("(before first progress)" if killed.is_set() else ""),
            "during": during_result, "tail": out[-300:] if rc not in (0, -9) else ""}


# -------------------------------------------------------------------------------------------------
# The live app and a browser
# -------------------------------------------------------------------------------------------------

class LiveApp:
    def __init__(self, url: str, log_path: Path, pw):
        from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, start_app

        env = {"MRL_DATABASE_URL": url, "MRL_I18N_STRICT": "1", "MRL_PUBLIC_MODE": "0"}
        self.proc, self.base = start_app(env, log_path)
        self.browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        self.ctx = self.browser.new_context(viewport={"width": 1400, "height": 900})
        self.blocked: list[str] = []
        self.ctx.route("**/*", self._route)
        self.page = self.ctx.new_page()
        self.page.set_default_timeout(EXPECT_TIMEOUT_S * 1000)
        self.page.goto(self.base + "/", wait_until="domcontentloaded")  # boots st.navigation
        self.page.get_by_test_id("stSidebar").wait_for()

    def _route(self, route):
        from tests.e2e.conftest import loopback_only
        loopback_only(route, self.blocked)

    def profile(self, unit: str, expect: str, *, alt: str | None = None) -> dict:
        """Open /profil?unit=..; wait for ``expect`` (or ``alt``) in the page. Returns what was seen."""
        t0 = time.perf_counter()
        try:
            self.page.goto(f"{self.base}/profil?unit={unit}", wait_until="domcontentloaded")
            found = self.page.wait_for_function(
                """([a, b]) => { const m = document.querySelector('[data-testid="stMain"]');
                    if (!m) return null; const t = m.innerText.replace(/\\u00a0/g, ' ');
                    if (t.includes(a)) return 'data'; if (b && t.includes(b)) return 'message';
                    if (t.includes('Traceback')) return 'traceback'; return null; }""",
                arg=[expect, alt or ""], timeout=EXPECT_TIMEOUT_S * 1000).json_value()
        except Exception as exc:  # noqa: BLE001 - a timeout is an outcome to report
            found = f"timeout/error: {type(exc).__name__}"
        text = ""
        try:
            text = self.page.get_by_test_id("stMain").inner_text()
        except Exception:  # noqa: BLE001
            pass
        return {"unit": unit, "seen": found, "seconds": round(time.perf_counter() - t0, 2),
                "traceback": "Traceback" in text, "exception_box": self.page.locator(
                    '[data-testid="stException"]').count() > 0}

    def ok(self, unit="1261011", expect="809 168") -> bool:
        r = self.profile(unit, expect)
        return r["seen"] == "data" and not r["traceback"] and not r["exception_box"]

    def close(self):
        try:
            self.ctx.close()
            self.browser.close()
        finally:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()


# -------------------------------------------------------------------------------------------------
# (a) killed ingests
# -------------------------------------------------------------------------------------------------

def kill_points(rng: random.Random, n: int, total: float) -> list[float]:
    """``n`` times spread over the run: one random point in each of n equal slices of [3 %, 97 %]."""
    lo, hi = 0.03 * total, 0.97 * total
    width = (hi - lo) / n
    return [round(lo + width * (i + rng.random()), 2) for i in range(n)]


def ingest_kills(name: str, url: str, n: int, rng: random.Random, pw, workdir: Path) -> dict:
    env = {**os.environ, "MRL_DATABASE_URL": url, "PYTHONUNBUFFERED": "1"}
    cmd = [sys.executable, str(ROOT / "cli.py"), "ingest"]
    log(f"[{name}] first full ingest (also measures the run time)")
    first = run_and_kill(cmd, env, None, workdir / f"{name}-ingest-0.log")
    if first["rc"] != 0:
        raise RuntimeError(f"[{name}] ingest failed: {first['tail']}")
    total = first["seconds"]
    base = state_of(url)
    log(f"[{name}] ingest took {total:.0f} s; starting the app")
    app = LiveApp(url, workdir / f"{name}-app.log", pw)
    runs = []
    try:
        app_ok_start = app.ok()
        units = iter(CHECKS * 100)
        for i, at in enumerate(kill_points(rng, n, total), 1):
            unit, expect = next(units)
            r = run_and_kill(cmd, env, at, workdir / f"{name}-ingest-{i}.log",
                             during=lambda u=unit, e=expect: app.ok(u, e))
            after = state_of(url)
            r.update(at_s=at, store=outcome(base, after), integrity=after.get("integrity"),
                     app_after=app.ok(), leftovers=len(leftovers(url)))
            r["intact"] = r["store"] != "BROKEN"
            if r["store"] == "new":  # the run swapped in (or finished) before its kill: the new baseline
                base = after
            runs.append(r)
            log(f"[{name}] kill {i}/{n} at {at:.1f} s in '{r['phase']}': killed={r['killed']} intact={r['intact']} "
                f"app during={r['during']} after={r['app_after']} leftovers={r['leftovers']}")
        # time-spread points rarely land in short phases (the write and the swap take seconds): one
        # more kill in every phase the first run went through, shortly after it began
        families: dict[str, str] = {}
        for label in PHASE.findall((workdir / f"{name}-ingest-0.log").read_text(errors="replace")):
            label = label.strip()
            fam = label.split()[0]
            if fam == "read":
                families.setdefault(fam + str(rng.random() < 0.5), label)
            else:
                families.setdefault(fam, label)
        for j, label in enumerate(families.values(), 1):
            delay = round(rng.uniform(0, 1.5), 2)
            unit, expect = next(units)
            r = run_and_kill(cmd, env, None, workdir / f"{name}-ingest-p{j}.log",
                             during=lambda u=unit, e=expect: app.ok(u, e), kill_on=(label, delay))
            after = state_of(url)
            r.update(at_s=r["killed_at_s"] or r["seconds"], trigger=f"'{label}' +{delay}s",
                     store=outcome(base, after), integrity=after.get("integrity"), app_after=app.ok(),
                     leftovers=len(leftovers(url)))
            r["intact"] = r["store"] != "BROKEN"
            if r["store"] == "new":
                base = after
            runs.append(r)
            log(f"[{name}] phase kill {j}/{len(families)} on {r['trigger']} at {r['at_s']} s in '{r['phase']}': "
                f"killed={r['killed']} intact={r['intact']} app during={r['during']} after={r['app_after']} "
                f"leftovers={r['leftovers']}")
        final = run_and_kill(cmd, env, None, workdir / f"{name}-ingest-final.log")
        fin = state_of(url)
        result = {"backend": name, "full_ingest_s": total, "app_ok_at_start": app_ok_start, "kills": runs,
                  "final_ok": final["rc"] == 0 and fin.get("ingest_id") != base.get("ingest_id"),
                  "final_s": final["seconds"], "final_integrity": fin.get("integrity"),
                  "final_rows": {k: v for k, v in fin.items() if k in ("unit", "value", "indicator")},
                  "app_after_final": app.ok(), "leftovers_after_final": leftovers(url),
                  "blocked": app.blocked[:5]}
    finally:
        app.close()
    return result


# -------------------------------------------------------------------------------------------------
# (b) killed BDL API refreshes
# -------------------------------------------------------------------------------------------------

def refresh_kills(url: str, n: int, rng: random.Random, workdir: Path) -> dict:
    from tests.bdl_replay import Replay, data_results, gmina_units_with_parts, sample

    class SlowReplay(Replay):
        delay = 0.25

        def _handle(self, h):
            time.sleep(self.delay)
            return super()._handle(h)

    var = 10
    s = open_store(url)
    units = s.units()
    s.dispose()
    r = SlowReplay(page_size=2)
    r.detail[f"variables/{var}"] = sample("variables")["get_variable"]
    subj = {x["id"]: x for x in sample("subjects")["list_subjects"]}
    r.detail["subjects/P1313"] = subj["P1313"]
    r.paged[f"data/by-variable/{var}"] = data_results(gmina_units_with_parts(units))
    r.extra[f"data/by-variable/{var}"] = {"variableId": var, "measureUnitId": 26, "lastUpdate": "2025-05-14T15:05:15.743"}
    r.start()
    try:
        def env(k):
            return {**os.environ, "MRL_DATABASE_URL": url, "MRL_BDL_API_URL": r.base_url,
                    "MRL_CACHE_DIR": str(workdir / f"bdlcache-{k}"), "MRL_I18N_STRICT": "1"}
        cmd = [sys.executable, str(ROOT / "cli.py"), "bdl", "fetch", str(var), "--level", "gmina",
               "--year", "2018", "--year", "2019", "--aggregation", "sum"]
        base = state_of(url)
        probe_store = workdir / "refresh-probe.sqlite"
        if url.startswith("sqlite"):  # measure a full run on a copy, so the store itself is unchanged
            shutil.copy(url.split("sqlite:///", 1)[1], probe_store)
            probe = run_and_kill(cmd, {**env("probe"), "MRL_DATABASE_URL": f"sqlite:///{probe_store}"}, None,
                                 workdir / "refresh-probe.log")
            total = probe["seconds"]
            probe_store.unlink(missing_ok=True)
        else:
            total = 10.0
        runs = []
        for i, at in enumerate(kill_points(rng, n, total), 1):
            res = run_and_kill(cmd, env(i), at, workdir / f"refresh-{i}.log")
            after = state_of(url)
            res.update(at_s=at, store=outcome(base, after) if res["killed"] else "new", integrity=after.get("integrity"),
                       requests=len(r.requests))
            res["intact"] = res["store"] != "BROKEN"
            if res["store"] == "new":
                base = after
            runs.append(res)
            log(f"[refresh] kill {i}/{n} at {at:.2f} s: killed={res['killed']} intact={res['intact']}")
        final = run_and_kill(cmd, env("final"), None, workdir / "refresh-final.log")
        s = open_store(url)
        stored = len(s.values(indicators=[f"bdl_{var}"]))
        s.dispose()
        return {"full_refresh_s": total, "kills": runs, "final_ok": final["rc"] == 0 and stored > 0,
                "final_values": stored, "requests_served": len(r.requests)}
    finally:
        r.stop()


# -------------------------------------------------------------------------------------------------
# (c) PostgreSQL restart under a running app (private cluster)
# -------------------------------------------------------------------------------------------------

def pg_ctl(*args: str, check=True) -> subprocess.CompletedProcess:
    cmd = ["runuser", "-u", "postgres", "--", str(PG_BIN / "pg_ctl"), "-D", str(PRIVATE_PG / "data"), *args]
    return subprocess.run(cmd, capture_output=True, text=True, check=check, timeout=120)


def private_cluster() -> str:
    """initdb + start a throw-away cluster; returns the URL of database ``mrl`` on it."""
    if PRIVATE_PG.exists():
        pg_ctl("stop", "-m", "immediate", check=False)
        shutil.rmtree(PRIVATE_PG)
    PRIVATE_PG.mkdir(parents=True)
    shutil.chown(PRIVATE_PG, "postgres", "postgres")
    subprocess.run(["runuser", "-u", "postgres", "--", str(PG_BIN / "initdb"), "-D", str(PRIVATE_PG / "data"),
                    "-A", "trust", "-U", "postgres", "--no-sync"], check=True, capture_output=True, timeout=120)
    start_private()
    import psycopg

    with psycopg.connect(f"host=127.0.0.1 port={PRIVATE_PORT} user=postgres dbname=postgres", autocommit=True) as c:
        c.execute("CREATE DATABASE mrl")
    return f"postgresql+psycopg://postgres@127.0.0.1:{PRIVATE_PORT}/mrl"


def start_private() -> None:
    pg_ctl("-l", str(PRIVATE_PG / "log"), "-w", "-o",
           f"-p {PRIVATE_PORT} -c listen_addresses=127.0.0.1 -k {PRIVATE_PG} -c fsync=off", "start")


def restart_test(pw, workdir: Path) -> dict:
    url = private_cluster()
    env = {**os.environ, "MRL_DATABASE_URL": url}
    log("[restart] ingest into the private cluster")
    ing = run_and_kill([sys.executable, str(ROOT / "cli.py"), "ingest", "--quiet"], env, None,
                       workdir / "restart-ingest.log")
    if ing["rc"] != 0:
        raise RuntimeError("ingest into the private cluster failed: " + ing["tail"])
    app = LiveApp(url, workdir / "restart-app.log", pw)
    steps = []

    def step(what, unit, expect):
        r = app.profile(unit, expect, alt=UNAVAILABLE_PL)
        r["step"] = what
        steps.append(r)
        log(f"[restart] {what}: {r['seen']} in {r['seconds']} s traceback={r['traceback']}")
        return r

    try:
        step("before", "1261011", "809 168")
        t = time.perf_counter()
        pg_ctl("stop", "-m", "fast")
        down_s = time.perf_counter() - t
        time.sleep(6)  # longer than the 5-s ingest-id cache: the app must ask the database
        step("server stopped", "0201022", "15 359")
        step("server stopped, again", "1465011", "1 863 845")
        start_private()
        step("server started again", "0201022", "15 359")
        pg_ctl("restart", "-m", "fast", "-w", "-l", str(PRIVATE_PG / "log"))
        step("right after restart -m fast", "1465011", "1 863 845")
        time.sleep(6)
        step("after restart, uncached unit", "1206172", "28 079")
    finally:
        app.close()
        pg_ctl("stop", "-m", "fast", check=False)
        shutil.rmtree(PRIVATE_PG, ignore_errors=True)
    return {"steps": steps, "stop_s": round(down_s, 2), "ingest_s": ing["seconds"]}


# -------------------------------------------------------------------------------------------------

def fresh_pg_database(server_url: str) -> tuple[str, str]:
    import psycopg

    name = f"mrl_faults_{uuid.uuid4().hex[:8]}"
    dsn = server_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(dsn, autocommit=True) as c:
        c.execute(f'CREATE DATABASE "{name}"')
    return server_url.rsplit("/", 1)[0] + "/" + name, name


def drop_pg_database(server_url: str, name: str) -> None:
    import psycopg

    dsn = server_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(dsn, autocommit=True) as c:
        c.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--kills", type=int, default=10)
    ap.add_argument("--pg-kills", type=int, default=6)
    ap.add_argument("--refresh-kills", type=int, default=8)
    ap.add_argument("--seed", type=int, default=4)
    ap.add_argument("--skip", default="")
    ap.add_argument("--pg-url", default="postgresql+psycopg://postgres@127.0.0.1:54329/postgres")
    args = ap.parse_args()
    skip = set(filter(None, args.skip.split(",")))
    os.environ.setdefault("MRL_I18N_STRICT", "1")
    from playwright.sync_api import sync_playwright

    workdir = OUT / "faults"
    workdir.mkdir(parents=True, exist_ok=True)
    rng = random.Random(args.seed)
    results: dict = {"seed": args.seed}
    t0 = time.perf_counter()
    with sync_playwright() as pw:
        sqlite_url = f"sqlite:///{workdir / 'mrl.sqlite'}"
        if "sqlite" not in skip:
            results["sqlite"] = ingest_kills("sqlite", sqlite_url, args.kills, rng, pw, workdir)
        if "refresh" not in skip:
            results["refresh"] = refresh_kills(sqlite_url, args.refresh_kills, rng, workdir)
        if "pg" not in skip:
            url, name = fresh_pg_database(args.pg_url)
            try:
                results["postgres"] = ingest_kills("postgres", url, args.pg_kills, rng, pw, workdir)
            finally:
                drop_pg_database(args.pg_url, name)
        if "restart" not in skip:
            results["restart"] = restart_test(pw, workdir)
    results["total_s"] = round(time.perf_counter() - t0)
    previous = OUT / "faults.json"
    if skip and previous.exists():  # parts not rerun: kept from the previous run, and labelled so
        old = json.loads(previous.read_text(encoding="utf-8"))
        for part in ("sqlite", "refresh", "postgres", "restart"):
            if part not in results and part in old:
                results[part] = {**old[part], "from_previous_run": old.get("finished", "?")}
    results["finished"] = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    (OUT / "faults.json").write_text(json.dumps(results, indent=1, default=str), encoding="utf-8")
    write_results(results)


def write_results(res: dict) -> None:
    from bench.profile_bench import head_lines

    os.environ["MRL_DATABASE_URL"] = "scratch stores per part (SQLite in bench/out/faults/, PostgreSQL below)"
    lines = head_lines("faults", "killed ingests/refreshes (SIGKILL of the process group at seeded random "
                                 "times) and a PostgreSQL restart under a running app")
    lines.append(f"seed {res['seed']}, total {res['total_s']} s")
    failures = 0
    for key in ("sqlite", "postgres"):
        r = res.get(key)
        if not r:
            continue
        lines += ["", f"## (a) ingest killed — {key} (full ingest {r['full_ingest_s']:.0f} s)"
                  + (f" [from the run finished {r['from_previous_run']}]" if r.get("from_previous_run") else ""),
                  f"{'#':>3}{'kill at':>9}  {'phase':<38}{'killed':>7}{'store after':>13}{'check':>7}"
                  f"{'app during':>12}{'app after':>11}{'leftovers':>11}"]
        for i, k in enumerate(r["kills"], 1):
            if k.get("trigger") and not r["kills"][i - 2].get("trigger"):
                lines.append("    then one kill per phase, shortly after the phase began:")
            bad = not (k["intact"] and k["during"] and k["app_after"] and k["integrity"] == "ok")
            failures += bad
            lines.append(f"{i:>3}{k['at_s']:>8.1f}s  {k['phase'][:37]:<38}{str(k['killed']):>7}"
                         f"{k.get('store', str(k['intact'])):>13}{str(k['integrity']):>7}{str(k['during']):>12}"
                         f"{str(k['app_after']):>11}{k['leftovers']:>11}")
        failures += not (r["final_ok"] and r["app_after_final"]) + bool(r["leftovers_after_final"]) + bool(r["blocked"])
        lines.append(f"then a full ingest: ok={r['final_ok']} in {r['final_s']:.0f} s, integrity {r['final_integrity']}, "
                     f"rows {r['final_rows']}, app serves the new store: {r['app_after_final']}, "
                     f"half-built databases left: {len(r['leftovers_after_final'])}, requests off loopback: "
                     f"{len(r['blocked'])}")
    r = res.get("refresh")
    if r:
        lines += ["", ("[from the previous run] " if r.get("from_previous_run") else "") + f"## (b) BDL API refresh killed (replay server on 127.0.0.1, full refresh {r['full_refresh_s']:.1f} s)",
                  f"{'#':>3}{'kill at':>9}{'killed':>8}{'store after':>13}{'check':>7}"]
        for i, k in enumerate(r["kills"], 1):
            failures += not k["intact"]
            lines.append(f"{i:>3}{k['at_s']:>8.2f}s{str(k['killed']):>8}{k.get('store', str(k['intact'])):>13}"
                         f"{str(k['integrity']):>7}")
        failures += not r["final_ok"]
        lines.append(f"then a full refresh: ok={r['final_ok']}, {r['final_values']} values of bdl_10 stored; "
                     f"{r['requests_served']} requests answered by the replay server")
    r = res.get("restart")
    if r:
        lines += ["", "## (c) PostgreSQL restarted under the running app (private cluster, port 54340)"
                  + (" [from the previous run]" if r.get("from_previous_run") else ""),
                  f"{'step':<34}{'page shows':>12}{'seconds':>9}{'traceback':>11}{'exception box':>15}"]
        want = {"before": "data", "server stopped": "message", "server stopped, again": "message",
                "server started again": "data", "right after restart -m fast": "data",
                "after restart, uncached unit": "data"}
        for s in r["steps"]:
            failures += s["seen"] != want.get(s["step"]) or s["traceback"] or s["exception_box"]
            lines.append(f"{s['step']:<34}{str(s['seen']):>12}{s['seconds']:>9}{str(s['traceback']):>11}"
                         f"{str(s['exception_box']):>15}")
        lines.append(f"(message = \"{UNAVAILABLE_PL} …\" in the page; data = the unit's population)")
    lines += ["", "store after a kill: old = the previous store, byte/row-identical; new = the run had already "
              "swapped in its complete store (killed after the commit); BROKEN = anything else",
              f"TOTAL FAILURES: {failures}"]
    text = "\n".join(lines) + "\n"
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "faults.txt").write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
