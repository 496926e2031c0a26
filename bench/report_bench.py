"""Report generation time over several units (run on demand; needs a built store and Chromium).

    MRL_DATABASE_URL=sqlite:///data/mrl.sqlite /tmp/venv/bin/python bench/report_bench.py [--repeat 3]

Writes the table to bench/out/report_bench.txt. Per unit (a city, rural and urban gminy, a powiat,
a województwo, a functional area) it times:

  model          building the report model from the store, uncached (the app caches it: the
                 reports page builds it while the user picks charts, before any click)
  pdf            the PDF from a built model, charts through ONE reused kaleido server
                 (reports.png) — what a click on "Raport PDF" costs in the running app
  pdf naive      the same PDF with the naive baseline: every chart through a fresh kaleido call
                 (a browser started per image, what fig.to_image() does without a server)
  pdf cpu        CPU seconds of this process for one PDF (HTML, WeasyPrint layout and drawing;
                 excludes Chromium, which renders the charts in its own processes) — much less
                 sensitive than wall time to other work on the machine
  charts         wall seconds for the chart SVGs alone (kaleido/Chromium)
  pptx           the deck from a built model (PNG charts at 1960 px, reused server)

and prints p50 / p95 / max over all runs, against the 3-second goal for the PDF.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

UNITS = [("1261011", "Kraków (city with powiat rights)"), ("0201022", "Bolesławiec (rural gmina)"),
         ("1465011", "Warszawa"), ("2862011", "Olsztyn"), ("1206092", "Mogilany (rural gmina)"),
         ("1206", "powiat krakowski"), ("12", "małopolskie"),
         ("area:1206032,1206042,1261011,1206092", "area of 4 gminy")]


def pct(values: list[float], q: float) -> float:
    xs = sorted(values)
    if not xs:
        return float("nan")
    k = (len(xs) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=3, help="runs per unit for the reused-server timings")
    ap.add_argument("--naive-units", type=int, default=3, help="units measured with the naive baseline (slow)")
    args = ap.parse_args()

    import kaleido

    from reports import deck, gather, pdf, png
    from settings import get_settings
    from store.db import Store

    s = get_settings()
    store = Store(s.database_url, schema=s.db_schema)
    if not store.has_data():
        sys.exit("no store: run `python cli.py ingest` first")

    times: dict[str, list[float]] = {"model": [], "pdf": [], "pdf cpu": [], "charts": [], "pdf naive": [],
                                     "pptx": [], "model+pdf": []}
    rows = []
    t0 = time.perf_counter()
    png.figure_svg(__import__("plotly.graph_objects", fromlist=["Figure"]).Figure())  # start the shared server
    start_cost = time.perf_counter() - t0
    for i, (key, label) in enumerate(UNITS):
        kw = {"area": tuple(key[5:].split(","))} if key.startswith("area:") else {"code": key}
        t = time.perf_counter()
        model = gather.build(store, lang="pl", permalink=f"http://127.0.0.1:8501/raporty?unit={key}", **kw)
        t_model = time.perf_counter() - t
        times["model"].append(t_model)
        pdf_runs = []
        for _ in range(args.repeat):
            t, c = time.perf_counter(), time.process_time()
            data = pdf.render_pdf(model)
            pdf_runs.append(time.perf_counter() - t)
            times["pdf cpu"].append(time.process_time() - c)
            t = time.perf_counter()
            pdf.chart_images(model)
            times["charts"].append(time.perf_counter() - t)
        times["pdf"] += pdf_runs
        times["model+pdf"].append(t_model + pdf_runs[0])
        t = time.perf_counter()
        deck.build_deck(model)
        t_pptx = time.perf_counter() - t
        times["pptx"].append(t_pptx)
        t_naive = float("nan")
        if i < args.naive_units:
            original = png.figure_svg

            def naive_svg(fig, *, width=900, height=420):
                # no server: kaleido starts (and stops) a browser for this one image
                return kaleido.calc_fig_sync(fig, opts={"format": "svg", "width": width, "height": height})

            png.stop()
            png.figure_svg = naive_svg
            try:
                t = time.perf_counter()
                pdf.render_pdf(model)
                t_naive = time.perf_counter() - t
            finally:
                png.figure_svg = original
            times["pdf naive"].append(t_naive)
        rows.append((label, len(model.charts), len(data), t_model, statistics.median(pdf_runs), t_naive, t_pptx))
        print(f"{label:38s} charts={len(model.charts)} model={t_model:.2f}s pdf p50={statistics.median(pdf_runs):.2f}s "
              f"naive={t_naive:.2f}s pptx={t_pptx:.2f}s", flush=True)

    lines = [f"report_bench — {len(UNITS)} units, {args.repeat} PDF runs each; store {s.database_url.split('?')[0]}",
             f"machine: {os.cpu_count()} cores, load average at the end {os.getloadavg()[0]:.1f} (other work on the "
             f"machine inflates every number); first kaleido server start + first image: {start_cost:.2f} s", "",
             f"{'unit':38s} {'charts':>6s} {'PDF kB':>7s} {'model s':>8s} {'pdf s':>6s} {'naive s':>8s} {'pptx s':>7s}"]
    for label, n, size, tm, tp, tn, tx in rows:
        lines.append(f"{label:38s} {n:6d} {size / 1024:7.0f} {tm:8.2f} {tp:6.2f} {tn:8.2f} {tx:7.2f}")
    lines += ["", f"{'timing':12s} {'n':>3s} {'p50 s':>7s} {'p95 s':>7s} {'max s':>7s}"]
    for name, xs in times.items():
        lines.append(f"{name:12s} {len(xs):3d} {pct(xs, .5):7.2f} {pct(xs, .95):7.2f} {max(xs) if xs else float('nan'):7.2f}")
    goal = pct(times["pdf"], .95)
    lines += ["", f"PDF from a built model (what a click costs): wall p95 {goal:.2f} s -> "
                  f"{'meets' if goal <= 3 else 'MISSES'} the 3 s goal at this load; our own CPU p95 "
                  f"{pct(times['pdf cpu'], .95):.2f} s + charts p95 {pct(times['charts'], .95):.2f} s; "
                  f"naive per-call kaleido p50 {pct(times['pdf naive'], .5):.2f} s "
                  f"({pct(times['pdf naive'], .5) / pct(times['pdf'], .5):.1f}x slower than the reused server)"]
    out = ROOT / "bench" / "out"
    out.mkdir(parents=True, exist_ok=True)
    (out / "report_bench.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))
    png.stop()


if __name__ == "__main__":
    main()
