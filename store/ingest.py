"""Build the whole store from the data mirror — atomically.

A new database is built next to the live one (a temporary SQLite file, or a temporary PostgreSQL
schema), user-owned rows (saved areas, own/API indicators) are copied over from the live store,
and only then the new database replaces the old one (``os.replace`` / schema rename in one
transaction). A failed or interrupted ingest leaves the previous store untouched.
"""
from __future__ import annotations

import hashlib
import importlib
import json
import os
import re
import sqlite3
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd
from sqlalchemy import text

from domain.catalogue import Catalogue, Dataset
from domain.rollup import rollup
from domain.teryt import GMINA_TYPES, Resolver, UnitRef, normalise_name
from loaders.base import LoaderError, validate_raw_frame
from loaders.catalogue import load_catalogue
from loaders.units import load_units
from settings import Settings
from store import schema as S
from store.db import Store

Progress = Callable[[str, int, int], None]

UNITS_DIR = "GUGiK-pobierz_dane_GUGiK"
BOUNDARIES_DIR = "jusuff-PolandGeoJson"


class IngestError(RuntimeError):
    """The ingest cannot proceed (missing mirror, malformed source...); nothing was changed."""


@dataclass
class IngestSummary:
    store_url: str
    seconds: float
    units: int
    values: int
    report: pd.DataFrame
    cross_check: pd.DataFrame = field(default_factory=pd.DataFrame)


def _noop(step: str, i: int, n: int) -> None:  # pragma: no cover - trivial
    pass


def call_loader(ds: Dataset, mirror: Path) -> pd.DataFrame:
    """Import ``loaders.<module>`` and call its function (``module.function``; default ``load``)."""
    module, _, func = ds.loader.partition(".")
    mod = importlib.import_module(f"loaders.{module}")
    fn = getattr(mod, func or "load")
    path = mirror / ds.path
    if not path.exists():
        raise IngestError(f"dataset {ds.id}: file missing from the mirror: {ds.path}")
    try:
        df = fn(path, **dict(ds.options))
        validate_raw_frame(df)
    except LoaderError as exc:
        raise IngestError(f"dataset {ds.id} ({ds.path}): {exc}") from exc
    unknown = sorted(set(df["measure"]) - set(ds.measures) - set(ds.ignore))
    if unknown:
        raise IngestError(f"dataset {ds.id}: measures neither mapped nor ignored in the catalogue: {unknown[:5]}")
    return df


# -------------------------------------------------------------------------------------------------
# Reconciliation
# -------------------------------------------------------------------------------------------------

@dataclass
class Report:
    rows: list[dict] = field(default_factory=list)

    def add(self, dataset: str, category: str, count: int, detail: str = "", examples=()) -> None:
        if count:
            self.rows.append({"dataset": dataset, "category": category, "detail": detail,
                              "count": int(count), "examples": ", ".join(map(str, list(examples)[:5]))})

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame(self.rows, columns=["dataset", "category", "detail", "count", "examples"])


def _clean_name(name: str) -> str:
    name = str(name or "").strip()
    if name.endswith(")") and " (" in name:
        name = name[: name.rindex(" (")]
    return name


_PERIOD = re.compile(r"\s+od\s+\d{4}(\s+do\s+\d{4})?$")


