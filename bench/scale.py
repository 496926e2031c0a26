"""Scale benchmark: every query the pages issue, on a synthetic store of up to 37.5 M values.

    /tmp/venv/bin/python bench/scale.py --backend sqlite|postgres|both [--scale small|full]
        [--no-baseline] [--reps 40] [--budget 20] [--keep] [--plans]

For each backend it builds two synthetic stores with the same generated values (bench/synthetic.py;
clearly marked synthetic, never the app's store): the **app** store — today's schema, indexes,
load path and queries — and the naive **baseline** — the layout and queries before the scale work
(value as a rowid table on SQLite, non-covering (unit, indicator, year) index built during the
load, no planner statistics, no summary table, coverage/indicator_sources/indicator_years as
full GROUP BYs over ``value``, frames built from SQLAlchemy rows). Queries run interleaved
(app, baseline, app, ...) with the same random parameters, so the machine's noise hits both alike;
the table reports p50/p95 per query and the baseline/app ratio. Also: ingest throughput, store
size, peak memory of this process (and of the PostgreSQL backend serving it).

Results: bench/out/scale.txt (+ scale_<backend>.json, and scale_plans.txt with --plans).
SQLite stores: bench/out/scale_app.sqlite, scale_base.sqlite (removed unless --keep);
PostgreSQL schemas mrl_scale / mrl_scale_base (dropped unless --keep).

Adding a query is one line in QUERIES: ``Q("page", "what", lambda s, p: s.some_method(...))`` —
``p`` draws random indicators/units/years from the store's shape (same draws for app and baseline).
"""
from __future__ import annotations

import argparse
import json
import math
import os
import random
import resource
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Callable

import pandas as pd
from sqlalchemy import Column, Index, MetaData, PrimaryKeyConstraint, Table, event, text

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import synthetic as syn  # noqa: E402
from store import schema as S  # noqa: E402
from store.db import Store  # noqa: E402

OUT = ROOT / "bench" / "out"
PG_URL = os.environ.get("MRL_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:54329/mrl_test")
GOAL_MS = 100.0


# -------------------------------------------------------------------------------------------------
# Random parameters, identical for the app and the baseline run of one repetition
# -------------------------------------------------------------------------------------------------

class Params:
    def __init__(self, scale: syn.Scale, units: pd.DataFrame, seed: int):
        self.rng = random.Random(seed)
        self.scale = scale
        self.by_level = {lv: g["code"].tolist() for lv, g in units.groupby("level")}
        self.parent = dict(zip(units["code"], units["parent_code"]))

    def indicator(self) -> str:
        return syn.indicator_id(self.rng.randint(1, self.scale.indicators))

    def indicators(self, n: int) -> list[str]:
        n = min(n, self.scale.indicators)
        return [syn.indicator_id(k) for k in self.rng.sample(range(1, self.scale.indicators + 1), n)]

    def profile_indicators(self) -> list[str]:  # the catalogue's profile: true set (first 40)
        return [syn.indicator_id(k) for k in range(1, min(40, self.scale.indicators) + 1)]

    def year(self) -> int:
        return syn.FIRST_YEAR + self.rng.randrange(self.scale.years)

    def unit(self, level: str = "gmina") -> str:
        return self.rng.choice(self.by_level[level])

    def units(self, n: int, level: str = "gmina") -> list[str]:
        return self.rng.sample(self.by_level[level], min(n, len(self.by_level[level])))

    def gminy_of(self, powiat: str) -> list[str]:
        return [c for c in self.by_level["gmina"] if self.parent[c] == powiat]


@dataclass(frozen=True)
class Q:
    page: str
    what: str
    call: Callable[[Store, Params], object]
    page_query: bool = True  # False: shown for information, not held to the 100 ms goal


