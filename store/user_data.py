"""Users' own indicators and indicators fetched from the BDL API: matching rows to units, building
the indicator spec, rolling values up by the indicator's rule, writing them atomically, and
carrying them over when the store is rebuilt from the mirror.

No SQL here: every read and write goes through ``store.db.Store``. Matching rows to units is
``domain.matching`` (this module only builds its index from the store: ``unit_index``); fetching
from the BDL API is ``loaders.bdl_fetch`` (``import_bdl`` takes what it fetched). Specs are pure.

Versioning: every write or delete of a user indicator changes the store's ``ingest_id`` in the
same transaction (``Store.write_user_indicator``). The app keys all its caches by that id
(``services.ingest_id()``), so the next run of any session sees the new data — there is no second
version number to keep in step.
"""
from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass

import numpy as np
import pandas as pd

from domain.aggregation import RESULT_COLUMNS
from domain.catalogue import POLARITIES, Catalogue, CatalogueError, indicator_from_dict
from domain.rollup import rollup
from domain.matching import Matched, UnitIndex, suggest_rule
from domain.teryt import COUNTRY
from store.db import Store, StoreError

ORIGINS = ("bdl_api", "own")
AGG_CHOICES = ("sum", "weighted_mean", "none")
DEFAULT_WEIGHT = "population_total"
_SAFE_TEXT = re.compile(r"^[^<>\[\]{}`*_#|\\^~$]*$")
FORMULA_START = ("=", "+", "-", "@")
MAX_TEXT = 200



class UserDataError(ValueError):
    """Bad input for a user indicator (message key + fields, translated by the UI/CLI)."""

    def __init__(self, key: str, **fields):
        self.key = key
        self.fields = fields
        super().__init__(f"{key}: {fields}" if fields else key)


def unit_index(store: Store) -> UnitIndex:
    """The matcher's index of the store's units (historical ones included) and re-coded gminy."""
    units = store.units(include_historical=True)
    aliases = store.unit_aliases()
    rec = aliases.loc[aliases["kind"] == "recoded_gmina"]
    return UnitIndex.from_frames(units, dict(zip(rec["alias"], rec["code"])))


# -------------------------------------------------------------------------------------------------
# Specs
# -------------------------------------------------------------------------------------------------

def slug(text: str, max_len: int = 48) -> str:
    s = unicodedata.normalize("NFKD", str(text).replace("ł", "l").replace("Ł", "L"))
    s = "".join(c for c in s if not unicodedata.combining(c)).lower()
    s = re.sub(r"[^a-z0-9]+", "_", s).strip("_")
    return s[:max_len].strip("_") or "indicator"


def check_text(value: str, field_name: str, *, required: bool = True) -> str:
    """User-typed text for names/units: trimmed, no markup characters, no formula prefixes."""
    v = " ".join(str(value or "").split())
    if not v:
        if required:
            raise UserDataError("data.err.required", field=field_name)
        return v
    if len(v) > MAX_TEXT:
        raise UserDataError("data.err.too_long", field=field_name, max=MAX_TEXT)
    if v.startswith(FORMULA_START):
        raise UserDataError("data.err.formula_start", field=field_name)
    if not _SAFE_TEXT.match(v):
        raise UserDataError("data.err.markup", field=field_name)
    return v


def aggregation_spec(rule: str, *, weight: str = DEFAULT_WEIGHT, reason_pl: str = "", reason_en: str = "") -> dict:
    if rule == "sum":
        return {"rule": "sum"}
    if rule == "weighted_mean":
        return {"rule": "weighted_mean", "weight": weight}
    if rule == "none":
        return {"rule": "none",
                "reason_pl": reason_pl or "Nie wiadomo, jak łączyć wartości kilku jednostek (brak reguły agregacji).",
                "reason_en": reason_en or "How values of several units combine is not known (no aggregation rule)."}
    raise UserDataError("data.err.bad_rule", rule=rule)


def _decimals(values: pd.Series) -> int:
    v = values.dropna().astype(float)
    if v.empty or (v.round() == v).all():
        return 0
    for d in (1, 2, 3):
        if (np.abs(v.round(d) - v) < 1e-9).all():
            return d
    return 2


