"""Concurrency, server only (issue 9): N simultaneous sessions speaking Streamlit's own websocket
protocol to one app server — no browser.

    /tmp/venv/bin/python bench/load_ws.py [--sessions 20] [--seed 20] [--db URL] [--step-timeout 180]

Why: bench/load.py drives 20 Playwright browser contexts; on a 2-core machine the browsers take
most of the CPU (84 % in bench/results/load.txt), so its step times measure the browsers as much as
the server. This client opens ``/_stcore/stream`` directly, so the numbers time the app server
alone (script runs, data queries, figure building, protobuf serialisation). They do **not** include
browser rendering, the JS bundle or static files.

The app is started like bench/load.py does (tests.e2e.conftest.start_app: ``streamlit run app.py``
on a free 127.0.0.1 port) against the worktree's SQLite store by default, ``--db`` for PostgreSQL.
Each simulated session (all in one asyncio loop, one websocket each) does load.py's journey:
  start            new websocket, rerun ``/``                          → sidebar unit picker sent
  profil (URL)     new websocket (a page load), rerun ``profil?unit=…`` → heading names the unit
  mapa (nav)       rerun with the map page's script hash (sidebar nav)   → the gminy map chart sent
  mapa: indicator  the "Wskaźnik" selectbox set to turnout_sejm          → the map chart shows it
  porównania (nav) rerun with the comparisons page's hash                → a chart sent
  raporty (nav)    rerun with the reports page's hash                    → the table's CSV button sent
  CSV download     deferred-file request over the websocket, then HTTP GET of the file it names
Step time = from sending the request to the ForwardMsg ``script_finished`` FINISHED_SUCCESSFULLY
(for the download: to the last byte of the file). Bytes = size of the ForwardMsgs received (what a
browser would download; refs to messages it has cached count as the small ref message, like the
browser's message cache). Errors: an exception element, a script compile error, an error alert
(the app's own "unexpected error" / "database unavailable" boxes), "Traceback" in any message, a
step timeout, a closed websocket, a missing expected element, a wrong download.

Phases: warm-up (one session, ignored), baseline (one session alone, same warm server), then N
sessions at once. Server CPU (the streamlit process and its children, from /proc), RSS at start,
after the baseline, with N sessions open and after they closed; load average at start (the machine
is shared). Loopback only; at most --max-sessions (≤ 200) sessions.

Results: bench/results/load_ws.txt (one section per store kind and N, others kept),
bench/out/load_ws.json (the last run's raw data).
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import re
import sys
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urljoin, urlparse

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.load import (NEW_INDICATOR, OUT, RESULTS, STEPS, VERBOSE, cpu_s, memory_lines, rss_kb,  # noqa: E402
                        step_table, units_for)

HARD_CAP = 200
META_INDICATOR = re.compile(r'"meta":\{[^{}]*"indicator":"([^"]+)"')


class StepError(Exception):
    """A step failed in a way that ends the session's journey (timeout, closed websocket...)."""


@dataclass
class Run:
    """What one script run sent to the client."""
    seconds: float = 0.0
    bytes: int = 0
    messages: int = 0
    errors: list[str] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)        # headings, markdown, metric labels, alerts
    selectboxes: list = field(default_factory=list)       # (root container, Selectbox proto)
    charts: list = field(default_factory=list)            # (root, chart id, meta.indicator or None)
    downloads: list = field(default_factory=list)         # DownloadButton protos


