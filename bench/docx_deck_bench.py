"""The DOCX draft (one gmina, charts included) and the seminar deck (30 gminy), against naive
baselines in the same run (needs a built store and Chromium; run on demand).

    MRL_DATABASE_URL=sqlite:///data/mrl.sqlite python bench/docx_deck_bench.py [--units 6] [--deck 30]

DOCX (goal ≤ 5 s for one gmina including charts), per gmina:
  model      the report model with the draft's 6 chart keys, the assessment (with its rank interval)
             and the strategy section — what `cli.py report --format docx` builds
  docx       the document from the model: chart PNGs through the ONE reused Chromium (reports.png)
  total      model + docx (the CLI's work after the store is open)
  cold       the first gmina's total including the Chromium start (a fresh process)
  naive      the same document with every chart through a fresh kaleido call (a browser per image,
             what plotly's fig.to_image() does without a server) — measured for the first gmina

Seminar deck (goal ≤ 30 s for 30 gminy):
  deck       reports.seminar.build_seminar for N gminy (one StoreSource: level matrices and the
             assessment's leaf values read once)
  naive      the same gminy one by one, each with a fresh StoreSource (every gmina re-reads its
             level) — timed for the first 10 and scaled to N (it grows linearly)

Writes bench/results/docx_deck_bench.txt.
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


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--units", type=int, default=6, help="gminy for the DOCX timings")
    ap.add_argument("--deck", type=int, default=30, help="gminy in the seminar deck")
    ap.add_argument("--naive-deck", type=int, default=10, help="gminy timed with the naive deck baseline")
    args = ap.parse_args()

    import kaleido

    from reports import commands, docx, gather, png, seminar
    from reports.source import StoreSource
    from settings import get_settings
    from store.db import Store

    s = get_settings()
    store = Store(s.database_url, schema=s.db_schema)
    if not store.has_data():
        sys.exit("no store: run `python cli.py ingest` first")
    src = StoreSource(store)
    units = src.units()
    gminy = units.loc[units["level"] == "gmina", "code"].tolist()
    picks = ["1602043", "0201022", "1261011", "2862011", "1206092", "0201011"][:args.units]
    lines = [f"docx_deck_bench — store {s.database_url.split('?')[0]}",
             f"machine: {os.cpu_count()} cores, load average at the start {os.getloadavg()[0]:.1f} (other work on the "
             "machine inflates every number)", ""]

    def docx_once(code: str) -> tuple[float, float, int, int]:
        t = time.perf_counter()
        model = gather.build(src, lang="pl", code=code, charts=docx.DOCX_CHARTS, with_map=False)
        model = commands.with_sections(src, model, lang="pl", code=code, area=(), peers=None)
        t_model = time.perf_counter() - t
        t = time.perf_counter()
        data = docx.build_docx(model)
        return t_model, time.perf_counter() - t, len(data), len(model.charts) + (model.assessment is not None)

    # cold: the first document pays the Chromium start
    png.stop()
    t = time.perf_counter()
    m0, d0, size0, n0 = docx_once(picks[0])
    cold = time.perf_counter() - t
    rows = []
    for code in picks:
        tm, td, size, n = docx_once(code)
        rows.append((code, n, size, tm, td, tm + td))
    # naive: a fresh browser per chart image
    model = commands.with_sections(src, gather.build(src, lang="pl", code=picks[0], charts=docx.DOCX_CHARTS,
                                                     with_map=False), lang="pl", code=picks[0], area=(), peers=None)
    original = png.figure_png

    def naive_png(fig, *, width=1280, height=720, scale=1.5, font_scale=1.0):
        return kaleido.calc_fig_sync(fig, opts={"format": "png", "width": width, "height": height, "scale": scale})

    png.stop()
    png.figure_png = naive_png
    try:
        t = time.perf_counter()
        docx.build_docx(model)
        naive = time.perf_counter() - t
    finally:
        png.figure_png = original
    lines += [f"DOCX draft, {len(picks)} gminy (each: report model + assessment with rank interval + document)",
              f"{'gmina':8s} {'images':>6s} {'kB':>5s} {'model s':>8s} {'docx s':>7s} {'total s':>8s}"]
    for code, n, size, tm, td, tt in rows:
        lines.append(f"{code:8s} {n:6d} {size / 1024:5.0f} {tm:8.2f} {td:7.2f} {tt:8.2f}")
    totals = [r[5] for r in rows]
    docs = [r[4] for r in rows]
    lines += ["", f"total p50 {statistics.median(totals):.2f} s, max {max(totals):.2f} s (goal ≤ 5 s: "
                  f"{'meets' if max(totals) <= 5 else 'MISSES'}); cold first document incl. Chromium start "
                  f"{cold:.2f} s",
              f"document from a built model: p50 {statistics.median(docs):.2f} s; naive (a browser per image) "
              f"{naive:.2f} s = {naive / statistics.median(docs):.1f}x the reused browser", ""]

    # the seminar deck
    step = max(1, len(gminy) // args.deck)
    deck_codes = gminy[::step][:args.deck]
    src2 = StoreSource(store)
    t = time.perf_counter()
    data = seminar.build_seminar(src2, deck_codes, lang="pl")
    t_deck = time.perf_counter() - t
    t = time.perf_counter()
    for code in deck_codes[:args.naive_deck]:
        seminar.build_seminar(StoreSource(store), [code], lang="pl")
    t_naive = (time.perf_counter() - t) * len(deck_codes) / max(1, min(args.naive_deck, len(deck_codes)))
    lines += [f"Seminar deck, {len(deck_codes)} gminy (every {step}th gmina): {t_deck:.2f} s, {len(data) / 1024:.0f} kB "
              f"(goal ≤ 30 s: {'meets' if t_deck <= 30 else 'MISSES'}); naive per-gmina loop with a fresh source "
              f"{t_naive:.2f} s (timed on {min(args.naive_deck, len(deck_codes))}, scaled) = "
              f"{t_naive / t_deck:.1f}x",
              f"load average at the end {os.getloadavg()[0]:.1f}"]
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "docx_deck_bench.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))
    png.stop()


if __name__ == "__main__":
    main()