QUERIES: list[Q] = [
    Q("start", "meta()", lambda s, p: s.meta()),
    Q("start", "units() — unit picker", lambda s, p: s.units()),
    Q("start", "indicators() — 1 spec per indicator", lambda s, p: s.indicators()),
    Q("start", "unit_values(gmina) — headline figures", lambda s, p: s.unit_values(p.unit())),
    Q("mapa", "level_values(ind, year, gmina)", lambda s, p: s.level_values(p.indicator(), p.year(), "gmina")),
    Q("mapa", "level_values(ind, year, powiat)", lambda s, p: s.level_values(p.indicator(), p.year(), "powiat")),
    Q("mapa", "indicator_years(ind, gmina) — year slider", lambda s, p: s.indicator_years(p.indicator(), "gmina")),
    Q("profil", "unit_values(gmina) — all indicators", lambda s, p: s.unit_values(p.unit())),
    Q("profil", "unit_values(powiat)", lambda s, p: s.unit_values(p.unit("powiat"))),
    Q("profil", "values(unit, 40 profile indicators)",
      lambda s, p: s.values(units=[p.unit()], indicators=p.profile_indicators())),
    Q("porownania", "peers kNN: values(8 ind, 1 year, gmina)",
      lambda s, p: s.values(indicators=p.indicators(8), years=[p.year()], level="gmina")),
    Q("porownania", "ranking: values(1 ind, 1 year, powiat)",
      lambda s, p: s.values(indicators=[p.indicator()], years=[p.year()], level="powiat")),
    Q("porownania", "peer table: values(11 gminy, 8 ind)",
      lambda s, p: s.values(units=p.units(11), indicators=p.indicators(8))),
    Q("obszary", "area: values(15 gminy, 40 profile ind)",
      lambda s, p: s.values(units=p.units(15), indicators=p.profile_indicators())),
    Q("obszary", "area: values(gminy of a powiat, 1 ind)",
      lambda s, p: s.values(units=p.gminy_of(p.unit("powiat")), indicators=[p.indicator()])),
    Q("obszary", "area: values(15 gminy) — ALL indicators",
      lambda s, p: s.values(units=p.units(15)), page_query=False),
    Q("dane", "export: values(1 ind, all years, gmina)",
      lambda s, p: s.values(indicators=[p.indicator()], level="gmina")),
    Q("dane", "export: values(5 ind, 1 year, all levels)",
      lambda s, p: s.values(indicators=p.indicators(5), years=[p.year()])),
    Q("o-danych", "indicator_sources()", lambda s, p: s.indicator_sources()),
    Q("o-danych", "coverage()", lambda s, p: s.coverage()),
]


# -------------------------------------------------------------------------------------------------
# The naive baseline: schema, load path and queries as they were before the scale work
# -------------------------------------------------------------------------------------------------

class NaiveStore(Store):
    """Store with the pre-scale query code: no plan shaping, ORDER BY in SQL, GROUP BYs over
    ``value``, frames from SQLAlchemy Row objects, cell-by-cell conversion in bulk_insert."""

    def _read(self, stmt, params=None, *, native: bool = False) -> pd.DataFrame:
        with self.engine.connect() as conn:
            res = conn.execute(stmt, params or {})
            return pd.DataFrame(res.fetchall(), columns=list(res.keys()))

    def _value_select(self, *, by_indicator: bool = False):
        return super()._value_select(by_indicator=False)

    def values(self, *, units=None, indicators=None, years=None, level=None) -> pd.DataFrame:
        v, u, i = S.value.c, S.unit.c, S.indicator.c
        stmt = self._value_select()
        if units is not None:
            stmt = stmt.where(u.code.in_(list(units)))
        if indicators is not None:
            stmt = stmt.where(i.id.in_(list(indicators)))
        if years is not None:
            stmt = stmt.where(v.year.in_([int(y) for y in years]))
        if level is not None:
            stmt = stmt.where(u.level == level)
        return self._decode(self._read(stmt.order_by(i.id, u.code, v.year)))

    def indicator_years(self, indicator_id: str, level: str | None = None) -> list[int]:
        return sorted(int(y) for y in self._read(self._indicator_years_scan(indicator_id, level))["year"])

    def coverage(self) -> pd.DataFrame:
        return self._read(self._coverage_scan())

    def indicator_sources(self) -> pd.DataFrame:
        df = self._read(self._indicator_sources_scan())
        if not df.empty:
            df["method"] = df["method"].map(S.METHODS)
        return df

    def bulk_insert(self, table, frame: pd.DataFrame, conn=None) -> int:
        if frame.empty:
            return 0
        cols = list(frame.columns)
        rows = [tuple(None if (isinstance(x, float) and x != x) or x is pd.NA else
                      (x.item() if hasattr(x, "item") else x) for x in row)
                for row in frame.itertuples(index=False, name=None)]
        if not self.is_sqlite:
            raw = conn.connection.driver_connection
            col_sql = ", ".join(f'"{c}"' for c in cols)
            with raw.cursor() as cur:
                with cur.copy(f'COPY "{self.schema}"."{table.name}" ({col_sql}) FROM STDIN') as cp:
                    for row in rows:
                        cp.write_row(row)
        else:
            conn.exec_driver_sql(
                f'INSERT INTO "{table.name}" ({", ".join(cols)}) VALUES ({", ".join("?" * len(cols))})', rows)
        return len(rows)