class ProtoClient:
    """One browser tab's worth of Streamlit protocol: a websocket to /_stcore/stream, BackMsg out,
    ForwardMsg in, with the frontend's ForwardMsg cache (hashes sent back with every rerun)."""

    def __init__(self, base: str, timeout_s: float):
        self.base = base
        self.timeout_s = timeout_s
        self.ws = None
        self.session_id = ""
        self.pages: dict[str, str] = {}          # url path -> page script hash (from `navigation`)
        self.cache: dict[str, tuple[int, bytes]] = {}  # hash -> (run count when last used, message)
        self.run_count = 0
        self.max_age = 2
        self.pending: dict[str, asyncio.Future] = {}
        self.bytes_total = 0

    async def connect(self) -> None:
        import websockets

        await self.close()
        url = self.base.replace("http://", "ws://", 1) + "/_stcore/stream"
        # The browser sends [subprotocol "streamlit", XSRF/auth token, last session id]; a page
        # load has no last session id, and the token is only checked against auth cookies.
        self.ws = await websockets.connect(url, subprotocols=["streamlit"], max_size=None,
                                           open_timeout=self.timeout_s, ping_interval=None,
                                           user_agent_header="mrl-load-ws")
        self.pages = {}

    async def close(self) -> None:
        if self.ws is not None:
            try:
                await self.ws.close()
            except Exception:  # noqa: BLE001 - closing a broken socket
                pass
            self.ws = None

    async def _recv(self, deadline: float):
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
        from websockets.exceptions import ConnectionClosed

        try:
            raw = await asyncio.wait_for(self.ws.recv(), max(0.01, deadline - time.perf_counter()))
        except asyncio.TimeoutError as exc:
            raise StepError(f"timeout after {self.timeout_s:.0f} s") from exc
        except ConnectionClosed as exc:
            raise StepError(f"websocket closed: {exc}") from exc
        msg = ForwardMsg()
        msg.ParseFromString(raw)
        self.bytes_total += len(raw)
        if msg.WhichOneof("type") == "ref_hash":
            hit = self.cache.get(msg.ref_hash)
            if hit is None:
                raise StepError(f"cached ForwardMsg miss {msg.ref_hash}")
            self.cache[msg.ref_hash] = (self.run_count, hit[1])
            full = ForwardMsg()
            full.ParseFromString(hit[1])
            full.metadata.CopyFrom(msg.metadata)
            return full, raw
        if msg.metadata.cacheable and msg.hash:
            self.cache[msg.hash] = (self.run_count, raw)
        return msg, raw

    async def rerun(self, *, query_string: str = "", page_name: str = "", page_script_hash: str = "",
                    widgets=()) -> Run:
        """Send rerun_script like the frontend's sendRerunBackMsg and read until the run finishes."""
        from streamlit.proto.BackMsg_pb2 import BackMsg

        back = BackMsg()
        cs = back.rerun_script
        cs.query_string = query_string
        cs.page_name = page_name
        cs.page_script_hash = page_script_hash
        cs.widget_states.widgets.extend(widgets)
        cs.cached_message_hashes.extend(self.cache)
        cs.context_info.timezone = "Europe/Warsaw"
        cs.context_info.locale = "pl-PL"
        cs.context_info.url = f"{self.base}/{page_name}" + (f"?{query_string}" if query_string else "")
        run = Run()
        t0 = time.perf_counter()
        deadline = t0 + self.timeout_s
        await self.ws.send(back.SerializeToString())
        while True:
            msg, raw = await self._recv(deadline)
            run.messages += 1
            run.bytes += len(raw)
            if b"Traceback" in raw:
                run.errors.append("'Traceback' in a message")
            typ = msg.WhichOneof("type")
            if typ == "delta":
                self._delta(msg, run)
            elif typ == "new_session":
                self.session_id = msg.new_session.initialize.session_id or self.session_id
                if msg.new_session.config.max_cached_message_age:
                    self.max_age = msg.new_session.config.max_cached_message_age
            elif typ == "navigation":
                for p in msg.navigation.app_pages:
                    self.pages[p.url_pathname] = p.page_script_hash
            elif typ == "session_event" and msg.session_event.HasField("script_compilation_exception"):
                run.errors.append("script compilation exception")
            elif typ == "backend_operation_response":
                fut = self.pending.pop(msg.backend_operation_response.request_id, None)
                if fut is not None and not fut.done():
                    fut.set_result(msg.backend_operation_response)
            elif typ == "script_finished":
                status = msg.script_finished
                if status == msg.FINISHED_WITH_COMPILE_ERROR:
                    run.errors.append("script finished with a compile error")
                    break
                if status == msg.FINISHED_SUCCESSFULLY:
                    break
                # FINISHED_EARLY_FOR_RERUN (st.rerun) / fragment runs: the chain goes on
        run.seconds = time.perf_counter() - t0
        self._age_cache()
        return run

    def _age_cache(self) -> None:
        """The frontend drops cached messages not used for max_cached_message_age runs."""
        self.run_count += 1
        for h in [h for h, (used, _) in self.cache.items() if self.run_count - used > self.max_age]:
            del self.cache[h]

    @staticmethod
    def _delta(msg, run: Run) -> None:
        d = msg.delta
        if d.WhichOneof("type") != "new_element":
            return
        el = d.new_element
        kind = el.WhichOneof("type")
        root = msg.metadata.delta_path[0] if msg.metadata.delta_path else -1  # 0 main, 1 sidebar
        if kind == "exception":
            run.errors.append(f"exception element: {el.exception.type}: {el.exception.message[:120]}")
        elif kind == "alert":
            run.texts.append(el.alert.body)
            if el.alert.format == el.alert.ERROR:
                run.errors.append(f"error box: {el.alert.body[:120]}")
        elif kind == "heading":
            run.texts.append(el.heading.body)
        elif kind == "markdown":
            run.texts.append(el.markdown.body)
        elif kind == "metric":
            run.texts.append(el.metric.label)
        elif kind == "selectbox":
            run.selectboxes.append((root, el.selectbox))
        elif kind == "plotly_chart":
            m = META_INDICATOR.search(el.plotly_chart.spec)
            run.charts.append((root, el.plotly_chart.id, m.group(1) if m else None))
        elif kind == "download_button":
            run.downloads.append(el.download_button)

    async def deferred_file(self, file_id: str) -> str:
        """Ask for a deferred download (what a click on st.download_button does); return its URL."""
        from streamlit.proto.BackMsg_pb2 import BackMsg

        req = BackMsg()
        rid = uuid.uuid4().hex
        req.backend_operation_request.request_id = rid
        req.backend_operation_request.session_id = self.session_id
        req.backend_operation_request.deferred_file.file_id = file_id
        fut = asyncio.get_running_loop().create_future()
        self.pending[rid] = fut
        await self.ws.send(req.SerializeToString())
        deadline = time.perf_counter() + self.timeout_s
        while not fut.done():
            msg, _ = await self._recv(deadline)
            if msg.WhichOneof("type") == "backend_operation_response":
                r = msg.backend_operation_response
                f = self.pending.pop(r.request_id, None)
                if f is not None:
                    f.set_result(r)
        resp = fut.result()
        if resp.error_msg:
            raise StepError(f"deferred file: {resp.error_msg[:120]}")
        return resp.deferred_file.url


