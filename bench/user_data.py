"""Timings of the data page's heavy steps on the real store (run on demand).

    MRL_DATABASE_URL=sqlite:////path/to/mrl.sqlite /tmp/venv/bin/python bench/user_data.py

Works on a temporary copy of the store (SQLite) and writes bench/out/user_data.txt (git-ignored):

  parse        loaders.upload.parse_upload of a wide cp1250 CSV, every current gmina x 5 years
  match        domain.matching.match_values (vectorised, one UnitIndex)
  naive match  baseline: Store.resolve_code per row (a few SQL queries per row), on 300 rows,
               extrapolated to all rows
  save sum     compute roll-ups (sum) + one-transaction write of values and aggregates
  save wmean   the same with a population-weighted mean (only years with population weights roll up)
"""
from __future__ import annotations

import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from settings import get_settings  # noqa: E402
from store.db import Store  # noqa: E402


def timed(fn, *a, **k):
    t = time.perf_counter()
    out = fn(*a, **k)
    return out, time.perf_counter() - t


def main() -> int:
    from loaders.upload import parse_upload
    from domain.matching import match_values
from store.user_data import import_own, unit_index

    s = get_settings()
    if not s.is_sqlite:
        print("run against a SQLite store (MRL_DATABASE_URL=sqlite:///...)", file=sys.stderr)
        return 2
    tmp = Path(tempfile.mkdtemp())
    db = tmp / "bench.sqlite"
    shutil.copy(s.sqlite_path, db)
    store = Store(f"sqlite:///{db}")
    gminy = store.units("gmina")
    rng = np.random.default_rng(7)
    lines = ["Kod TERYT;Nazwa;2020;2021;2022;2023;2024"]
    for code, name in zip(gminy["code"], gminy["name"]):
        vals = ";".join(f"{x:.1f}".replace(".", ",") for x in rng.uniform(20, 90, 5))
        lines.append(f"{code};{name};{vals}")
    data = ("\n".join(lines) + "\n").encode("cp1250")
    rows = []
    parsed, t_parse = timed(parse_upload, data, "bench.csv")
    index, t_index = timed(unit_index, store)
    matched, t_match = timed(match_values, parsed.values, index)
    sample = parsed.values.drop_duplicates("row").head(300)
    _, t_naive = timed(lambda: [store.resolve_code(c) for c in sample["code"]])
    t_naive_all = t_naive / len(sample) * parsed.values["row"].nunique()
    res, t_sum = timed(import_own, store, matched, name_pl="Bench suma", unit_pl="pkt", rule="sum")
    res2, t_wm = timed(import_own, store, matched, name_pl="Bench srednia", unit_pl="%", rule="weighted_mean")
    rows += [("parse (2,477 gminy x 5 years, cp1250)", t_parse, f"{len(parsed.values):,} cells"),
             ("unit index (once per store version)", t_index, ""),
             ("match (vectorised)", t_match, f"{matched.matched_rows:,} rows matched"),
             ("naive match: resolve_code per row (extrapolated)", t_naive_all,
              f"{t_naive_all / max(t_match, 1e-9):.0f}x slower"),
             ("save, rule sum (roll-ups + 1 transaction)", t_sum, f"{res.values:,} + {res.aggregated:,} aggregates"),
             ("save, population-weighted mean", t_wm, f"{res2.values:,} + {res2.aggregated:,} aggregates")]
    store.dispose()
    shutil.rmtree(tmp, ignore_errors=True)
    out = ["step                                               seconds  note"]
    out += [f"{a:<50} {b:8.3f}  {c}" for a, b, c in rows]
    text = "\n".join(out)
    print(text)
    dest = Path(__file__).resolve().parent / "out"
    dest.mkdir(exist_ok=True)
    (dest / "user_data.txt").write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
