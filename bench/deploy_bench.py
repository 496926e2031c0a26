"""The seminar moment (issue 17): the deployment recipe (nginx + 2 replicas) vs one bare Streamlit
process, in the same run, on the same store.

    /work/main/.venv/bin/python bench/deploy_bench.py --db postgresql+psycopg://postgres@127.0.0.1:54334/mrl \
        [--sessions 50] [--browsers 5] [--window 5] [--reps 3] [--link "porownania?unit=1261011"] \
        [--client-nice 19]

Both set-ups run side by side (loopback only) and are warmed the same way (deploy/warm.py):
* **bare**: ``streamlit run app.py`` as ``./run.sh`` starts it — one process, no proxy, no compression.
* **recipe**: what ``deploy/local.sh`` starts — 2 replicas (websocket compression on, one cookie
  secret) behind nginx rendered by deploy/nginx_conf.py (cookie affinity, precompressed static files).

Clients: at a seminar every person's browser runs on their own laptop or phone; here the 5 Chromium
contexts, Playwright and the 45 protocol clients share the servers' 2 cores (the browsers alone used
23–25 CPU-s per burst against the servers' 9–12). ``--client-nice 19`` (the default) lowers the
clients' priority once both set-ups are up, so they use the CPU the servers leave instead of taking
it from them; ``--client-nice 0`` is the old set-up, in which the clients compete with the servers.
Both set-ups are always measured the same way in one run.

Measurements:
(a) **burst**: ``--sessions`` sessions open the same permalink, arrivals spread evenly over
    ``--window`` seconds; ``--browsers`` of them are real Chromium contexts (cold: no cache), the rest
    are first-time visitors without a renderer: each downloads the files the cold browser of (b)
    fetched on that set-up before its first chart (the page, ~130 scripts, styles and fonts; curl,
    6 at a time, the browser's Accept-Encoding) and then speaks Streamlit's websocket protocol
    (bench/load_ws.ProtoClient, with a cookie through nginx like a browser after its first request).
    Without the downloads (``--no-fetch-assets``, as before 2026-12-02) the bare process never
    served the 11 MB of JavaScript to 45 of its 50 visitors, which is half of what it does at a
    seminar. Per session: time from its arrival to the finished script run
    (browsers: the page shows the unit and the app is idle; protocol clients: ``script_finished``) and
    to the first chart — *drawn* for browsers (a plotly chart with its SVG in the page), *sent* for
    protocol clients (the first plotly element arrived). Errors: exception or error box, traceback,
    page/console errors, HTTP errors, timeouts, closed websockets. Server CPU (bare process; replicas
    + nginx), browsers' CPU, load average. bare first, then recipe.
(b) **bytes before the first chart**, a first-time visitor (cold context, alone): HTTP bytes on the
    wire (CDP ``encodedDataLength``: headers + body as transferred) + websocket bytes (bare: frame
    payloads from CDP, uncompressed as sent; recipe: nginx's byte count of the websocket connection,
    closed right after the first chart, i.e. compressed as sent).
(c) **first map on a cold browser**: a cold context opens ``/mapa?unit=…`` alone; time until the map
    has drawn its 2,000+ gminy. (b) and (c): ``--reps`` runs each, bare and recipe interleaved, median.

Results: bench/results/deploy_bench.txt, raw data bench/out/deploy_bench.json.
"""
from __future__ import annotations

import argparse
import asyncio
import base64
import json
import os
import platform
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "deploy"))

from bench.load import OUT, PROBE_404, RESULTS, browser_cpu_s, pct  # noqa: E402
from bench.load_ws import ProtoClient, StepError, server_cpu_s  # noqa: E402

FIRST_CHART = """() => [...document.querySelectorAll('[data-testid="stMain"] .js-plotly-plot')]
  .some(g => g._fullLayout && g.querySelector('.main-svg') && g.querySelector('.plot .trace, .plot path, g.trace'))"""
FINISHED = """(name) => { const app = document.querySelector('[data-testid="stApp"]');
  const m = document.querySelector('[data-testid="stMain"]');
  return !!app && !!m && app.getAttribute('data-test-script-state') === 'notRunning' && m.innerText.includes(name); }"""
MAP_READY = """() => [...document.querySelectorAll('.js-plotly-plot')].some(g => g.layout && g.layout.meta
  && g.layout.meta.indicator && g.querySelectorAll('path.choroplethlocation').length > 2000)"""