def historical_gminy(raws: dict[str, pd.DataFrame], units: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, str]]:
    """Gminy in the data whose 6-digit code is not in the 2026 list.

    * A pure re-coding (the same gmina under an older code: same name in the same województwo, and
      no indicator-year with data under both codes — e.g. Wałbrzych 0221091 until 2012, now 0265011)
      becomes an alias: its values join the current unit, so series continue.
    * Otherwise the gmina was abolished or merged (Ostrowice 2019, rural Zielona Góra 2015): it
      becomes a historical unit, valid until the last year with a non-zero value, so past roll-ups
      still count it. Only codes seen with their 7-digit form become units; no code is invented.
    Returns (historical units frame, alias map code6 -> current code).
    """
    gminy = units.loc[units["level"] == "gmina"]
    current6 = set(gminy["code"].str[:6])
    powiaty = set(units.loc[units["level"] == "powiat", "code"])
    by_name: dict[tuple[str, str], list[str]] = {}
    for code, name in zip(gminy["code"], gminy["name"]):
        by_name.setdefault((code[:2], normalise_name(name)), []).append(code)
    frames = []
    for ds_id, raw in raws.items():
        rows = raw.loc[(raw["skip"] == "") & raw["code"].str.len().isin([6, 7]),
                       ["code", "name", "measure", "year", "value"]]
        frames.append(rows.assign(dataset=ds_id, code6=rows["code"].str[:6]))
    allrows = pd.concat(frames, ignore_index=True)
    old = allrows.loc[~allrows["code6"].isin(current6) & allrows["code6"].str[:4].isin(powiaty)]
    info: dict[str, dict] = {}
    for code6, grp in old.groupby("code6"):
        has = grp.loc[grp["value"].notna()]
        nonzero = has.loc[has["value"] != 0, "year"]
        code7 = next((c for c in grp["code"] if len(c) == 7 and c[6] in "123"), None)
        names = [_PERIOD.sub("", _clean_name(n)) for n in grp["name"].unique()]
        info[code6] = {"code7": code7, "names": names, "last": int(nonzero.max()) if len(nonzero) else -1,
                       "datasets": set(grp["dataset"])}
    candidates: dict[str, set[str]] = {}
    for code6, rec in info.items():
        found = {c for n in {normalise_name(x) for x in rec["names"]} for c in by_name.get((code6[:2], n), [])}
        candidates[code6] = found
    wanted = set(info) | {c[:6] for cs in candidates.values() for c in cs}
    sub = allrows.loc[allrows["code6"].isin(wanted) & allrows["value"].notna()]
    cells = {c6: set(zip(g["dataset"], g["measure"], g["year"])) for c6, g in sub.groupby("code6")}
    hist, aliases = [], {}
    for code6, rec in info.items():
        successors = candidates[code6]
        if len(successors) == 1:
            succ = next(iter(successors))
            if not (cells.get(code6, set()) & cells.get(succ[:6], set())):
                aliases[code6] = succ
                continue
        if not rec["code7"]:
            continue  # only a 6-digit code: reported as unmatched, no unit invented
        code7 = rec["code7"]
        hist.append({"code": code7, "level": "gmina", "name": rec["names"][0], "parent_code": code7[:4],
                     "gmina_type": GMINA_TYPES[code7[6]], "city_powiat": False, "valid_from": np.nan,
                     "valid_to": rec["last"] if rec["last"] > 0 else np.nan, "historical": True,
                     "note": "historical: not in the 2026 TERYT list; data from " + ", ".join(sorted(rec["datasets"]))})
    return pd.DataFrame(hist), aliases


def resolve_frame(raw: pd.DataFrame, resolver: Resolver, ds: Dataset, report: Report,
                  levels: dict[str, str] | None = None, catalogue: Catalogue | None = None) -> pd.DataFrame:
    """Attach canonical unit codes to a raw frame; report every row that is not kept and why."""
    report.add(ds.id, "rows", raw[["code", "name", "parent_name", "skip"]].drop_duplicates().shape[0],
               f"source rows ({len(raw):,} cells)")
    skipped = raw.loc[raw["skip"] != ""]
    for reason, grp in skipped.groupby("skip"):
        report.add(ds.id, "skipped", grp[["code", "name", "parent_name"]].drop_duplicates().shape[0],
                   reason, grp["name"].unique())
    rows = raw.loc[raw["skip"] == ""]
    keys = rows[["code", "name", "parent_name"]].drop_duplicates()
    res = [resolver.resolve(c, n, p) for c, n, p in keys.itertuples(index=False, name=None)]
    keys = keys.assign(unit=[r.code for r in res], status=[r.status for r in res], reason=[r.reason for r in res])
    rows = rows.merge(keys, on=["code", "name", "parent_name"], how="left")
    for (status, reason), grp in rows.groupby(["status", "reason"], dropna=False):
        shown = grp.drop_duplicates("code")
        examples = [f"{c or '∅'} {n or p}".strip() for c, n, p in
                    shown[["code", "name", "parent_name"]].itertuples(index=False, name=None)]
        report.add(ds.id, status, grp[["code", "name", "parent_name"]].drop_duplicates().shape[0],
                   reason, examples)
    kept = rows.loc[rows["unit"].notna()].copy()
    kept["indicator"] = kept["measure"].map(dict(ds.measures))
    kept = kept.loc[kept["indicator"].notna()]
    if levels is not None:
        lvl = kept["unit"].map(levels)
        ok = [lv in catalogue.indicators[i].levels for lv, i in zip(lvl, kept["indicator"])]
        dropped = kept.loc[[not x for x in ok]]
        for ind_id, grp in dropped.groupby("indicator"):
            report.add(ds.id, "level_excluded", len(grp),
                       f"{ind_id} is defined for {', '.join(catalogue.indicators[ind_id].levels)} only",
                       grp["unit"].unique())
        kept = kept.loc[ok]
    return kept


