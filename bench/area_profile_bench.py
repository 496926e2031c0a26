"""Benchmark: /profil and /porownania for functional areas (server time per page run).

Run from the project root (the store must exist; default data/mrl.sqlite):

    MRL_DATABASE_URL=sqlite:////abs/path/mrl.sqlite python bench/area_profile_bench.py [--repeat 5]

Measured IN-PROCESS with Streamlit's AppTest (router + sidebar + page, no browser, no network),
for a few real areas (2 to 151 gminy) and the three area peer methods (own gminy, powiaty of
similar size, kNN powiaty):

* cold area, warm server: the level matrices are cached (the steady state of a running server)
  but this area was never computed — the area's aggregation, the peer group and the page;
* cached: the same view again (a rerun, e.g. after a click elsewhere on the page);
* BASELINE fully cold: every Streamlit cache cleared before the run (what a naive app without
  caches pays on every run).

Writes bench/out/area_profile_bench.txt. Goal: cached p95 <= 500 ms, cold area p95 <= 2 s.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("MRL_DATABASE_URL", f"sqlite:///{ROOT / 'data' / 'mrl.sqlite'}")
os.environ.setdefault("MRL_I18N_STRICT", "1")

from bench.profile_bench import _apptest, head_lines, summary, write  # noqa: E402

OUT = ROOT / "bench" / "out" / "area_profile_bench.txt"
PEERS = (None, "typology", "knn:k=10")


def areas(store) -> dict[str, tuple[str, ...]]:
    units = store.units("gmina")
    gminy = units["code"]
    return {
        "Trójmiasto (3)": ("2261011", "2262011", "2264011"),
        "Kraków + 3 neighbours (4)": ("1261011", "1206172", "1219053", "1206113"),
        "powiat limanowski w/o Kamienica (12)": tuple(c for c in gminy if c.startswith("1207") and c != "1207052"),
        "Warszawa + powiaty pruszkowski, piaseczyński, wołomiński (29)": tuple(
            c for c in gminy if c.startswith(("1465", "1421", "1418", "1434"))),
        "województwo opolskie (71)": tuple(c for c in gminy if c.startswith("16")),
        "województwo wielkopolskie (226)": tuple(c for c in gminy if c.startswith("30")),
    }


def open_view(page: str, area: tuple[str, ...], peers: str | None):
    """A new session opening ``page`` with area= (and peers=) in the URL, as a permalink does.
    Returns (AppTest, ms of the page's run). The URL is read once per session (components.state),
    so every view is a new session; the shared caches persist across sessions."""
    at = _apptest()
    at.query_params["area"] = ",".join(area)
    if peers:
        at.query_params["peers"] = peers
    at.run()
    t0 = time.perf_counter()
    at.switch_page(page).run()
    ms = (time.perf_counter() - t0) * 1000
    assert not at.exception, at.exception
    return at, ms


def rerun(at) -> float:
    t0 = time.perf_counter()
    at.run()
    ms = (time.perf_counter() - t0) * 1000
    assert not at.exception, at.exception
    return ms


def bench(repeat: int) -> list[str]:
    import streamlit as st

    from store.db import Store

    store = Store(os.environ["MRL_DATABASE_URL"])
    chosen = areas(store)
    warm_name = next(iter(chosen))
    lines = [f"areas: {', '.join(chosen)}", ""]
    for page in ("pages/profil.py", "pages/porownania.py"):
        st.cache_data.clear()
        st.cache_resource.clear()
        for peers in PEERS:  # warm the server: level matrices of gminy and powiaty
            open_view(page, chosen[warm_name], peers)
        cold, cached, base, per_area = [], [], [], []
        for name, codes in chosen.items():
            first, again = [], []
            for peers in PEERS:
                at, ms = open_view(page, codes, peers)
                if name != warm_name:  # computed during the warm-up
                    first.append(ms)
                again += [rerun(at) for _ in range(repeat)]
            cold += first
            cached += again
            per_area.append(f"  {name}: cold {', '.join(f'{x:,.0f}' for x in first) or '–'} ms; "
                            f"cached median {sorted(again)[len(again) // 2]:,.0f} ms")
        for name in list(chosen)[:3]:
            for peers in PEERS:
                st.cache_data.clear()
                st.cache_resource.clear()
                base.append(open_view(page, chosen[name], peers)[1])
        short = page.split("/")[1]
        lines += [summary(f"{short} cold area (warm server)", cold),
                  summary(f"{short} cached (same view again)", cached),
                  summary(f"{short} BASELINE fully cold (no caches)", base),
                  "  per area (cold: peers = own gminy, similar powiaty, kNN powiaty):", *per_area, ""]
    return lines


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=3, help="cached runs per area and peer method")
    args = ap.parse_args()
    head = head_lines("area_profile_bench", "page time = one AppTest script run in-process (router + sidebar + "
                                            "page) of /profil or /porownania with area= and peers= in the URL")
    write(OUT, head, bench(args.repeat))


if __name__ == "__main__":
    main()
