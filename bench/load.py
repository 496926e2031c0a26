"""Concurrency (issue 9, part 2): 20 simultaneous browser sessions on one app server.

    /tmp/venv/bin/python bench/load.py [--sessions 20] [--seed N] [--db URL] [--step-timeout 180]

Starts the app (``streamlit run app.py`` on a free loopback port, against the real store: the
worktree's SQLite file by default, ``--db`` for a PostgreSQL URL) and drives it with real browser
sessions: **one Chromium process, one Playwright browser context per session** (separate cookies
and websocket = a separate Streamlit session each), all driven from one asyncio loop. One browser
process rather than several keeps the 2 cores honest: the browsers share the machine with the
server, so the numbers are an upper bound of what users on their own machines would see. Every
request leaving 127.0.0.1 is blocked and counted.

Each session does a realistic journey (a different gmina per session, seeded):
  start            open ``/`` → the sidebar's unit picker is visible
  profil (URL)     open ``/profil?unit=<code>`` → the heading names the unit, cards are drawn
  mapa (nav)       click "Mapa" in the navigation → the gminy are drawn (SVG map)
  mapa: indicator  pick "Frekwencja – wybory do Sejmu" in the indicator box → the map shows it
  porównania (nav) click "Porównania" → a comparison chart is visible
  raporty (nav)    click "Raporty" → the CSV download button is visible
  CSV download     click it → the file arrives (checked: UTF-8 BOM, the unit's code inside)
Step time = from the action to the expected element being visible. Errors: a Streamlit exception
box, "Traceback" in the page, a browser console error or page error, a websocket error, a step
timeout, a blocked off-machine request, a wrong download.

In the same run, first a **baseline**: the same journey by one session alone (on the same warm
server), so the 20-session/1-session ratio is meaningful on a noisy machine. Server memory: RSS of
the streamlit process at start, after the baseline, with the 20 sessions still open, and after
they closed; memory per session = (RSS with 20 open − RSS after baseline) / 20.

Results: bench/results/load.txt (committed), bench/out/load.json.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

RESULTS = ROOT / "bench" / "results"
OUT = ROOT / "bench" / "out"
STEPS = ["start", "profil (URL)", "mapa (nav)", "mapa: indicator", "porównania (nav)", "raporty (nav)",
         "CSV download"]
VERBOSE = os.environ.get("MRL_LOAD_VERBOSE") == "1"
NEW_INDICATOR = ("turnout_sejm", "Frekwencja – wybory do Sejmu")

MAP_READY = """(indicator) => {
  const gd = [...document.querySelectorAll('.js-plotly-plot')].find(g => g.layout && g.layout.meta && g.layout.meta.indicator);
  if (!gd || (indicator && gd.layout.meta.indicator !== indicator)) return false;
  return gd.querySelectorAll('path.choroplethlocation').length > 2000;  // the SVG geo map has drawn the gminy
}"""
# Streamlit keeps the previous page's elements on screen until the new run replaces them, so a
# navigation step waits for the new address and for the script run to finish before looking for
# its element (otherwise a stale chart or download button from the previous page would count).
ON_PAGE_IDLE = """(path) => location.pathname.endsWith(path)
  && !document.querySelector('[data-testid="stStatusWidget"]')"""
MAIN_HAS = """([a, b]) => { const m = document.querySelector('[data-testid="stMain"]');
  if (!m) return false; const t = m.innerText; return t.includes(a) && t.includes(b); }"""


def cpu_s(pid: int) -> float:
    """User + system CPU seconds of one process (from /proc)."""
    try:
        f = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(f[11]) + int(f[12])) / os.sysconf("SC_CLK_TCK")


def browser_cpu_s() -> float:
    """CPU seconds of every Chromium process alive now (the load test's browsers)."""
    total = 0.0
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                comm = (d / "comm").read_text().strip()
            except OSError:
                continue
            if comm.startswith(("chromium", "chrome")):
                total += cpu_s(int(d.name))
    return total


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


@dataclass
class Session:
    n: int
    code: str
    name: str
    times: dict[str, float] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)
    probes: int = 0


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    v = sorted(values)
    k = (len(v) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(v) - 1)
    return v[lo] + (v[hi] - v[lo]) * (k - lo)


