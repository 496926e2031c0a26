"""Cached queries for the profile and comparison pages (keyed by the ingest id).

``level_matrix`` is the workhorse: every value of a set of indicators for every unit of one level
in ONE query, pivoted to a compact wide frame (index unit code, columns (indicator, year)); the
page's ranks, peer medians, kNN and charts are cheap pandas operations on it. Cached objects are
shared by all sessions: never mutate them.
"""
from __future__ import annotations

import pandas as pd
import streamlit as st

import services
from domain.peers import DEFAULT_CONTEXT
from domain.profile import latest_population
from i18n import t

TTL = services.TTL
LEVEL_TTL = 12 * 3600  # level matrices are keyed by the ingest id, so only memory bounds their life

AGE_GROUPS = ("population_pre_working", "population_working", "population_post_working")


@st.cache_data(ttl=LEVEL_TTL, show_spinner=False, max_entries=24)
def level_matrix(ingest: str, level: str, indicators: tuple[str, ...]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(wide values, provenance) for ``indicators`` at ``level``.

    wide: index unit code (every current unit of the level, even without values), columns
    MultiIndex (indicator, year), float values. provenance: indicator, year, source, method,
    count — which sources (and computed methods) stand behind each indicator-year, for captions.
    """
    units = services.units(ingest)
    codes = units.loc[units["level"] == level, "code"]
    v = services.store().values(indicators=list(indicators), level=level)
    v = v.loc[v["value"].notna() & v["unit"].isin(set(codes))]
    if v.empty:
        wide = pd.DataFrame(index=pd.Index(codes, name="unit"),
                            columns=pd.MultiIndex.from_tuples([], names=["indicator", "year"]), dtype=float)
    else:
        wide = v.pivot(index="unit", columns=["indicator", "year"], values="value").reindex(codes.to_numpy())
        wide = wide.sort_index(axis=1)
    wide.index.name = "unit"
    prov = (v.groupby(["indicator", "year", "source", "method"], observed=True).size()
            .rename("count").reset_index())
    return wide, prov


@st.cache_data(ttl=TTL, show_spinner=False, max_entries=4)
def profile_indicator_ids(ingest: str) -> tuple[str, ...]:
    """Indicators the profile reads at a level: profile cards + default kNN context."""
    inds = services.indicators(ingest)
    ids = [i for i, ind in inds.items() if ind.profile]
    ids += [i for i in DEFAULT_CONTEXT if i in inds and i not in ids]
    return tuple(sorted(ids))


def profile_matrix(ingest: str, level: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    return level_matrix(ingest, level, profile_indicator_ids(ingest))


def columns_for(ingest: str, level: str, indicators) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A wide frame holding ``indicators`` (the cached profile matrix itself when it holds them
    all; otherwise a new frame joined from per-indicator cached queries)."""
    ids = profile_indicator_ids(ingest)
    wanted = list(dict.fromkeys(indicators))
    if set(wanted) <= set(ids):
        return level_matrix(ingest, level, ids)
    parts, provs = [], []
    base, base_prov = level_matrix(ingest, level, ids)
    inside = [i for i in wanted if i in ids]
    if inside:
        parts.append(base[inside])
        provs.append(base_prov.loc[base_prov["indicator"].isin(inside)])
    for i in wanted:
        if i not in ids:
            w, pr = level_matrix(ingest, level, (i,))
            parts.append(w)
            provs.append(pr)
    return pd.concat(parts, axis=1), pd.concat(provs, ignore_index=True)


@st.cache_data(ttl=LEVEL_TTL, show_spinner=False, max_entries=8)
def level_population(ingest: str, level: str) -> tuple[pd.Series, int | None]:
    """Residents of every unit of the level in the latest well-covered year (for size classes)."""
    wide, _ = profile_matrix(ingest, level)
    n = level_counts(ingest).get(level, len(wide))
    return latest_population(wide, n)


@st.cache_data(ttl=TTL, show_spinner=False, max_entries=8)
def unit_names(ingest: str, lang: str) -> dict[str, str]:
    """Chart-friendly short names of every unit (see short_names)."""
    return short_names(services.units(ingest), lang)


def short_names(units: pd.DataFrame, lang: str) -> dict[str, str]:
    """Chart-friendly names: the plain name where it is unique among gminy; a repeated gmina name
    gets its powiat ("Osiek (pow. brodnicki)") and, if that is not enough, also its type
    ("Bolesławiec (gmina wiejska, pow. bolesławiecki)"); "pow. X" for land powiaty."""
    powiat_names = dict(zip(units.loc[units["level"] == "powiat", "code"],
                            units.loc[units["level"] == "powiat", "name"]))
    g = units.loc[units["level"] == "gmina"]
    dup_name = set(g.loc[g["name"].duplicated(keep=False), "name"])
    pairs = g["name"] + "|" + g["parent_code"].fillna("")
    dup_pair = set(pairs[pairs.duplicated(keep=False)])
    out = {}
    for r in units.to_dict("records"):
        code, name = r["code"], r["name"]
        if r["level"] == "powiat" and not r["city_powiat"]:
            out[code] = t("profile.short_powiat", lang, name=name)
        elif r["level"] == "gmina" and name in dup_name:
            powiat = powiat_names.get(r["parent_code"], "")
            if f"{name}|{r['parent_code'] or ''}" in dup_pair:
                kind = t("unit.city_with_powiat_rights" if r["city_powiat"] else f"gmina_type.{r['gmina_type']}",
                         lang)
                out[code] = t("profile.short_dup_kind", lang, name=name, kind=kind, powiat=powiat)
            else:
                out[code] = t("profile.short_dup", lang, name=name, powiat=powiat)
        elif r["level"] == "country":
            out[code] = t("unit.poland", lang)
        else:
            out[code] = name
    return out


@st.cache_data(ttl=TTL, show_spinner=False, max_entries=8)
def level_counts(ingest: str) -> dict[str, int]:
    """Number of current units per level."""
    units = services.units(ingest)
    return {str(k): int(v) for k, v in units["level"].value_counts().items()}


__all__ = ["level_matrix", "profile_matrix", "columns_for", "profile_indicator_ids", "level_counts", "level_population", "unit_names", "short_names", "AGE_GROUPS"]
