"""What the API reads, through ``store.db.Store`` and the pure ``domain`` logic, cached per ingest.

Everything that does not depend on the request (units, indicators, sources, a level's profile
matrix) is memoised under the store's ``ingest_id``; a re-ingest or a user upload changes that id,
and the next request drops the old entries. Rows are built column-wise from the store's frames,
never row by row, so one unit's ~300 values cost milliseconds.
"""
from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass

import numpy as np
import pandas as pd

from api.params import BadParam, fold
from cli import format_number, source_label  # the command line's exact wording of values and sources
from domain import areas as A
from domain.area_codes import AreaCodesError, check_area
from domain.profile import profile_cards, profile_ids, wide_matrix
from domain.teryt import COUNTRY, normalise_name

VALUE_FIELDS = ("teryt", "level", "name", "indicator", "year", "value", "unit", "source",
                "indicator_name", "source_id", "publisher", "vintage", "method", "n", "of", "flag")
"""The first eight are ``cli.py show``'s columns, in its order and wording."""

UNIT_FIELDS = ("code", "level", "name", "parent", "gmina_type", "city_powiat", "historical", "valid_from",
               "valid_to", "note")
INGEST_TTL = 5.0  # seconds between checks of the store's ingest id
LEVEL_ORDER = {"country": 0, "wojewodztwo": 1, "powiat": 2, "gmina": 3}


class NotFound(LookupError):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Resolved:
    code: str
    requested: str
    note: str  # "" or the alias kind (old code)


def _num(x):
    """JSON-safe number: None for NaN/None, int for whole counts."""
    if x is None:
        return None
    try:
        f = float(x)
    except (TypeError, ValueError):
        return None
    if math.isnan(f) or math.isinf(f):
        return None
    return f


def _int(x):
    f = _num(x)
    return None if f is None else int(round(f))