class CookieClient(ProtoClient):
    """The protocol client with the affinity cookie a browser would carry after its first request,
    and the time the first chart element arrived."""

    def __init__(self, base: str, timeout_s: float, cookie: str):
        super().__init__(base, timeout_s)
        self.cookie = cookie
        self.first_chart_at: float | None = None

    async def connect(self) -> None:
        import websockets

        await self.close()
        url = self.base.replace("http://", "ws://", 1) + "/_stcore/stream"
        self.ws = await websockets.connect(url, subprotocols=["streamlit"], max_size=None,
                                           open_timeout=self.timeout_s, ping_interval=None,
                                           additional_headers={"Cookie": f"mrl_replica={self.cookie}"},
                                           user_agent_header="mrl-deploy-bench")
        self.pages = {}

    def _delta(self, msg, run) -> None:  # noqa: D401 - same signature as ProtoClient._delta
        if (self.first_chart_at is None and msg.WhichOneof("type") == "delta"
                and msg.delta.WhichOneof("type") == "new_element"
                and msg.delta.new_element.WhichOneof("type") == "plotly_chart"):
            self.first_chart_at = time.perf_counter()
        ProtoClient._delta(msg, run)


# --- set-ups ----------------------------------------------------------------------------------
def nginx_bin() -> str:
    path = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(path).exists():
        raise SystemExit("nginx not found (apt-get install nginx)")
    return path


def wait_http(url: str, proc, what: str, seconds: float = 30) -> None:
    import urllib.request

    deadline = time.time() + seconds
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{what} exited")
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{what} did not answer {url}")


def start_setups(db: str, schema: str | None, tmp: Path) -> dict:
    import nginx_conf

    from tests.e2e.conftest import _free_port, start_app

    env = {"MRL_DATABASE_URL": db, "MRL_I18N_STRICT": "1", "MRL_PUBLIC_MODE": "0"}
    if schema:
        env["MRL_DB_SCHEMA"] = schema
    procs: list = []
    bare_proc, bare = start_app(env, OUT / "deploy_bench-bare.log")
    procs.append(bare_proc)
    renv = {**env, "STREAMLIT_SERVER_COOKIE_SECRET": uuid.uuid4().hex,
            "STREAMLIT_SERVER_ENABLE_WEBSOCKET_COMPRESSION": "true"}
    replicas = [start_app(renv, OUT / f"deploy_bench-replica-{n}.log") for n in (1, 2)]
    procs += [p for p, _ in replicas]
    addrs = [u.removeprefix("http://") for _, u in replicas]
    prefix = tmp / "nginx"
    (prefix / "tmp").mkdir(parents=True)
    static = nginx_conf.prepare_static(ROOT / "data" / "deploy")
    port = _free_port()
    conf = nginx_conf.render(replicas=addrs, listen=f"127.0.0.1:{port}", api=f"127.0.0.1:{_free_port()}",
                             static_dir=static, prefix=prefix)
    (prefix / "nginx.conf").write_text(conf)
    ngx = subprocess.Popen([nginx_bin(), "-p", str(prefix), "-c", str(prefix / "nginx.conf"), "-e",
                            str(prefix / "error.log"), "-g", "daemon off;"], stdout=subprocess.DEVNULL,
                           stderr=subprocess.STDOUT)
    procs.append(ngx)
    recipe = f"http://127.0.0.1:{port}"
    wait_http(recipe + "/healthz", ngx, "nginx")
    warm = subprocess.run([sys.executable, str(ROOT / "deploy" / "warm.py"), bare.removeprefix("http://"), *addrs],
                          capture_output=True, text=True, timeout=300, env={**os.environ, **env})
    return {"procs": procs, "bare": bare, "recipe": recipe, "bare_pids": [bare_proc.pid],
            "recipe_pids": [p.pid for p, _ in replicas] + [ngx.pid], "prefix": prefix,
            "warm": warm.stderr.strip().splitlines(), "replicas": addrs}


def stop_setups(s: dict) -> None:
    from tests.e2e.conftest import stop_app

    for p in reversed(s["procs"]):
        stop_app(p)


def cpu_of(pids: list[int]) -> float:
    return sum(server_cpu_s(p) for p in pids)