def build_spec(*, indicator_id: str, name_pl: str, name_en: str, unit_pl: str, unit_en: str, category: str,
               definition_pl: str, definition_en: str, polarity: str, aggregation: dict, levels: list[str],
               decimals: int, notes_pl: str = "", notes_en: str = "") -> dict:
    if polarity not in POLARITIES:
        raise UserDataError("data.err.bad_polarity", polarity=polarity)
    spec = {"id": indicator_id, "name_pl": name_pl, "name_en": name_en, "unit_pl": unit_pl, "unit_en": unit_en,
            "category": category, "definition_pl": definition_pl, "definition_en": definition_en,
            "polarity": polarity, "decimals": int(decimals), "levels": list(levels), "aggregation": aggregation}
    if notes_pl or notes_en:
        spec["notes_pl"], spec["notes_en"] = notes_pl, notes_en
    try:
        indicator_from_dict(spec)
    except CatalogueError as exc:
        raise UserDataError("data.err.bad_spec", detail=str(exc)) from None
    return spec


# -------------------------------------------------------------------------------------------------
# Roll-ups and writing
# -------------------------------------------------------------------------------------------------

LEVEL_ORDER = ("gmina", "powiat", "wojewodztwo", "country")


def _level_of(code: str) -> str:
    if code == COUNTRY:
        return "country"
    return {2: "wojewodztwo", 4: "powiat"}.get(len(code), "gmina")


def compute_values(store: Store, spec: dict, source_values: pd.DataFrame, source_id: str,
                   units: pd.DataFrame | None = None) -> pd.DataFrame:
    """Source values plus the roll-ups the indicator's rule allows, as rows for
    ``Store.write_user_indicator`` (unit, year, value, method, n, of, flag)."""
    ind = indicator_from_dict(spec)
    src = source_values.loc[:, ["unit", "year", "value"]].assign(indicator=ind.id, source=source_id)
    src = src.loc[:, ["unit", "indicator", "year", "value", "source"]]
    base = src.assign(method="source", rule="", n=np.nan, of=np.nan, flag="")
    if ind.aggregation.rule == "none" or src.empty:
        return base.loc[:, ["unit", "year", "value", "method", "n", "of", "flag"]]
    units = units if units is not None else store.units(include_historical=True)
    inputs = [x for x in ind.aggregation.inputs() if x != ind.id]
    extra = store.values(indicators=inputs, years=sorted(set(src["year"]))) if inputs else pd.DataFrame()
    allv = pd.concat([src, extra.loc[:, ["unit", "indicator", "year", "value", "source"]]] if not extra.empty else [src],
                     ignore_index=True)
    cat = Catalogue(indicators={ind.id: ind}, sources={}, datasets=())
    rolled = rollup(allv, units, cat).values
    rolled = rolled.loc[rolled["indicator"] == ind.id]
    out = pd.concat([base, rolled.loc[:, list(RESULT_COLUMNS)]], ignore_index=True)
    return out.loc[:, ["unit", "year", "value", "method", "n", "of", "flag"]]


@dataclass
class SaveResult:
    indicator: str
    values: int
    aggregated: int
    withheld: int
    unknown_units: int
    rule: str


def save_indicator(store: Store, *, spec: dict, origin: str, source: dict, values: pd.DataFrame,
                   bump_version: bool = True, units: pd.DataFrame | None = None) -> SaveResult:
    """Compute roll-ups and write the indicator (one transaction). ``values``: unit, year, value."""
    if origin not in ORIGINS:
        raise UserDataError("data.err.bad_origin", origin=origin)
    rows = compute_values(store, spec, values, source["id"], units)
    counts = store.write_user_indicator(spec=spec, origin=origin, source=source, values=rows,
                                        bump_version=bump_version)
    agg = rows.loc[rows["method"] != "source"]
    return SaveResult(indicator=spec["id"], values=int((rows["method"] == "source").sum()),
                      aggregated=int(agg["value"].notna().sum()), withheld=int(agg["value"].isna().sum()),
                      unknown_units=counts["unknown_units"], rule=spec["aggregation"]["rule"])


def merge_source_values(old: pd.DataFrame, new: pd.DataFrame, level: str, years: list[int]) -> pd.DataFrame:
    """Values after a fetch of (level, years): the fetched cells replace those of the same level and
    years (also where the API now has no value); other levels/years are kept."""
    if old.empty:
        return new.loc[:, ["unit", "year", "value"]]
    lv = old["unit"].map(_level_of)
    keep = old.loc[~((lv == level) & old["year"].isin(years)), ["unit", "year", "value"]]
    return pd.concat([keep, new.loc[:, ["unit", "year", "value"]]], ignore_index=True)


# -------------------------------------------------------------------------------------------------
# Carrying user data into a rebuilt store
# -------------------------------------------------------------------------------------------------