_v1 = MetaData()
VALUE_V1 = Table("value", _v1, *(Column(c.name, c.type, nullable=c.nullable) for c in S.value.columns),
                 PrimaryKeyConstraint("indicator_sk", "year", "unit_sk", name="pk_value"))
Index("ix_value_unit", VALUE_V1.c.unit_sk, VALUE_V1.c.indicator_sk, VALUE_V1.c.year)


class BaselineLayout:
    """Schema 1: value as a rowid table (SQLite), both indexes maintained during the load, no
    statistics gathered, no value_summary."""
    name = "baseline"

    def create(self, store: Store) -> None:
        with store.engine.begin() as conn:
            if store.schema:
                conn.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{store.schema}"'))
            S.metadata.create_all(conn, tables=[t for t in S.metadata.sorted_tables
                                                if t.name not in ("value", "value_summary")])
            _v1.create_all(conn)

    def finish(self, store: Store) -> dict[str, float]:
        return {}


# -------------------------------------------------------------------------------------------------
# Measuring
# -------------------------------------------------------------------------------------------------

def percentile(xs: list[float], q: float) -> float:
    s = sorted(xs)
    return s[max(0, math.ceil(q * len(s)) - 1)]


def maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class CpuMeter:
    """CPU seconds used by this process plus the PostgreSQL backends serving ``store`` (the server
    runs on this machine: /proc/<pid>/schedstat, ns resolution). Wall-clock times on a shared
    2-core machine include waiting for other jobs; CPU time shows what a query itself costs.
    (Parallel-query workers of PostgreSQL are not counted.)"""

    def __init__(self, store: Store):
        self.pids: list[int] = []
        if not store.is_sqlite:
            store.engine.dispose()  # pooled connections are re-opened, so each one is seen here
            event.listen(store.engine, "connect", self._on_connect)

    def _on_connect(self, dbapi_conn, _record) -> None:
        cur = dbapi_conn.cursor()
        cur.execute("SELECT pg_backend_pid()")
        self.pids.append(int(cur.fetchone()[0]))
        cur.close()
        dbapi_conn.commit()

    def now(self) -> float:
        total = time.process_time()
        for pid in self.pids:
            try:
                total += int(Path(f"/proc/{pid}/schedstat").read_text().split()[0]) / 1e9
            except (OSError, ValueError):
                pass
        return total

    def backend_memory(self) -> dict[str, float]:
        """Peak and current resident memory (MB) of the backends (VmHWM counts touched shared buffers)."""
        out: dict[str, float] = {}
        for pid in self.pids:
            try:
                status = Path(f"/proc/{pid}/status").read_text()
            except OSError:
                continue
            for line in status.splitlines():
                key, _, val = line.partition(":")
                if key in ("VmHWM", "VmRSS"):
                    out[key] = max(out.get(key, 0.0), int(val.split()[0]) / 1024)
        return out


def store_size(store: Store) -> dict[str, int]:
    """Bytes: total, and per table/index of the value data."""
    if store.is_sqlite:
        path = Path(store.url.split("sqlite:///", 1)[1])
        out = {"total": path.stat().st_size}
        with store.engine.connect() as conn:
            for name, size in conn.exec_driver_sql(
                    "SELECT name, SUM(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC LIMIT 4"):
                out[name] = int(size)
        return out
    with store.engine.connect() as conn:
        total = conn.execute(text(
            "SELECT COALESCE(SUM(pg_total_relation_size(c.oid)), 0) FROM pg_class c JOIN pg_namespace n "
            "ON n.oid = c.relnamespace WHERE n.nspname = :s AND c.relkind = 'r'"), {"s": store.schema}).scalar()
        out = {"total": int(total)}
        for name, size in conn.execute(text(
                "SELECT c.relname, pg_relation_size(c.oid) FROM pg_class c JOIN pg_namespace n ON n.oid = "
                "c.relnamespace WHERE n.nspname = :s ORDER BY 2 DESC LIMIT 4"), {"s": store.schema}):
            out[name] = int(size)
        return out


def result_rows(res) -> int:
    return len(res) if hasattr(res, "__len__") else 1