class ApiData:
    def __init__(self, store):
        self.store = store
        self._memo: dict = {}
        self._ingest: str | None = None
        self._checked = 0.0
        self._lock = threading.Lock()
        self._build = threading.RLock()

    # -- cache ----------------------------------------------------------------------------------
    def ingest_id(self) -> str:
        """The store's current version (raises StoreError when the store is empty/unreachable).
        Read at most every INGEST_TTL seconds (as the dashboard's replicas notice a new ingest within
        5 s): a request answered from an ETag then touches no database at all."""
        now = time.monotonic()
        if self._ingest is not None and now - self._checked < INGEST_TTL:
            return self._ingest
        meta = self.store.meta()
        ingest = meta.get("ingest_id")
        if not ingest:
            from store.db import StoreError
            raise StoreError("store_empty")
        with self._lock:
            if ingest != self._ingest:
                self._memo = {}
                self._ingest = ingest
            self._checked = now
        return ingest

    def _m(self, key, fn):
        memo = self._memo
        if key in memo:
            return memo[key]
        with self._build:  # rare and sometimes slow (a level matrix): build each once
            if key not in memo:
                memo[key] = fn()
            return memo[key]

    # -- reference data -------------------------------------------------------------------------
    def indicators(self):
        return self._m("indicators", self.store.indicators)

    def all_units(self) -> pd.DataFrame:
        def build():
            u = self.store.units(include_historical=True).copy()
            u["_fold"] = [fold(n) for n in u["name"]]
            u["_rank"] = u["level"].map(LEVEL_ORDER).fillna(9)
            return u.set_index("code", drop=False).rename_axis(None)
        return self._m("units", build)

    def sources(self) -> pd.DataFrame:
        return self._m("sources", lambda: self.store.sources().set_index("id", drop=False).rename_axis(None))

    def indicator_sources(self) -> pd.DataFrame:
        return self._m("indicator_sources", self.store.indicator_sources)

    # -- units ------------------------------------------------------------------------------------
    def resolve(self, text: str, param: str = "unit") -> Resolved:
        """Any accepted TERYT form -> today's code; BadParam (400) if malformed, NotFound (404)."""
        t = str(text).strip()
        if not t or len(t) > 20:
            raise BadParam(param, f"{param} {t[:24]!r} is not a TERYT code: use 2, 4, 6 or 7 digits, or PL")
        units = self.all_units()
        if t in units.index:
            return Resolved(t, t, "")
        if t.upper() == COUNTRY and COUNTRY in units.index:
            return Resolved(COUNTRY, t, "")
        code, note = self.store.resolve_code(t)
        if code is None:
            if note == "malformed":
                from domain.teryt import TerytError, parse_code
                try:
                    parse_code(t)
                    why = ""
                except TerytError as exc:
                    why = f" ({exc})"
                raise BadParam(param, f"{param} {t!r} is not a TERYT code{why}: use 2 (województwo), 4 (powiat), "
                                      f"6 or 7 digits (gmina), or PL")
            raise NotFound(f"no unit has the code {t!r}")
        return Resolved(code, t, note)

    def unit_dict(self, code: str) -> dict:
        r = self.all_units().loc[code]
        return {
            "code": code, "level": r["level"], "name": r["name"],
            "parent": None if pd.isna(r["parent_code"]) else r["parent_code"],
            "gmina_type": None if pd.isna(r["gmina_type"]) else r["gmina_type"],
            "city_powiat": bool(r["city_powiat"]), "historical": bool(r["historical"]),
            "valid_from": _int(r["valid_from"]), "valid_to": _int(r["valid_to"]),
            "note": r["note"] or "",
        }

    def parents(self, code: str) -> list[dict]:
        units = self.all_units()
        out, seen = [], {code}
        p = units.loc[code, "parent_code"]
        while isinstance(p, str) and p in units.index and p not in seen:
            seen.add(p)
            out.append({"code": p, "level": units.loc[p, "level"], "name": units.loc[p, "name"]})
            p = units.loc[p, "parent_code"]
        return out

    def search_units(self, q: str, level: str | None, parent: str | None, historical: bool) -> pd.DataFrame:
        u = self.all_units()
        if not historical:
            u = u.loc[~u["historical"].astype(bool)]
        if level:
            u = u.loc[u["level"] == level]
        if parent:
            u = u.loc[u["parent_code"] == parent]
        if not q:
            return u.sort_values(["_rank", "code"])
        digits = q.replace(" ", "").replace("_", "")
        if digits.isdigit():
            return u.loc[u["code"].str.startswith(digits)].sort_values(["_rank", "code"])
        key = fold(normalise_name(q)) or fold(q)
        hit = u["_fold"].str.contains(key, regex=False)
        u = u.loc[hit].copy()
        u["_m"] = np.where(u["_fold"] == key, 0, np.where(u["_fold"].str.startswith(key), 1, 2))
        return u.sort_values(["_m", "_rank", "_fold", "code"])

    # -- values -----------------------------------------------------------------------------------
    def lookups(self) -> dict:
        """Plain dicts for building rows (pandas per-row lookups cost ~10x more on ~300 rows)."""
        def build():
            u, src = self.all_units(), self.sources()
            return {"level": dict(zip(u["code"], u["level"])), "name": dict(zip(u["code"], u["name"])),
                    "vintage": dict(zip(src["id"], src["vintage"])), "licence": dict(zip(src["id"], src["licence"])),
                    "publisher_pl": dict(zip(src["id"], src["publisher_pl"])),
                    "publisher_en": dict(zip(src["id"], src["publisher_en"]))}
        return self._m("lookups", build)

    def value_rows(self, df: pd.DataFrame, lang: str, *, names: dict[str, tuple[str, str]] | None = None) -> list[dict]:
        """The store's value frame (unit, indicator, year, value, source, method, n, of, flag) as the
        API's rows: dicts with VALUE_FIELDS, one per value that has a value (as ``cli.py show``)."""
        if df.empty:
            return []
        inds = self.indicators()
        lk = self.lookups()
        levels, unames, pub = lk["level"], lk["name"], lk[f"publisher_{lang}"]
        vint = lk["vintage"]
        en = lang == "en"
        ind_meta = {i: ((inds[i].name(lang), inds[i].unit_en if en else inds[i].unit_pl) if i in inds else (i, ""))
                    for i in df["indicator"].unique()}
        out = []
        cols = zip(df["unit"].tolist(), df["indicator"].tolist(), df["year"].tolist(), df["value"].tolist(),
                   df["source"].tolist(), df["method"].tolist(), df["n"].tolist(), df["of"].tolist(),
                   df["flag"].fillna("").tolist())
        for unit, ind, year, value, source, method, n, of, flag in cols:
            if value is None or value != value:
                continue
            n = None if n is None or n != n else int(n)
            of = None if of is None or of != of else int(of)
            if names is None:
                level, name = levels.get(unit), unames.get(unit)
            else:
                level, name = names[unit]
            iname, iunit = ind_meta[ind]
            out.append({"teryt": unit, "level": level, "name": name, "indicator": ind, "year": int(year),
                        "value": float(value), "unit": iunit,
                        "source": source_label({"method": method, "source": source, "n": n, "of": of}),
                        "indicator_name": iname, "source_id": source, "publisher": pub.get(source),
                        "vintage": vint.get(source), "method": method,
                        "n": n, "of": of, "flag": flag})
        return out

    def unit_values(self, codes: list[str], indicators: list[str] | None, years: list[int] | None,
                    level: str | None) -> pd.DataFrame:
        return self.store.values(units=codes, indicators=indicators, years=years, level=level)

    # -- profile ----------------------------------------------------------------------------------
    def level_matrix(self, level: str) -> pd.DataFrame:
        def build():
            ids = profile_ids(self.indicators())
            u = self.all_units()
            codes = u.loc[(u["level"] == level) & ~u["historical"].astype(bool), "code"]
            return wide_matrix(self.store.values(indicators=list(ids), level=level), codes)[0]
        return self._m(("matrix", level), build)

    def profile(self, code: str, lang: str) -> dict:
        """The profile's key-indicator cards of one unit: latest value, change since the first year,
        national rank among the units of its level (the profile page's numbers, without peers)."""
        inds = self.indicators()
        level = self.all_units().loc[code, "level"]
        values = self.store.unit_values(code)
        cards = profile_cards(values, inds, self.level_matrix(level), unit=code, peers=[])
        src = self.sources()
        out = []
        for r in cards.to_dict("records"):
            ind = inds[r["indicator"]]
            out.append({
                "indicator": ind.id, "indicator_name": ind.name(lang), "category": ind.category,
                "unit": ind.unit_en if lang == "en" else ind.unit_pl, "polarity": ind.polarity,
                "year": int(r["year"]), "value": _num(r["value"]),
                "source": source_label(r), "source_id": r["source"],
                "publisher": src[f"publisher_{lang}"].get(r["source"]), "vintage": src["vintage"].get(r["source"]),
                "method": r["method"], "first_year": _int(r["first_year"]), "first_value": _num(r["first_value"]),
                "change": _num(r["change"]), "change_pct": _num(r["change_pct"]), "trend": r["trend"],
                "rank": _int(r["rank"]), "rank_of": _int(r["rank_of"]),
            })
        return {"cards": out, "ranked_among": level}

    # -- areas ------------------------------------------------------------------------------------
    def area(self, text: str) -> tuple[A.AreaResult, list[dict]]:
        """The area of ``text`` (gmina codes, read by ``domain.area_codes`` exactly as ``cli.py
        show --area`` reads them: old codes mapped, with notes); a bad list is a 400 on ``area``."""
        units = self.store.units(include_historical=True)
        res = check_area(text, units, self.store.resolve_code)
        if isinstance(res, AreaCodesError):
            raise BadParam("area", res.message(None, hint=""))
        notes = [{"input": old, "code": code, "note": "old code"} for old, code in res.recoded]
        result = self._m(("area", res.codes), lambda: A.compute(res.codes, self.store.values(units=list(res.codes)),
                                                                 self.indicators(), units))
        return result, notes