def combine(frames: list[tuple[Dataset, pd.DataFrame]], report: Report) -> pd.DataFrame:
    """One value per (unit, indicator, year): the highest-priority dataset wins; rows of one
    dataset that collapse onto the same unit (e.g. type-digit variants) must agree or be summed
    only where the dataset says so; disagreements between datasets are reported."""
    parts = []
    for ds, df in frames:
        empty = df["value"].isna()
        report.add(ds.id, "no_data_cells", int(empty.sum()), "empty cells in the source (no data, never zero)")
        df = df.loc[~empty]
        d = df.loc[:, ["unit", "indicator", "year", "value", "code"]].assign(
            dataset=ds.id, priority=ds.priority, source=ds.source)
        # Within one dataset, two source rows may map to one unit (the same gmina under an old
        # and a new type digit). Keep the non-null value; if both are non-null they must agree.
        d = d.sort_values(["unit", "indicator", "year", "value"], na_position="last")
        dup = d.duplicated(["unit", "indicator", "year"], keep=False)
        if dup.any():
            grp = d.loc[dup].groupby(["unit", "indicator", "year"])["value"]
            conflicts = grp.nunique() > 1
            n_conf = int(conflicts.sum())
            report.add(ds.id, "merged_codes", int(d.loc[dup, ["unit"]].drop_duplicates().shape[0]),
                       "several source codes map to one unit (type digit changed); non-empty values kept",
                       d.loc[dup].drop_duplicates("code")["code"].tolist())
            if n_conf:
                ex = conflicts[conflicts].index.tolist()[:5]
                report.add(ds.id, "conflicts", n_conf, "different values for one unit-year; first kept", ex)
            d = d.drop_duplicates(["unit", "indicator", "year"], keep="first")
        parts.append(d)
    allv = pd.concat(parts, ignore_index=True)
    allv = allv.sort_values(["unit", "indicator", "year", "priority"])
    dup = allv.duplicated(["unit", "indicator", "year"], keep=False)
    if dup.any():
        both = allv.loc[dup & allv["value"].notna()]
        spread = both.groupby(["unit", "indicator", "year"])["value"].agg(lambda s: s.max() - s.min())
        differ = spread[spread > 1e-6]
        report.add("(all)", "overlap", int(dup.sum() - (~allv.loc[dup].duplicated(["unit", "indicator", "year"])).sum()),
                   "values given by two datasets; the higher-priority dataset is kept")
        if len(differ):
            report.add("(all)", "overlap_differs", len(differ), "overlapping datasets disagree",
                       [f"{u}/{i}/{y}" for u, i, y in differ.index[:5]])
    out = allv.drop_duplicates(["unit", "indicator", "year"], keep="first")
    return out.loc[:, ["unit", "indicator", "year", "value", "source"]].reset_index(drop=True)


# -------------------------------------------------------------------------------------------------
# Boundaries
# -------------------------------------------------------------------------------------------------

def build_boundaries(mirror: Path, resolver: Resolver, report: Report) -> tuple[pd.DataFrame, dict[str, str]]:
    """Simplified boundaries per unit (columns code, geojson, rep_lon, rep_lat, bbox, source_code)
    and the web layer per level (FeatureCollection text)."""
    from loaders import boundaries as B

    levels = B.build_web_boundaries(mirror).levels
    rows, layers = [], {}
    for level, gdf in levels.items():
        gdf = gdf.copy()
        if level == "gmina":
            res = [resolver.resolve(c) for c in gdf["source_code"]]
            gdf["code"] = [r.code for r in res]
            status = pd.Series([r.status for r in res])
            report.add("boundaries", "rows", len(gdf))
            report.add("boundaries", "exact", int((status == "exact").sum()))
            recoded = gdf.loc[status.eq("recoded").to_numpy()]
            report.add("boundaries", "recoded", len(recoded), "type digit changed 2020→2026",
                       [f"{a}→{b}" for a, b in zip(recoded["source_code"], recoded["code"])])
            miss = gdf.loc[gdf["code"].isna()]
            report.add("boundaries", "unmatched", len(miss), "boundary without a current unit",
                       miss["source_code"].tolist())
            gdf = gdf.loc[gdf["code"].notna()]
        else:
            gdf["source_code"] = gdf["code"]
        gdf = gdf.sort_values("code")
        for r in gdf.itertuples():
            rows.append({"code": r.code, "geojson": B.to_geojson_geometry(r.geometry),
                         "rep_lon": float(r.rep_lon), "rep_lat": float(r.rep_lat),
                         "bbox": ",".join(f"{x:.4f}" for x in r.bbox),
                         "source_code": r.source_code})
        layers[level] = B.to_feature_collection(gdf, id_field="code", properties=["code"])
    return pd.DataFrame(rows), layers


