"""The chart-image renderer survives a hung or dead browser (CI once waited 90 s for a PNG that
never came: kaleido's own server waits without a deadline). Real Chromium, real figures; the hang
is simulated by a render coroutine that never returns."""
import asyncio
import io
import os
import signal
import time

import plotly.graph_objects as go
import pytest
from PIL import Image

from reports import png


@pytest.fixture
def renderer(chromium, monkeypatch):
    png.stop()
    yield png
    png.stop()


def _figure():
    return go.Figure(go.Bar(x=["2019", "2020", "2021"], y=[779_115, 780_981, 779_966]))


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def test_png_is_a_full_hd_slide_image_and_the_browser_is_reused(renderer):
    first = renderer.figure_png(_figure())
    pid = renderer._browser.pid()
    again = renderer.figure_png(_figure())
    with Image.open(io.BytesIO(first)) as im:
        assert im.format == "PNG" and im.size == (1920, 1080)
    assert again == first and renderer._browser.pid() == pid


def test_a_killed_browser_is_replaced_and_the_image_still_comes(renderer):
    renderer.figure_png(_figure())
    pid = renderer._browser.pid()
    os.killpg(pid, signal.SIGKILL)
    data = renderer.figure_png(_figure())
    assert data.startswith(b"\x89PNG") and renderer._browser.pid() != pid


def test_a_hung_render_is_cut_off_at_the_deadline_and_retried_in_a_fresh_browser(renderer, monkeypatch):
    monkeypatch.setattr(renderer, "RENDER_TIMEOUT_S", 2.0)
    renderer.figure_svg(_figure())
    hung = renderer._browser
    pid = hung.pid()

    async def never(*args, **kwargs):
        await asyncio.sleep(3600)

    hung.kaleido.calc_fig = never
    start = time.monotonic()
    svg = renderer.figure_svg(_figure())
    took = time.monotonic() - start
    assert b"<svg" in svg[:200]
    assert renderer._browser is not hung and _gone(pid)
    # deadline (2 s + 5 s slack) + bounded close (5 s) + a new browser; far below "forever"
    assert took < 60, took


def test_when_no_browser_can_start_the_caller_gets_image_error(renderer, monkeypatch):
    monkeypatch.setenv("BROWSER_PATH", "/nonexistent/chromium")
    with pytest.raises(png.ImageError, match="nonexistent"):
        renderer.figure_png(_figure())
    assert renderer._browser is None
