"""Benchmark: the synthetic assessment (domain.assessment) against naive baselines in the same run.

Run from the project root (the store must exist and hold the assessment's derived indicators):

    MRL_DATABASE_URL=sqlite:////abs/path/mrl.sqlite python bench/assessment_bench.py [--units 30] [--no-page]

1. Scores of ALL gminy, each in its own typology group (the profile's default group), COLD: a fresh
   data source reads the leaves' values from the store, pivots them, picks reference years, builds
   every gmina's typology group (domain.assessment.typology_groups) and scores every distinct
   group once (assess_all). Baseline in the same run: a per-unit loop — for each gmina its group
   by domain.peers.typology_peers and its own assess_group call (the obvious implementation).
   The scores are checked to be identical. Goal: <= 2 s cold.
2. Rank uncertainty interval of one unit (500 Dirichlet weight sets shared out among the 3
   normalisations + for each normalisation the stated weights and each leaf dropped) for N random
   gminy, plus the largest group. Goal: <= 1 s. Baseline in the same run: rank_interval_naive
   (every member's score at every node in every scenario, then the unit's rank), checked identical.
3. /ocena server time, warm (AppTest in-process: one full script run per unit picked in the
   sidebar, shared caches holding the level inputs), vs the same with caches cleared. Goal:
   <= 300 ms warm. Wall time, and the process CPU time of the same runs (the machine is shared:
   CPU time is the steadier of the two).

Writes bench/out/assessment.txt (the committed copy is bench/results/assessment.txt).
"""
from __future__ import annotations

import argparse
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("MRL_DATABASE_URL", f"sqlite:///{ROOT / 'data' / 'mrl.sqlite'}")
os.environ.setdefault("MRL_I18N_STRICT", "1")

from profile_bench import _apptest, head_lines, summary, write  # noqa: E402

OUT = ROOT / "bench" / "out" / "assessment.txt"


def bench_all() -> list[str]:
    import numpy as np
    import pandas as pd

    from domain import assessment as AS
    from domain import peers as P
    from reports.assessment_context import read_level, tree_for
    from store.db import Store

    store = Store(os.environ["MRL_DATABASE_URL"])
    tree = tree_for(store.indicators())
    t0 = time.perf_counter()
    inputs, pop, g = read_level(store, "gmina", tree)  # one query: the leaves + population, pivoted
    t_read = time.perf_counter()
    groups = AS.typology_groups(g, pop)
    t_groups = time.perf_counter()
    fast = AS.assess_all(tree, inputs, groups)
    t_end = time.perf_counter()
    n_sets = len({tuple(sorted({u, *p})) for u, p in groups.items()})

    t1 = time.perf_counter()
    naive_groups = {c: P.typology_peers(g, pop, c).codes for c in g["code"]}
    t_ng = time.perf_counter()
    naive = AS.assess_all_naive(tree, inputs, naive_groups)
    t2 = time.perf_counter()
    same = np.allclose(naive["overall"].astype(float).to_numpy(),
                       fast.loc[naive.index, ("score", "overall")].to_numpy(), equal_nan=True)
    same_groups = sum(groups[c] == naive_groups[c] for c in groups)
    cold = t_end - t0
    compute = t_end - t_read
    naive_total = t2 - t1
    return [
        f"1. all {len(groups)} gminy, each in its own typology group ({n_sets} distinct groups), "
        f"{len(tree.leaves)} leaves, {len(tree.nodes)} nodes",
        f"   COLD total (store read + pivot + reference years {t_read - t0:.2f} s, groups "
        f"{t_groups - t_read:.2f} s, scores {t_end - t_groups:.2f} s): {cold:.2f} s",
        f"   compute only (groups, scores; data already read): {compute:.2f} s",
        f"   BASELINE per-unit loop (typology_peers {t_ng - t1:.2f} s + assess_group per unit "
        f"{t2 - t_ng:.2f} s): {naive_total:.2f} s",
        f"   ratio baseline / compute: {naive_total / compute:.0f}x; baseline / cold total: {naive_total / cold:.1f}x",
        f"   identical overall scores: {bool(same)}; identical groups: {same_groups}/{len(groups)}",
        f"   overall scores: {int(fast[('score', 'overall')].notna().sum())} of {len(fast)} gminy have one "
        f"(median {pd.Series(fast[('score', 'overall')]).median():.1f})", ""], (tree, inputs, groups)


