"""Map geometry as static files: written once per store layer, served by Streamlit at /app/static.

The browser fetches ``/app/static/geo/<level>.<sha8>.geojson`` once (Streamlit gzips it) and
plotly keeps it in memory, so an indicator or year change sends only codes and values. Polygons
are written with d3 winding (exterior rings clockwise) because the map is drawn by plotly's SVG
``geo`` renderer (see presentation/map_figures.py); plotly's ``geo`` also fetches a basemap topojson,
which ``write_basemap_stub`` provides as an empty local file (the map shows no basemap). The file
name carries a hash of its content: a new ingest with other boundaries (or other names) gets a new
URL, and a file once written never changes. Writes are atomic (temporary file + rename in the
same directory), so a browser never reads half a file and concurrent sessions are harmless.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from pathlib import Path

from domain.winding import d3_winding

URL_PREFIX = "/app/static/"
SUBDIR = "geo"
_LEVEL = re.compile(r"^[a-z]{2,16}$")


def with_properties(fc_text: str, properties: dict[str, dict]) -> str:
    """The FeatureCollection with each feature's ``properties`` replaced by ``properties[id]``
    (features without an entry keep ``{}``) plus ``i`` = the feature's position, a short key for
    plotly's ``featureidkey`` (see feature_order); polygons in d3 winding; compact JSON, UTF-8
    unescaped."""
    fc = d3_winding(json.loads(fc_text))
    for n, f in enumerate(fc.get("features", [])):
        f["properties"] = {**properties.get(str(f.get("id")), {}), "i": n}
    return json.dumps(fc, separators=(",", ":"), ensure_ascii=False)


def feature_order(fc_text: str) -> tuple[str, ...]:
    """Feature ids in file order: position n is the feature whose ``properties.i`` is n."""
    return tuple(re.findall(r'"type":"Feature","id":"([^"]+)"', fc_text))


def file_name(level: str, text: str) -> str:
    if not _LEVEL.match(level):
        raise ValueError(f"bad level {level!r}")
    sha8 = hashlib.sha256(text.encode("utf-8")).hexdigest()[:8]
    return f"{level}.{sha8}.geojson"


def write_layer(static_dir: Path, level: str, text: str) -> tuple[Path, str]:
    """Write ``text`` as ``<static_dir>/geo/<level>.<sha8>.geojson`` unless that file already
    exists; return (path, URL under /app/static). Idempotent and atomic."""
    name = file_name(level, text)
    folder = Path(static_dir) / SUBDIR
    path = folder / name
    data = text.encode("utf-8")
    if not (path.is_file() and path.stat().st_size == len(data)):
        _write_atomic(path, data)
    return path, f"{URL_PREFIX}{SUBDIR}/{name}"


def _write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file and a rename: a reader (the web server)
    never sees a half-written file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def feature_ids(fc_text: str) -> frozenset[str]:
    """Ids of the features of a compact FeatureCollection (without parsing the coordinates)."""
    return frozenset(re.findall(r'"type":"Feature","id":"([^"]+)"', fc_text))


BASEMAP_SUBDIR = "topojson"
# The layers plotly's geo subplot reads from its basemap topojson; all empty (no basemap is drawn,
# and nothing is fetched from plotly's CDN).
_BASEMAP_LAYERS = ("coastlines", "land", "ocean", "lakes", "rivers", "countries", "subunits")


def write_basemap_stub(static_dir: Path) -> str:
    """Write an empty ``world_110m.json`` topojson under ``<static_dir>/topojson/`` (atomic,
    idempotent) and return the URL prefix for plotly's ``config.topojsonURL``."""
    folder = Path(static_dir) / BASEMAP_SUBDIR
    path = folder / "world_110m.json"
    data = json.dumps({"type": "Topology", "arcs": [],
                       "objects": {k: {"type": "GeometryCollection", "geometries": []} for k in _BASEMAP_LAYERS}},
                      separators=(",", ":")).encode("utf-8")
    if not (path.is_file() and path.read_bytes() == data):
        _write_atomic(path, data)
    return f"{URL_PREFIX}{BASEMAP_SUBDIR}/"