@dataclass
class Session:
    n: int
    code: str
    name: str
    times: dict[str, float] = field(default_factory=dict)
    bytes: dict[str, int] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    client: ProtoClient | None = None
    cpu_pid: int = 0                                       # set: server CPU seconds per step (solo runs)
    cpu: dict[str, float] = field(default_factory=dict)


def _expect(ok: bool, what: str) -> None:
    if not ok:
        raise StepError(f"expected {what}")


async def journey(base: str, s: Session, timeout_s: float, http) -> None:
    c = ProtoClient(base, timeout_s)
    s.client = c

    current = ["start"]

    async def step(name: str, coro, check) -> Run:
        current[0] = name
        c0 = server_cpu_s(s.cpu_pid) if s.cpu_pid else 0.0
        run = await coro
        if s.cpu_pid:
            s.cpu[name] = server_cpu_s(s.cpu_pid) - c0
        s.times[name] = run.seconds
        s.bytes[name] = run.bytes
        s.errors += [f"{name}: {e}" for e in run.errors]
        if VERBOSE:
            print(f"session {s.n}: {name} {run.seconds:.2f} s {run.bytes / 1024:.0f} kB", flush=True)
        check(run)
        return run

    try:
        await c.connect()
        await step("start", c.rerun(),
                   lambda r: _expect(any(root == 1 for root, _ in r.selectboxes), "the sidebar unit picker"))
        await c.connect()  # /profil?unit=… is a new page load: a new websocket, a new session
        await step("profil (URL)", c.rerun(query_string=f"unit={s.code}", page_name="profil"),
                   lambda r: _expect(any(s.name in t for t in r.texts) and any("Ludność ogółem" in t for t in r.texts),
                                     f"'{s.name}' and 'Ludność ogółem' on the profile"))

        def map_drawn(indicator):
            return lambda r: _expect(any(cid.endswith("map_chart_gmina") and (ind == indicator or indicator is None)
                                         and ind for _, cid, ind in r.charts),
                                     f"the gminy map chart{' of ' + indicator if indicator else ''}")
        run = await step("mapa (nav)", c.rerun(page_script_hash=c.pages["mapa"]), map_drawn(None))
        box = next((sb for root, sb in run.selectboxes if sb.id.endswith("-map_indicator")), None)
        _expect(box is not None, "the map's indicator selectbox")
        option = next((o for o in box.options if o.endswith(NEW_INDICATOR[1])), None)
        _expect(option is not None, f"'{NEW_INDICATOR[1]}' among the indicators")
        from streamlit.proto.WidgetStates_pb2 import WidgetState
        w = WidgetState(id=box.id, string_value=option)
        await step("mapa: indicator", c.rerun(page_script_hash=c.pages["mapa"], widgets=[w]),
                   map_drawn(NEW_INDICATOR[0]))
        await step("porównania (nav)", c.rerun(page_script_hash=c.pages["porownania"]),
                   lambda r: _expect(any(root == 0 for root, _, _ in r.charts), "a comparison chart"))
        run = await step("raporty (nav)", c.rerun(page_script_hash=c.pages["raporty"]),
                         lambda r: _expect(any(d.id.endswith("-rp_table_csv") for d in r.downloads),
                                           "the report table's CSV button"))
        button = next(d for d in run.downloads if d.id.endswith("-rp_table_csv"))
        current[0] = "CSV download"
        t0 = time.perf_counter()
        url = urljoin(base + "/", await c.deferred_file(button.deferred_file_id))
        _expect(urlparse(url).hostname == "127.0.0.1", f"a loopback download URL, not {url[:80]}")
        r = await http.get(url, timeout=timeout_s)
        elapsed = time.perf_counter() - t0
        _expect(r.status_code == 200, f"HTTP 200 for the CSV, not {r.status_code}")
        _expect(r.content.startswith(b"\xef\xbb\xbf") and r.content.count(b"\r\n") >= 2,
                f"a UTF-8 BOM CSV with rows ({len(r.content)} bytes)")
        s.times["CSV download"] = elapsed  # counted as done only when the file arrived whole
        s.bytes["CSV download"] = len(r.content)
    except StepError as exc:
        s.errors.append(f"{current[0]}: {exc}")
    except Exception as exc:  # noqa: BLE001 - every failure is counted, not raised
        s.errors.append(f"{current[0]}: {type(exc).__name__}: {str(exc)[:160]}")


