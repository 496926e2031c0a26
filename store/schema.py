"""SQLAlchemy Core schema of the store (same tables on SQLite and PostgreSQL).

Values use integer surrogate keys (unit_sk, indicator_sk, source_sk) and small-int codes so the
table stays compact at national-data-bank scale (tens of millions of rows; bench/scale.py measures
37.5 M). The table is stored in primary-key order (indicator_sk, year, unit_sk) — on SQLite as a
WITHOUT ROWID table, on PostgreSQL by loading in that order — so the map, ranking, peers and
export-by-indicator queries read one contiguous range per indicator-year. The secondary index
(unit_sk, indicator_sk, year) serves the profile, area and export-by-unit queries; it *covers*
every value column (PostgreSQL: INCLUDE; SQLite: extra key columns), so those queries never touch
the table either. ``value_summary`` holds counts per indicator/level/year/source/method, written
once after every load, so "what the store holds" questions never scan the value table.
"""
from __future__ import annotations

from sqlalchemy import (Boolean, Column, Float, ForeignKey, Index, Integer, MetaData, PrimaryKeyConstraint,
                        SmallInteger, String, Table, Text)

metadata = MetaData()

SCHEMA_VERSION = "2"  # 2: value WITHOUT ROWID on SQLite, covering ix_value_unit, value_summary

# value.method codes
METHOD_SOURCE, METHOD_AGGREGATED, METHOD_DERIVED = 0, 1, 2
METHODS = {METHOD_SOURCE: "source", METHOD_AGGREGATED: "aggregated", METHOD_DERIVED: "derived"}
METHOD_CODES = {v: k for k, v in METHODS.items()}