# --- browser helpers --------------------------------------------------------------------------
async def new_context(browser, errors: list[str] | None = None):
    ctx = await browser.new_context(viewport={"width": 1400, "height": 900})

    async def route(r):
        url = r.request.url
        if url.startswith(("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:")):
            await r.continue_()
        else:
            if errors is not None:
                errors.append(f"blocked off-machine request {url[:80]}")
            await r.abort()
    await ctx.route("**/*", route)
    page = await ctx.new_page()
    if errors is not None:
        page.on("pageerror", lambda e: errors.append(f"pageerror: {str(e)[:120]}"))
        page.on("console", lambda m: errors.append(f"console: {m.text[:120]}")
                if m.type == "error" and not m.text.startswith("Failed to load resource") else None)
        page.on("response", lambda r: errors.append(f"HTTP {r.status} {r.url[:100]}")
                if r.status >= 400 and not (r.status == 404 and PROBE_404.search(r.url)) else None)
    return ctx, page


async def browser_session(browser, url: str, name: str, timeout_s: float) -> dict:
    errors: list[str] = []
    out: dict = {"kind": "browser", "errors": errors}
    ctx, page = await new_context(browser, errors)
    try:
        t0 = time.perf_counter()
        await page.goto(url, wait_until="commit", timeout=timeout_s * 1000)
        await page.wait_for_function(FIRST_CHART, polling=50, timeout=timeout_s * 1000)
        out["first_chart"] = time.perf_counter() - t0
        await page.wait_for_function(FINISHED, arg=name, polling=100, timeout=timeout_s * 1000)
        out["finished"] = time.perf_counter() - t0
        if await page.get_by_test_id("stException").count():
            errors.append("exception box")
        text = await page.get_by_test_id("stMain").inner_text()
        if "Traceback" in text:
            errors.append("Traceback in the page")
    except Exception as exc:  # noqa: BLE001 - counted
        errors.append(f"{type(exc).__name__}: {str(exc)[:140]}")
    out["ctx"] = ctx
    return out


# what a browser sends when it asks for a file (Chromium 1xx)
BROWSER_HEADERS = {"Accept-Encoding": "gzip, deflate, br, zstd", "Accept": "*/*",
                   "User-Agent": "Mozilla/5.0 (X11; Linux x86_64) mrl-deploy-bench"}


async def fetch_assets(base: str, paths: list[str], cookie: str, timeout_s: float) -> tuple[int, list[str]]:
    """Download ``paths`` as a first-time browser does before the app's websocket opens: the page
    and its scripts, styles and fonts, at most 6 at a time over keep-alive connections (Chromium's
    limit per host), with the browser's Accept-Encoding; bodies are counted as transferred (not
    decoded). curl does it (one process per visitor, in C: a Python HTTP client spent more CPU on
    ~130 requests per visitor than nginx did serving them). Returns (bytes on the wire, errors)."""
    cfg = "".join(f'url = "{base}{p}"\noutput = "/dev/null"\n' for p in paths)
    headers = [a for k, v in {**BROWSER_HEADERS, "Cookie": f"mrl_replica={cookie}"}.items() for a in ("-H", f"{k}: {v}")]
    proc = await asyncio.create_subprocess_exec(
        "curl", "-s", "--parallel", "--parallel-max", "6", "--max-time", str(int(timeout_s)), *headers,
        "-w", "%{http_code} %{size_download} %{url_effective}\n", "-K", "-",
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL)
    out, _ = await proc.communicate(cfg.encode())
    got, errors = 0, []
    rows = [ln.split(" ", 2) for ln in out.decode().splitlines() if ln.strip()]
    for code, size, url in rows:
        got += int(size)
        if not code.isdigit() or int(code) >= 400 or int(code) == 0:
            errors.append(f"HTTP {code} {url[len(base):][:80]}")
    if proc.returncode or len(rows) != len(paths):
        errors.append(f"curl exit {proc.returncode}, {len(rows)} of {len(paths)} files")
    return got, errors


