"""Map explorer benchmark, gmina level, against a naive baseline in the same run (on demand).

    MRL_DATABASE_URL=sqlite:////abs/path/mrl.sqlite /tmp/venv/bin/python bench/map_bench.py [--changes 3]

Writes bench/out/map_bench.txt. Measures, for the 2,477 gminy:

1. Server time to build one map (in-process, no browser): ours = query + rank + classify + figure +
   JSON with the geometry by URL; naive = geopandas reads the layer, merges the values and
   plotly express / pydeck inline the full GeoJSON. Median of several runs, plus the JSON bytes.
2. In headless Chromium (Debian's, offline): our app (pages/mapa.py) and bench/naive_map_app.py as
   real Streamlit servers. For a fresh page: HTTP bytes (encoded body + headers, as sent: gzip where
   the server compresses), websocket bytes (frame payloads received), time until the first map is
   drawn. For each indicator change (and one year change), made in ours and then in naive so both
   see the same machine load: websocket + HTTP bytes and the time from the click on the new option
   until the new map is drawn ("visible": the figure's layout.meta names the new indicator and a
   filled unit is drawn at Kraków: for ours, plotly's SVG geo map, a filled unit path contains
   Kraków's projected point; for naive's MapLibre map, the map is loaded and has rendered features
   at Kraków).

Websocket frames are counted as Playwright reports them (the protobuf payload; Streamlit does not
compress websocket messages by default). Goals: a change sends <= 100 KB and >= 20x less than
naive, the new map is visible <= 1 s after the change, the first map of a fresh page <= 1 MB.
"""
from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, KRAKOW, UNIT_PATH_AT, start_app  # noqa: E402

CHANGES = [("turnout_sejm", "Frekwencja – wybory do Sejmu"),
           ("share_post_working", "Udział ludności w wieku poprodukcyjnym"),
           ("own_revenue_per_capita", "Dochody własne na mieszkańca"), ("water_supply_pct", "Korzystający z wodociągu")]
# Ours draws an SVG geo map (plotly ``geo``), naive a MapLibre map (``map``): "visible" is, for
# either, the figure naming the new indicator and a drawn, filled unit at Kraków.
MAP_READY = """([indicator, year, lon, lat]) => {
  const gd = [...document.querySelectorAll('.js-plotly-plot')].find(g => g.layout && g.layout.meta && g.layout.meta.indicator);
  if (!gd || gd.layout.meta.indicator !== indicator || (year && gd.layout.meta.year !== year)) return false;
  const fl = gd._fullLayout;
  if (fl.geo) {
    if ((""" + UNIT_PATH_AT + """)(gd, lon, lat) === null) return false;
  } else {
    const sp = fl.map && fl.map._subplot;
    const m = sp && sp.map;
    if (!m || !m.loaded() || !m.areTilesLoaded()) return false;
    if (m.queryRenderedFeatures(m.project([lon, lat])).length === 0) return false;
  }
  window.__ready = performance.now();
  return true;
}"""


# -- server side ------------------------------------------------------------------------------------

def _median_time(fn, n=5):
    times, out = [], None
    for _ in range(n):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), out


