"""Benchmark: the data API over real HTTP on loopback, against a naive baseline in the same run.

Run from the project root (the store must exist; default data/mrl.sqlite):

    MRL_DATABASE_URL=sqlite:////abs/path/mrl.sqlite python bench/api_bench.py [--requests 300] [--seed 7]

1. Latency of one unit's values (``GET /api/v1/values?unit=CODE``, all indicators and years, JSON,
   no ETag so every answer is built): the API (``python -m api``, uvicorn, one process) vs a naive
   baseline served the same way (``naive_app`` below: a fresh Store per request, the catalogue and
   sources re-read and parsed each time, rows built with ``DataFrame.iterrows``, pandas JSON). The
   two servers are asked in turn for the same random gminy/powiaty, one request at a time
   (keep-alive client), so machine load hits both alike. Goal: API p95 <= 50 ms.
2. Concurrency: bursts of 200 requests at once from one asyncio client (200 connections, loopback
   only), different units and endpoints mixed (values, profile, units search, indicators, 304s);
   errors = anything but 200/304 or a transport error. Goal: 0 errors.

Writes bench/out/api.txt (copy to bench/results/api.txt to publish).
"""
from __future__ import annotations

import argparse
import asyncio
import os
import platform
import random
import socket
import statistics
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("MRL_DATABASE_URL", f"sqlite:///{ROOT / 'data' / 'mrl.sqlite'}")

OUT = ROOT / "bench" / "out" / "api.txt"


# -- the naive baseline (served by uvicorn in its own process, like the API) ----------------------
def naive_app():
    """What a straightforward implementation does: no caches, pandas row by row."""
    import json

    from fastapi import FastAPI
    from fastapi.responses import JSONResponse

    from settings import get_settings
    from store.db import Store

    app = FastAPI()

    @app.get("/api/v1/values")
    def values(unit: str):
        s = get_settings()
        store = Store(s.database_url, schema=s.db_schema)
        try:
            code, _ = store.resolve_code(unit)
            inds = store.indicators()
            srcs = store.sources().set_index("id")
            u = store.unit(code)
            df = store.unit_values(code)
            rows = []
            for _, r in df.iterrows():
                if r["value"] != r["value"]:
                    continue
                ind = inds[r["indicator"]]
                rows.append({"teryt": code, "level": u["level"], "name": u["name"], "indicator": r["indicator"],
                             "year": int(r["year"]), "value": float(r["value"]), "unit": ind.unit_pl,
                             "source": r["source"], "indicator_name": ind.name_pl,
                             "publisher": srcs.loc[r["source"], "publisher_pl"],
                             "vintage": srcs.loc[r["source"], "vintage"], "method": r["method"]})
            return JSONResponse(json.loads(json.dumps({"total": len(rows), "data": rows})))
        finally:
            store.dispose()

    return app