async def ws_session(base: str, query: str, page_name: str, name: str, timeout_s: float,
                     assets: list[str] = ()) -> dict:
    c = CookieClient(base, timeout_s, uuid.uuid4().hex)
    out: dict = {"kind": "ws", "errors": [], "client": c}
    t0 = time.perf_counter()
    try:
        if assets:  # a first-time visitor: the app's files first, as the browser fetched them
            out["asset_bytes"], errs = await fetch_assets(base, assets, c.cookie, timeout_s)
            out["assets_s"] = time.perf_counter() - t0
            out["errors"] += errs
        await c.connect()
        run = await c.rerun(query_string=query, page_name=page_name)
        out["finished"] = time.perf_counter() - t0
        out["errors"] += run.errors
        if c.first_chart_at is not None:
            out["first_chart"] = c.first_chart_at - t0
        else:
            out["errors"].append("no chart sent")
        if not any(name in t for t in run.texts):
            out["errors"].append(f"'{name}' not on the page")
    except StepError as exc:
        out["errors"].append(str(exc))
    except Exception as exc:  # noqa: BLE001 - counted
        out["errors"].append(f"{type(exc).__name__}: {str(exc)[:140]}")
    return out


async def burst(browser, base: str, args, pids: list[int], assets: list[str] = ()) -> dict:
    n, nb = args.sessions, args.browsers
    page_name, _, query = args.link.partition("?")
    rng = random.Random(args.seed)
    arrivals = sorted(rng.uniform(0, args.window) for _ in range(n))
    browser_slots = {round(k * (n - 1) / max(1, nb - 1)) for k in range(nb)} if nb else set()

    async def one(k: int, at: float):
        await asyncio.sleep(at)
        if k in browser_slots:
            return await browser_session(browser, f"{base}/{args.link}", args.name, args.timeout)
        return await ws_session(base, query, page_name, args.name, args.timeout, assets)

    la = os.getloadavg()
    cpu0, b0 = cpu_of(pids), browser_cpu_s()
    t0 = time.perf_counter()
    results = await asyncio.gather(*(one(k, at) for k, at in enumerate(arrivals)))
    wall = time.perf_counter() - t0
    cpu, bcpu = cpu_of(pids) - cpu0, browser_cpu_s() - b0
    for r in results:
        if "ctx" in r:
            await r.pop("ctx").close()
        if "client" in r:
            await r.pop("client").close()
    return {"results": results, "wall_s": wall, "server_cpu_s": cpu, "browser_cpu_s": bcpu, "loadavg": la,
            "loadavg_end": os.getloadavg()}


async def cold_visit(browser, base: str, path: str, kind: str, prefix: Path | None, timeout_s: float) -> dict:
    """One first-time visitor alone: seconds and bytes until the first chart (or the drawn map)."""
    errors: list[str] = []
    ctx, page = await new_context(browser, errors)
    cdp = await ctx.new_cdp_session(page)
    await cdp.send("Network.enable")
    http_bytes, ws_payload = [0], [0]
    cdp.on("Network.loadingFinished", lambda e: http_bytes.__setitem__(0, http_bytes[0] + e.get("encodedDataLength", 0)))

    def frame(e):
        r = e.get("response", {})
        data = r.get("payloadData", "")
        ws_payload[0] += len(base64.b64decode(data)) if r.get("opcode") == 2 else len(data.encode())
    cdp.on("Network.webSocketFrameReceived", frame)
    origin = base.rstrip("/")
    files: list[str] = []
    cdp.on("Network.responseReceived", lambda e: files.append(e["response"]["url"][len(origin):])
           if e.get("type") != "WebSocket" and e["response"]["url"].startswith(origin + "/")
           and e["response"].get("status", 0) < 400 and "/_stcore/stream" not in e["response"]["url"] else None)
    out: dict = {"errors": errors, "files": files}
    log_before = (prefix / "access.log").read_text().count("\n") if prefix else 0
    try:
        t0 = time.perf_counter()
        await page.goto(f"{base}/{path}", wait_until="commit", timeout=timeout_s * 1000)
        await page.wait_for_function(MAP_READY if kind == "map" else FIRST_CHART, polling=50,
                                     timeout=timeout_s * 1000)
        out["seconds"] = time.perf_counter() - t0
        out["http_bytes"], out["ws_payload_bytes"] = http_bytes[0], ws_payload[0]
    except Exception as exc:  # noqa: BLE001 - counted
        errors.append(f"{type(exc).__name__}: {str(exc)[:140]}")
    await ctx.close()
    if prefix:  # the websocket's line (bytes nginx sent on it) is written when it closes
        for _ in range(50):
            lines = (prefix / "access.log").read_text().splitlines()[log_before:]
            ws = [ln for ln in lines if "/_stcore/stream " in ln]
            if ws:
                out["ws_wire_bytes"] = sum(int(re.search(r'" 101 (\d+) ', ln).group(1)) for ln in ws)
                break
            await asyncio.sleep(0.1)
    else:
        out["ws_wire_bytes"] = out.get("ws_payload_bytes")
    return out