# -------------------------------------------------------------------------------------------------
# Writing and swapping
# -------------------------------------------------------------------------------------------------

def _indicator_rows(catalogue: Catalogue, raw_specs: dict[str, dict]) -> pd.DataFrame:
    rows = []
    for sk, (ind_id, ind) in enumerate(catalogue.indicators.items(), 1):
        rows.append({"sk": sk, "id": ind_id, "origin": "catalogue", "category": ind.category,
                     "spec": json.dumps(raw_specs[ind_id], ensure_ascii=False)})
    return pd.DataFrame(rows)


def _raw_specs() -> dict[str, dict]:
    import yaml
    from loaders.catalogue import CATALOGUE_DIR
    out = {}
    for path in sorted((CATALOGUE_DIR / "indicators").glob("*.yaml")):
        for raw in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
            out[raw["id"]] = raw
    return out


def write_store(store: Store, *, catalogue: Catalogue, units: pd.DataFrame, values: pd.DataFrame,
                boundaries: pd.DataFrame | None, layers: dict[str, str], report: pd.DataFrame,
                aliases: pd.DataFrame, meta: dict[str, str]) -> None:
    store.create_schema(for_load=True)
    units = units.reset_index(drop=True).copy()
    units["sk"] = np.arange(1, len(units) + 1)
    unit_sk = dict(zip(units["code"], units["sk"]))
    src_rows = pd.DataFrame([{"sk": i, "id": s.id, "kind": "mirror", "publisher_pl": s.publisher_pl,
                              "publisher_en": s.publisher_en, "title_pl": s.title_pl, "title_en": s.title_en,
                              "origin": s.origin, "licence": s.licence, "vintage": s.vintage,
                              "retrieved": s.retrieved} for i, s in enumerate(catalogue.sources.values(), 1)])
    src_sk = dict(zip(src_rows["id"], src_rows["sk"]))
    ind_rows = _indicator_rows(catalogue, _raw_specs())
    ind_sk = dict(zip(ind_rows["id"], ind_rows["sk"]))
    v = pd.DataFrame({
        "indicator_sk": values["indicator"].map(ind_sk).astype("int64"),
        "year": values["year"].astype("int64"),
        "unit_sk": values["unit"].map(unit_sk).astype("int64"),
        "value": values["value"].astype("float64"),
        "source_sk": values["source"].map(src_sk).astype("int64"),
        "method": values["method"].map(S.METHOD_CODES).astype("int64"),
        "n": values["n"].astype("float64").round().astype("Int64"),
        "of": values["of"].astype("float64").round().astype("Int64"),
        "flag": values["flag"].replace("", None),
    }).sort_values(["indicator_sk", "year", "unit_sk"], ignore_index=True)  # primary-key order: stored clustered
    ucols = ["sk", "code", "level", "name", "parent_code", "gmina_type", "city_powiat", "valid_from",
             "valid_to", "historical", "note"]
    u = units[ucols].copy()
    u["valid_from"] = u["valid_from"].astype("Int64")
    u["valid_to"] = u["valid_to"].astype("Int64")
    u["city_powiat"] = u["city_powiat"].astype(bool)
    u["historical"] = u["historical"].astype(bool)
    with store.engine.begin() as conn:  # one transaction; COPY on PostgreSQL runs inside it
        store.bulk_insert(S.unit, u, conn)
        store.bulk_insert(S.source, src_rows, conn)
        store.bulk_insert(S.indicator, ind_rows, conn)
        store.bulk_insert(S.value, v, conn)
        if boundaries is not None and not boundaries.empty:
            b = boundaries.assign(unit_sk=boundaries["code"].map(unit_sk)).drop(columns="code")
            store.bulk_insert(S.boundary, b.dropna(subset=["unit_sk"]).astype({"unit_sk": "int64"}), conn)
        if layers:
            store.bulk_insert(S.layer, pd.DataFrame([
                {"level": k, "geojson": g, "sha256": hashlib.sha256(g.encode()).hexdigest()}
                for k, g in layers.items()]), conn)
        if not aliases.empty:
            store.bulk_insert(S.unit_alias, aliases, conn)
        store.bulk_insert(S.ingest_report, report, conn)
        store.bulk_insert(S.meta, pd.DataFrame({"key": list(meta), "value": list(meta.values())}), conn)
    store.finish_load()  # value index, value_summary, planner statistics