meta = Table(
    "meta", metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

source = Table(
    "source", metadata,
    Column("sk", Integer, primary_key=True, autoincrement=False),
    Column("id", String(64), nullable=False, unique=True),
    Column("kind", String(16), nullable=False),  # mirror | bdl_api | own
    Column("publisher_pl", Text, nullable=False),
    Column("publisher_en", Text, nullable=False),
    Column("title_pl", Text, nullable=False),
    Column("title_en", Text, nullable=False),
    Column("origin", Text, nullable=False),
    Column("licence", Text, nullable=False),
    Column("vintage", Text, nullable=False),
    Column("retrieved", Text, nullable=False),
)

unit = Table(
    "unit", metadata,
    Column("sk", Integer, primary_key=True, autoincrement=False),
    Column("code", String(8), nullable=False, unique=True),
    Column("level", String(12), nullable=False),
    Column("name", Text, nullable=False),
    Column("parent_code", String(8)),
    Column("gmina_type", String(12)),  # urban | rural | urban_rural (gminy only)
    Column("city_powiat", Boolean, nullable=False, default=False),
    Column("valid_from", SmallInteger),
    Column("valid_to", SmallInteger),
    Column("historical", Boolean, nullable=False, default=False),
    Column("note", Text, nullable=False, default=""),
)
Index("ix_unit_level", unit.c.level, unit.c.code)

unit_alias = Table(
    "unit_alias", metadata,
    Column("alias", String(12), primary_key=True),
    Column("code", String(8), nullable=False),
    Column("kind", String(24), nullable=False),  # old_type_digit | ...
)

indicator = Table(
    "indicator", metadata,
    Column("sk", Integer, primary_key=True, autoincrement=False),
    Column("id", String(80), nullable=False, unique=True),
    Column("origin", String(16), nullable=False),  # catalogue | bdl_api | own
    Column("spec", Text, nullable=False),  # the catalogue entry as JSON (names, units, rules...)
    Column("category", String(24), nullable=False),
)

value = Table(
    "value", metadata,
    Column("indicator_sk", Integer, nullable=False),
    Column("year", SmallInteger, nullable=False),
    Column("unit_sk", Integer, nullable=False),
    Column("value", Float),
    Column("source_sk", Integer, nullable=False),
    Column("method", SmallInteger, nullable=False),
    Column("n", Integer),  # members with data (aggregates)
    Column("of", Integer),  # members existing (aggregates)
    Column("flag", String(40)),
    PrimaryKeyConstraint("indicator_sk", "year", "unit_sk", name="pk_value"),
    sqlite_with_rowid=False,  # the table *is* the primary-key B-tree: no rowid, no second copy of the key
)
_VALUE_PAYLOAD = ("value", "source_sk", "method", "n", "of", "flag")
# One index, spelled per dialect (same name, same role): PostgreSQL keeps the payload out of the key
# (INCLUDE) and packs pages full (the table is rebuilt, never updated, by the ingest); SQLite has no
# INCLUDE, so the payload columns extend the key.
VALUE_INDEXES = (
    Index("ix_value_unit", value.c.unit_sk, value.c.indicator_sk, value.c.year,
          postgresql_include=list(_VALUE_PAYLOAD), postgresql_with={"fillfactor": 100}
          ).ddl_if(dialect="postgresql"),
    Index("ix_value_unit", value.c.unit_sk, value.c.indicator_sk, value.c.year,
          *(value.c[c] for c in _VALUE_PAYLOAD)).ddl_if(dialect="sqlite"),
)

# Counts of the value table per indicator, unit level, year, source and method — rebuilt by
# Store.refresh_summary() after every load (Store.finish_load) and after any write to ``value``.
# coverage(), indicator_sources() and indicator_years() read this instead of scanning ``value``.
value_summary = Table(
    "value_summary", metadata,
    Column("indicator_sk", Integer, nullable=False),
    Column("level", String(12), nullable=False),
    Column("year", SmallInteger, nullable=False),
    Column("source_sk", Integer, nullable=False),
    Column("method", SmallInteger, nullable=False),
    Column("n_rows", Integer, nullable=False),    # rows in ``value``
    Column("n_values", Integer, nullable=False),  # of which non-null
    PrimaryKeyConstraint("indicator_sk", "level", "year", "source_sk", "method", name="pk_value_summary"),
    sqlite_with_rowid=False,
)

boundary = Table(
    "boundary", metadata,
    Column("unit_sk", Integer, primary_key=True, autoincrement=False),
    Column("geojson", Text, nullable=False),  # simplified geometry, rounded coordinates
    Column("rep_lon", Float, nullable=False),
    Column("rep_lat", Float, nullable=False),
    Column("bbox", String(80), nullable=False),
    Column("source_code", String(8)),  # code in the boundary file (2020 vintage)
)

layer = Table(
    "layer", metadata,
    Column("level", String(12), primary_key=True),
    Column("geojson", Text, nullable=False),  # FeatureCollection for the web map (id = unit code)
    Column("sha256", String(64), nullable=False),
)

ingest_report = Table(
    "ingest_report", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("dataset", String(80), nullable=False),
    Column("category", String(24), nullable=False),  # rows | matched | recoded | skipped | unmatched | ...
    Column("detail", Text, nullable=False, default=""),
    Column("count", Integer, nullable=False),
    Column("examples", Text, nullable=False, default=""),
)

saved_area = Table(
    "saved_area", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", Text, nullable=False),
    Column("definition", Text, nullable=False),  # canonical, comma-separated gmina codes
    Column("created_at", String(32), nullable=False),
    Column("updated_at", String(32), nullable=False),
)

# Strategy monitoring (issue 14): one row per plan. The plan's goals, targets (with milestones) and
# projects are one JSON document (domain.strategy.to_document): a plan is always read, imported and
# written as a whole (tens of targets), no query looks inside it, and one row keeps the import and
# every edit atomic and the carry-over into a rebuilt store a plain row copy. ``subject`` (a unit
# code or an area's canonical definition) is a column, indexed, for "plans of this unit".
# ids are assigned by Store.save_plan (max + 1), not by a sequence, so a carried-over plan keeps
# its id (permalinks) on SQLite and PostgreSQL alike.
plan = Table(
    "plan", metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("name", Text, nullable=False),
    Column("subject", Text, nullable=False),
    Column("adopted", SmallInteger),
    Column("document", Text, nullable=False),
    Column("created_at", String(32), nullable=False),
    Column("updated_at", String(32), nullable=False),
)
Index("ix_plan_subject", plan.c.subject)

# Tables whose rows belong to users, not to the mirror: carried over when the store is rebuilt
# (store.user_data.carry_over; user indicators = indicator rows with origin != "catalogue").
USER_TABLES = ("saved_area", "plan")