def carry_over(old: Store, new: Store) -> dict[str, int]:
    """Copy saved areas and user indicators (sources, source values by unit code; roll-ups
    recomputed in the new store) from ``old`` into ``new``. Report rows are added to ``new``."""
    stats = {"saved_areas": 0, "plans": 0, "indicators": 0, "values": 0, "dropped_values": 0,
             "skipped_indicators": 0}
    try:
        if not old.has_data():
            return stats
        dump = old.user_data_dump()
    except StoreError:
        return stats
    stats["saved_areas"] = new.insert_saved_areas(dump["saved_area"])
    stats["plans"] = new.insert_plans(dump["plan"])  # strategy plans (issue 14), ids kept
    if stats["plans"]:
        new.add_report_rows(pd.DataFrame([{"dataset": "user_data", "category": "carried_over",
                                           "detail": "strategy plans copied from the previous store",
                                           "count": stats["plans"], "examples": ", ".join(
                                               dump["plan"]["name"].astype(str).head(5))}]))
    if dump["indicator"].empty:
        return stats
    units = new.units(include_historical=True)
    known_units = set(units["code"])
    catalogue_ids = set(new.indicator_specs()["id"])
    sources = dump["source"].drop(columns=["sk"]).set_index("id")
    report = []
    for r in dump["indicator"].itertuples():
        if r.id in catalogue_ids:
            stats["skipped_indicators"] += 1
            report.append({"dataset": "user_data", "category": "skipped", "detail":
                           f"{r.id}: the catalogue now has an indicator with this id", "count": 1, "examples": r.id})
            continue
        vals = dump["value"].loc[dump["value"]["indicator"] == r.id]
        src_ids = vals["source"].unique().tolist()
        if not src_ids:
            continue  # an indicator without values: nothing to carry
        src = {"id": src_ids[0], **sources.loc[src_ids[0]].to_dict()}
        lost = vals.loc[~vals["unit"].isin(known_units)]
        if len(lost):
            stats["dropped_values"] += len(lost)
            report.append({"dataset": "user_data", "category": "dropped", "detail":
                           f"{r.id}: values of units no longer in the unit list", "count": len(lost),
                           "examples": ", ".join(sorted(set(lost["unit"]))[:5])})
        spec = json.loads(r.spec)
        res = save_indicator(new, spec=spec, origin=r.origin, source=src,
                             values=vals.loc[vals["unit"].isin(known_units), ["unit", "year", "value"]],
                             bump_version=False, units=units)
        stats["indicators"] += 1
        stats["values"] += res.values
    report.append({"dataset": "user_data", "category": "carried_over",
                   "detail": "user indicators (own data, BDL API) copied from the previous store",
                   "count": stats["indicators"], "examples": ", ".join(dump["indicator"]["id"].head(5))})
    new.add_report_rows(pd.DataFrame(report))
    return stats


# -------------------------------------------------------------------------------------------------
# BDL API variables
# -------------------------------------------------------------------------------------------------

# Top-level BDL subject (K..) name -> our category (first keyword found wins).
_BDL_CATEGORIES = (
    ("ludność", "demography"), ("population", "demography"), ("rynek pracy", "labour"), ("labour", "labour"),
    ("wynagrodzenia", "labour"), ("wages", "labour"), ("finanse", "finance"), ("finance", "finance"),
    ("fundusze", "finance"), ("funds", "finance"), ("budżet", "finance"), ("kultura", "culture"),
    ("culture", "culture"), ("turystyka", "culture"), ("tourism", "culture"), ("sport", "culture"),
    ("bezpieczeństwo", "safety"), ("safety", "safety"), ("wymiar sprawiedliwości", "safety"),
    ("gospodarka mieszkaniowa", "infrastructure"), ("housing", "infrastructure"), ("transport", "infrastructure"),
    ("łączność", "infrastructure"), ("środowisko", "infrastructure"), ("environment", "infrastructure"),
    ("infrastruktura", "infrastructure"), ("energetyka", "infrastructure"), ("wybory", "civic"),
    ("instytucje", "civic"), ("administracja", "civic"), ("organizacje", "civic"),
)


def bdl_category(path: tuple[str, ...]) -> str:
    top = " ".join(path[:2]).casefold()
    for word, cat in _BDL_CATEGORIES:
        if word in top:
            return cat
    return "social"  # education, health, social assistance and everything else