def _copy_user_rows(old: Store, new: Store) -> dict[str, int]:
    """Carry user-owned rows from the live store into the new one: saved areas, and indicators whose
    origin is not the catalogue (own data, BDL API) with their sources and source values — matched
    by unit code, not surrogate key, and rolled up again in the new store (store.user_data)."""
    from store.user_data import carry_over

    return carry_over(old, new)


def swap_in(settings: Settings, build: Store) -> None:
    """Replace the live store by ``build`` atomically."""
    if settings.is_sqlite:
        build.dispose()
        final = settings.sqlite_path
        tmp = build.sqlite_file
        with sqlite3.connect(tmp) as c:  # make sure the file is complete on disk before the rename
            c.execute("PRAGMA journal_mode=DELETE")
        os.replace(tmp, final)
        return
    live, new = settings.db_schema, build.schema
    old = f"{live}_old_{uuid.uuid4().hex[:8]}"
    with build.engine.begin() as conn:
        exists = conn.execute(text("SELECT 1 FROM information_schema.schemata WHERE schema_name = :s"),
                              {"s": live}).first()
        if exists:
            conn.execute(text(f'ALTER SCHEMA "{live}" RENAME TO "{old}"'))
        conn.execute(text(f'ALTER SCHEMA "{new}" RENAME TO "{live}"'))
        if exists:
            conn.execute(text(f'DROP SCHEMA "{old}" CASCADE'))
    build.dispose()


@contextmanager
def exclusive_ingest(settings: Settings):
    """One ingest per store at a time, and the leftovers of killed ones removed.

    An ingest killed before its swap (SIGKILL, power loss) leaves the live store untouched but its
    half-built database behind: a ``<store>.tmp-*`` file next to an SQLite store, a
    ``<schema>_new_*`` schema on PostgreSQL. Holding the store's ingest lock — an ``flock`` on
    ``<store>-ingest.lock`` / a session advisory lock, both released by the OS or the server when
    the holder dies — no other ingest of this store can be building, so every such leftover is
    stale and is removed before the new build starts."""
    if settings.is_sqlite:
        import fcntl

        final = settings.sqlite_path
        final.parent.mkdir(parents=True, exist_ok=True)
        with open(final.with_name(final.name + "-ingest.lock"), "a+") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                for stale in final.parent.glob(final.name + ".tmp-*"):
                    stale.unlink(missing_ok=True)
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)
        return
    from sqlalchemy import create_engine
    from sqlalchemy.pool import NullPool

    key = f"mrl-ingest:{settings.db_schema}"
    like = settings.db_schema.replace("\\", "\\\\").replace("_", "\\_").replace("%", "\\%") + "\\_new\\_%"
    eng = create_engine(settings.database_url, poolclass=NullPool, connect_args={"connect_timeout": 10})
    try:
        with eng.connect() as conn:
            conn.execute(text("SELECT pg_advisory_lock(hashtext(:k))"), {"k": key})
            conn.commit()
            try:
                stale = conn.execute(text("SELECT schema_name FROM information_schema.schemata "
                                          "WHERE schema_name LIKE :p"), {"p": like}).scalars().all()
                for name in stale:
                    conn.execute(text(f'DROP SCHEMA IF EXISTS "{name}" CASCADE'))
                conn.commit()
                yield
            finally:
                conn.rollback()
                conn.execute(text("SELECT pg_advisory_unlock(hashtext(:k))"), {"k": key})
                conn.commit()
    finally:
        eng.dispose()


