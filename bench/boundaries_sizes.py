"""Size/quality table of the web boundaries for several tolerances and decimals (run on demand).

    /tmp/venv/bin/python bench/boundaries_sizes.py [--tolerances 0,0.01,...] [--decimals 3,4,5]

Prints the table and writes it to bench/out/boundaries_sizes.txt (git-ignored). The first rows
are the naive baseline: the raw source files serialised compactly (json.dumps with
separators=(",", ":")), without rounding or simplification. Then one row per pipeline run
(``build_web_boundaries(strict=False)``):

  verts        vertices in the gmina layer
  gmina B      bytes of the compact gmina FeatureCollection (id only, no properties)
  ratio        gmina B / raw gmina file bytes
  gzip B       the same, gzip -6 (only if the server compresses; Streamlit may not)
  powiat B / woj B / PL B   bytes of the other layers
  dA% max/p99  area change of a gmina versus the source (percent of its area)
  dA% pow/woj  max area change of a powiat / województwo
  shift px     max Hausdorff distance between a source and a simplified gmina, in pixels of a
               1920-px-wide Web-Mercator map of Poland (1 px ≈ 360 m)
  inv r/f      gminy invalid right after rounding the source (repaired) / invalid at the end
  ok           every gmina a non-empty valid polygon, all 2,477 present, valid coverage
  s            pipeline seconds (load, simplify, dissolve, serialise)
"""
from __future__ import annotations

import argparse
import gzip
import json
import sys
import time
from pathlib import Path

import numpy as np
import shapely

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from loaders.boundaries import (  # noqa: E402
    DEFAULT_DECIMALS,
    DEFAULT_TOLERANCE,
    GMINY_RELPATH,
    build_web_boundaries,
    load_gminy,
    to_feature_collection,
)
from settings import get_settings  # noqa: E402

MAP_WIDTH_PX = 1920
LAT0 = 52.0  # middle of Poland: scale of lon degrees and of the Mercator map


def _compact_bytes(path: Path) -> int:
    with path.open(encoding="utf-8") as fh:
        doc = json.load(fh)
    return len(json.dumps(doc, separators=(",", ":"), ensure_ascii=False).encode("utf-8"))


def _iso(geoms: np.ndarray) -> np.ndarray:
    """lon scaled by cos(LAT0): distances come out in degrees of latitude (≈ 111.32 km)."""
    k = np.cos(np.radians(LAT0))
    return shapely.transform(geoms, lambda c: c * [k, 1.0])


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mirror", type=Path, default=None, help="data mirror root")
    ap.add_argument("--tolerances", default="0,0.005,0.0075,0.01,0.0125,0.015,0.0175,0.02,0.025")
    ap.add_argument("--decimals", default="3,4,5")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "boundaries_sizes.txt")
    args = ap.parse_args(argv)
    mirror = args.mirror or get_settings().data_mirror
    src_dir = mirror / GMINY_RELPATH.parent
    tolerances = [float(t) for t in args.tolerances.split(",")]
    decimals = [int(d) for d in args.decimals.split(",")]

    src = load_gminy(mirror / GMINY_RELPATH)
    src_geoms = np.asarray(src.geometry.array, dtype=object)
    src_iso = _iso(src_geoms)
    minx, _, maxx, _ = shapely.total_bounds(src_geoms)
    px_deg_lat = (maxx - minx) / MAP_WIDTH_PX * np.cos(np.radians(LAT0))  # 1 px in lat degrees

    raw = {k: _compact_bytes(src_dir / f"poland.{k}.json")
           for k in ("municipalities", "counties", "voivodeships", "country")}
    lines = [
        f"Web boundaries: gmina coverage simplified, levels dissolved "
        f"(shapely {shapely.__version__}, GEOS {shapely.geos_version_string}); "
        f"1 px = {px_deg_lat * 111.32 * 1000:.0f} m on a {MAP_WIDTH_PX}-px map of Poland",
        f"Defaults: tolerance={DEFAULT_TOLERANCE}, decimals={DEFAULT_DECIMALS}.",
        "",
        "Naive baseline (raw source files, ~15 decimals, compact JSON incl. terc+name): "
        f"gminy {raw['municipalities']:,} B ({int(shapely.get_num_coordinates(src_geoms).sum()):,}"
        f" vertices), powiaty {raw['counties']:,} B, województwa {raw['voivodeships']:,} B, "
        f"country {raw['country']:,} B",
        "",
    ]
    head = (f"{'tol':>7} {'dec':>3} {'verts':>6} {'gmina B':>9} {'ratio':>5} {'gzip B':>8} "
            f"{'powiat B':>8} {'woj B':>7} {'PL B':>6} {'dA%max':>6} {'dA%p99':>6} "
            f"{'dA%pow':>6} {'dA%woj':>6} {'shift px':>8} {'inv r/f':>7} {'ok':>3} {'s':>5}")
    lines += [head, "-" * len(head)]
    print("\n".join(lines), flush=True)

    default_row = None
    for tol in tolerances:
        for dec in decimals:
            t0 = time.perf_counter()
            res = build_web_boundaries(mirror, tolerance=tol, decimals=dec, strict=False)
            secs = time.perf_counter() - t0
            st, lv = res.stats["simplify"], res.stats["levels"]
            out = np.asarray(res.levels["gmina"].geometry.array, dtype=object)
            shift = shapely.hausdorff_distance(src_iso, _iso(out)).max() / px_deg_lat
            gz = len(gzip.compress(res.layers["gmina"].encode("utf-8"), 6))
            ok = (lv["gmina"]["units"] == 2477 and not lv["gmina"]["empty"]
                  and not st["invalid_final"] and st["coverage_valid"])
            row = (f"{tol:>7g} {dec:>3} {lv['gmina']['vertices']:>6} {lv['gmina']['bytes']:>9,} "
                   f"{lv['gmina']['bytes'] / raw['municipalities']:>5.2f} {gz:>8,} "
                   f"{lv['powiat']['bytes']:>8,} {lv['wojewodztwo']['bytes']:>7,} "
                   f"{lv['country']['bytes']:>6,} "
                   f"{lv['gmina']['max_area_change_pct']:>6.1f} "
                   f"{lv['gmina']['p99_area_change_pct']:>6.1f} "
                   f"{lv['powiat']['max_area_change_pct']:>6.1f} "
                   f"{lv['wojewodztwo']['max_area_change_pct']:>6.2f} {shift:>8.1f} "
                   f"{st['invalid_after_rounding']:>3}/{st['invalid_final']:<3} "
                   f"{'yes' if ok else 'NO':>3} {secs:>5.2f}")
            if tol == DEFAULT_TOLERANCE and dec == DEFAULT_DECIMALS:
                default_row = res
                row += "  <- default"
            lines.append(row)
            print(row, flush=True)

    if default_row is not None:
        named = to_feature_collection(default_row.levels["gmina"], id_field="code",
                                      properties=("name",), decimals=DEFAULT_DECIMALS)
        t = default_row.stats["seconds"]
        extra = [
            "",
            f"Default run: gmina layer with a 'name' property would be "
            f"{len(named.encode('utf-8')):,} B (names travel with the figure instead).",
            "Default run timings (s): " + ", ".join(f"{k} {v:.2f}" for k, v in t.items()),
            "Default run repairs: " + json.dumps(default_row.stats["simplify"]),
        ]
        lines += extra
        print("\n".join(extra))

    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"\nwritten to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