async def journey(browser, base: str, s: Session, step_timeout_s: float, t_nav: dict[str, str]) -> None:
    from playwright.async_api import TimeoutError as PWTimeout

    ctx = await browser.new_context(viewport={"width": 1400, "height": 900}, accept_downloads=True)

    async def route(r):
        url = r.request.url
        if url.startswith(("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:")):
            await r.continue_()
        else:
            s.blocked.append(url)
            await r.abort()

    await ctx.route("**/*", route)
    page = await ctx.new_page()
    page.set_default_timeout(step_timeout_s * 1000)
    # console errors, except "Failed to load resource", which is reported with its URL below
    page.on("console", lambda m: s.errors.append(f"console: {m.text[:160]}")
            if m.type == "error" and not m.text.startswith("Failed to load resource") else None)
    page.on("response", lambda r: http_error(s, r.status, r.url) if r.status >= 400 else None)
    page.on("pageerror", lambda e: s.errors.append(f"pageerror: {str(e)[:160]}"))

    def on_ws(ws):
        ws.on("socketerror", lambda e: s.errors.append(f"websocket error: {str(e)[:120]}"))
    page.on("websocket", on_ws)

    async def step(name, action, expect):
        t0 = time.perf_counter()
        await action()
        await expect()
        s.times[name] = time.perf_counter() - t0
        if VERBOSE:
            print(f"session {s.n}: {name} {s.times[name]:.2f} s", flush=True)
        if await page.get_by_test_id("stException").count():
            s.errors.append(f"{name}: exception box")

    sidebar_nav = page.get_by_test_id("stSidebarNav")
    try:
        await step("start", lambda: page.goto(base + "/", wait_until="domcontentloaded"),
                   lambda: page.get_by_test_id("stSidebar").get_by_test_id("stSelectbox").first.wait_for())
        await step("profil (URL)", lambda: page.goto(f"{base}/profil?unit={s.code}", wait_until="domcontentloaded"),
                   lambda: page.wait_for_function(MAIN_HAS, arg=[s.name, "Ludność ogółem"]))
        async def on_page(path, then):
            await page.wait_for_function(ON_PAGE_IDLE, arg=path, polling=100)
            await then()

        await step("mapa (nav)", lambda: sidebar_nav.get_by_text(t_nav["map"], exact=True).click(),
                   lambda: on_page("/mapa", lambda: page.wait_for_function(MAP_READY, arg=None)))

        async def pick():
            await page.get_by_test_id("stMain").get_by_test_id("stSelectbox").filter(has_text="Wskaźnik").first.click()
            await page.keyboard.type(NEW_INDICATOR[1])
            await page.get_by_role("option").first.click()
        await step("mapa: indicator", pick, lambda: page.wait_for_function(MAP_READY, arg=NEW_INDICATOR[0]))
        await step("porównania (nav)", lambda: sidebar_nav.get_by_text(t_nav["compare"], exact=True).click(),
                   lambda: on_page("/porownania",
                                   lambda: page.locator("[data-testid='stMain'] .js-plotly-plot").first.wait_for()))
        csv_button = page.locator('[data-testid="stDownloadButton"]:visible').filter(
            has_text=re.compile(r"\bCSV\b")).first  # the page's table; others sit in closed expanders
        await step("raporty (nav)", lambda: sidebar_nav.get_by_text(t_nav["reports"], exact=True).click(),
                   lambda: on_page("/raporty", lambda: csv_button.wait_for()))
        t0 = time.perf_counter()
        async with page.expect_download(timeout=step_timeout_s * 1000) as info:
            await csv_button.click()
        dl = await info.value
        data = Path(await dl.path()).read_bytes()
        s.times["CSV download"] = time.perf_counter() - t0
        if not (data.startswith(b"\xef\xbb\xbf") and data.count(b"\r\n") >= 2):
            s.errors.append(f"CSV download: unexpected content ({len(data)} bytes)")
        if "Traceback" in await page.get_by_test_id("stMain").inner_text():
            s.errors.append("Traceback text in the page")
    except PWTimeout as exc:
        done = len(s.times)
        s.errors.append(f"timeout in step '{STEPS[done] if done < len(STEPS) else '?'}': {str(exc)[:120]}")
    except Exception as exc:  # noqa: BLE001 - every failure is counted, not raised
        s.errors.append(f"{type(exc).__name__}: {str(exc)[:160]}")
    if s.blocked:
        s.errors.append(f"{len(s.blocked)} requests off the machine blocked")
    s._ctx = ctx  # noqa: SLF001 - closed by the caller (sessions stay open for the memory reading)


# Streamlit's frontend, opened at a page path (/profil), first probes /profil/_stcore/health and
# host-config, gets 404 and falls back to /_stcore/...: its own behaviour, counted apart, not an error.
PROBE_404 = re.compile(r"/[a-z-]+/_stcore/(health|host-config)$")