def server_side(store) -> list[str]:
    import geopandas as gpd
    import plotly.express as px
    import pydeck as pdk

    from presentation.map_figures import choropleth_figure
    from domain.classify import class_colours, classify
    from domain.rankings import ranking_frame
    from services.static_geo import feature_ids

    inds = store.indicators()
    units = store.units("gmina")
    layer_text = store.layer("gmina")[0]
    geo_codes = feature_ids(layer_text)
    ind = inds["population_density"]

    def ours():
        frame = ranking_frame(units, store.level_values(ind.id, 2019, "gmina"), ind.polarity, geo_codes)
        c = classify(frame["value"].to_numpy(), method="quantiles", k=5)
        fig = choropleth_figure(ranking=frame, classification=c, colours=class_colours(c, polarity=ind.polarity),
                                geojson="/app/static/geo/gmina.x.geojson", indicator=ind, year=2019, level="gmina",
                                lang="pl", context_geojson="/app/static/geo/wojewodztwo.x.geojson",
                                context_codes=[f"{i:02d}" for i in range(2, 33, 2)])
        return fig.to_json()

    def ours_fj():
        frame = ranking_frame(units, store.level_values(ind.id, 2019, "gmina"), ind.polarity, geo_codes)
        c = classify(frame["value"].to_numpy(), method="fisher_jenks", k=9)
        return c

    def naive_gdf():
        gdf = gpd.read_file(io.StringIO(layer_text))
        gdf["code"] = [f["id"] for f in json.loads(layer_text)["features"]]
        vals = store.level_values(ind.id, 2019, "gmina")[["unit", "value"]]
        return gdf.merge(vals, left_on="code", right_on="unit", how="left")

    def naive_plotly():
        gdf = naive_gdf()
        fig = px.choropleth_map(gdf, geojson=gdf.set_index("code").__geo_interface__, locations="code",
                                color="value", map_style="white-bg", zoom=5.3)
        return fig.to_json()

    def naive_pydeck():
        gdf = naive_gdf()
        deck = pdk.Deck(layers=[pdk.Layer("GeoJsonLayer", data=gdf.__geo_interface__, get_fill_color=[0, 0, 255])],
                        map_provider=None)
        return deck.to_json()

    ours()  # import/JIT warm-up
    t_ours, js_ours = _median_time(ours)
    t_fj, _ = _median_time(ours_fj)
    t_np, js_np = _median_time(naive_plotly, 3)
    t_nd, js_nd = _median_time(naive_pydeck, 3)
    b_ours, b_np, b_nd = (len(x.encode()) for x in (js_ours, js_np, js_nd))
    return [
        "1. Server time to build one gmina map (median, in-process; population density 2019, 2,477 gminy)",
        f"   {'path':<58} {'ms':>8} {'figure JSON bytes':>18}",
        f"   {'ours: query+rank+quantiles+figure+JSON, geometry by URL':<58} {t_ours * 1000:>8.0f} {b_ours:>18,}",
        f"   {'   (natural breaks k=9 instead of quantiles: query+classify)':<58} {t_fj * 1000:>8.0f} {'':>18}",
        f"   {'naive: geopandas + px.choropleth_map, inline GeoJSON':<58} {t_np * 1000:>8.0f} {b_np:>18,}",
        f"   {'naive: geopandas + pydeck GeoJsonLayer':<58} {t_nd * 1000:>8.0f} {b_nd:>18,}",
        f"   ratio naive plotly / ours: time {t_np / t_ours:.1f}x, bytes {b_np / b_ours:.1f}x",
        "",
    ]


# -- browser side ----------------------------------------------------------------------------------

def start(script: Path, env: dict, log: Path, cwd: Path = ROOT):
    return start_app(env, log, script=script, cwd=cwd)


class Meter:
    """Bytes the browser received: HTTP (encoded body + headers) and websocket frames."""

    def __init__(self, page):
        self.http = 0
        self.ws = 0
        self.http_items: list[tuple[str, int, str]] = []
        page.on("requestfinished", self._req)
        page.on("websocket", lambda ws: ws.on("framereceived", self._frame))

    def _req(self, req):
        try:
            sz = req.sizes()
            resp = req.response()
        except Exception:  # noqa: BLE001 - the page went away
            return
        n = sz["responseBodySize"] + sz["responseHeadersSize"]
        self.http += n
        enc = (resp.headers.get("content-encoding") if resp else "") or ""
        self.http_items.append((req.url, n, enc))

    def _frame(self, payload):
        self.ws += len(payload if isinstance(payload, (bytes, bytearray)) else payload.encode())

    def mark(self):
        return self.http, self.ws, len(self.http_items)


