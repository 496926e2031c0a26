"""Static images of plotly figures (PNG for slides, SVG for the PDF) without internet.

Kaleido 1.5 drives Debian's Chromium (found by itself; ``BROWSER_PATH`` overrides). Starting a
browser costs ≈ 2–3 s, so one kaleido server is started lazily per process and reused: each image
then takes ≈ 0.1–0.3 s. Kaleido's sync server is not safe for concurrent callers (results could be
swapped between threads), so every call goes through one lock. Never call kaleido.get_chrome: it
downloads a browser.
"""
from __future__ import annotations

import copy
import logging
import threading

log = logging.getLogger("mrl.reports")

_LOCK = threading.Lock()
SLIDE_PX = (1280, 720)  # CSS pixels; PNGs for slides are rendered at scale 1.5 -> 1920 x 1080
SLIDE_SCALE = 1.5


class ImageError(RuntimeError):
    """A figure could not be rendered (no Chromium, browser crash...)."""


def _ensure_server() -> None:
    import kaleido

    if not kaleido._global_server.is_running():  # noqa: SLF001 - no public "is running" helper
        kaleido.start_sync_server(mathjax=False, silence_warnings=True)


def _render(fig, fmt: str, width: int, height: int, scale: float) -> bytes:
    import kaleido

    opts = {"format": fmt, "width": int(width), "height": int(height), "scale": scale}
    with _LOCK:
        _ensure_server()
        try:
            return kaleido.calc_fig_sync(fig, opts=opts)
        except Exception as exc:  # noqa: BLE001 - restart a broken browser once, then give up
            log.warning("kaleido failed (%s); restarting its server", exc)
            try:
                kaleido.stop_sync_server(silence_warnings=True)
                kaleido.start_sync_server(mathjax=False, silence_warnings=True)
                return kaleido.calc_fig_sync(fig, opts=opts)
            except Exception as exc2:  # noqa: BLE001
                raise ImageError(str(exc2)) from exc2


def figure_png(fig, *, width: int = SLIDE_PX[0], height: int = SLIDE_PX[1], scale: float = SLIDE_SCALE,
               font_scale: float = 1.0) -> bytes:
    """PNG bytes of a plotly figure (default 1920 x 1080 px, for slides)."""
    if font_scale != 1.0:
        fig = scaled_fonts(fig, font_scale)
    return _render(fig, "png", width, height, scale)


def figure_svg(fig, *, width: int = 900, height: int = 420) -> bytes:
    """SVG bytes of a plotly figure (vector, for the PDF)."""
    return _render(fig, "svg", width, height, 1)


def scaled_fonts(fig, factor: float):
    """A copy of the figure with every font size multiplied (slides are read from afar)."""
    import plotly.graph_objects as go

    d = copy.deepcopy(fig.to_dict())
    layout = d.setdefault("layout", {})
    base = (layout.get("font") or {}).get("size") or 12
    layout.setdefault("font", {})["size"] = round(base * factor)

    def walk(node):
        if isinstance(node, dict):
            for k, v in node.items():
                if k in ("font", "tickfont", "title_font", "textfont", "insidetextfont", "outsidetextfont") and isinstance(v, dict) and v.get("size"):
                    v["size"] = round(v["size"] * factor)
                walk(v)
        elif isinstance(node, list):
            for x in node:
                walk(x)

    walk(layout)
    for tr in d.get("data", []):
        walk(tr)
    return go.Figure(d)


def stop() -> None:
    """Stop the shared browser (tests, benchmarks)."""
    import kaleido

    with _LOCK:
        kaleido.stop_sync_server(silence_warnings=True)
