"""Chart-image renderer under load (reports/png.py): many images in a row while other processes
keep every core busy — does the shared Chromium ever hang, and how often is it replaced?

    /tmp/venv/bin/python bench/png_stress.py [--images 600] [--burn 2]

Why: CI once waited 90 s for a PNG that never came (kaleido's own sync server has no deadline).
reports/png.py now gives every start and image a deadline and replaces a hung or dead browser.
This run counts how often that happens on a loaded machine, and the time per image.

``--burn N`` starts N busy-loop processes for the duration (default: one per core). Images
alternate PNG (1920 x 1080, slides) and SVG (PDF) of five small line charts.
Results: bench/results/png_stress.txt.
"""
from __future__ import annotations

import argparse
import logging
import multiprocessing
import os
import platform
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.load import pct  # noqa: E402


def _burn() -> None:
    while True:
        pass


class _Count(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.replaced = 0
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.replaced += 1
        self.messages.append(record.getMessage())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--images", type=int, default=600)
    ap.add_argument("--burn", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--out", default=str(ROOT / "bench" / "results" / "png_stress.txt"))
    args = ap.parse_args()

    import plotly.graph_objects as go

    from reports import png

    counter = _Count()
    logging.getLogger("mrl.reports").addHandler(counter)
    figs = [go.Figure(go.Scatter(x=list(range(2010, 2025)), y=[i * j for j in range(15)], mode="lines+markers"))
            for i in range(1, 6)]
    load0 = os.getloadavg()
    burners = [multiprocessing.Process(target=_burn, daemon=True) for _ in range(args.burn)]
    for b in burners:
        b.start()
    times: list[float] = []
    failed: list[str] = []
    t0 = time.perf_counter()
    try:
        for n in range(args.images):
            t = time.perf_counter()
            try:
                (png.figure_png if n % 2 else png.figure_svg)(figs[n % len(figs)])
            except png.ImageError as exc:
                failed.append(str(exc))
            times.append(time.perf_counter() - t)
    finally:
        load1 = os.getloadavg()
        for b in burners:
            b.terminate()
        png.stop()
    wall = time.perf_counter() - t0
    first, rest = times[0], sorted(times[1:])
    lines = [f"png_stress — {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC",
             f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
             f"load average at start {load0[0]:.1f}, at the end {load1[0]:.1f} (with {args.burn} busy-loop processes)",
             f"command: /tmp/venv/bin/python bench/png_stress.py --images {args.images} --burn {args.burn}",
             "",
             f"images: {args.images} (PNG 1920x1080 and SVG alternating), wall {wall:.1f} s",
             f"first image (starts the browser): {first:.2f} s",
             f"per image after that: p50 {pct(rest, 0.5):.3f} s, p90 {pct(rest, 0.9):.3f} s, "
             f"p99 {pct(rest, 0.99):.3f} s, max {rest[-1]:.3f} s",
             f"browser replaced (hang, crash or death; logged warnings): {counter.replaced}",
             f"images that failed after the retry (ImageError): {len(failed)}"]
    lines += [f"  {m}" for m in counter.messages[:10]]
    text = "\n".join(lines) + "\n"
    Path(args.out).write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