# In-page clock: when big websocket messages (the new figure) arrive, and when the map is ready.
WS_HOOK = """(() => {
  window.__ws = [];
  const Orig = window.WebSocket;
  window.WebSocket = function(...a) {
    const ws = new Orig(...a);
    ws.addEventListener('message', e => {
      const n = e.data.byteLength || e.data.size || e.data.length || 0;
      if (n > 20000) window.__ws.push(performance.now());
    });
    return ws;
  };
  window.WebSocket.prototype = Orig.prototype;
  Object.assign(window.WebSocket, Orig);
})();"""


def choose(page, label: str, text: str):
    page.get_by_test_id("stSelectbox").filter(has_text=label).first.click()
    page.keyboard.type(text)
    option = page.get_by_role("option").first
    option.wait_for()
    page.evaluate("() => { window.__ws = []; window.__click = performance.now(); }")
    t0 = time.perf_counter()
    option.click()
    return t0


def split(page) -> tuple[float, float]:
    """(click -> figure message received, figure received -> map rendered) in seconds."""
    click, ws, now = page.evaluate("() => [window.__click, window.__ws[0] || null, window.__ready]")
    if ws is None:
        return float("nan"), float("nan")
    return (ws - click) / 1000, (now - ws) / 1000


class Session:
    """One app in its own fresh browser context (empty cache): the first map, then changes."""

    def __init__(self, browser, base: str, *, ours: bool):
        self.ours = ours
        self.ctx = browser.new_context(viewport={"width": 1920, "height": 1080})
        self.ctx.add_init_script(WS_HOOK)
        self.page = self.ctx.new_page()
        self.page.set_default_timeout(90_000)
        self.m = Meter(self.page)
        self.changes: list[tuple] = []
        t0 = time.perf_counter()
        self.page.goto(base + ("/mapa" if ours else "/"), wait_until="domcontentloaded")
        self.page.wait_for_function(MAP_READY, arg=["population_density", 2019, *KRAKOW], timeout=90_000)
        self.first_s = time.perf_counter() - t0
        self.page.wait_for_timeout(1500)  # let late frames (histogram, table) arrive
        self.first_http, self.first_ws, _ = self.m.mark()
        self.geo = [(u, n, e) for u, n, e in self.m.http_items if "/app/static/geo/" in u or "/app/static/topojson/" in u]

    def change(self, name: str, label: str, text: str, ind: str, year: int = 0) -> None:
        page, m = self.page, self.m
        print(f"   {'ours' if self.ours else 'naive'}: {name}", flush=True)
        load = os.getloadavg()[0]
        before = m.mark()
        t = choose(page, label, text)
        page.wait_for_function(MAP_READY, arg=[ind, year, *KRAKOW], timeout=90_000)
        visible = time.perf_counter() - t
        parts = split(page)
        page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')")
        page.wait_for_timeout(1200)
        after = m.mark()
        self.changes.append((name, after[1] - before[1], after[0] - before[0], visible, parts, load))

    def close(self) -> dict:
        self.ctx.close()
        return {"first_http": self.first_http, "first_ws": self.first_ws, "first_s": self.first_s, "geo": self.geo,
                "changes": self.changes}


def browser_runs(browser, u_ours: str, u_naive: str, changes: int, u_before: str | None = None
                 ) -> tuple[dict, dict, dict | None]:
    """Ours and naive (and, given, an earlier version of ours) interleaved: each change is made in
    ours, then at once in the others, so all see the same machine load."""
    ours = Session(browser, u_ours, ours=True)
    before = Session(browser, u_before, ours=True) if u_before else None
    naive = Session(browser, u_naive, ours=False)
    steps = [(f"indicator -> {ind}", "Wskaźnik", text, ind, 0) for ind, text in CHANGES[:changes]]
    yearly = [ind for ind, _ in CHANGES[:changes] if ind != "turnout_sejm"]  # turnout: election years only
    if yearly:
        steps.append((f"year -> 2018 ({yearly[-1]})", "Rok", "2018", yearly[-1], 2018))
    for step in steps:
        ours.change(*step)
        if before:
            before.change(*step)
        naive.change(*step)
    return ours.close(), naive.close(), before.close() if before else None


