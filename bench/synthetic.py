"""Synthetic store for the scale benchmark — clearly marked, never real data.

Builds a store with the app's own schema and the app's own write path (``Store.create_schema``,
``Store.bulk_insert`` in chunks, ``Store.finish_load``) filled with generated values:
``units`` units (1 country, 16 województwa, up to 380 powiaty, the rest gminy, with TERYT-shaped
codes so the app's URL parsing works), ``indicators`` indicators and ``years`` years, every unit
having a value for every indicator and year (~0.3 % withheld as NULL, like the real store).

Everything says it is synthetic: unit names ``SYNTETYCZNA 0001``, indicator names
``SYNTETYCZNY WSKAŹNIK 0001``, sources of kind ``synthetic``, and the meta key ``synthetic=1``
(the app shows a banner when it sees it). Build it only into a separate SQLite file under
``bench/out/`` or a separate PostgreSQL schema — ``build`` refuses the app's default locations.

    from bench.synthetic import SCALES, build
    stats = build(Store("sqlite:///bench/out/scale.sqlite"), SCALES["small"])
"""
from __future__ import annotations

import json
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd
from sqlalchemy import text

from store import schema as S
from store.db import Store

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"
FIRST_YEAR = 2010
CATEGORIES = ("demography", "civic", "finance", "safety", "labour", "social", "culture", "infrastructure")
WOJ_CODES = [f"{c:02d}" for c in range(2, 33, 2)]  # the 16 real województwo codes 02..32
ROWS_PER_CHUNK = 750_000
SYNTHETIC_META = "synthetic"


@dataclass(frozen=True)
class Scale:
    units: int
    indicators: int
    years: int

    @property
    def values(self) -> int:
        return self.units * self.indicators * self.years

    def __str__(self) -> str:
        return f"{self.units:,} units × {self.indicators:,} indicators × {self.years} years = {self.values:,} values"


SCALES = {
    "tiny": Scale(units=120, indicators=12, years=4),       # the test
    "small": Scale(units=2_500, indicators=50, years=15),   # quick run: 1.9 M values
    "full": Scale(units=2_500, indicators=1_000, years=15),  # the product owner's target: 37.5 M values
}


@dataclass
class BuildStats:
    scale: Scale
    rows: int = 0
    load_s: float = 0.0      # generating + inserting the value rows (Store.bulk_insert)
    finish_s: float = 0.0    # secondary indexes, summary table, statistics (Store.finish_load)
    total_s: float = 0.0
    steps: dict[str, float] = field(default_factory=dict)

    @property
    def rows_per_s(self) -> float:
        return self.rows / self.total_s if self.total_s else 0.0

    @property
    def load_rows_per_s(self) -> float:
        return self.rows / self.load_s if self.load_s else 0.0


# -------------------------------------------------------------------------------------------------
# Dimensions
# -------------------------------------------------------------------------------------------------

