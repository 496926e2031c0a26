"""Benchmark: profile page server time and kNN peer search, each against a naive baseline.

Run from the project root (the store must exist; default data/mrl.sqlite):

    MRL_DATABASE_URL=sqlite:////abs/path/mrl.sqlite python bench/profile_bench.py [--units 50] [--seed 7]

1. Page server time, measured IN-PROCESS with Streamlit's AppTest: one session opens /profil,
   then picks N random units (gminy, powiaty, województwa) one after another in the sidebar; each
   timed interval is one full script run (router + sidebar + page: service calls, domain
   logic, element building) — no browser, no network. Warm = the shared caches already hold the
   level matrices (the steady state of a running server); cold = the first visit of a level.
   Baseline: the same run with every Streamlit cache cleared before it (uncached queries).
   The same for /porownania (default tab).
2. kNN over all gminy: the k = 10 nearest neighbours of EVERY gmina on the default context
   indicators (reference year 2019), vectorised (domain.peers.knn_peers) vs a pure-Python loop
   (knn_peers_naive); results are checked to be identical.

Writes bench/out/profile_bench.txt. Goals: page p95 <= 300 ms, kNN <= 50 ms per query.
"""
from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("MRL_DATABASE_URL", f"sqlite:///{ROOT / 'data' / 'mrl.sqlite'}")
os.environ.setdefault("MRL_I18N_STRICT", "1")

OUT = ROOT / "bench" / "out" / "profile_bench.txt"


def pct(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    if not xs:
        return float("nan")
    k = (len(xs) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)


def summary(name: str, ms: list[float]) -> str:
    return (f"{name:<46} n={len(ms):>4}  p50={pct(ms, .5):8.1f} ms  p95={pct(ms, .95):8.1f} ms  "
            f"max={max(ms):8.1f} ms  mean={statistics.fmean(ms):8.1f} ms")


def _apptest():
    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.testing.v1 import AppTest

    original = PagesManager.__init__

    def init_like_production(self, *a, **k):  # see tests/conftest.py: app fixture
        original(self, *a, **k)
        PagesManager.uses_pages_directory = False

    PagesManager.__init__ = init_like_production
    return AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)


def bench_pages(n_units: int, seed: int, n_baseline: int) -> list[str]:
    import streamlit as st

    from store.db import Store

    store = Store(os.environ["MRL_DATABASE_URL"])
    units = store.units()
    rng = random.Random(seed)
    pool = units.loc[units["level"] != "country", "code"].tolist()
    sample = rng.sample(pool, n_units)
    lines = []
    for page in ("pages/profil.py", "pages/porownania.py"):
        st.cache_data.clear()
        st.cache_resource.clear()
        at = _apptest()
        at.query_params["unit"] = sample[0]
        t0 = time.perf_counter()
        at.run()
        at.switch_page(page).run()
        first = (time.perf_counter() - t0) * 1000
        assert not at.exception, at.exception
        cold: dict[str, float] = {}
        warm: list[float] = []
        for code in sample:
            level = units.loc[units["code"] == code, "level"].iloc[0]
            t0 = time.perf_counter()
            at.sidebar.selectbox[0].set_value(code).run()
            ms = (time.perf_counter() - t0) * 1000
            assert not at.exception and not at.error, (code, at.exception, [e.value for e in at.error])
            if level not in cold and level != units.loc[units["code"] == sample[0], "level"].iloc[0]:
                cold[level] = ms  # first visit of a level: its matrix is loaded now
            else:
                warm.append(ms)
        base: list[float] = []
        for code in sample[:n_baseline]:
            st.cache_data.clear()
            t0 = time.perf_counter()
            at.sidebar.selectbox[0].set_value(code).run()
            base.append((time.perf_counter() - t0) * 1000)
        name = page.split("/")[1]
        lines += [f"{name}: first run of a new session, cold caches: {first:,.0f} ms",
                  summary(f"{name} warm (cached level matrix)", warm),
                  "  cold first visit of another level: " + ", ".join(f"{k} {v:,.0f} ms" for k, v in cold.items()),
                  summary(f"{name} BASELINE uncached (cache cleared)", base), ""]
    return lines


def bench_knn() -> list[str]:
    from domain import peers as P
    from store.db import Store

    store = Store(os.environ["MRL_DATABASE_URL"])
    units = store.units("gmina")
    v = store.values(indicators=list(P.DEFAULT_CONTEXT), level="gmina")
    wide = v.pivot(index="unit", columns=["indicator", "year"], values="value").reindex(units["code"].to_numpy())
    years = P.reference_years({i: P.good_years(wide, i, n_units=len(units)) for i in P.DEFAULT_CONTEXT})
    ref = P.reference_matrix(wide.sort_index(axis=1), years)
    spec = P.KnnSpec()
    fast, naive, mismatches = [], [], 0
    codes = ref.index.tolist()
    t_all = time.perf_counter()
    results = {}
    for code in codes:
        t0 = time.perf_counter()
        results[code] = P.knn_peers(ref, code, spec).codes
        fast.append((time.perf_counter() - t0) * 1000)
    total_fast = time.perf_counter() - t_all
    t_all = time.perf_counter()
    for code in codes:
        t0 = time.perf_counter()
        r = P.knn_peers_naive(ref, code, spec)
        naive.append((time.perf_counter() - t0) * 1000)
        mismatches += r != results[code]
    total_naive = time.perf_counter() - t_all
    return [f"kNN: k={spec.k}, context {', '.join(i + ' ' + str(y) for i, y in years.items())}; "
            f"{len(codes)} gminy, each against all others",
            summary("kNN vectorised (numpy), one gmina", fast),
            summary("kNN BASELINE pure-Python loop, one gmina", naive),
            f"all {len(codes)} gminy: vectorised {total_fast:.2f} s, pure Python {total_naive:.2f} s; "
            f"identical neighbour lists: {len(codes) - mismatches}/{len(codes)}", ""]


def head_lines(name: str, what: str) -> list[str]:
    """The report's head: when, on what machine (and how loaded), which store, what is timed."""
    load = os.getloadavg()
    return [f"{name} — {datetime.now(timezone.utc):%Y-%m-%d %H:%M UTC}",
            f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python "
            f"{platform.python_version()}, load average at start {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f}",
            f"store: {os.environ['MRL_DATABASE_URL']}", what, ""]


def write(out: Path, head: list[str], lines: list[str]) -> None:
    """Write head + lines (+ the load at the end) to ``out`` and print them."""
    lines = lines + [f"load average at end {os.getloadavg()[0]:.1f}"]
    text = "\n".join(head + lines) + "\n"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    print(text)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--units", type=int, default=50)
    ap.add_argument("--baseline", type=int, default=10, help="units timed with caches cleared")
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    head = head_lines("profile_bench", "page time = one AppTest script run in-process (router + sidebar + page), "
                                       "a unit picked in the sidebar")
    write(OUT, head, bench_knn() + bench_pages(args.units, args.seed, args.baseline))


if __name__ == "__main__":
    main()
