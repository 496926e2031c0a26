"""Static images of plotly figures (PNG for slides, SVG for the PDF) without internet.

Kaleido 1.5 drives Debian's Chromium (found by itself; ``BROWSER_PATH`` overrides). Starting a
browser costs ≈ 2–3 s, so one browser is started lazily per process and reused: each image then
takes ≈ 0.1–0.3 s. Every call goes through one lock (a Kaleido tab is not safe for concurrent
callers). Never call kaleido.get_chrome: it downloads a browser.

We do not use kaleido's own "sync server": it waits without a deadline, so one hung Chromium tab
(kaleido reloads the tab after every image and waits for its load events forever) blocks every
later export of the process. Here the browser runs on its own event-loop thread and every start and
every image has a deadline; on a timeout, a crash or a dead browser the Chromium process group is
killed, a fresh browser is started and the image is tried once more. Only if that fails too does
the caller get ``ImageError`` (the PDF and the deck then print a note instead of the chart).
"""
from __future__ import annotations

import asyncio
import atexit
import concurrent.futures
import copy
import logging
import os
import signal
import threading

log = logging.getLogger("mrl.reports")

_LOCK = threading.Lock()
SLIDE_PX = (1280, 720)  # CSS pixels; PNGs for slides are rendered at scale 1.5 -> 1920 x 1080
SLIDE_SCALE = 1.5
# Deadlines (seconds). An image normally takes 0.1–0.3 s and ≈ 2 s on a loaded 2-core machine;
# a start takes 2–3 s. A render that passes its deadline is treated as a hung browser.
RENDER_TIMEOUT_S = 30.0
START_TIMEOUT_S = 60.0
CLOSE_TIMEOUT_S = 5.0


class ImageError(RuntimeError):
    """A figure could not be rendered (no Chromium, browser crash, hang...)."""


class _Browser:
    """One Kaleido (headless Chromium, one tab) driven from its own event-loop thread."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name="mrl-kaleido", daemon=True)
        self.thread.start()
        self.kaleido = None
        try:
            self.kaleido = self._call(self._open(), START_TIMEOUT_S)
        except BaseException:
            self.discard()
            raise

    async def _open(self):
        import kaleido

        k = kaleido.Kaleido(n=1, timeout=RENDER_TIMEOUT_S, mathjax=False)
        self.kaleido = k  # so that discard() can kill a browser whose start hangs
        await k.open()
        return k

    def _call(self, coro, timeout: float):
        fut = asyncio.run_coroutine_threadsafe(coro, self.loop)
        try:
            return fut.result(timeout)
        except concurrent.futures.TimeoutError:
            fut.cancel()
            raise TimeoutError(f"no answer from the browser within {timeout:g} s") from None

    def alive(self) -> bool:
        proc = getattr(self.kaleido, "subprocess", None)
        return self.thread.is_alive() and proc is not None and proc.poll() is None

    def render(self, fig, opts: dict) -> bytes:
        return self._call(self.kaleido.calc_fig(fig, opts=opts), RENDER_TIMEOUT_S + 5)

    def pid(self) -> int | None:
        proc = getattr(self.kaleido, "subprocess", None)
        return proc.pid if proc is not None else None

    def discard(self) -> None:
        """Close the browser politely if it answers in time, else kill its process group; stop the loop."""
        k = self.kaleido
        if k is not None and self.thread.is_alive():
            try:
                self._call(k.close(), CLOSE_TIMEOUT_S)
            except Exception as exc:  # noqa: BLE001 - a broken browser is killed below
                log.info("kaleido close failed (%s); killing the browser", exc)
        proc = getattr(k, "subprocess", None)
        if proc is not None and proc.poll() is None:
            try:
                os.killpg(proc.pid, signal.SIGKILL)  # Chromium runs in its own session (choreographer)
            except (ProcessLookupError, PermissionError):
                proc.kill()
            try:
                proc.wait(CLOSE_TIMEOUT_S)
            except Exception:  # noqa: BLE001
                pass
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(CLOSE_TIMEOUT_S)


_browser: _Browser | None = None


def _render(fig, fmt: str, width: int, height: int, scale: float) -> bytes:
    global _browser
    opts = {"format": fmt, "width": int(width), "height": int(height), "scale": scale}
    with _LOCK:
        last: BaseException | None = None
        for attempt in (1, 2):
            try:
                if _browser is not None and not _browser.alive():
                    log.warning("the image browser died; starting a new one")
                    _browser.discard()
                    _browser = None
                if _browser is None:
                    _browser = _Browser()
                return _browser.render(fig, opts)
            except Exception as exc:  # noqa: BLE001 - a hung or crashed browser is replaced, once
                last = exc
                log.warning("image render failed (attempt %d: %s: %s); replacing the browser", attempt,
                            type(exc).__name__, exc)
                if _browser is not None:
                    _browser.discard()
                    _browser = None
        raise ImageError(f"{type(last).__name__}: {last}") from last


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
    """Stop the shared browser (tests, benchmarks, interpreter exit)."""
    global _browser
    with _LOCK:
        if _browser is not None:
            _browser.discard()
            _browser = None


atexit.register(stop)
