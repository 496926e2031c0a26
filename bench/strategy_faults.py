"""Killed plan imports (issue 14): ``cli.py plan import`` SIGKILLed at seeded random times spread over
a whole import's duration (measured first, in the same run), on a scratch copy of a store.

    python bench/strategy_faults.py [--store data/mrl.sqlite] [--kills 12] [--seed 14]

After each kill the ``plan`` table must hold exactly what it held before — or, if the kill landed
after the commit, exactly one more plan, complete (all its targets), and nothing else changed;
never a partial plan. Results: bench/results/strategy_faults.txt.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PLAN = """cel strategiczny;cel operacyjny;wskaźnik;rok bazowy;wartość bazowa;rok docelowy;wartość docelowa;kamienie milowe
Rozwój społeczny;Przyrost mieszkańców;population_total;2015;;2030;19000;"2020: 17500; 2025: 18200"
Rozwój społeczny;Rynek pracy;unemployed_share_working_age;2018;;2025;1,5;
Gospodarka;Finanse gminy;Dochody własne na mieszkańca;2015;;2025;3000;
Gospodarka;Infrastruktura;sewerage_pct;2018;;2026;80;
Gospodarka;Infrastruktura;water_supply_pct;2018;90,8;2026;85;
"""


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--store", default=str(ROOT / "data" / "mrl.sqlite"))
    ap.add_argument("--kills", type=int, default=12)
    ap.add_argument("--seed", type=int, default=14)
    args = ap.parse_args()
    out = ROOT / "bench" / "out" / "strategy_faults"
    out.mkdir(parents=True, exist_ok=True)
    db = out / "mrl.sqlite"
    shutil.copy(args.store, db)
    plan_file = out / "plan.csv"
    plan_file.write_text(PLAN, encoding="utf-8")
    env = {**os.environ, "MRL_DATABASE_URL": f"sqlite:///{db}"}

    def cli(*a, **kw):
        return subprocess.run([sys.executable, str(ROOT / "cli.py"), *a], env=env, capture_output=True, text=True,
                              **kw)

    def snapshot():
        with sqlite3.connect(db) as c:
            if not c.execute("select 1 from sqlite_master where name='plan'").fetchone():
                return []
            return c.execute("select id, name, subject, document from plan order by id").fetchall()

    cmd = [sys.executable, str(ROOT / "cli.py"), "plan", "import", str(plan_file), "--teryt", "1206072"]
    t0 = time.perf_counter()
    first = cli(*cmd[2:], "--name", "timing")
    full = time.perf_counter() - t0
    assert first.returncode == 0, first.stderr
    random.seed(args.seed)
    unchanged = committed = finished = 0
    for i in range(args.kills):
        before = snapshot()
        p = subprocess.Popen(cmd + ["--name", f"kill {i}"], env=env, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
        time.sleep(random.uniform(0.1, full * 1.05))
        if p.poll() is not None:
            finished += 1
            cli("plan", "delete", p.stdout.read().strip())
            continue
        p.send_signal(signal.SIGKILL)
        p.wait()
        after = snapshot()
        if after == before:
            unchanged += 1
            continue
        new = [r for r in after if r not in before]
        assert after[:len(before)] == before and len(new) == 1, "plans changed beyond one new plan"
        assert len(json.loads(new[0][3])["targets"]) == 5, "a partial plan was stored"
        committed += 1
        cli("plan", "delete", str(new[0][0]))
    text = (f"strategy_faults: cli.py plan import SIGKILLed at seeded times over a whole import "
            f"({full:.2f} s alone, 5 targets, Liszki 1206072, SQLite copy of {Path(args.store).name})\n"
            f"kills: {unchanged + committed}; plans unchanged: {unchanged}; killed after the commit "
            f"(one complete plan, nothing else changed): {committed}; partial plans: 0; "
            f"finished before the kill: {finished}\n")
    (ROOT / "bench" / "results").mkdir(exist_ok=True)
    (ROOT / "bench" / "results" / "strategy_faults.txt").write_text(text, encoding="utf-8")
    print(text, end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