def assessment(data: "ApiData", code: str, peers: str | None, lang: str):
    """The synthetic assessment of a unit against its comparison group, exactly as
    ``cli.py assess`` computes it (reports.assessment_context on a StoreSource memoised per ingest)."""
    from domain import peers as PS
    from reports.assessment_context import gather
    from reports.source import StoreSource

    if peers is not None:
        try:
            spec = PS.parse_spec(peers)
        except ValueError:
            raise BadParam("peers", "malformed peers: use typology, typology:woj, knn:k=10[;w=indicator*weight,...] "
                                    "or custom:CODE,CODE") from None
        unknown = [i for i in spec.knn.indicators if i not in data.indicators()] if spec.method == "knn" else []
        if unknown:
            raise BadParam("peers", f"unknown indicator {unknown[0]!r} in peers")
        if spec.method == "members":
            raise BadParam("peers", "peers=members is for functional areas")
    src = data._m("assessment_source", lambda: StoreSource(data.store))
    with data._build:  # the source memoises matrices; build them once
        return gather(src, code, peers, lang)


def csv_rows(rows: list[dict]) -> list[dict]:
    """Rows for CSV: numbers written as ``cli.py show`` writes them (no float noise)."""
    return [{**r, "value": format_number(r["value"]), "n": "" if r["n"] is None else r["n"],
             "of": "" if r["of"] is None else r["of"]} for r in rows]
