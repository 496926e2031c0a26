"""Gather a report's inputs from a data source and build the model (no Streamlit here).

``src`` is anything with the Store's read methods — ``units()``, ``unit_values(code)``,
``indicators()``, ``sources()``, ``values(units=, indicators=)``, ``level_values(ind, year, level)``,
``boundaries(codes)`` and ``layer(level)``: the Store itself (CLI, tests, benchmarks) or
services.reports.CachedSource (the app: the same calls through st.cache_data, keyed by ingest).
"""
from __future__ import annotations

import datetime as dt
import json

import pandas as pd

from domain import areas as A
from i18n import t
from reports import interim
from reports.locator import Locator, context_features
from reports.model import ReportModel

LOCATOR_CONTEXT_LEVEL = {"gmina": "gmina", "powiat": "powiat", "wojewodztwo": "wojewodztwo"}


def unit_title(row: dict, lang: str, parents: dict[str, str]) -> tuple[str, str, str]:
    """(title, subtitle, short name) of a unit, in the style of components.labels."""
    level, name, code = row["level"], row["name"], row["code"]
    if level == "country":
        return t("unit.poland", lang), t("unit.country", lang), t("unit.poland", lang)
    if level == "wojewodztwo":
        title = t("report.title_woj", lang, name=name)
        return title, f"{t('unit.wojewodztwo', lang)} · TERYT {code}", title
    if level == "powiat":
        if row.get("city_powiat"):
            return name, f"{t('unit.city_powiat', lang)} · TERYT {code}", name
        title = t("report.title_powiat", lang, name=name)
        return title, f"{t('unit.powiat', lang)} · TERYT {code}", title
    kind = t("unit.city_with_powiat_rights", lang) if row.get("city_powiat") else \
        t(f"gmina_type.{row.get('gmina_type') or 'other'}", lang)
    powiat = parents.get(row.get("parent_code") or "", "")
    sub = f"{kind} · {t('report.powiat_prefix', lang, name=powiat)} · TERYT {code}" if powiat and not \
        row.get("city_powiat") else f"{kind} · TERYT {code}"
    return name, sub, name


def _geometry(src, codes: list[str]) -> list[dict]:
    b = src.boundaries(list(codes))
    return [json.loads(g) for g in b["geojson"]] if b is not None and not b.empty else []


def locator(src, codes: list[str], level: str, label: str = "") -> Locator | None:
    """The two-panel locator map for a unit (or an area's gminy); None without geometry."""
    highlight = _geometry(src, codes)
    regions_layer = src.layer("wojewodztwo")
    if not highlight or regions_layer is None:
        return None
    regions = [f["geometry"] for f in json.loads(regions_layer[0])["features"]]
    context: list[dict] = []
    ctx_level = LOCATOR_CONTEXT_LEVEL.get(level)
    if ctx_level and ctx_level != "wojewodztwo":
        lay = src.layer(ctx_level)
        if lay is not None:
            context = context_features(json.loads(lay[0]), highlight)
    elif ctx_level == "wojewodztwo":
        lay = src.layer("powiat")
        if lay is not None:
            context = context_features(json.loads(lay[0]), highlight)
    return Locator(regions=tuple(regions), highlight=tuple(highlight), context=tuple(context), label=label)


def area_values(src, members: tuple[str, ...]) -> pd.DataFrame:
    """A functional area's values by domain.areas (the same numbers as the Obszary page): through
    the source's cached ``area_values`` when it has one (the app), else computed here (Store)."""
    if hasattr(src, "area_values"):
        return src.area_values(tuple(members))
    codes = A.canonical_codes(members)
    result = A.compute(codes, src.values(units=list(codes)), src.indicators(), src.units(include_historical=True))
    return result.unit_values()


def values_for(src, *, code: str | None = None, area: tuple[str, ...] = ()) -> tuple[pd.DataFrame, str]:
    """(values, level) of a unit or an area (an area's values are computed from its gminy)."""
    if area:
        units = src.units()
        members = tuple(c for c in area if c in set(units["code"]))
        return area_values(src, members), "gmina"
    code = code or "PL"
    units = src.units()
    level = units.loc[units["code"] == code, "level"]
    return src.unit_values(code), (level.iloc[0] if len(level) else "country")


def chart_choices(src, *, code: str | None = None, area: tuple[str, ...] = ()) -> list[str]:
    values, level = values_for(src, code=code, area=area)
    return interim.available_charts(values, src.indicators(), ranked=not area and level != "country")


def inputs(src, *, lang: str, code: str | None = None, area: tuple[str, ...] = (), peers: str | None = None,
           charts: tuple[str, ...] | None = None, permalink: str = "", today: dt.date | None = None,
           with_map: bool = True) -> interim.Inputs:
    """Everything the interim model needs, for a unit (``code``) or an area (``area``)."""
    units = src.units()
    indicators = src.indicators()
    sources = src.sources()
    parents = dict(zip(units.loc[units["level"] == "powiat", "code"], units.loc[units["level"] == "powiat", "name"]))
    names = dict(zip(units["code"], units["name"]))
    if area:
        members = [c for c in area if c in names]
        values = area_values(src, tuple(members))
        shown = ", ".join(names[c] for c in members[:6]) + ("…" if len(members) > 6 else "")
        title = t("report.area_title", lang, n=len(members))
        subtitle = t("report.area_subtitle", lang, names=shown)
        short = t("report.area_short", lang)
        codes, level, row, peer_codes, method = tuple(members), "gmina", None, (), "none"
        level_latest = pd.DataFrame()
        peer_values = None
    else:
        code = code or "PL"
        found = units.loc[units["code"] == code]
        if found.empty:
            raise ValueError(f"unknown unit {code!r}")  # the app validates units before (sidebar)
        row = found.iloc[0].to_dict()
        title, subtitle, short = unit_title(row, lang, parents)
        values = src.unit_values(code)
        codes, level = (code,), row["level"]
        peer_list, method = interim.peer_group(units, code, peers)
        peer_codes = tuple(peer_list)
        frames = []
        if level != "country":
            for ind_id in interim.key_indicator_ids(values, indicators):
                last = interim.latest(values, ind_id)
                frames.append(src.level_values(ind_id, int(last["year"]), level))
        level_latest = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
        peer_values = None
    ranked = not area and level != "country"
    available = interim.available_charts(values, indicators, ranked=ranked)
    chosen = tuple(k for k in (charts if charts is not None else interim.default_charts(available))
                   if k in available)
    if not area and peer_codes and any(k.startswith("trend:") for k in chosen):
        trend_inds = [k.split(":", 1)[1] for k in chosen if k.startswith("trend:")]
        peer_values = src.values(units=list(peer_codes), indicators=trend_inds)
    loc = locator(src, list(codes), level, label=title) if with_map and (area or level != "country") else None
    return interim.Inputs(
        lang=lang, title=title, subtitle=subtitle, codes=codes, is_area=bool(area), level=level, unit_name=short,
        values=values, indicators=indicators, sources=sources, level_latest=level_latest, peer_codes=peer_codes,
        peer_method=method, peer_requested=peers, peer_values=peer_values, unit_row=row, charts=chosen,
        permalink=permalink, today=today, locator=loc)


def build(src, **kwargs) -> ReportModel:
    return interim.build_model(inputs(src, **kwargs))