def bdl_spec_and_source(data, meta_en=None, *, rule: str | None = None, polarity: str = "neutral",
                        category: str | None = None, weight: str = DEFAULT_WEIGHT, base_url: str = "") -> tuple[dict, dict]:
    """Indicator spec (like a catalogue entry) and source row for a fetched BDL variable."""
    meta = data.meta
    en = meta_en or meta
    rule = rule or suggest_rule(meta.measure_unit, meta.name + " " + meta.path_text)
    levels = list(LEVEL_ORDER) if rule != "none" else [data.level]
    retrieved_day = data.retrieved[:10]
    last = (data.last_update or meta.last_update)[:10]
    spec = build_spec(
        indicator_id=f"bdl_{meta.id}", name_pl=meta.name[:MAX_TEXT], name_en=en.name[:MAX_TEXT],
        unit_pl=meta.measure_unit or "-", unit_en=en.measure_unit or meta.measure_unit or "-",
        category=category or bdl_category(meta.subject_path), polarity=polarity,
        definition_pl=f"GUS BDL, zmienna {meta.id}: {meta.path_text} — {', '.join(meta.parts)}.",
        definition_en=f"Statistics Poland BDL, variable {meta.id}: {en.path_text} — {', '.join(en.parts)}.",
        aggregation=aggregation_spec(rule, weight=weight,
                                     reason_pl="API BDL nie mówi, jak łączyć tę zmienną (np. wskaźnik na mieszkańca, "
                                               "odsetek); wartości wyższych szczebli można pobrać z API bezpośrednio.",
                                     reason_en="The BDL API does not say how this variable combines (e.g. a per-capita "
                                               "rate or a share); fetch higher levels from the API directly."),
        levels=levels, decimals=_decimals(data.raw["value"]),
        notes_pl=f"Pobrano z API BDL {retrieved_day}" + (f"; ostatnia aktualizacja w BDL {last}" if last else "") + ".",
        notes_en=f"Retrieved from the BDL API on {retrieved_day}" + (f"; last updated in BDL {last}" if last else "") + ".")
    source = {"id": f"bdl_api_{meta.id}", "kind": "bdl_api",
              "publisher_pl": "GUS – Bank Danych Lokalnych (API)",
              "publisher_en": "Statistics Poland – Local Data Bank (API)",
              "title_pl": f"{meta.path_text} — {', '.join(meta.parts)} (zmienna {meta.id})"[:500],
              "title_en": f"{en.path_text} — {', '.join(en.parts)} (variable {meta.id})"[:500],
              "origin": f"{base_url or 'bdl.stat.gov.pl/api/v1'}/data/by-variable/{meta.id}",
              "licence": "GUS public statistics (reuse with attribution)",
              "vintage": f"BDL {last}" if last else "BDL", "retrieved": data.retrieved}
    return spec, source


@dataclass
class BdlImport:
    result: SaveResult
    spec: dict
    matched: int
    fetched: int
    skipped: dict[str, int]  # reason -> rows (town/rural parts, dzielnice, regions...)
    no_data: int
    combined: int  # attrId 97 cells (powiat + city together) left out
    unmatched: list[str]


def import_bdl(store: Store, fetched, *, rule: str | None = None, polarity: str | None = None,
               category: str | None = None) -> BdlImport:
    """Store a fetched BDL variable (``loaders.bdl_fetch.fetch``: all units of one level and some
    years) as ``bdl_<id>``. An earlier fetch of other levels/years of the same variable is kept,
    the fetched level-years are replaced — in one transaction, roll-ups recomputed."""
    from loaders import bdl_api

    data, meta_en = fetched.data, fetched.meta_en
    level = data.level
    raw = data.raw
    skipped = raw.loc[raw["skip"] != ""].drop_duplicates("code")["skip"].value_counts().to_dict()
    rows = raw.loc[raw["skip"] == ""]
    index = unit_index(store)
    codes = rows.drop_duplicates("code")
    res = {c: index.match(c) for c in codes["code"]}
    unmatched = sorted(c for c, r in res.items() if r[0] is None)
    vals = rows.assign(unit=rows["code"].map({c: r[0] for c, r in res.items()}))
    vals = vals.loc[vals["unit"].notna()]
    # one unit may appear under an old and a new id (type digit changed): keep the non-empty value
    vals = vals.sort_values(["unit", "year", "value"], na_position="last").drop_duplicates(["unit", "year"])
    vals = vals.loc[vals["unit"].map(_level_of) == level]
    no_data = int(vals["value"].isna().sum())
    new = vals.loc[vals["value"].notna(), ["unit", "year", "value"]]
    spec, source = bdl_spec_and_source(data, meta_en, rule=rule, polarity=polarity or "neutral", category=category,
                                       base_url=fetched.base_url)
    specs = store.indicator_specs().set_index("id")
    old = pd.DataFrame()
    if spec["id"] in specs.index:  # fetched before: keep what the user chose then unless overridden now
        old = store.source_values(spec["id"])
        prev = json.loads(specs.loc[spec["id"], "spec"])
        if rule is None:
            spec["aggregation"] = prev["aggregation"]
        if polarity is None:
            spec["polarity"] = prev["polarity"]
        if category is None:
            spec["category"] = prev["category"]
        if spec["aggregation"]["rule"] == "none":
            have = set(old["unit"].map(_level_of)) if not old.empty else set()
            spec["levels"] = [lv for lv in LEVEL_ORDER if lv in have | {level}]
        else:
            spec["levels"] = list(LEVEL_ORDER)
        spec = build_spec(**_spec_args(spec))
    merged = merge_source_values(old, new, level, list(data.years))
    result = save_indicator(store, spec=spec, origin="bdl_api", source=source, values=merged)
    combined = sum(n for a, n in data.attr_counts.items() if a in bdl_api.COMBINED_ATTRS)
    return BdlImport(result=result, spec=spec, matched=int(new["unit"].nunique()), fetched=len(new),
                     skipped=skipped,
                     no_data=no_data, combined=combined, unmatched=unmatched)


