"""Functional areas: time to compute an area from the store, and what the honest rule changes.

    MRL_DATABASE_URL=sqlite:///data/mrl.sqlite python bench/areas.py

For areas of 4 gminy (Kraków + 3 neighbours), 17 (powiat krakowski), 182 (województwo małopolskie)
and 314 (mazowieckie, the largest): the query of the members' values and the area pipeline
(domain.areas.compute), against a naive baseline that queries each member separately (what a page
calling Store.unit_values per gmina would do). Then, for accuracy rather than speed: the difference
between the ratio of sums (the rule used) and the mean of the members' rates (the common mistake).
Results go to bench/out/areas.txt.
"""
from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import pandas as pd  # noqa: E402

from domain import areas as A  # noqa: E402
from settings import get_settings  # noqa: E402
from store.db import Store  # noqa: E402


def timed(fn, repeat=3):
    times, out = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), out


def main() -> None:
    s = get_settings()
    store = Store(s.database_url, schema=s.db_schema)
    inds = store.indicators()
    units = store.units(include_historical=True)
    groups = A.predefined_groups(units)
    cases = {"Kraków + 3 neighbours": ("1261011", "1206172", "1219053", "1206113"),
             "powiat krakowski (1206)": groups["1206"], "woj. małopolskie (12)": groups["12"],
             "woj. mazowieckie (14)": groups["14"]}
    lines = [f"store: {s.database_url}", "",
             f"{'area':<26}{'gminy':>6}{'rows':>9}{'query s':>9}{'naive q s':>10}{'compute s':>10}{'values':>8}"]
    for name, codes in cases.items():
        tq, vals = timed(lambda: store.values(units=list(codes)))
        tn, _ = timed(lambda: pd.concat([store.unit_values(c) for c in codes]), repeat=1)
        tc, res = timed(lambda: A.compute(codes, vals, inds, units), repeat=2)
        lines.append(f"{name:<26}{len(codes):>6}{len(vals):>9}{tq:>9.2f}{tn:>10.2f}{tc:>10.2f}"
                     f"{int(res.values['value'].notna().sum()):>8}")
    lines += ["", "ratio of sums vs mean of members' rates (Sejm 2019 turnout, own revenue per capita 2019):"]
    for name, codes in cases.items():
        res = A.compute(codes, store.values(units=list(codes)), inds, units)
        for ind, year in (("turnout_sejm", 2019), ("own_revenue_per_capita", 2019)):
            area = res.values.loc[(res.values["indicator"] == ind) & (res.values["year"] == year), "value"].iloc[0]
            mem = res.member_values.loc[(res.member_values["indicator"] == ind) & (res.member_values["year"] == year),
                                        "value"]
            lines.append(f"  {name:<26}{ind:<24} ratio of sums {area:10.2f}   mean of rates {mem.mean():10.2f}"
                         f"   diff {mem.mean() - area:+8.2f}")
    out = ROOT / "bench" / "out"
    out.mkdir(parents=True, exist_ok=True)
    text = "\n".join(lines) + "\n"
    (out / "areas.txt").write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