def http_error(s: Session, status: int, url: str) -> None:
    if status == 404 and PROBE_404.search(url):
        s.probes += 1
    else:
        s.errors.append(f"HTTP {status} {url[:120]}")


def units_for(db_url: str, n: int, seed: int) -> list[tuple[str, str]]:
    from store.db import Store

    s = Store(db_url)
    try:
        u = s.units("gmina")
    finally:
        s.dispose()
    rng = random.Random(seed)
    rows = list(zip(u["code"], u["name"]))
    names = {}
    for code, name in rows:  # names shared by several gminy would not identify the page
        names[name] = names.get(name, 0) + 1
    rows = [r for r in rows if names[r[1]] == 1]
    return rng.sample(rows, n)


async def run(args) -> dict:
    from playwright.async_api import async_playwright

    from i18n import t
    from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, start_app, stop_app

    OUT.mkdir(parents=True, exist_ok=True)
    env = {"MRL_DATABASE_URL": args.db, "MRL_I18N_STRICT": "1", "MRL_PUBLIC_MODE": "0"}
    picks = units_for(args.db, args.sessions + 1, args.seed)
    t_nav = {"map": t("map.nav", "pl"), "compare": t("compare.nav", "pl"), "reports": t("nav.reports", "pl")}
    proc, base = start_app(env, OUT / "load-app.log")
    res: dict = {"sessions": args.sessions, "db": args.db, "seed": args.seed}
    try:
        res["rss_start_kb"] = rss_kb(proc.pid)
        async with async_playwright() as pw:
            browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            # warm-up: one session boots st.navigation and loads the store caches (not timed)
            warm = Session(-1, *picks[0])
            await journey(browser, base, warm, args.step_timeout, t_nav)
            await warm._ctx.close()  # noqa: SLF001
            base_s = Session(0, *picks[0])
            t0 = time.perf_counter()
            await journey(browser, base, base_s, args.step_timeout, t_nav)
            res["baseline_wall_s"] = time.perf_counter() - t0
            await base_s._ctx.close()  # noqa: SLF001
            await asyncio.sleep(3)
            res["rss_after_baseline_kb"] = rss_kb(proc.pid)
            sessions = [Session(i + 1, *picks[i + 1]) for i in range(args.sessions)]
            t0 = time.perf_counter()
            cpu0 = (cpu_s(proc.pid), browser_cpu_s())
            await asyncio.gather(*(journey(browser, base, s, args.step_timeout, t_nav) for s in sessions))
            res["concurrent_wall_s"] = time.perf_counter() - t0
            res["cpu_server_s"] = cpu_s(proc.pid) - cpu0[0]
            res["cpu_browsers_s"] = browser_cpu_s() - cpu0[1]
            await asyncio.sleep(3)
            res["rss_sessions_open_kb"] = rss_kb(proc.pid)
            for s in sessions:
                await s._ctx.close()  # noqa: SLF001
            await asyncio.sleep(5)
            res["rss_after_close_kb"] = rss_kb(proc.pid)
            await browser.close()
        res["warmup"] = {"times": warm.times, "errors": warm.errors}
        res["baseline"] = {"unit": base_s.code, "times": base_s.times, "errors": base_s.errors}
        res["concurrent"] = [{"n": s.n, "unit": s.code, "name": s.name, "times": s.times, "errors": s.errors,
                              "probes": s.probes} for s in sessions]
    finally:
        stop_app(proc)
    return res


def step_table(res: dict, steps: list[str], *, kb: bool = False) -> list[str]:
    """Per step: the one-session baseline, p50/p90/p95/max of the concurrent sessions, p50/baseline and
    how many sessions got there; the whole journey as the last row. ``kb``: a median kB/session column
    from each session's ``bytes``."""
    n, conc = res["sessions"], res["concurrent"]
    head = f"{'step':<18}{'baseline (1)':>13}{'p50':>8}{'p90':>8}{'p95':>8}{'max':>8}{'p50/base':>10}{'done':>8}"
    lines = [head + (f"{'kB/session':>12}" if kb else "")]

    def row(label: str, base, vals: list[float], kbs: list[float]) -> str:
        p50 = pct(vals, 0.5)
        text = (f"{label:<18}{(f'{base:.2f} s' if base is not None else '–'):>13}{p50:>8.2f}{pct(vals, 0.9):>8.2f}"
                f"{pct(vals, 0.95):>8.2f}{(max(vals) if vals else float('nan')):>8.2f}"
                f"{(p50 / base if base else float('nan')):>9.1f}x{len(vals):>5}/{n:<3}")
        return (text + (f"{pct(kbs, 0.5):>11.0f}" if kb else "")).rstrip()

    for st in steps:
        lines.append(row(st, res["baseline"]["times"].get(st), [s["times"][st] for s in conc if st in s["times"]],
                         [s["bytes"][st] / 1024 for s in conc if st in s.get("bytes", {})]))
    whole = [s for s in conc if len(s["times"]) == len(steps)]
    lines.append(row("whole journey", sum(res["baseline"]["times"].values()),
                     [sum(s["times"].values()) for s in whole],
                     [sum(s.get("bytes", {}).values()) / 1024 for s in whole]))
    return lines


