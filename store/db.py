"""The one class through which all SQL goes. Queries are SQLAlchemy Core with bound parameters."""
from __future__ import annotations

import json
import time
from datetime import datetime, timezone
from functools import cached_property

import pandas as pd
from sqlalchemy import (and_, create_engine, delete, event, func, insert, inspect, select, text, update)
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError, ProgrammingError, SQLAlchemyError
from sqlalchemy.pool import NullPool

from domain.catalogue import Indicator, indicator_from_dict
from domain.teryt import COUNTRY, TerytError, parse_code
from store import schema as S


class StoreError(RuntimeError):
    """The store is missing, unreachable or inconsistent (message is safe to show to users)."""


class StoreUnavailable(StoreError):
    """The database cannot be reached right now (e.g. PostgreSQL restarting)."""


def _now() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()


class Store:
    """A store of units, indicators, sources, values and boundaries at one SQLAlchemy URL."""

    def __init__(self, url: str, *, schema: str = "mrl"):
        self.url = url
        self.is_sqlite = url.startswith("sqlite")
        self.schema = None if self.is_sqlite else schema

    @cached_property
    def engine(self) -> Engine:
        if self.is_sqlite:
            # No pool: every checkout opens the file anew, so a store swapped in by a re-ingest is
            # seen at once (opening SQLite costs microseconds).
            eng = create_engine(self.url, poolclass=NullPool)

            @event.listens_for(eng, "connect")
            def _pragmas(dbapi_conn, _rec):  # pragma: no cover - trivial
                cur = dbapi_conn.cursor()
                cur.execute("PRAGMA foreign_keys=OFF")
                cur.execute("PRAGMA cache_size=-65536")
                cur.close()
            return eng
        return create_engine(self.url, pool_pre_ping=True, pool_size=5, max_overflow=10,
                             connect_args={"connect_timeout": 5},
                             execution_options={"schema_translate_map": {None: self.schema}})

    def dispose(self) -> None:
        if "engine" in self.__dict__:
            self.engine.dispose()
            del self.__dict__["engine"]

    # -- connection helpers -------------------------------------------------------------------
    def _read(self, stmt, params=None, *, native: bool = False) -> pd.DataFrame:
        """Run a SELECT into a DataFrame. ``native=True`` takes the driver's rows as they are,
        skipping SQLAlchemy's per-cell result processing — only for statements whose columns are
        integers, floats and strings (the value reads): ~40 % less CPU on 30k-row results."""
        try:
            with self.engine.connect() as conn:
                res = conn.execute(stmt, params or {})
                # Plain tuples: pandas builds a frame from SQLAlchemy Row objects ~2x slower.
                rows = res.cursor.fetchall() if native else [tuple(r) for r in res.fetchall()]
                return pd.DataFrame(rows, columns=list(res.keys()))
        except OperationalError as exc:
            if self._is_missing_table(exc):
                raise StoreError("store_empty") from None
            raise StoreUnavailable("store_unavailable") from exc
        except ProgrammingError as exc:
            if self._is_missing_table(exc):
                raise StoreError("store_empty") from None
            raise

    @staticmethod
    def _is_missing_table(exc: SQLAlchemyError) -> bool:
        msg = str(getattr(exc, "orig", exc)).lower()
        return "no such table" in msg or "does not exist" in msg and "relation" in msg

    # -- schema ---------------------------------------------------------------------------------
    def create_schema(self, *, for_load: bool = False) -> None:
        """Create every table. ``for_load=True`` (a new store about to be bulk-loaded) leaves out the
        value table's secondary index; ``finish_load()`` builds it after the load in one sorted pass,
        several times faster than maintaining it row by row."""
        with self.engine.begin() as conn:
            if self.schema:
                conn.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{self.schema}"'))
            S.metadata.create_all(conn)
            if for_load:
                prefix = f'"{self.schema}".' if self.schema else ""
                for name in {idx.name for idx in S.VALUE_INDEXES}:
                    conn.execute(text(f'DROP INDEX IF EXISTS {prefix}"{name}"'))

    def finish_load(self) -> dict[str, float]:
        """After bulk-loading a new store: build the value index, count ``value_summary`` and
        refresh the planner's statistics (PostgreSQL: VACUUM ANALYZE, which also marks pages
        all-visible so the covering index is read without visiting the table). Returns the
        seconds each step took."""
        steps: dict[str, float] = {}
        t = time.perf_counter()
        with self.engine.begin() as conn:
            if not self.is_sqlite:
                conn.execute(text("SET LOCAL maintenance_work_mem = '256MB'"))
            for idx in S.VALUE_INDEXES:
                idx.create(conn, checkfirst=True)
        steps["index"] = time.perf_counter() - t
        t = time.perf_counter()
        self.refresh_summary()
        steps["summary"] = time.perf_counter() - t
        t = time.perf_counter()
        if self.is_sqlite:
            with self.engine.begin() as conn:
                conn.exec_driver_sql("ANALYZE")
        else:
            with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                for table in S.metadata.sorted_tables:
                    verb = "VACUUM (ANALYZE)" if table is S.value else "ANALYZE"
                    conn.execute(text(f'{verb} "{self.schema}"."{table.name}"'))
        steps["analyze"] = time.perf_counter() - t
        return steps

    def refresh_summary(self, conn=None, *, indicators: list[str] | None = None) -> None:
        """Recount ``value_summary`` from ``value`` — for every indicator, or only ``indicators``
        (ids). Every write to ``value`` must be followed by this (in the same transaction)."""
        if conn is None:
            with self.engine.begin() as own:
                self.refresh_summary(own, indicators=indicators)
            return
        v, u, i, vs = S.value.c, S.unit.c, S.indicator.c, S.value_summary.c
        counts = (select(v.indicator_sk, u.level, v.year, v.source_sk, v.method,
                         func.count().label("n_rows"), func.count(v.value).label("n_values"))
                  .select_from(S.value.join(S.unit, u.sk == v.unit_sk))
                  .group_by(v.indicator_sk, v.year, u.level, v.source_sk, v.method))
        clear = delete(S.value_summary)
        if indicators is not None:
            sks = select(i.sk).where(i.id.in_(list(indicators))).scalar_subquery()
            counts = counts.where(v.indicator_sk.in_(sks))
            clear = clear.where(vs.indicator_sk.in_(sks))
        conn.execute(clear)
        conn.execute(insert(S.value_summary).from_select(
            ["indicator_sk", "level", "year", "source_sk", "method", "n_rows", "n_values"], counts))

    def has_data(self) -> bool:
        """True if the store holds an ingested database."""
        try:
            with self.engine.connect() as conn:
                if not inspect(conn).has_table("meta", schema=self.schema):
                    return False
                row = conn.execute(select(S.meta.c.value).where(S.meta.c.key == "ingest_id")).first()
                return row is not None
        except OperationalError as exc:
            if self.is_sqlite:
                return False
            raise StoreUnavailable("store_unavailable") from exc

    # -- reads --------------------------------------------------------------------------------
    def meta(self) -> dict[str, str]:
        df = self._read(select(S.meta.c.key, S.meta.c.value))
        return dict(zip(df["key"], df["value"]))

    def units(self, level: str | None = None, *, include_historical: bool = False) -> pd.DataFrame:
        u = S.unit.c
        stmt = select(u.code, u.level, u.name, u.parent_code, u.gmina_type, u.city_powiat,
                      u.valid_from, u.valid_to, u.historical, u.note).order_by(u.code)
        if level:
            stmt = stmt.where(u.level == level)
        if not include_historical:
            stmt = stmt.where(u.historical == False)  # noqa: E712 - SQL expression
        return self._read(stmt)

    def unit(self, code: str) -> dict | None:
        u = S.unit.c
        df = self._read(select(S.unit).where(u.code == code))
        return None if df.empty else df.iloc[0].to_dict()

    def resolve_code(self, text_code: str) -> tuple[str | None, str]:
        """Map user input in any common TERYT form to a canonical unit code.

        Returns (code, note): code None if no unit matches (note says why); note non-empty when
        the input was an old code (e.g. a 2020 type digit) that now belongs to another code.
        """
        try:
            parsed = parse_code(text_code)
        except TerytError:
            return None, "malformed"
        if parsed.kind == "country":
            return COUNTRY, ""
        if parsed.kind == "bdl12":
            from domain.teryt import bdl12_to_teryt
            mapped = bdl12_to_teryt(parsed.code)
            if not mapped:
                return None, "not_admin"
            return self.resolve_code(mapped[1])
        u = S.unit.c
        if parsed.kind in ("wojewodztwo", "powiat", "gmina7"):
            df = self._read(select(u.code).where(u.code == parsed.code))
            if not df.empty:
                return parsed.code, ""
            if parsed.kind != "gmina7":
                return None, "unknown"
        a = S.unit_alias.c
        df = self._read(select(a.code, a.kind).where(a.alias.in_({parsed.code, parsed.code[:6]}))
                        .order_by(a.kind))
        if not df.empty:
            return df["code"].iloc[0], df["kind"].iloc[0]
        df = self._read(select(u.code).where(and_(u.level == "gmina",
                                                  func.substr(u.code, 1, 6) == parsed.code[:6]))
                        .order_by(u.historical, u.code))
        if df.empty:
            return None, "unknown"
        return df["code"].iloc[0], ""

    def indicator_specs(self) -> pd.DataFrame:
        i = S.indicator.c
        return self._read(select(i.id, i.origin, i.category, i.spec).order_by(i.sk))

    def indicators(self) -> dict[str, Indicator]:
        df = self.indicator_specs()
        return {r.id: indicator_from_dict(json.loads(r.spec)) for r in df.itertuples()}

    def sources(self) -> pd.DataFrame:
        return self._read(select(S.source).order_by(S.source.c.sk))

    def _value_select(self, *, by_indicator: bool = False):
        """The value columns with codes instead of keys. ``by_indicator``: the query selects
        indicators but no units (map, ranking, peers, export by indicator)."""
        v, u, i, s = S.value.c, S.unit.c, S.indicator.c, S.source.c
        unit_key = v.unit_sk
        if by_indicator:
            # Read the primary-key range of each indicator(-year) and look the units up, never
            # probe ix_value_unit once per unit: left alone, SQLite walks the units in code order
            # (to save the ORDER BY sort) and PostgreSQL prefers the covering index, touching
            # ~17x more pages (a 32k-row export: 8,752 buffers instead of ~500; 2x slower at
            # 37.5 M values). "+ 0" hides value.unit_sk from the planners, so only that plan remains.
            unit_key = v.unit_sk + 0
        return (select(u.code.label("unit"), i.id.label("indicator"), v.year, v.value,
                       s.id.label("source"), v.method, v.n, v.of, v.flag)
                .select_from(S.value.join(S.unit, u.sk == unit_key)
                             .join(S.indicator, i.sk == v.indicator_sk)
                             .join(S.source, s.sk == v.source_sk)))

    def _decode(self, df: pd.DataFrame) -> pd.DataFrame:
        if not df.empty:
            df["method"] = df["method"].map(S.METHODS)
            df["flag"] = df["flag"].fillna("")
            df["value"] = df["value"].astype("float64")
            df["year"] = df["year"].astype("int64")
        return df

    def unit_values(self, code: str, indicators: list[str] | None = None) -> pd.DataFrame:
        """All values of one unit (optionally only some indicators)."""
        return self.values(units=[code], indicators=indicators)

    def values(self, *, units: list[str] | None = None, indicators: list[str] | None = None,
               years: list[int] | None = None, level: str | None = None) -> pd.DataFrame:
        """Values filtered by units / indicators / years / level (all bound parameters)."""
        v, u, i = S.value.c, S.unit.c, S.indicator.c
        stmt = self._value_select(by_indicator=units is None and indicators is not None)
        if units is not None:
            stmt = stmt.where(u.code.in_(list(units)))
        if indicators is not None:
            stmt = stmt.where(i.id.in_(list(indicators)))
        if years is not None:
            stmt = stmt.where(v.year.in_([int(y) for y in years]))
        if level is not None:
            stmt = stmt.where(u.level == level)
        # Sorted here, not in SQL: one (code point) order on every backend and collation, and
        # cheaper than the database's sort on large reads (32k-row export on PostgreSQL: -20 %).
        df = self._read(stmt, native=True).sort_values(["indicator", "unit", "year"], ignore_index=True)
        return self._decode(df)

    def level_values(self, indicator_id: str, year: int, level: str) -> pd.DataFrame:
        """One indicator, one year, every unit of a level (the map query)."""
        return self.values(indicators=[indicator_id], years=[year], level=level)

    def _summary_or_scan(self, summary_stmt, scan_stmt) -> pd.DataFrame:
        """Read ``value_summary``; a store built before it existed (schema 1) is scanned instead."""
        try:
            return self._read(summary_stmt, native=True)
        except StoreError as exc:
            if type(exc) is StoreError and self.has_data():
                return self._read(scan_stmt, native=True)
            raise

    def indicator_years(self, indicator_id: str, level: str | None = None) -> list[int]:
        """Years with at least one non-null value of the indicator (at ``level``), ascending."""
        vs, i = S.value_summary.c, S.indicator.c
        stmt = (select(vs.year).distinct()
                .select_from(S.value_summary.join(S.indicator, i.sk == vs.indicator_sk))
                .where(and_(i.id == indicator_id, vs.n_values > 0)))
        if level:
            stmt = stmt.where(vs.level == level)
        df = self._summary_or_scan(stmt, self._indicator_years_scan(indicator_id, level))
        return sorted(int(y) for y in df["year"])

    def _indicator_years_scan(self, indicator_id: str, level: str | None = None):
        v, u, i = S.value.c, S.unit.c, S.indicator.c
        stmt = (select(v.year).distinct()
                .select_from(S.value.join(S.indicator, i.sk == v.indicator_sk)
                             .join(S.unit, u.sk == v.unit_sk))
                .where(and_(i.id == indicator_id, v.value.is_not(None))))
        if level:
            stmt = stmt.where(u.level == level)
        return stmt

    def coverage(self) -> pd.DataFrame:
        """indicator, level, year, count of non-null values — what the store holds."""
        vs, i = S.value_summary.c, S.indicator.c
        # Grouped by key in primary-key order (no sort), then labelled with the indicator id.
        agg = (select(vs.indicator_sk, vs.level, vs.year, func.sum(vs.n_values).label("count"))
               .group_by(vs.indicator_sk, vs.level, vs.year).subquery())
        stmt = (select(i.id.label("indicator"), agg.c.level, agg.c.year, agg.c.count)
                .select_from(agg.join(S.indicator, i.sk == agg.c.indicator_sk)))
        df = self._summary_or_scan(stmt, self._coverage_scan())
        if not df.empty:
            df["count"] = df["count"].astype("int64")
        return df

    def _coverage_scan(self):
        v, u, i = S.value.c, S.unit.c, S.indicator.c
        return (select(i.id.label("indicator"), u.level, v.year, func.count(v.value).label("count"))
                .select_from(S.value.join(S.indicator, i.sk == v.indicator_sk)
                             .join(S.unit, u.sk == v.unit_sk))
                .group_by(i.id, u.level, v.year))

    def indicator_sources(self) -> pd.DataFrame:
        """Per indicator and source: years covered and number of values, by method."""
        vs, i, s = S.value_summary.c, S.indicator.c, S.source.c
        agg = (select(vs.indicator_sk, vs.source_sk, vs.method, func.min(vs.year).label("first_year"),
                      func.max(vs.year).label("last_year"), func.sum(vs.n_values).label("count"))
               .group_by(vs.indicator_sk, vs.source_sk, vs.method).subquery())
        stmt = (select(i.id.label("indicator"), s.id.label("source"), agg.c.method, agg.c.first_year,
                       agg.c.last_year, agg.c.count)
                .select_from(agg.join(S.indicator, i.sk == agg.c.indicator_sk)
                             .join(S.source, s.sk == agg.c.source_sk)))
        df = self._summary_or_scan(stmt, self._indicator_sources_scan())
        if not df.empty:
            df["method"] = df["method"].map(S.METHODS)
            df["count"] = df["count"].astype("int64")
        return df

    def _indicator_sources_scan(self):
        v, i, s = S.value.c, S.indicator.c, S.source.c
        return (select(i.id.label("indicator"), s.id.label("source"), v.method,
                       func.min(v.year).label("first_year"), func.max(v.year).label("last_year"),
                       func.count(v.value).label("count"))
                .select_from(S.value.join(S.indicator, i.sk == v.indicator_sk).join(S.source, s.sk == v.source_sk))
                .group_by(i.id, s.id, v.method))

    def layer(self, level: str) -> tuple[str, str] | None:
        df = self._read(select(S.layer.c.geojson, S.layer.c.sha256).where(S.layer.c.level == level))
        return None if df.empty else (df["geojson"].iloc[0], df["sha256"].iloc[0])

    def boundaries(self, codes: list[str]) -> pd.DataFrame:
        b, u = S.boundary.c, S.unit.c
        stmt = (select(u.code, b.geojson, b.rep_lon, b.rep_lat, b.bbox, b.source_code)
                .select_from(S.boundary.join(S.unit, u.sk == b.unit_sk)).where(u.code.in_(list(codes))))
        return self._read(stmt)

    def report(self) -> pd.DataFrame:
        r = S.ingest_report.c
        return self._read(select(r.dataset, r.category, r.detail, r.count, r.examples).order_by(r.id))

    # -- saved areas ----------------------------------------------------------------------------
    def saved_areas(self) -> pd.DataFrame:
        return self._read(select(S.saved_area).order_by(S.saved_area.c.name))

    def save_area(self, name: str, definition: str, area_id: int | None = None) -> int:
        now = _now()
        with self.engine.begin() as conn:
            if area_id is None:
                res = conn.execute(insert(S.saved_area).values(name=name, definition=definition,
                                                               created_at=now, updated_at=now))
                return int(res.inserted_primary_key[0])
            conn.execute(update(S.saved_area).where(S.saved_area.c.id == area_id)
                         .values(name=name, definition=definition, updated_at=now))
            return area_id

    def delete_area(self, area_id: int) -> None:
        with self.engine.begin() as conn:
            conn.execute(delete(S.saved_area).where(S.saved_area.c.id == area_id))

    # -- strategy plans (issue 14; domain.strategy) ----------------------------------------------
    def _has_plan_table(self, conn) -> bool:
        return inspect(conn).has_table("plan", schema=self.schema)

    def plans(self, subject: str | None = None) -> pd.DataFrame:
        """id, name, subject, adopted, created_at, updated_at of the saved plans (of one subject),
        by name. A store built before plans existed has none."""
        p = S.plan.c
        stmt = select(p.id, p.name, p.subject, p.adopted, p.created_at, p.updated_at).order_by(p.name, p.id)
        if subject is not None:
            stmt = stmt.where(p.subject == subject)
        try:
            with self.engine.connect() as conn:
                if not self._has_plan_table(conn):
                    return pd.DataFrame(columns=["id", "name", "subject", "adopted", "created_at", "updated_at"])
        except OperationalError as exc:
            raise StoreUnavailable("store_unavailable") from exc
        return self._read(stmt)

    def plan_row(self, plan_id: int) -> dict | None:
        """One plan's row (with its JSON ``document``), or None."""
        try:
            with self.engine.connect() as conn:
                if not self._has_plan_table(conn):
                    return None
                r = conn.execute(select(S.plan).where(S.plan.c.id == int(plan_id))).first()
        except OperationalError as exc:
            raise StoreUnavailable("store_unavailable") from exc
        return None if r is None else dict(r._mapping)

    def save_plan(self, *, name: str, subject: str, document: str, adopted: int | None = None,
                  plan_id: int | None = None) -> int:
        """Create (``plan_id`` None) or replace one plan in ONE transaction, with the store's
        version bumped in the same transaction (every app cache refreshes). A failure or a killed
        process leaves every plan as it was. Returns the plan's id."""
        now = _now()
        p = S.plan.c
        with self.engine.begin() as conn:
            if not self._has_plan_table(conn):  # a store built before plans existed
                S.plan.create(conn, checkfirst=True)
            if plan_id is None:
                plan_id = (conn.execute(select(func.max(p.id))).scalar() or 0) + 1
                conn.execute(insert(S.plan).values(id=plan_id, name=name, subject=subject, adopted=adopted,
                                                   document=document, created_at=now, updated_at=now))
            else:
                done = conn.execute(update(S.plan).where(p.id == int(plan_id)).values(
                    name=name, subject=subject, adopted=adopted, document=document, updated_at=now)).rowcount
                if not done:
                    raise StoreError(f"no plan {plan_id}")
            self._bump_version(conn)
        return int(plan_id)

    def delete_plan(self, plan_id: int) -> bool:
        with self.engine.begin() as conn:
            if not self._has_plan_table(conn):
                return False
            done = conn.execute(delete(S.plan).where(S.plan.c.id == int(plan_id))).rowcount
            if done:
                self._bump_version(conn)
        return bool(done)

    def insert_plans(self, rows: pd.DataFrame) -> int:
        """Carry plans (all columns, ids kept) into a new store."""
        if rows.empty:
            return 0
        with self.engine.begin() as conn:
            S.plan.create(conn, checkfirst=True)
            recs = rows.astype(object).where(rows.notna(), None).to_dict("records")
            conn.execute(insert(S.plan), recs)
        return len(rows)

    # -- user-owned indicators (BDL API and own data) ---------------------------------------------
    def unit_aliases(self) -> pd.DataFrame:
        a = S.unit_alias.c
        return self._read(select(a.alias, a.code, a.kind).order_by(a.alias))

    def user_indicators(self) -> pd.DataFrame:
        """Indicators that are not from the catalogue, with their source and value counts."""
        i, v, s = S.indicator.c, S.value.c, S.source.c
        counts = (select(v.indicator_sk, func.count(v.value).label("values"),
                         func.min(v.year).label("year_min"), func.max(v.year).label("year_max"),
                         func.max(v.source_sk).label("source_sk"))
                  .where(v.method == S.METHOD_SOURCE).group_by(v.indicator_sk).subquery())
        stmt = (select(i.id, i.origin, i.category, i.spec, counts.c["values"], counts.c.year_min, counts.c.year_max,
                       s.id.label("source"), s.kind, s.title_pl, s.title_en, s.origin.label("source_origin"),
                       s.vintage, s.retrieved)
                .select_from(S.indicator.outerjoin(counts, counts.c.indicator_sk == i.sk)
                             .outerjoin(S.source, s.sk == counts.c.source_sk))
                .where(i.origin != "catalogue").order_by(i.id))
        return self._read(stmt)

    def source_values(self, indicator_id: str) -> pd.DataFrame:
        """Values a source gave for one indicator (not roll-ups): unit, indicator, year, value, source, flag."""
        df = self.values(indicators=[indicator_id])
        if df.empty:
            return df
        return df.loc[df["method"] == "source"].reset_index(drop=True)

    def user_data_dump(self) -> dict[str, pd.DataFrame]:
        """Everything user-owned, keyed by codes (not surrogate keys), to carry into a new store:
        saved areas, user indicators (spec), their sources, and their source values."""
        i, s, v, u = S.indicator.c, S.source.c, S.value.c, S.unit.c
        out = {"saved_area": self._read(select(S.saved_area).order_by(S.saved_area.c.id))}
        with self.engine.connect() as conn:
            has_plans = self._has_plan_table(conn)
        out["plan"] = (self._read(select(S.plan).order_by(S.plan.c.id)) if has_plans
                       else pd.DataFrame(columns=[c.name for c in S.plan.columns]))
        out["indicator"] = self._read(select(i.id, i.origin, i.category, i.spec).where(i.origin != "catalogue")
                                      .order_by(i.sk))
        out["source"] = self._read(select(S.source).where(s.kind != "mirror").order_by(s.sk))
        stmt = (select(i.id.label("indicator"), u.code.label("unit"), v.year, v.value, s.id.label("source"), v.flag)
                .select_from(S.value.join(S.indicator, i.sk == v.indicator_sk).join(S.unit, u.sk == v.unit_sk)
                             .join(S.source, s.sk == v.source_sk))
                .where(and_(i.origin != "catalogue", v.method == S.METHOD_SOURCE)))
        out["value"] = self._read(stmt)
        return out

    def insert_saved_areas(self, rows: pd.DataFrame) -> int:
        if rows.empty:
            return 0
        with self.engine.begin() as conn:
            conn.execute(insert(S.saved_area), rows.to_dict("records"))
            if not self.is_sqlite:  # ids were given: move the id sequence past them, or the next save collides
                top = conn.execute(select(func.max(S.saved_area.c.id))).scalar()
                conn.execute(text("SELECT setval(pg_get_serial_sequence(:t, 'id'), :top)"),
                             {"t": f'"{self.schema}".saved_area', "top": int(top)})
        return len(rows)

    def add_report_rows(self, rows: pd.DataFrame) -> None:
        if not rows.empty:
            self.bulk_insert(S.ingest_report, rows)

    def write_user_indicator(self, *, spec: dict, origin: str, source: dict, values: pd.DataFrame,
                             bump_version: bool = True) -> dict[str, int]:
        """Create or replace one user indicator in ONE transaction: its source row, its spec, all its
        values (``values``: unit, year, value, method, n, of, flag — unit as a code). Existing values of
        the indicator are deleted first, so a replacement is atomic. With ``bump_version`` the store's
        ``ingest_id`` (the version every app cache is keyed by) changes in the same transaction.
        Returns counts (values written, units not in the store)."""
        if origin == "catalogue":
            raise StoreError("refusing to write a catalogue indicator")
        ind_id = spec["id"]
        i, s, m = S.indicator.c, S.source.c, S.meta.c
        with self.engine.begin() as conn:
            cur = conn.execute(select(i.sk, i.origin).where(i.id == ind_id)).first()
            if cur is not None and cur.origin == "catalogue":
                raise StoreError(f"indicator id {ind_id!r} belongs to the catalogue")
            src = conn.execute(select(s.sk, s.kind).where(s.id == source["id"])).first()
            if src is not None and src.kind == "mirror":
                raise StoreError(f"source id {source['id']!r} belongs to the catalogue")
            if src is None:
                src_sk = (conn.execute(select(func.max(s.sk))).scalar() or 0) + 1
                conn.execute(insert(S.source).values(sk=src_sk, **source))
            else:
                src_sk = src.sk
                conn.execute(update(S.source).where(s.sk == src_sk).values(**source))
            row = {"origin": origin, "spec": json.dumps(spec, ensure_ascii=False), "category": spec["category"]}
            if cur is None:
                ind_sk = (conn.execute(select(func.max(i.sk))).scalar() or 0) + 1
                conn.execute(insert(S.indicator).values(sk=ind_sk, id=ind_id, **row))
            else:
                ind_sk = cur.sk
                conn.execute(update(S.indicator).where(i.sk == ind_sk).values(**row))
                conn.execute(delete(S.value).where(S.value.c.indicator_sk == ind_sk))
            codes = sorted(set(values["unit"])) if not values.empty else []
            sk_of: dict[str, int] = {}
            for k in range(0, len(codes), 900):
                chunk = codes[k:k + 900]
                sk_of.update({r.code: r.sk for r in conn.execute(
                    select(S.unit.c.code, S.unit.c.sk).where(S.unit.c.code.in_(chunk)))})
            known = values.loc[values["unit"].isin(sk_of)] if not values.empty else values
            if not known.empty:
                k = known.reset_index(drop=True)
                v = pd.DataFrame({
                    "indicator_sk": ind_sk, "year": k["year"].astype("int64"),
                    "unit_sk": k["unit"].map(sk_of).astype("int64"),
                    "value": k["value"].astype("float64"), "source_sk": src_sk,
                    "method": k["method"].map(S.METHOD_CODES).astype("int64"),
                    "n": k["n"].astype("float64").round().astype("Int64"),
                    "of": k["of"].astype("float64").round().astype("Int64"),
                    "flag": k["flag"].fillna("").replace("", None),
                })
                self.bulk_insert(S.value, v, conn)
            if bump_version:
                self._bump_version(conn)
        return {"values": len(known), "unknown_units": len(values) - len(known)}

    def delete_user_indicator(self, indicator_id: str) -> bool:
        """Remove a user indicator, its values and its source (if nothing else uses it)."""
        i, v = S.indicator.c, S.value.c
        with self.engine.begin() as conn:
            cur = conn.execute(select(i.sk, i.origin).where(i.id == indicator_id)).first()
            if cur is None or cur.origin == "catalogue":
                return False
            srcs = [r[0] for r in conn.execute(select(v.source_sk).where(v.indicator_sk == cur.sk).distinct())]
            conn.execute(delete(S.value).where(v.indicator_sk == cur.sk))
            conn.execute(delete(S.indicator).where(i.sk == cur.sk))
            for sk in srcs:
                used = conn.execute(select(v.source_sk).where(v.source_sk == sk).limit(1)).first()
                if used is None:
                    conn.execute(delete(S.source).where(and_(S.source.c.sk == sk, S.source.c.kind != "mirror")))
            self._bump_version(conn)
        return True

    def _bump_version(self, conn) -> None:
        """New ``ingest_id`` (the cache key of every app query) and the time of the user change."""
        import uuid

        m = S.meta.c
        for key, val in (("ingest_id", uuid.uuid4().hex), ("user_data_changed_at", _now())):
            done = conn.execute(update(S.meta).where(m.key == key).values(value=val)).rowcount
            if not done:
                conn.execute(insert(S.meta).values(key=key, value=val))

    # -- bulk writes (ingest) -------------------------------------------------------------------
    def bulk_insert(self, table, frame: pd.DataFrame, conn=None) -> int:
        """Insert a DataFrame whose columns are a subset of ``table``'s (COPY on PostgreSQL)."""
        if frame.empty:
            return 0
        cols = list(frame.columns)
        # Column by column (4x faster than cell by cell): Python scalars, None for NaN/NA.
        columns = [frame[c].astype(object).where(frame[c].notna(), None).tolist() for c in cols]
        rows = list(zip(*columns))
        if conn is None:
            with self.engine.begin() as own:
                return self.bulk_insert(table, frame, own)
        if not self.is_sqlite:
            raw = conn.connection.driver_connection
            qualified = f'"{self.schema}"."{table.name}"'
            col_sql = ", ".join(f'"{c}"' for c in cols)
            with raw.cursor() as cur:
                with cur.copy(f"COPY {qualified} ({col_sql}) FROM STDIN") as cp:
                    for row in rows:
                        cp.write_row(row)
        elif len(rows) < 1000:
            conn.execute(insert(table), [dict(zip(cols, r)) for r in rows])
        else:
            conn.exec_driver_sql(
                f'INSERT INTO "{table.name}" ({", ".join(cols)}) VALUES ({", ".join("?" * len(cols))})', rows)
        return len(rows)