def bench_interval(state, n_units: int, seed: int) -> list[str]:
    from domain import assessment as AS

    tree, inputs, groups = state
    rng = random.Random(seed)
    codes = rng.sample(sorted(groups), n_units)
    # the largest group of a unit with data (Szczawa and Grabówka, created in 2025, have no population,
    # so their typology group is every rural gmina; they have no values to score either)
    with_data = [c for c in groups if (inputs.values[inputs.row[c]] == inputs.values[inputs.row[c]]).sum() >= 15]
    largest = max(with_data, key=lambda c: len(groups[c]))
    ms, naive_ms, same = [], [], 0
    for c in codes:
        t0 = time.perf_counter()
        fast = AS.rank_interval(tree, inputs, c, groups[c])
        ms.append((time.perf_counter() - t0) * 1000)
        t0 = time.perf_counter()
        naive = AS.rank_interval_naive(tree, inputs, c, groups[c])
        naive_ms.append((time.perf_counter() - t0) * 1000)
        same += fast.equals(naive)
    t0 = time.perf_counter()
    iv = AS.rank_interval(tree, inputs, largest, groups[largest])
    big = (time.perf_counter() - t0) * 1000
    t0 = time.perf_counter()
    iv_naive = AS.rank_interval_naive(tree, inputs, largest, groups[largest])
    big_naive = (time.perf_counter() - t0) * 1000
    same += iv.equals(iv_naive)
    n_scen = AS.N_DRAWS + len(AS.NORMALISATIONS) * (1 + len(tree.leaves))
    return [f"2. rank interval of one unit: {n_scen} scenarios ({AS.N_DRAWS} Dirichlet weight sets shared out "
            f"among {len(AS.NORMALISATIONS)} normalisations + for each normalisation the stated weights and "
            f"{len(tree.leaves)} dropped leaves)",
            summary(f"   interval, {n_units} random gminy", ms),
            summary("   BASELINE rank_interval_naive, same gminy", naive_ms),
            f"   largest group ({largest}, {len(groups[largest]) + 1} members): {big:.0f} ms (naive {big_naive:.0f} ms, "
            f"{big_naive / big:.1f}x); overall rank interval {int(iv.at['overall', 'rank_low'])}–"
            f"{int(iv.at['overall', 'rank_high'])}",
            f"   ratio naive / fast, sum over the {n_units} gminy: {sum(naive_ms) / sum(ms):.1f}x; identical intervals: "
            f"{same}/{n_units + 1}", ""]


def bench_page(n_units: int, seed: int, n_baseline: int) -> list[str]:
    import streamlit as st

    from store.db import Store

    store = Store(os.environ["MRL_DATABASE_URL"])
    units = store.units()
    rng = random.Random(seed)
    sample = rng.sample(units.loc[units["level"] == "gmina", "code"].tolist(), n_units)
    st.cache_data.clear()
    st.cache_resource.clear()
    at = _apptest()
    at.query_params["unit"] = sample[0]
    t0 = time.perf_counter()
    at.run()
    at.switch_page("pages/ocena.py").run()
    first = (time.perf_counter() - t0) * 1000
    assert not at.exception, at.exception
    warm, warm_cpu = [], []
    for code in sample[1:]:
        t0, c0 = time.perf_counter(), time.process_time()
        at.sidebar.selectbox[0].set_value(code).run()
        warm.append((time.perf_counter() - t0) * 1000)
        warm_cpu.append((time.process_time() - c0) * 1000)
        assert not at.exception and not at.error, (code, at.exception, [e.value for e in at.error])
    base = []
    for code in sample[:n_baseline]:
        st.cache_data.clear()
        st.cache_resource.clear()
        t0 = time.perf_counter()
        at.sidebar.selectbox[0].set_value(code).run()
        base.append((time.perf_counter() - t0) * 1000)
    return [f"3. /ocena server time (AppTest in-process, one script run per gmina picked in the sidebar)",
            f"   first run of a new session, cold caches: {first:,.0f} ms",
            summary("   /ocena warm (cached level inputs)", warm),
            summary("   the same runs, process CPU time", warm_cpu),
            summary("   /ocena BASELINE caches cleared", base), ""]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--units", type=int, default=30)
    ap.add_argument("--baseline", type=int, default=5)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--no-page", action="store_true")
    args = ap.parse_args()
    head = head_lines("assessment_bench", "domain.assessment: all gminy cold vs a per-unit loop; rank interval; "
                                          "/ocena server time")
    lines, state = bench_all()
    lines += bench_interval(state, args.units, args.seed)
    if not args.no_page:
        lines += bench_page(args.units, args.seed, args.baseline)
    write(OUT, head, lines)


if __name__ == "__main__":
    main()