def warm_up(browser, base: str, path: str):
    ctx = browser.new_context(viewport={"width": 1920, "height": 1080})
    page = ctx.new_page()
    page.goto(base + "/", wait_until="domcontentloaded")
    page.wait_for_timeout(4000)
    page.goto(base + path, wait_until="domcontentloaded")
    page.wait_for_function(MAP_READY, arg=["population_density", 2019, *KRAKOW], timeout=120_000)
    ctx.close()


def kb(n: float) -> str:
    return f"{n / 1000:,.1f} KB"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--changes", type=int, default=3, help="indicator changes per app (max 4)")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "map_bench.txt")
    ap.add_argument("--before", type=Path, default=None,
                    help="a checkout of an earlier commit (e.g. `git archive <rev> | tar -x -C DIR`): its app is "
                         "measured too, interleaved, as 'before'")
    args = ap.parse_args(argv)

    from settings import get_settings
    from store.db import Store

    s = get_settings()
    store = Store(s.database_url, schema=s.db_schema)
    if not store.has_data():
        print("store is empty: run `python cli.py ingest` first", file=sys.stderr)
        return 2
    lines = [f"Map benchmark — {time.strftime('%Y-%m-%d %H:%M')} — store {s.database_url.split('///')[-1]}",
             f"machine: {os.cpu_count()} CPU, load average at start {os.getloadavg()[0]:.1f} (other jobs share the CPU: "
             f"timings are upper bounds), Chromium {CHROMIUM} headless with software WebGL", ""]
    lines += server_side(store)
    print("\n".join(lines), flush=True)

    from playwright.sync_api import sync_playwright

    out_dir = args.out.parent
    out_dir.mkdir(parents=True, exist_ok=True)
    env = {"MRL_DATABASE_URL": s.database_url, "MRL_DB_SCHEMA": s.db_schema}
    procs = []
    try:
        p_ours, u_ours = start(ROOT / "app.py", env, out_dir / "map_bench_app.log")
        procs.append(p_ours)
        p_naive, u_naive = start(ROOT / "bench" / "naive_map_app.py", env, out_dir / "map_bench_naive.log")
        procs.append(p_naive)
        u_before = None
        if args.before:
            p_before, u_before = start(args.before / "app.py", env, out_dir / "map_bench_before.log", cwd=args.before)
            procs.append(p_before)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            warm_up(browser, u_ours, "/mapa")
            if u_before:
                warm_up(browser, u_before, "/mapa")
            warm_up(browser, u_naive, "/")
            ours, naive, before = browser_runs(browser, u_ours, u_naive, args.changes, u_before)
            browser.close()
    finally:
        for p in procs:
            p.terminate()
            try:
                p.wait(10)
            except subprocess.TimeoutExpired:
                p.kill()

    b = [f"   (load average after the browser runs: {os.getloadavg()[0]:.1f})",
         "2. Headless Chromium, fresh browser context (empty cache), server caches warm for the first map only;",
         "   ours and naive interleaved (each change in ours, then in naive); load = 1-min load average before the step",
         f"   {'':<44} {'ours':>14} {'naive':>14} {'naive/ours':>11}",
         f"   {'first map: HTTP bytes (all, as sent)':<44} {kb(ours['first_http']):>14} {kb(naive['first_http']):>14}"
         f" {naive['first_http'] / ours['first_http']:>10.1f}x",
         f"   {'first map: websocket bytes':<44} {kb(ours['first_ws']):>14} {kb(naive['first_ws']):>14}"
         f" {naive['first_ws'] / ours['first_ws']:>10.1f}x",
         f"   {'first map: time to visible (s)':<44} {ours['first_s']:>14.2f} {naive['first_s']:>14.2f}"]
    geo_bytes = sum(n for _, n, _ in ours["geo"])
    b.append(f"   ours, geometry files fetched once: " + ", ".join(
        f"{u.rsplit('/', 1)[-1]} {kb(n)} ({e or 'identity'})" for u, n, e in ours["geo"]))
    js_http = ours["first_http"] - geo_bytes
    b.append(f"   ours, first map app data (websocket + geometry): {kb(ours['first_ws'] + geo_bytes)}; "
             f"the rest of HTTP ({kb(js_http)}) is Streamlit's and plotly's JavaScript (served uncompressed by "
             "Streamlit; the same for every page and cached by the browser)")
    b.append("")
    b.append(f"   {'change':<44} {'ws ours':>10} {'ws naive':>10} {'ratio':>7} {'http ours':>10} "
             f"{'visible ours':>13} {'visible naive':>14} {'load':>5}   ours: server+transfer / draw")
    if before:
        b.insert(b.index(""), f"   {'first map, before (' + args.before.name + '): time to visible (s)':<44} "
                              f"{before['first_s']:>14.2f}")
    ratios, ws_ours, vis_ours = [], [], []
    for (name, w1, h1, v1, p1, ld), (_, w2, h2, v2, _, _) in zip(ours["changes"], naive["changes"]):
        ratios.append(w2 / w1)
        ws_ours.append(w1)
        vis_ours.append(v1)
        b.append(f"   {name:<44} {kb(w1):>10} {kb(w2):>10} {w2 / w1:>6.1f}x {kb(h1):>10} {v1:>12.2f}s {v2:>13.2f}s"
                 f" {ld:>5.1f}   {p1[0]:.2f}s / {p1[1]:.2f}s")
    if before:
        b += ["", f"   before = {args.before} (same run, interleaved)",
              f"   {'change':<44} {'visible ours':>13} {'visible before':>15} {'visible naive':>14}   "
              "before: server+transfer / draw"]
        for (name, _, _, v1, _, _), (_, _, _, v0, p0, _), (_, _, _, v2, _, _) in zip(
                ours["changes"], before["changes"], naive["changes"]):
            b.append(f"   {name:<44} {v1:>12.2f}s {v0:>14.2f}s {v2:>13.2f}s   {p0[0]:.2f}s / {p0[1]:.2f}s")
        vb = [c[3] for c in before["changes"]]
        b.append(f"   median visible: ours {statistics.median(vis_ours):.2f}s, before {statistics.median(vb):.2f}s, "
                 f"naive {statistics.median([c[3] for c in naive['changes']]):.2f}s")
    b += ["",
          "3. Goals",
          f"   change sends <= 100 KB: max {kb(max(ws_ours + [0]))} websocket "
          f"(+ HTTP {kb(max(c[2] for c in ours['changes']))} max) -> {'MET' if max(ws_ours) <= 100_000 else 'NOT MET'}",
          f"   >= 20x less than naive: min ratio {min(ratios):.1f}x -> {'MET' if min(ratios) >= 20 else 'NOT MET'}",
          f"   new map visible <= 1 s after the change: max {max(vis_ours):.2f}s, median "
          f"{statistics.median(vis_ours):.2f}s -> {'MET' if max(vis_ours) <= 1.0 else 'NOT MET'}",
          f"   first map <= 1 MB: app data {kb(ours['first_ws'] + geo_bytes)} -> "
          f"{'MET' if ours['first_ws'] + geo_bytes <= 1_000_000 else 'NOT MET'}; everything incl. framework "
          f"JavaScript {kb(ours['first_http'] + ours['first_ws'])} -> "
          f"{'MET' if ours['first_http'] + ours['first_ws'] <= 1_000_000 else 'NOT MET'}"]
    print("\n".join(b))
    lines += b
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"\nwritten to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