def _build_store(settings: Settings) -> Store:
    if settings.is_sqlite:
        final = settings.sqlite_path
        final.parent.mkdir(parents=True, exist_ok=True)
        tmp = final.with_name(f"{final.name}.tmp-{os.getpid()}-{uuid.uuid4().hex[:6]}")
        store = Store(f"sqlite:///{tmp}")
        store.sqlite_file = tmp
        return store
    store = Store(settings.database_url, schema=f"{settings.db_schema}_new_{uuid.uuid4().hex[:8]}")
    return store


def _discard(build: Store) -> None:
    try:
        if build.is_sqlite:
            build.dispose()
            Path(build.sqlite_file).unlink(missing_ok=True)
        else:
            with build.engine.begin() as conn:
                conn.execute(text(f'DROP SCHEMA IF EXISTS "{build.schema}" CASCADE'))
            build.dispose()
    except Exception:  # noqa: BLE001 - best effort clean-up of a failed build
        pass


def prepare(settings: Settings, catalogue: Catalogue | None = None,
            progress: Progress = _noop, *, with_boundaries: bool = True) -> dict:
    """Read and reconcile everything from the mirror (no database writes)."""
    mirror = settings.data_mirror
    if not mirror.is_dir():
        raise IngestError(f"data mirror not found: {mirror} (set MRL_DATA_MIRROR)")
    catalogue = catalogue or load_catalogue()
    report = Report()
    steps = len(catalogue.datasets) + 4
    progress("units", 0, steps)
    units = load_units(mirror / UNITS_DIR)
    units["valid_from"] = np.nan
    units["valid_to"] = np.nan
    units["historical"] = False
    units["note"] = ""
    for ch in catalogue.created_units:
        m = units["code"] == ch.code
        if not m.any():
            raise IngestError(f"unit_changes.yaml: {ch.code} {ch.name} is not in the TERYT list")
        units.loc[m, "valid_from"] = ch.valid_from
        units.loc[m, "note"] = f"created {ch.valid_from} from part of {ch.carved_from}"
        units.loc[units["code"] == ch.carved_from, "note"] = (
            f"territory before {ch.valid_from} includes {ch.name} ({ch.code})")
    report.add("units", "rows", len(units), "units in the 2026 TERYT list")

    raws: dict[str, pd.DataFrame] = {}
    for i, ds in enumerate(catalogue.datasets, 1):
        progress(f"read {ds.id}", i, steps)
        raws[ds.id] = call_loader(ds, mirror)

    hist, recoded = historical_gminy(raws, units)
    if recoded:
        report.add("units", "recoded_gminy", len(recoded), "old gmina codes whose values join today's unit",
                   [f"{a}→{b}" for a, b in recoded.items()])
    if not hist.empty:
        report.add("units", "historical", len(hist), "gminy abolished before 2026 kept as historical units",
                   [f"{c} {n} (to {int(t) if t == t else '?'})" for c, n, t in
                    zip(hist["code"], hist["name"], hist["valid_to"])])
        units = pd.concat([units, hist], ignore_index=True)

    refs = [UnitRef(c, lv, n) for c, lv, n in units[["code", "level", "name"]].itertuples(index=False, name=None)]
    resolver = Resolver(refs, aliases=recoded)
    frames = []
    levels = dict(zip(units["code"], units["level"]))
    for ds in catalogue.datasets:
        frames.append((ds, resolve_frame(raws[ds.id], resolver, ds, report, levels, catalogue)))
    progress("combine", steps - 3, steps)
    values = combine(frames, report)
    # A historical gmina's values after its last year (zero-only rows some sources keep for
    # abolished codes) describe no existing unit: reported and left out.
    ends = units.loc[units["historical"].astype(bool) & units["valid_to"].notna()].set_index("code")["valid_to"]
    late = values["unit"].isin(ends.index) & (values["year"] > values["unit"].map(ends))
    if late.any():
        report.add("units", "after_abolition", int(late.sum()), "values of abolished gminy after their last year",
                   sorted(set(values.loc[late, "unit"])))
        values = values.loc[~late].reset_index(drop=True)
    starts = units.loc[units["valid_from"].notna()].set_index("code")["valid_from"]
    early = values["unit"].isin(starts.index) & (values["year"] < values["unit"].map(starts))
    if early.any():
        report.add("units", "before_creation", int(early.sum()),
                   "values for a gmina before its creation: the source re-codes the past to today's division "
                   "(kept; the parent gmina's value for those years excludes this territory)",
                   sorted(set(values.loc[early, "unit"])))

    progress("roll-ups", steps - 2, steps)
    rolled = rollup(values, units, catalogue)
    values = values.assign(method="source", rule="", n=np.nan, of=np.nan, flag="")
    allv = pd.concat([values, rolled.values], ignore_index=True)
    cc = rolled.cross_check
    if not cc.empty:
        bad = cc.loc[cc["rel_diff"] > 0.005]
        report.add("roll-ups", "cross_checked", len(cc), "official higher-level values compared with roll-ups")
        if len(bad):
            report.add("roll-ups", "cross_check_differs", len(bad), "official value differs from roll-up by >0.5%",
                       [f"{r.unit}/{r.indicator}/{r.year}: {r.value_source:g} vs {r.value:g}"
                        for r in bad.head(5).itertuples()])

    boundaries, layers = (None, {})
    aliases = pd.DataFrame(columns=["alias", "code", "kind"])
    if with_boundaries:
        progress("boundaries", steps - 1, steps)
        boundaries, layers = build_boundaries(mirror, resolver, report)
        moved = boundaries.loc[boundaries["source_code"].notna() & (boundaries["source_code"] != boundaries["code"])
                               & (boundaries["code"].str.len() == 7)]
        aliases = pd.DataFrame({"alias": moved["source_code"], "code": moved["code"], "kind": "old_type_digit"})
        no_geom = units.loc[(units["level"] == "gmina") & ~units["historical"].astype(bool)
                            & ~units["code"].isin(boundaries["code"])]
        report.add("boundaries", "no_geometry", len(no_geom), "current gminy missing from the 2020 boundaries",
                   [f"{c} {n}" for c, n in zip(no_geom["code"], no_geom["name"])])
    if recoded:
        aliases = pd.concat([aliases, pd.DataFrame({"alias": list(recoded), "code": list(recoded.values()),
                                                    "kind": "recoded_gmina"})], ignore_index=True)
    return {"catalogue": catalogue, "units": units, "values": allv, "boundaries": boundaries,
            "layers": layers, "aliases": aliases, "report": report.frame(), "cross_check": cc}