def run_queries(stores: dict[str, Store], scale: syn.Scale, units: pd.DataFrame, *, reps: int,
                budget_s: float, warmup: int = 1, queries: list[Q] = QUERIES,
                meters: dict[str, CpuMeter] | None = None) -> list[dict]:
    """Run each query ``reps`` times per store, interleaved, stopping a store's series early when
    it has used ``budget_s`` (after 3 timed runs; after 1 if it has used 3x the budget, e.g. the
    baseline's full scans). Wall-clock and CPU milliseconds."""
    meters = meters or {name: CpuMeter(store) for name, store in stores.items()}
    results = []
    for qi, q in enumerate(queries):
        times = {name: [] for name in stores}
        cpu = {name: [] for name in stores}
        rows = {name: 0 for name in stores}
        spent = {name: 0.0 for name in stores}
        for rep in range(-warmup, reps):
            for name, store in stores.items():
                done = len(times[name])
                if (done >= 3 and spent[name] > budget_s) or (done >= 1 and spent[name] > 3 * budget_s):
                    continue
                p = Params(scale, units, seed=1000 * qi + rep)
                c = meters[name].now()
                t = time.perf_counter()
                res = q.call(store, p)
                dt = time.perf_counter() - t
                dc = meters[name].now() - c
                spent[name] += dt
                if rep >= 0:
                    times[name].append(dt * 1000)
                    cpu[name].append(dc * 1000)
                    rows[name] = max(rows[name], result_rows(res))
        row = {"page": q.page, "what": q.what, "page_query": q.page_query}
        for name in stores:
            ts, cs = times[name], cpu[name]
            row[name] = {"n": len(ts), "p50": percentile(ts, 0.5), "p95": percentile(ts, 0.95),
                         "max": max(ts), "cpu_p50": percentile(cs, 0.5), "cpu_p95": percentile(cs, 0.95),
                         "rows": rows[name]}
        results.append(row)
        print(f"  {q.page:<10} {q.what:<45} " + "  ".join(
            f"{n}: p50 {row[n]['p50']:8.1f} p95 {row[n]['p95']:8.1f} ms ({row[n]['rows']:,} rows)"
            for n in stores), flush=True)
    return results


class _Captured(Exception):
    pass


def capture_plans(store: Store, scale: syn.Scale, units: pd.DataFrame, queries: list[Q] = QUERIES) -> list[str]:
    """EXPLAIN the first statement on the value tables each query issues (same parameters); the
    statement itself is intercepted, not run (PostgreSQL's EXPLAIN ANALYZE runs it once)."""
    seen: list[tuple[str, object]] = []

    def grab(conn, cursor, statement, parameters, context, executemany):
        if "value" in statement and not statement.lstrip().upper().startswith("EXPLAIN"):
            seen.append((statement, parameters))
            raise _Captured

    lines = []
    for qi, q in enumerate(queries):
        seen.clear()
        event.listen(store.engine, "before_cursor_execute", grab)
        try:
            q.call(store, Params(scale, units, seed=qi))
        except _Captured:
            pass
        finally:
            event.remove(store.engine, "before_cursor_execute", grab)
        lines.append(f"== {q.page}: {q.what}")
        for statement, params in seen:
            prefix = "EXPLAIN QUERY PLAN " if store.is_sqlite else "EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) "
            with store.engine.connect() as conn:
                if not store.is_sqlite:
                    conn.exec_driver_sql(f'SET search_path TO "{store.schema}"')
                plan = conn.exec_driver_sql(prefix + statement, params).fetchall()
            lines += ["   " + (r[3] if store.is_sqlite else r[0]) for r in plan]
    return lines


# -------------------------------------------------------------------------------------------------
# One backend
# -------------------------------------------------------------------------------------------------

def stores_for(backend: str) -> tuple[Store, NaiveStore]:
    if backend == "sqlite":
        return (Store(f"sqlite:///{OUT / 'scale_app.sqlite'}"), NaiveStore(f"sqlite:///{OUT / 'scale_base.sqlite'}"))
    return Store(PG_URL, schema="mrl_scale"), NaiveStore(PG_URL, schema="mrl_scale_base")


def progress_printer(label: str):
    last = [0.0]

    def show(step: str, done: int, total: int) -> None:
        now = time.perf_counter()
        if now - last[0] > 15 or done == total:
            last[0] = now
            print(f"    {label}: {done:,}/{total:,} {step}", flush=True)
    return show