def synthetic_units(n: int) -> pd.DataFrame:
    """``n`` units in a TERYT-shaped hierarchy: 1 country, 16 województwa, powiaty, gminy.

    Powiaty are min(380, n // 7) (the real ratio is ~6.5 gminy per powiat); every unit is named
    ``SYNTETYCZNA nnnn`` and carries a note saying it is synthetic.
    """
    if n < 1 + 16 + 2:
        raise ValueError("a synthetic store needs at least 19 units")
    n_pow = max(1, min(380, (n - 17) // 7))
    n_gmi = n - 17 - n_pow
    rows = [{"code": "PL", "level": "country", "parent_code": None, "gmina_type": None}]
    rows += [{"code": c, "level": "wojewodztwo", "parent_code": "PL", "gmina_type": None} for c in WOJ_CODES]
    pow_codes = [f"{WOJ_CODES[i % 16]}{i // 16 + 1:02d}" for i in range(n_pow)]
    rows += [{"code": c, "level": "powiat", "parent_code": c[:2], "gmina_type": None} for c in pow_codes]
    types = ("1", "2", "3")
    for j in range(n_gmi):
        p = pow_codes[j % n_pow]
        k = j // n_pow
        t = types[j % 3]
        rows.append({"code": f"{p}{k + 1:02d}{t}", "level": "gmina", "parent_code": p,
                     "gmina_type": {"1": "urban", "2": "rural", "3": "urban_rural"}[t]})
    df = pd.DataFrame(rows).sort_values("code", key=lambda s: s.str.pad(7, "right", "0")).reset_index(drop=True)
    df["sk"] = np.arange(1, len(df) + 1)
    df["name"] = [f"SYNTETYCZNA {i:04d}" for i in df["sk"]]
    df["city_powiat"] = False
    df["valid_from"] = pd.array([None] * len(df), dtype="Int64")
    df["valid_to"] = pd.array([None] * len(df), dtype="Int64")
    df["historical"] = False
    df["note"] = "synthetic benchmark unit — not real data"
    return df[["sk", "code", "level", "name", "parent_code", "gmina_type", "city_powiat", "valid_from",
               "valid_to", "historical", "note"]]


def indicator_id(i: int) -> str:
    return f"syn_{i:04d}"


def synthetic_indicators(n: int) -> pd.DataFrame:
    """``n`` indicator rows whose spec is a valid catalogue entry (the app can read them)."""
    rows = []
    for i in range(1, n + 1):
        cat = CATEGORIES[(i - 1) % len(CATEGORIES)]
        spec = {
            "id": indicator_id(i),
            "name_pl": f"SYNTETYCZNY WSKAŹNIK {i:04d}", "name_en": f"SYNTHETIC INDICATOR {i:04d}",
            "unit_pl": "jedn.", "unit_en": "units", "category": cat,
            "definition_pl": "Dane syntetyczne do testu wydajności — nie są prawdziwe.",
            "definition_en": "Synthetic data for the scale benchmark — not real.",
            "polarity": ("neutral", "higher_better", "lower_better")[i % 3], "decimals": 1,
            "levels": ["gmina", "powiat", "wojewodztwo", "country"],
            "aggregation": {"rule": "sum"}, "profile": i <= 40,
            **({"headline": i} if i <= 6 else {}),
        }
        rows.append({"sk": i, "id": indicator_id(i), "origin": "catalogue", "category": cat,
                     "spec": json.dumps(spec, ensure_ascii=False)})
    return pd.DataFrame(rows)


def synthetic_sources(n_indicators: int) -> pd.DataFrame:
    n = max(1, min(10, n_indicators))
    return pd.DataFrame([{"sk": k, "id": f"synthetic_{k:02d}", "kind": "synthetic",
                          "publisher_pl": "DANE SYNTETYCZNE", "publisher_en": "SYNTHETIC DATA",
                          "title_pl": f"Syntetyczne źródło {k:02d} (test wydajności)",
                          "title_en": f"Synthetic source {k:02d} (benchmark)",
                          "origin": "bench/synthetic.py", "licence": "none — not real data",
                          "vintage": "synthetic", "retrieved": "synthetic"} for k in range(1, n + 1)])


def source_of(indicator_sk: np.ndarray, n_sources: int) -> np.ndarray:
    return (indicator_sk - 1) % n_sources + 1


# -------------------------------------------------------------------------------------------------
# Values
# -------------------------------------------------------------------------------------------------

def value_chunks(scale: Scale, units: pd.DataFrame, n_sources: int, *, seed: int = 20260101,
                 rows_per_chunk: int = ROWS_PER_CHUNK):
    """Yield DataFrames of value rows in primary-key order (indicator_sk, year, unit_sk).

    value = base(indicator) × effect(indicator, unit) × (1 + trend(indicator))^t × noise; gminy
    are ``source``, higher levels ``aggregated`` with n = of = their number of gminy; ~0.3 % of
    values are withheld (NULL, flag ``withheld``), as in the real store.
    """
    rng = np.random.default_rng(seed)
    nu, ny = len(units), scale.years
    unit_sk = units["sk"].to_numpy(np.int64)
    level = units["level"].to_numpy()
    is_gmina = level == "gmina"
    codes = units["code"].to_numpy()
    gminy = codes[is_gmina]
    members = np.array([len(gminy) if c == "PL" else int(np.char.startswith(gminy.astype(str), c).sum())
                        if lv != "gmina" else 0 for c, lv in zip(codes, level)], dtype=np.int64)
    method_u = np.where(is_gmina, S.METHOD_SOURCE, S.METHOD_AGGREGATED).astype(np.int64)
    per_ind = nu * ny
    step = max(1, rows_per_chunk // per_ind)
    years = FIRST_YEAR + np.arange(ny)
    for first in range(1, scale.indicators + 1, step):
        inds = np.arange(first, min(first + step, scale.indicators + 1), dtype=np.int64)
        k = len(inds)
        base = 10.0 ** rng.uniform(0, 5, size=k)
        trend = rng.normal(0.01, 0.02, size=k)
        effect = rng.lognormal(0.0, 0.6, size=(k, nu))
        effect[:, ~is_gmina] *= np.maximum(members[~is_gmina], 1)  # higher levels ≈ sums of gminy
        growth = (1.0 + trend[:, None]) ** np.arange(ny)[None, :]          # (k, ny)
        noise = rng.lognormal(0.0, 0.03, size=(k, ny, nu))
        val = np.round(base[:, None, None] * growth[:, :, None] * effect[:, None, :] * noise, 2)
        n = k * ny * nu
        withheld = rng.random(n) < 0.003
        val = val.reshape(n)
        val[withheld] = np.nan
        ind_col = np.repeat(inds, ny * nu)
        agg = np.tile(~is_gmina, k * ny)
        mem = np.tile(members, k * ny)
        yield pd.DataFrame({
            "indicator_sk": ind_col,
            "year": np.tile(np.repeat(years, nu), k),
            "unit_sk": np.tile(unit_sk, k * ny),
            "value": val,
            "source_sk": source_of(ind_col, n_sources),
            "method": np.tile(method_u, k * ny),
            "n": pd.arrays.IntegerArray(mem, ~agg),
            "of": pd.arrays.IntegerArray(mem.copy(), ~agg),
            "flag": pd.Series(np.where(withheld, "withheld", None), dtype=object),
        })


# -------------------------------------------------------------------------------------------------
# Building
# -------------------------------------------------------------------------------------------------

def assert_benchmark_target(store: Store) -> None:
    """Refuse to build into anything but a file under bench/out/ (or the system temp dir, for
    tests) or a PostgreSQL schema named mrl_scale* / mrl_test_scale*: never the app's store."""
    if store.is_sqlite:
        path = Path(store.url.split("sqlite:///", 1)[-1]).resolve()
        allowed = (OUT.resolve(), Path(tempfile.gettempdir()).resolve())
        app_data = (ROOT / "data").resolve()  # the app's store, even when the checkout lives in /tmp
        if app_data in path.parents or not any(d in path.parents for d in allowed):
            raise ValueError(f"synthetic stores live under {OUT}, not {path}")
    elif not (store.schema or "").startswith(("mrl_scale", "mrl_test_scale")):
        raise ValueError(f"synthetic PostgreSQL schemas are named mrl_scale*, not {store.schema!r}")


def drop(store: Store) -> None:
    """Remove a synthetic store (the file, or the schema)."""
    assert_benchmark_target(store)
    if store.is_sqlite:
        store.dispose()
        path = Path(store.url.split("sqlite:///", 1)[-1])
        for p in (path, path.with_name(path.name + "-journal"), path.with_name(path.name + "-wal")):
            p.unlink(missing_ok=True)
    else:
        with store.engine.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{store.schema}" CASCADE'))
        store.dispose()


Progress = Callable[[str, int, int], None]


def build(store: Store, scale: Scale, *, layout=None, seed: int = 20260101,
          rows_per_chunk: int = ROWS_PER_CHUNK, progress: Progress | None = None) -> BuildStats:
    """Build a synthetic store from scratch at ``store`` (dropping what is there).

    ``layout`` (default: the app's own) creates the schema before and the indexes/statistics after
    the load — the benchmark passes the pre-optimisation layout as its naive baseline.
    """
    assert_benchmark_target(store)
    layout = layout or AppLayout()
    drop(store)
    stats = BuildStats(scale)
    t0 = time.perf_counter()
    units = synthetic_units(scale.units)
    inds = synthetic_indicators(scale.indicators)
    srcs = synthetic_sources(scale.indicators)
    layout.create(store)
    with store.engine.begin() as conn:
        store.bulk_insert(S.unit, units, conn)
        store.bulk_insert(S.indicator, inds, conn)
        store.bulk_insert(S.source, srcs, conn)
    stats.steps["dimensions"] = time.perf_counter() - t0
    t1 = time.perf_counter()
    done = 0
    with store.engine.begin() as conn:
        if store.is_sqlite:  # a throw-away file being built: no rollback journal, no fsync
            conn.exec_driver_sql("PRAGMA journal_mode=OFF")
            conn.exec_driver_sql("PRAGMA synchronous=OFF")
        for chunk in value_chunks(scale, units, len(srcs), seed=seed, rows_per_chunk=rows_per_chunk):
            done += store.bulk_insert(S.value, chunk, conn)
            if progress:
                progress("values", done, scale.values)
    stats.rows = done
    stats.load_s = time.perf_counter() - t1
    t2 = time.perf_counter()
    meta = {"ingest_id": f"synthetic-{uuid.uuid4().hex}", "ingested_at": pd.Timestamp.now(tz="UTC").isoformat(
        timespec="seconds"), "schema_version": S.SCHEMA_VERSION, "mirror": "synthetic (bench/synthetic.py)",
        "excluded": "[]", SYNTHETIC_META: "1", "synthetic_scale": str(scale)}
    with store.engine.begin() as conn:
        store.bulk_insert(S.meta, pd.DataFrame({"key": list(meta), "value": list(meta.values())}), conn)
    stats.steps.update(layout.finish(store))
    stats.finish_s = time.perf_counter() - t2
    stats.total_s = time.perf_counter() - t0
    return stats


class AppLayout:
    """The app's own schema, indexes and post-load step (what ``store.ingest`` does)."""
    name = "app"

    def create(self, store: Store) -> None:
        store.create_schema(for_load=True)

    def finish(self, store: Store) -> dict[str, float]:
        return store.finish_load()