def ingest(settings: Settings, *, progress: Progress = _noop, catalogue: Catalogue | None = None,
           fail_after: str | None = None, prepared: dict | None = None) -> IngestSummary:
    """Build a complete new store from the mirror and swap it in. ``fail_after`` (tests only)
    raises after the named phase to prove atomicity; ``prepared`` reuses a ``prepare()`` result
    (tests write one preparation into several databases)."""
    t0 = time.perf_counter()
    prepared = prepared or prepare(settings, catalogue, progress)
    if fail_after == "prepare":
        raise IngestError("simulated failure after prepare")
    with exclusive_ingest(settings):
        return _build_and_swap(settings, prepared, fail_after, t0, progress)


def _build_and_swap(settings: Settings, prepared: dict, fail_after: str | None, t0: float,
                    progress: Progress = _noop) -> IngestSummary:
    progress("write store", 98, 100)
    build = _build_store(settings)
    try:
        meta = {"ingest_id": uuid.uuid4().hex, "ingested_at": pd.Timestamp.now(tz="UTC").isoformat(timespec="seconds"),
                "schema_version": S.SCHEMA_VERSION, "mirror": str(settings.data_mirror),
                "excluded": json.dumps(list(prepared["catalogue"].excluded), ensure_ascii=False)}
        write_store(build, catalogue=prepared["catalogue"], units=prepared["units"], values=prepared["values"],
                    boundaries=prepared["boundaries"], layers=prepared["layers"], report=prepared["report"],
                    aliases=prepared["aliases"], meta=meta)
        if fail_after == "write":
            raise IngestError("simulated failure after write")
        progress("copy user data, swap", 99, 100)
        live = Store(settings.database_url, schema=settings.db_schema)
        try:
            _copy_user_rows(live, build)
        finally:
            live.dispose()
        swap_in(settings, build)
    except BaseException:
        _discard(build)
        raise
    return IngestSummary(store_url=settings.database_url, seconds=time.perf_counter() - t0,
                         units=len(prepared["units"]), values=len(prepared["values"]),
                         report=prepared["report"], cross_check=prepared["cross_check"])