def _spec_args(spec: dict) -> dict:
    return {"indicator_id": spec["id"], "name_pl": spec["name_pl"], "name_en": spec["name_en"],
            "unit_pl": spec["unit_pl"], "unit_en": spec["unit_en"], "category": spec["category"],
            "definition_pl": spec["definition_pl"], "definition_en": spec["definition_en"],
            "polarity": spec["polarity"], "aggregation": spec["aggregation"], "levels": spec["levels"],
            "decimals": spec["decimals"], "notes_pl": spec.get("notes_pl", ""), "notes_en": spec.get("notes_en", "")}


# -------------------------------------------------------------------------------------------------
# Own data (uploaded files)
# -------------------------------------------------------------------------------------------------

def own_indicator_id(name: str) -> str:
    return "own_" + slug(name, 44)


def import_own(store: Store, matched: Matched, *, name_pl: str, name_en: str = "", unit_pl: str,
               unit_en: str = "", polarity: str = "neutral", rule: str = "none", weight: str = DEFAULT_WEIGHT,
               description: str = "", publisher: str = "", filename: str = "",
               now: str | None = None) -> SaveResult:
    """Store matched values of an uploaded file as indicator ``own_<slug of name>`` (replacing an
    own indicator of the same name). Raises UserDataError for bad metadata or conflicting rows."""
    name_pl = check_text(name_pl, "name")
    name_en = check_text(name_en, "name_en", required=False) or name_pl
    unit_pl = check_text(unit_pl, "unit")
    unit_en = check_text(unit_en, "unit_en", required=False) or unit_pl
    description = check_text(description, "description", required=False)
    publisher = check_text(publisher, "publisher", required=False)
    if rule not in AGG_CHOICES:
        raise UserDataError("data.err.bad_rule", rule=rule)
    if not matched.conflicts.empty:
        raise UserDataError("data.err.conflicts", n=len(matched.conflicts))
    if matched.values.empty:
        raise UserDataError("data.err.nothing_matched")
    ind_id = own_indicator_id(name_pl)
    specs = store.indicator_specs()
    clash = specs.loc[specs["id"] == ind_id]
    if not clash.empty and clash["origin"].iloc[0] != "own":
        raise UserDataError("data.err.id_taken", id=ind_id)
    if rule == "weighted_mean" and weight not in set(specs["id"]):
        raise UserDataError("data.err.no_weight", weight=weight)
    vals = matched.values
    have = set(vals["unit"].map(_level_of))
    levels = list(LEVEL_ORDER) if rule != "none" else [lv for lv in LEVEL_ORDER if lv in have]
    years = sorted(set(int(y) for y in vals["year"]))
    vintage = str(years[0]) if len(years) == 1 else f"{years[0]}–{years[-1]}"
    spec = build_spec(
        indicator_id=ind_id, name_pl=name_pl, name_en=name_en, unit_pl=unit_pl, unit_en=unit_en, category="own",
        definition_pl=description or f"Dane własne wczytane z pliku {filename or '(bez nazwy)'}.",
        definition_en=description or f"User's own data loaded from the file {filename or '(unnamed)'}.",
        polarity=polarity, aggregation=aggregation_spec(rule, weight=weight), levels=levels,
        decimals=_decimals(vals["value"]))
    stamp = now or pd.Timestamp.now(tz="UTC").isoformat(timespec="seconds")
    source = {"id": ind_id, "kind": "own", "publisher_pl": publisher or "Dane własne użytkownika",
              "publisher_en": publisher or "User's own data", "title_pl": name_pl, "title_en": name_en,
              "origin": f"plik / file: {filename}" if filename else "plik / file", "licence": "—",
              "vintage": vintage, "retrieved": stamp}
    return save_indicator(store, spec=spec, origin="own", source=source, values=vals)