def memory_lines(res: dict) -> list[str]:
    """Server RSS at start / after the baseline / with the sessions open / after they closed, per session."""
    n, mb = res["sessions"], 1024
    per = (res["rss_sessions_open_kb"] - res["rss_after_baseline_kb"]) / n / mb
    return ["", "server memory (RSS of the streamlit process):",
            f"  at start {res['rss_start_kb'] / mb:.0f} MB, after warm-up + baseline {res['rss_after_baseline_kb'] / mb:.0f} MB, "
            f"with {n} sessions open {res['rss_sessions_open_kb'] / mb:.0f} MB, after they closed "
            f"{res['rss_after_close_kb'] / mb:.0f} MB",
            f"  per session: ({res['rss_sessions_open_kb'] / mb:.0f} − {res['rss_after_baseline_kb'] / mb:.0f}) / {n} "
            f"= {per:.1f} MB (session state + the data cached for {n} more units; caches bounded by ttl + max_entries)"]


def report(res: dict) -> str:
    from bench.profile_bench import head_lines

    os.environ["MRL_DATABASE_URL"] = res["db"]
    n = res["sessions"]
    lines = head_lines("load", f"{n} simultaneous browser sessions (one Chromium, one context each, asyncio), "
                               "step time = action → expected element visible")
    lines.append(f"seed {res['seed']}; wall time: baseline journey {res['baseline_wall_s']:.1f} s, "
                 f"{n} concurrent journeys {res['concurrent_wall_s']:.1f} s")
    if "cpu_server_s" in res:
        cap = res["concurrent_wall_s"] * (os.cpu_count() or 1)
        lines.append(f"CPU during the concurrent phase ({cap:.0f} CPU-s available on {os.cpu_count()} cores): "
                     f"app server {res['cpu_server_s']:.0f} s ({res['cpu_server_s'] / cap:.0%}), "
                     f"the {n} browser sessions {res['cpu_browsers_s']:.0f} s ({res['cpu_browsers_s'] / cap:.0%}) "
                     "— the browsers share the 2 cores with the server, so step times are upper bounds")
    lines.append("")
    conc = res["concurrent"]
    lines += step_table(res, STEPS)
    lines.append("(seconds)")
    lines.append("")
    errs = [(s["n"], e) for s in conc for e in s["errors"]]
    lines.append(f"errors: {len(errs)} in {n} concurrent sessions; baseline {len(res['baseline']['errors'])}; "
                 f"warm-up {len(res['warmup']['errors'])}")
    lines.append(f"  (not counted: {sum(s['probes'] for s in conc)} HTTP 404 answers to Streamlit's own "
                 "/<page>/_stcore/health|host-config probes, which it retries at /_stcore/)")
    for sn, e in errs[:20]:
        lines.append(f"  session {sn}: {e}")
    for e in res["baseline"]["errors"][:5]:
        lines.append(f"  baseline: {e}")
    lines += memory_lines(res)
    lines.append("")
    lines.append("units: " + ", ".join(f"{s['unit']} {s['name']}" for s in conc))
    return "\n".join(lines) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sessions", type=int, default=20)
    ap.add_argument("--seed", type=int, default=20)
    ap.add_argument("--db", default=f"sqlite:///{ROOT / 'data' / 'mrl.sqlite'}")
    ap.add_argument("--step-timeout", type=float, default=180)
    ap.add_argument("--out", default=str(RESULTS / "load.txt"))
    args = ap.parse_args()
    os.environ.setdefault("MRL_I18N_STRICT", "1")
    res = asyncio.run(run(args))
    (OUT / "load.json").write_text(json.dumps(res, indent=1, default=str), encoding="utf-8")
    text = report(res)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