def run_backend(backend: str, scale_name: str, baseline: bool, reps: int, budget: float, keep: bool,
                plans: bool) -> dict:
    OUT.mkdir(parents=True, exist_ok=True)
    scale = syn.SCALES[scale_name]
    app, base = stores_for(backend)
    out: dict = {"backend": backend, "scale": str(scale), "scale_name": scale_name, "memory": {}}
    units = syn.synthetic_units(scale.units)
    try:
        print(f"[{backend}] building the app store: {scale}", flush=True)
        st = syn.build(app, scale, progress=progress_printer("app"))
        out["build_app"] = {**asdict(st), "scale": str(scale), "rows_per_s": st.rows_per_s,
                            "load_rows_per_s": st.load_rows_per_s}
        out["memory"]["after app build (process maxrss)"] = maxrss_mb()
        out["size_app"] = store_size(app)
        stores: dict[str, Store] = {"app": app}
        if baseline:
            print(f"[{backend}] building the baseline store: {scale}", flush=True)
            bt = syn.build(base, scale, layout=BaselineLayout(), progress=progress_printer("baseline"))
            out["build_base"] = {**asdict(bt), "scale": str(scale), "rows_per_s": bt.rows_per_s,
                                 "load_rows_per_s": bt.load_rows_per_s}
            out["size_base"] = store_size(base)
            stores["baseline"] = base
        out["memory"]["after builds (process maxrss)"] = maxrss_mb()
        print(f"[{backend}] queries ({reps} runs each, interleaved)", flush=True)
        meters = {name: CpuMeter(store) for name, store in stores.items()}
        out["loadavg_before"] = os.getloadavg()
        out["queries"] = run_queries(stores, scale, units, reps=reps, budget_s=budget, meters=meters)
        out["loadavg_after"] = os.getloadavg()
        out["memory"]["after queries (process maxrss)"] = maxrss_mb()
        if not app.is_sqlite:
            out["memory_pg_backend"] = meters["app"].backend_memory()
        if plans:
            out["plans"] = capture_plans(app, scale, units)
            if "baseline" in stores:
                out["plans_base"] = capture_plans(base, scale, units)
    finally:
        if not keep:
            syn.drop(app)
            if baseline:
                syn.drop(base)
    out["finished"] = time.strftime("%Y-%m-%d %H:%M")
    (OUT / f"scale_{backend}.json").write_text(json.dumps(out, indent=1, default=str))
    return out


# -------------------------------------------------------------------------------------------------
# Report
# -------------------------------------------------------------------------------------------------

def fmt_bytes(n: float) -> str:
    return f"{n / 1e9:.2f} GB" if n >= 1e9 else f"{n / 1e6:.1f} MB"