def server_cpu_s(pid: int) -> float:
    """CPU seconds of the server process and its children (a Kaleido browser, if any)."""
    total = cpu_s(pid)
    for d in Path("/proc").iterdir():
        if d.name.isdigit() and d.name != str(pid):
            try:
                ppid = int((d / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            if ppid == pid:
                total += cpu_s(int(d.name))
    return total


async def run(args) -> dict:
    import httpx

    from tests.e2e.conftest import start_app, stop_app

    OUT.mkdir(parents=True, exist_ok=True)
    env = {"MRL_DATABASE_URL": args.db, "MRL_I18N_STRICT": "1", "MRL_PUBLIC_MODE": "0"}
    picks = units_for(args.db, args.sessions + 1, args.seed)
    res: dict = {"sessions": args.sessions, "db": args.db, "seed": args.seed,
                 "when": f"{datetime.now(timezone.utc):%Y-%m-%d %H:%M UTC}", "loadavg_start": os.getloadavg()}
    proc, base = start_app(env, OUT / "load_ws-app.log")
    _expect(urlparse(base).hostname == "127.0.0.1", "a loopback app server")
    try:
        res["rss_start_kb"] = rss_kb(proc.pid)
        async with httpx.AsyncClient(trust_env=False) as http:
            warm = Session(-1, *picks[0])
            await journey(base, warm, args.step_timeout, http)
            await warm.client.close()
            base_s = Session(0, *picks[0])
            t0 = time.perf_counter()
            await journey(base, base_s, args.step_timeout, http)
            res["baseline_wall_s"] = time.perf_counter() - t0
            await base_s.client.close()
            solo = []
            for k in range(args.solo):  # server CPU per step: one session alone, nothing else running
                one = Session(-2 - k, *picks[(k % args.sessions) + 1], cpu_pid=proc.pid)
                await journey(base, one, args.step_timeout, http)
                await one.client.close()
                solo.append({"cpu": one.cpu, "bytes": one.bytes, "errors": one.errors})
            res["solo"] = solo
            await asyncio.sleep(3)
            res["rss_after_baseline_kb"] = rss_kb(proc.pid)
            sessions = [Session(i + 1, *picks[i + 1]) for i in range(args.sessions)]
            res["loadavg_concurrent_start"] = os.getloadavg()
            t0 = time.perf_counter()
            cpu0, own0 = server_cpu_s(proc.pid), time.process_time()
            await asyncio.gather(*(journey(base, s, args.step_timeout, http) for s in sessions))
            res["concurrent_wall_s"] = time.perf_counter() - t0
            res["cpu_server_s"] = server_cpu_s(proc.pid) - cpu0
            res["cpu_client_s"] = time.process_time() - own0
            res["loadavg_concurrent_end"] = os.getloadavg()
            await asyncio.sleep(3)
            res["rss_sessions_open_kb"] = rss_kb(proc.pid)
            for s in sessions:
                await s.client.close()
            await asyncio.sleep(5)
            res["rss_after_close_kb"] = rss_kb(proc.pid)
        res["warmup"] = {"times": warm.times, "errors": warm.errors}
        res["baseline"] = {"unit": base_s.code, "times": base_s.times, "bytes": base_s.bytes, "errors": base_s.errors}
        res["concurrent"] = [{"n": s.n, "unit": s.code, "name": s.name, "times": s.times, "bytes": s.bytes,
                              "errors": s.errors} for s in sessions]
    finally:
        stop_app(proc)
    return res


def solo_cpu_lines(res: dict) -> list[str]:
    """Server CPU per step of single journeys run alone (median over --solo runs), and per journey
    in the concurrent phase."""
    solo = res.get("solo") or []
    if not solo:
        return []
    import statistics
    steps = [st for st in STEPS if all(st in r["cpu"] for r in solo)]
    per = {st: statistics.median(r["cpu"][st] for r in solo) for st in steps}
    lines = ["", f"server CPU per step, one session alone (median of {len(solo)} journeys, ms):"]
    lines.append("  " + ", ".join(f"{st} {per[st] * 1000:.0f}" for st in steps)
                 + f"; whole journey {sum(per.values()) * 1000:.0f}")
    lines.append(f"  concurrent phase: {res['cpu_server_s'] / res['sessions'] * 1000:.0f} ms of server CPU per journey "
                 f"({res['cpu_server_s']:.1f} s / {res['sessions']})")
    return lines


def backend(db: str) -> str:
    return "PostgreSQL" if db.startswith("postgresql") else "SQLite"


def report(res: dict, command: str) -> str:
    n = res["sessions"]
    la, la1, la2 = res["loadavg_start"], res["loadavg_concurrent_start"], res["loadavg_concurrent_end"]
    lines = [f"load_ws — {res['when']}",
             f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python "
             f"{platform.python_version()}, load average at start {la[0]:.1f} / {la[1]:.1f} / {la[2]:.1f} "
             f"(1-min: {la1[0]:.1f} when the {n} sessions started, {la2[0]:.1f} when they ended)",
             f"store: {res['db']}",
             f"command: {command}",
             f"{n} simultaneous sessions speaking Streamlit's websocket protocol (/_stcore/stream, protobuf "
             "BackMsg/ForwardMsg), one asyncio process, one websocket each.",
             "SERVER ONLY, NO BROWSER: does not include browser rendering, the JS bundle or static files "
             "(compare bench/results/load.txt for the browser-bound numbers).",
             "step time = rerun request sent → script_finished (finished successfully); CSV download = "
             "deferred-file request → last byte of the HTTP GET", ""]
    cap = res["concurrent_wall_s"] * (os.cpu_count() or 1)
    lines.append(f"seed {res['seed']}; wall time: baseline journey {res['baseline_wall_s']:.1f} s, "
                 f"{n} concurrent journeys {res['concurrent_wall_s']:.1f} s")
    lines.append(f"CPU during the concurrent phase ({cap:.0f} CPU-s available on {os.cpu_count()} cores): app server "
                 f"{res['cpu_server_s']:.0f} s ({res['cpu_server_s'] / cap:.0%}), this protocol client "
                 f"{res['cpu_client_s']:.0f} s ({res['cpu_client_s'] / cap:.0%})")
    lines.append("")
    conc = res["concurrent"]
    lines += step_table(res, STEPS, kb=True)
    lines.append("(seconds; kB/session = median ForwardMsg bytes received for the step, the CSV file for the download)")
    lines.append("")
    errs = [(s["n"], e) for s in conc for e in s["errors"]]
    lines.append(f"errors: {len(errs)} in {n} concurrent sessions; baseline {len(res['baseline']['errors'])}; "
                 f"warm-up {len(res['warmup']['errors'])}")
    if any("CSV download: expected HTTP 200" in e for _, e in errs):
        lines.append("  (a CSV 404 means a generated file was collected before the GET: Streamlit 1.67 stores it "
                     "unreferenced and any session's finished run collects it; components/download_lifetime.py "
                     "links it to its session — a 404 here is a regression of that fix)")
    for sn, e in errs[:20]:
        lines.append(f"  session {sn}: {e}")
    for e in (res["baseline"]["errors"] + res["warmup"]["errors"])[:5]:
        lines.append(f"  baseline/warm-up: {e}")
    lines += memory_lines(res)
    lines += solo_cpu_lines(res)
    lines.append("")
    lines.append("units: " + ", ".join(f"{s['unit']} {s['name']}" for s in conc[:30])
                 + (f", … ({len(conc)} in all)" if len(conc) > 30 else ""))
    return "\n".join(lines) + "\n"


def write_section(out: Path, key: str, text: str) -> None:
    """Keep one section per (store kind, N) in the results file, replacing this run's."""
    sections: dict[str, str] = {}
    if out.exists():
        for chunk in re.split(r"^(?==== )", out.read_text(encoding="utf-8"), flags=re.M):
            m = re.match(r"=== (.+?) ===\n", chunk)
            if m:
                sections[m.group(1)] = chunk
    sections[key] = f"=== {key} ===\n{text}\n"

    def order(k: str):
        kind, n = k.split(",")[0], int(re.search(r"(\d+) sessions", k).group(1))
        return (kind != "SQLite", n)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("".join(sections[k] for k in sorted(sections, key=order)), encoding="utf-8")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sessions", type=int, default=20)
    ap.add_argument("--max-sessions", type=int, default=HARD_CAP, help=f"guard, at most {HARD_CAP}")
    ap.add_argument("--seed", type=int, default=20)
    ap.add_argument("--db", default=f"sqlite:///{ROOT / 'data' / 'mrl.sqlite'}")
    ap.add_argument("--step-timeout", type=float, default=180)
    ap.add_argument("--solo", type=int, default=3, help="single journeys alone for server CPU per step (default 3)")
    ap.add_argument("--out", default=str(RESULTS / "load_ws.txt"))
    args = ap.parse_args()
    if not 1 <= args.sessions <= min(args.max_sessions, HARD_CAP):
        ap.error(f"--sessions must be between 1 and {min(args.max_sessions, HARD_CAP)} (--max-sessions, cap {HARD_CAP})")
    os.environ.setdefault("MRL_I18N_STRICT", "1")
    res = asyncio.run(run(args))
    (OUT / "load_ws.json").write_text(json.dumps(res, indent=1, default=str), encoding="utf-8")
    db_shown = re.sub(r"//[^/@]*@", "//", args.db)  # no user name in the committed command
    command = ("/tmp/venv/bin/python bench/load_ws.py --sessions "
               f"{args.sessions} --seed {args.seed} --solo {args.solo}" + ("" if args.db == ap.get_default("db") else f" --db {db_shown}"))
    text = report(res, command)
    write_section(Path(args.out), f"{backend(args.db)}, {args.sessions} sessions", text)
    print(text)


if __name__ == "__main__":
    main()