async def run(args) -> dict:
    from playwright.async_api import async_playwright

    from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS

    OUT.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix="mrl-deploy-bench-"))
    tmp.chmod(0o755)
    res: dict = {"when": f"{datetime.now(timezone.utc):%Y-%m-%d %H:%M UTC}", "args": vars(args),
                 "loadavg_start": os.getloadavg()}
    s = start_setups(args.db, args.schema, tmp)
    res["warm"] = s["warm"]
    if args.client_nice:
        # The servers are already running at normal priority; from here on this process (the protocol
        # clients) and what it starts (Playwright's driver, Chromium) run at lower priority, so the
        # clients take the CPU the servers leave — as 50 people's own laptops would — instead of
        # competing with the servers for the same 2 cores.
        os.nice(args.client_nice)
    try:
        async with async_playwright() as pw:
            browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            # (b) + (c): one first-time visitor at a time, bare and recipe interleaved
            visits: dict = {"bare": {"link": [], "map": []}, "recipe": {"link": [], "map": []}}
            for _ in range(args.reps):
                for setup in ("bare", "recipe"):
                    prefix = s["prefix"] if setup == "recipe" else None
                    visits[setup]["link"].append(await cold_visit(browser, s[setup], args.link, "chart", prefix,
                                                                  args.timeout))
                    visits[setup]["map"].append(await cold_visit(browser, s[setup], args.map_link, "map", prefix,
                                                                 args.timeout))
            for v in (visits["bare"]["link"] + visits["recipe"]["link"] + visits["bare"]["map"]
                      + visits["recipe"]["map"]):
                v["files"] = list(v.get("files", ()))  # (the CDP listener may still append; freeze)
            res["visits"] = visits
            # what the protocol clients download first: the files the cold browser fetched
            # before its first chart on that set-up (same paths, e.g. the page with its query)
            assets = {k: (visits[k]["link"][0]["files"] if args.fetch_assets else []) for k in ("bare", "recipe")}
            res["assets"] = assets
            await asyncio.sleep(3)
            # (a) the burst, --rounds times, order bare/recipe then recipe/bare (ABBA: the machine is
            # shared, its other load drifts)
            res["burst"] = {"bare": [], "recipe": []}
            for k in range(args.rounds):
                for setup in (("bare", "recipe") if k % 2 == 0 else ("recipe", "bare")):
                    res["burst"][setup].append(await burst(browser, s[setup], args, s[f"{setup}_pids"],
                                                           assets[setup]))
                    await asyncio.sleep(5)
            await browser.close()
    finally:
        stop_setups(s)
        log = s["prefix"] / "access.log"
        if log.exists():
            shutil.copy(log, OUT / "deploy_bench-nginx-access.log")
        shutil.rmtree(tmp, ignore_errors=True)
    return res


# --- report -----------------------------------------------------------------------------------
def _p(vals: list[float]) -> str:
    return f"{pct(vals, 0.5):6.2f} {pct(vals, 0.95):6.2f}" if vals else "     –      –"