def report(results: list[dict]) -> str:
    lines = ["Scale benchmark — SYNTHETIC data (bench/synthetic.py), never real figures",
             f"report {time.strftime('%Y-%m-%d %H:%M')}, {os.cpu_count()} cores, python bench/scale.py",
             f"goal: every page query p95 <= {GOAL_MS:.0f} ms; times are wall-clock ms in this process",
             "(query + transfer + DataFrame), warm OS cache, interleaved app/baseline runs.", ""]
    for r in results:
        be = r["backend"]
        lines.append(f"=== {be}: {r['scale']}" + (f" (run finished {r['finished']})" if "finished" in r else ""))
        b = r["build_app"]
        lines.append(f"ingest (app): {b['rows']:,} rows in {b['total_s']:.0f} s = {b['rows_per_s']:,.0f} rows/s "
                     f"overall; load {b['load_s']:.0f} s ({b['load_rows_per_s']:,.0f} rows/s), then "
                     + ", ".join(f"{k} {v:.1f} s" for k, v in b["steps"].items() if k != "dimensions"))
        if "build_base" in r:
            bb = r["build_base"]
            lines.append(f"ingest (baseline, {bb['scale']}): {bb['rows']:,} rows in {bb['total_s']:.0f} s = "
                         f"{bb['rows_per_s']:,.0f} rows/s")
        sz = r["size_app"]
        lines.append("size (app): " + fmt_bytes(sz["total"]) + " total; " + ", ".join(
            f"{k} {fmt_bytes(v)}" for k, v in sz.items() if k != "total"))
        if "size_base" in r:
            sb = r["size_base"]
            lines.append("size (baseline): " + fmt_bytes(sb["total"]) + " total; " + ", ".join(
                f"{k} {fmt_bytes(v)}" for k, v in sb.items() if k != "total"))
        lines.append("peak memory: " + "; ".join(f"{k} {v:,.0f} MB" for k, v in r["memory"].items()))
        if r.get("memory_pg_backend"):
            lines.append("PostgreSQL backend serving the queries: " + ", ".join(
                f"{k} {v:,.0f} MB" for k, v in r["memory_pg_backend"].items()) + " (includes touched shared buffers)")
        la, lb = r.get("loadavg_before"), r.get("loadavg_after")
        if la and lb:
            lines.append(f"machine load average (1/5/15 min) before queries {la[0]:.1f}/{la[1]:.1f}/{la[2]:.1f}, "
                         f"after {lb[0]:.1f}/{lb[1]:.1f}/{lb[2]:.1f} (2 cores; > 2 means queries waited for a CPU)")
        has_base = any("baseline" in q for q in r["queries"])
        lines.append("")
        head = (f"{'page':<10} {'query':<46} {'rows':>7} {'p50':>6} {'p95':>6} {'cpu50':>6} {'cpu95':>6} goal")
        if has_base:
            head += f" | {'base p50':>8} {'base p95':>8} {'cpu50':>7} | {'ratio p50':>9} {'cpu':>6}"
        lines.append(head)
        for q in r["queries"]:
            a = q["app"]
            if not q["page_query"]:
                ok = "info"
            elif a["p95"] <= GOAL_MS:
                ok = "ok"
            else:
                ok = "cpu" if a["cpu_p95"] <= GOAL_MS else "MISS"
            line = (f"{q['page']:<10} {q['what']:<46} {a['rows']:>7,} {a['p50']:>6.1f} {a['p95']:>6.1f} "
                    f"{a['cpu_p50']:>6.1f} {a['cpu_p95']:>6.1f} {ok:<4}")
            if "baseline" in q:
                bq = q["baseline"]
                line += (f" | {bq['p50']:>8.1f} {bq['p95']:>8.1f} {bq['cpu_p50']:>7.1f} | "
                         f"{bq['p50'] / a['p50']:>8.1f}x {bq['cpu_p50'] / max(a['cpu_p50'], 0.01):>5.1f}x")
                if bq["n"] < a["n"]:
                    line += f" (baseline {bq['n']} runs)"
            lines.append(line)
        lines += ["", "p50/p95: wall-clock ms; cpu50/cpu95: CPU ms of this process + the PostgreSQL backend;",
                  "goal: ok = wall p95 <= 100 ms; cpu = wall p95 over only because the machine was busy "
                  "(CPU p95 <= 100 ms); MISS = over on CPU too; info = not a page query.",
                  "ratio = baseline / app (higher = the app is faster)."]
        lines.append("")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="both")
    ap.add_argument("--scale", choices=["small", "full"], default="full")
    ap.add_argument("--no-baseline", action="store_true", help="skip the naive baseline store (halves the run)")
    ap.add_argument("--reps", type=int, default=40, help="timed runs per query and store")
    ap.add_argument("--budget", type=float, default=20.0, help="seconds per query and store before stopping early")
    ap.add_argument("--keep", action="store_true", help="keep the synthetic stores")
    ap.add_argument("--plans", action="store_true", help="write the query plans to bench/out/scale_plans.txt")
    ap.add_argument("--report-only", action="store_true", help="rebuild scale.txt from the saved JSON files")
    args = ap.parse_args(argv)
    backends = ["sqlite", "postgres"] if args.backend == "both" else [args.backend]
    if not args.report_only:
        for be in backends:
            if len(backends) > 1:  # one process per backend: clean peak-memory figures
                cmd = [sys.executable, __file__, "--backend", be, "--scale", args.scale,
                       "--reps", str(args.reps), "--budget", str(args.budget)] + \
                      (["--no-baseline"] if args.no_baseline else []) + \
                      (["--keep"] if args.keep else []) + (["--plans"] if args.plans else [])
                subprocess.run(cmd, check=True)
            else:
                run_backend(be, args.scale, not args.no_baseline, args.reps, args.budget, args.keep, args.plans)
    results = [json.loads((OUT / f"scale_{be}.json").read_text()) for be in ["sqlite", "postgres"]
               if (OUT / f"scale_{be}.json").exists() and (be in backends or args.report_only)]
    text_out = report(results)
    (OUT / "scale.txt").write_text(text_out)
    plans = [line for r in results for title, key in (("app", "plans"), ("baseline", "plans_base"))
             if key in r for line in [f"##### {r['backend']} {title}"] + r[key]]
    if plans:
        (OUT / "scale_plans.txt").write_text("\n".join(plans) + "\n")
    if len(backends) == 1 or args.report_only:
        print(text_out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