# -- helpers -----------------------------------------------------------------------------------------
def pct(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    if not xs:
        return float("nan")
    k = (len(xs) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)


def summary(name: str, ms: list[float]) -> str:
    return (f"{name:<44} n={len(ms):>4}  p50={pct(ms, .5):7.1f} ms  p95={pct(ms, .95):7.1f} ms  "
            f"max={max(ms):7.1f} ms  mean={statistics.fmean(ms):7.1f} ms")


def cpu_seconds(pid: int) -> float:
    """user + system CPU seconds of a process (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(cmd: list[str], port: int) -> subprocess.Popen:
    import httpx

    proc = subprocess.Popen(cmd, cwd=ROOT, env={**os.environ, "MRL_API_PORT": str(port)},
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited: {proc.stderr.read()[-2000:]}")
        try:
            httpx.get(f"http://127.0.0.1:{port}/api/v1/values?unit=1261011", timeout=30)
            return proc
        except httpx.TransportError:
            time.sleep(0.3)
    proc.kill()
    raise RuntimeError("server did not start")


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()


async def burst(base: str, urls: list[tuple[str, dict]]) -> tuple[list[float], list[str], float]:
    import httpx

    limits = httpx.Limits(max_connections=len(urls), max_keepalive_connections=len(urls))
    ms: list[float] = []
    errors: list[str] = []
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=120) as client:
        async def one(url: str, headers: dict):
            t = time.perf_counter()
            try:
                r = await client.get(url, headers=headers)
                if r.status_code not in (200, 304):
                    errors.append(f"{r.status_code} {url} {r.text[:120]}")
            except httpx.HTTPError as exc:
                errors.append(f"{type(exc).__name__} {url}")
            ms.append((time.perf_counter() - t) * 1000)
        t0 = time.perf_counter()
        await asyncio.gather(*(one(u, h) for u, h in urls))
        wall = time.perf_counter() - t0
    return ms, errors, wall


def main() -> int:
    import httpx

    ap = argparse.ArgumentParser()
    ap.add_argument("--requests", type=int, default=300, help="latency requests per server")
    ap.add_argument("--bursts", type=int, default=5, help="bursts of --concurrency requests")
    ap.add_argument("--concurrency", type=int, default=200)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()

    from store.db import Store

    url = os.environ["MRL_DATABASE_URL"]
    store = Store(url)
    units = store.units()
    rng = random.Random(args.seed)
    gminy = units.loc[units["level"] == "gmina", "code"].tolist()
    powiaty = units.loc[units["level"] == "powiat", "code"].tolist()
    sample = [rng.choice(gminy if rng.random() < 0.8 else powiaty) for _ in range(args.requests)]
    lines = [f"api_bench — {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC",
             f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
             f"load average at start {' / '.join(f'{x:.1f}' for x in os.getloadavg())}",
             f"store: {url}", "servers: uvicorn, one process each, 127.0.0.1; client: httpx, keep-alive", ""]

    api_port, naive_port = free_port(), free_port()
    api = start([sys.executable, "-m", "api", "--port", str(api_port)], api_port)
    naive = start([sys.executable, "-m", "uvicorn", "--app-dir", "bench", "--factory", "api_bench:naive_app",
                   "--host", "127.0.0.1", "--port", str(naive_port), "--log-level", "warning"], naive_port)
    try:
        # 1. latency, interleaved
        a_ms, n_ms, sizes, mism = [], [], [], 0
        with httpx.Client(timeout=60) as c:
            for code in sample[:10]:  # warm both (imports, first connections)
                c.get(f"http://127.0.0.1:{api_port}/api/v1/values?unit={code}")
                c.get(f"http://127.0.0.1:{naive_port}/api/v1/values?unit={code}")
            cpu0 = {p.pid: cpu_seconds(p.pid) for p in (api, naive)}
            for code in sample:
                t = time.perf_counter()
                ra = c.get(f"http://127.0.0.1:{api_port}/api/v1/values?unit={code}&page_size=5000")
                a_ms.append((time.perf_counter() - t) * 1000)
                t = time.perf_counter()
                rn = c.get(f"http://127.0.0.1:{naive_port}/api/v1/values?unit={code}")
                n_ms.append((time.perf_counter() - t) * 1000)
                assert ra.status_code == 200 and rn.status_code == 200, (ra.text[:200], rn.text[:200])
                sizes.append(ra.json()["total"])
                va = [(r["indicator"], r["year"], r["value"]) for r in ra.json()["data"]]
                vn = [(r["indicator"], r["year"], r["value"]) for r in rn.json()["data"]]
                mism += va != vn
        lines.append(f"1. one unit's values, GET /api/v1/values?unit=CODE (all indicators and years; "
                     f"{statistics.fmean(sizes):.0f} rows on average, {min(sizes)}–{max(sizes)}); "
                     f"{len(sample)} random units (80 % gminy, 20 % powiaty), servers asked in turn")
        cpu = {p.pid: (cpu_seconds(p.pid) - cpu0[p.pid]) * 1000 / len(sample) for p in (api, naive)}
        lines.append(summary("API (python -m api)", a_ms))
        lines.append(summary("BASELINE naive (no caches, iterrows)", n_ms))
        lines.append(f"server CPU time per request (user+system of the server process, independent of how busy "
                     f"the machine is): API {cpu[api.pid]:.1f} ms, baseline {cpu[naive.pid]:.1f} ms")
        lines.append(f"ratio baseline/API: p50 {pct(n_ms, .5) / pct(a_ms, .5):.1f}x, "
                     f"p95 {pct(n_ms, .95) / pct(a_ms, .95):.1f}x; same values in both answers: "
                     f"{len(sample) - mism}/{len(sample)}; goal p95 <= 50 ms: "
                     f"{'met' if pct(a_ms, .95) <= 50 else 'NOT met'}")
        lines.append("")

        # 2. bursts of concurrent requests against the API
        base = f"http://127.0.0.1:{api_port}"
        etag = httpx.get(f"{base}/api/v1/values?unit=1261011").headers["etag"]
        lines.append(f"2. {args.bursts} bursts of {args.concurrency} concurrent requests (asyncio, "
                     f"{args.concurrency} connections), mixed: 60 % one unit's values, 15 % profiles, "
                     f"10 % name search, 10 % If-None-Match (304), 5 % indicator catalogue")
        all_ms, all_err = [], []
        for b in range(args.bursts):
            urls = []
            for _ in range(args.concurrency):
                x = rng.random()
                code = rng.choice(gminy)
                if x < 0.60:
                    urls.append((f"/api/v1/values?unit={code}", {}))
                elif x < 0.75:
                    urls.append((f"/api/v1/units/{code}/profile", {}))
                elif x < 0.85:
                    name = units.loc[units["code"] == code, "name"].iloc[0]
                    urls.append((f"/api/v1/units?q={name[:5]}", {}))
                elif x < 0.95:
                    urls.append(("/api/v1/values?unit=1261011", {"If-None-Match": etag}))
                else:
                    urls.append(("/api/v1/indicators", {}))
            ms, errors, wall = asyncio.run(burst(base, urls))
            all_ms += ms
            all_err += errors
            lines.append(f"   burst {b + 1}: {len(ms)} requests in {wall:.2f} s ({len(ms) / wall:.0f} req/s), "
                         f"errors {len(errors)}, p50 {pct(ms, .5):.0f} ms, p95 {pct(ms, .95):.0f} ms, "
                         f"max {max(ms):.0f} ms")
        lines.append(summary(f"all bursts ({args.bursts} x {args.concurrency})", all_ms))
        lines.append(f"errors: {len(all_err)} of {len(all_ms)}" + ("" if not all_err else
                                                                   ": " + "; ".join(all_err[:10])))
    finally:
        stop(api)
        stop(naive)
    lines.append("")
    lines.append(f"load average at end {' / '.join(f'{x:.1f}' for x in os.getloadavg())}")
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