def report(res: dict, command: str) -> str:
    a = res["args"]
    la = res["loadavg_start"]
    lines = [f"deploy_bench — {res['when']}",
             f"machine: {platform.machine()}, {os.cpu_count()} cores (shared with other users), Python "
             f"{platform.python_version()}, load average at start {la[0]:.1f} / {la[1]:.1f} / {la[2]:.1f}",
             f"store: {re.sub(r'//[^/@]*@', '//', a['db'])}", f"command: {command}",
             "bare = one `streamlit run app.py` (as ./run.sh); recipe = deploy/: nginx + 2 replicas (cookie affinity, "
             "precompressed static files, websocket compression); both warmed by deploy/warm.py, same run",
             "clients: " + (f"the protocol clients, Playwright and Chromium run at nice {a.get('client_nice')} once both "
                            "set-ups are up, so they use the CPU the servers leave (as the audience's own devices "
                            "would) instead of taking it from them" if a.get("client_nice") else
                            "the protocol clients, Playwright and Chromium run at the servers' priority and compete "
                            "with them for the same 2 cores"),
             "warm-up: " + "; ".join(res.get("warm", [])), ""]
    lines.append(f"(a) {a['sessions']} sessions open /{a['link']} within {a['window']:.0f} s "
                 f"({a['browsers']} real Chromium contexts, cold; the rest over Streamlit's websocket protocol)")
    for setup in ("bare", "recipe"):
        files = res.get("assets", {}).get(setup) or []
        got = [r["asset_bytes"] for b in res["burst"][setup] for r in b["results"] if "asset_bytes" in r]
        took = [r["assets_s"] for b in res["burst"][setup] for r in b["results"] if "assets_s" in r]
        if files:
            lines.append(f"  {setup}: each protocol client first downloads the {len(files)} files the cold browser fetched "
                         f"(page, scripts, styles, fonts; {statistics.median(got) / 1e6:.2f} MB on the wire, in "
                         f"p50 {pct(took, .5):.2f} s / p95 {pct(took, .95):.2f} s), then opens the websocket")
        else:
            lines.append(f"  {setup}: protocol clients open the websocket only (no file downloads)")
    lines.append(f"{'':<8}{'errors':>7}{'done':>7}   {'finished run p50 p95':>21}   {'1st chart DRAWN p50 p95':>24}"
                 f"   {'1st chart sent p50 p95':>23}   {'wall':>6}  server CPU   browsers CPU  load")
    rows = {}
    for setup in ("bare", "recipe"):
        rounds = res["burst"][setup]
        rs = [r for b in rounds for r in b["results"]]
        b = {"wall_s": statistics.median(x["wall_s"] for x in rounds),
             "server_cpu_s": statistics.median(x["server_cpu_s"] for x in rounds),
             "browser_cpu_s": statistics.median(x["browser_cpu_s"] for x in rounds),
             "loadavg": (min(x["loadavg"][0] for x in rounds),), "loadavg_end": (max(x["loadavg_end"][0] for x in rounds),)}
        errs = sum(len(r["errors"]) for r in rs)
        fin = [r["finished"] for r in rs if "finished" in r]
        drawn = [r["first_chart"] for r in rs if r["kind"] == "browser" and "first_chart" in r]
        sent = [r["first_chart"] for r in rs if r["kind"] == "ws" and "first_chart" in r]
        rows[setup] = (fin, drawn, sent, errs)
        lines.append(f"{setup:<8}{errs:>7}{len(fin):>4}/{len(rs):<3}   {_p(fin):>21}   {_p(drawn):>24}   {_p(sent):>23}"
                     f"   {b['wall_s']:5.1f}s  {b['server_cpu_s']:6.1f} s    "
                     + (f"{b['browser_cpu_s']:6.1f} s   " if a["browsers"] else "     –     ") +
                     f"{b['loadavg'][0]:.1f}→{b['loadavg_end'][0]:.1f}")
    lines.append(f"(seconds from each session's arrival, all {a.get('rounds', 1)} round(s) pooled; 'drawn' = real browsers only, "
                 "'sent' = protocol clients only; wall and CPU = median per round; server CPU = the bare process, or both "
                 "replicas + nginx; browsers CPU = every Chromium process on the (shared) machine; load = lowest → highest "
                 "1-min load average seen)")
    for setup in ("bare", "recipe"):
        for k, x in enumerate(res["burst"][setup]):
            fin = [r["finished"] for r in x["results"] if "finished" in r]
            lines.append(f"  {setup} round {k + 1}: finished p50 {pct(fin, .5):.2f} p95 {pct(fin, .95):.2f} s, wall "
                         f"{x['wall_s']:.1f} s, server CPU {x['server_cpu_s']:.1f} s = {x['server_cpu_s'] / x['wall_s']:.2f} "
                         f"cores on average, load {x['loadavg'][0]:.1f}")

    def ratio(i: int, q: float) -> str:
        b, r = rows["bare"][i], rows["recipe"][i]
        return f"{pct(b, q) / pct(r, q):.1f}×" if b and r and pct(r, q) > 0 else "–"
    lines.append(f"recipe vs bare (bare ÷ recipe): finished run p50 {ratio(0, .5)}, p95 {ratio(0, .95)}; "
                 f"first chart drawn p50 {ratio(1, .5)}, p95 {ratio(1, .95)}; first chart sent p50 {ratio(2, .5)}, "
                 f"p95 {ratio(2, .95)}")
    for setup in ("bare", "recipe"):
        errs = [e for b in res["burst"][setup] for r in b["results"] for e in r["errors"]]
        for e in errs[:8]:
            lines.append(f"  {setup} error: {e}")
    lines.append("")

    def med(vals):
        vals = [v for v in vals if v is not None]
        return statistics.median(vals) if vals else float("nan")
    lines.append(f"(b) bytes a first-time visitor receives before the first chart of /{a['link']} "
                 f"(cold browser, alone; median of {a['reps']})")
    lines.append(f"{'':<8}{'HTTP (wire)':>12}{'websocket':>12}{'total':>10}{'seconds':>9}")
    for setup in ("bare", "recipe"):
        v = res["visits"][setup]["link"]
        h, w = med([x.get("http_bytes") for x in v]), med([x.get("ws_wire_bytes") for x in v])
        lines.append(f"{setup:<8}{h / 1e6:>9.2f} MB{w / 1e6:>9.2f} MB{(h + w) / 1e6:>7.2f} MB"
                     f"{med([x.get('seconds') for x in v]):>8.2f}s")
    lines.append("  (HTTP = CDP encodedDataLength, headers + body as transferred; websocket: bare = frame payloads, "
                 "uncompressed as sent; recipe = bytes nginx relayed on the websocket, compressed, until the page closed "
                 "right after the first chart)")
    lines.append("")
    lines.append(f"(c) first map visible on a cold browser (/{a['map_link']}, alone; {a['reps']} runs each)")
    for setup in ("bare", "recipe"):
        v = res["visits"][setup]["map"]
        secs = [x["seconds"] for x in v if "seconds" in x]
        tot = [x.get("http_bytes", 0) + (x.get("ws_wire_bytes") or 0) for x in v if "seconds" in x]
        lines.append(f"{setup:<8} median {med(secs):.2f} s (runs: {', '.join(f'{x:.2f}' for x in secs)}), "
                     f"{med(tot) / 1e6:.2f} MB received")
    verrs = [(k, e) for k in ("bare", "recipe") for kind in ("link", "map") for x in res["visits"][k][kind]
             for e in x["errors"]]
    lines.append(f"errors in (b)/(c): {len(verrs)}" + "".join(f"\n  {k}: {e}" for k, e in verrs[:6]))
    return "\n".join(lines) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", default=os.environ.get("MRL_DATABASE_URL") or f"sqlite:///{ROOT / 'data' / 'mrl.sqlite'}")
    ap.add_argument("--schema", default=None, help="PostgreSQL schema (MRL_DB_SCHEMA), default the app's")
    ap.add_argument("--sessions", type=int, default=50)
    ap.add_argument("--browsers", type=int, default=5)
    ap.add_argument("--window", type=float, default=5.0)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--link", default="porownania?unit=1261011")
    ap.add_argument("--name", default="Kraków", help="text the permalink's page shows when done")
    ap.add_argument("--map-link", default="mapa?unit=1261011")
    ap.add_argument("--rounds", type=int, default=1, help="bursts per set-up, alternating which goes first")
    ap.add_argument("--seed", type=int, default=17)
    ap.add_argument("--no-fetch-assets", dest="fetch_assets", action="store_false",
                    help="protocol clients skip the first visit's file downloads (only the websocket session)")
    ap.add_argument("--client-nice", type=int, default=19,
                    help="run the clients (this process after the servers started, Playwright, Chromium) at this "
                         "nice value, so they use the CPU the servers leave (the clients' own devices); 0 = off")
    ap.add_argument("--timeout", type=float, default=180)
    ap.add_argument("--out", default=str(RESULTS / "deploy_bench.txt"))
    args = ap.parse_args()
    if not (1 <= args.sessions <= 200 and 0 <= args.browsers <= min(10, args.sessions)):
        ap.error("--sessions 1..200, --browsers 0..10")
    os.environ.setdefault("MRL_I18N_STRICT", "1")
    res = asyncio.run(run(args))
    (OUT / "deploy_bench.json").write_text(json.dumps(res, indent=1, default=str), encoding="utf-8")
    db_shown = re.sub(r"//[^/@]*@", "//", args.db)
    command = (f"python bench/deploy_bench.py --db {db_shown} --sessions {args.sessions} --browsers {args.browsers} "
               f"--window {args.window:g} --reps {args.reps} --rounds {args.rounds} --link '{args.link}'"
               + f" --client-nice {args.client_nice}" + ("" if args.fetch_assets else " --no-fetch-assets"))
    text = report(res, command)
    Path(args.out).write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
