"""Warm freshly started replicas before people arrive: one session per replica opens the start page,
a unit's profile and the map over Streamlit's own websocket protocol (like a browser tab).

    python deploy/warm.py 127.0.0.1:8601 127.0.0.1:8602 [--unit 1261011]

Why: a replica's first session pays for everything that is cached afterwards (the store's unit list
and catalogue, peer groups, the map geometry file written under /app/static/geo/): 6.7 s for the
first profile on a fresh replica here, 0.2 s afterwards. Without warming, the first people opening
a projected link on each replica wait for that, and they all wait together. Warming also runs the
router once (``st.navigation``), after which deep links such as /profil?unit=… are served by the
router on every replica. Prints one line per replica; exit 1 if a replica failed to serve a page.
"""
from __future__ import annotations

import argparse
import asyncio
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


async def warm(addr: str, unit: str, timeout_s: float) -> tuple[str, float, list[str]]:
    from bench.load_ws import ProtoClient  # Streamlit's protocol client (also used by the load tests)

    c = ProtoClient(f"http://{addr}", timeout_s)
    t0 = time.perf_counter()
    errors: list[str] = []
    try:
        await c.connect()
        errors += (await c.rerun()).errors
        await c.connect()
        errors += (await c.rerun(query_string=f"unit={unit}", page_name="profil")).errors
        if "mapa" in c.pages:
            errors += (await c.rerun(query_string=f"unit={unit}", page_script_hash=c.pages["mapa"])).errors
        else:
            errors.append("no map page in the navigation")
    except Exception as exc:  # noqa: BLE001 - reported, the deployment decides
        errors.append(f"{type(exc).__name__}: {str(exc)[:160]}")
    finally:
        await c.close()
    return addr, time.perf_counter() - t0, errors


async def main_async(addrs: list[str], unit: str, timeout_s: float) -> int:
    results = await asyncio.gather(*(warm(a, unit, timeout_s) for a in addrs))
    bad = 0
    for addr, secs, errors in results:
        print(f"warm {addr}: {secs:.1f} s" + (f", errors: {errors[:3]}" if errors else ", ok"), file=sys.stderr)
        bad += bool(errors)
    return 1 if bad else 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("replicas", nargs="+", metavar="HOST:PORT")
    ap.add_argument("--unit", default="1261011", help="a unit whose profile and map are opened (default Kraków)")
    ap.add_argument("--timeout", type=float, default=120)
    args = ap.parse_args()
    return asyncio.run(main_async(args.replicas, args.unit, args.timeout))


if __name__ == "__main__":
    sys.exit(main())
