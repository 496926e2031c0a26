"""TEMPORARY report content built from what main has today (pure: DataFrames in, ReportModel out).

Placeholders, each to be replaced when its branch lands (the ReportModel contract stays):
  * national / peer ranks       -> domain/rankings.py (map branch)
  * peer group                  -> domain/peers.py (profile branch); here: same level and type
  * strengths / weaknesses text -> domain/narrative.py (profile branch); here: top/bottom fifth
  * charts                      -> components/charts.py (profile branch); here: reports.figures
Everything else (key-indicator table, sources, takeaways, notes) is the report's own.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from domain.catalogue import Indicator
from domain.profile import latest_by_indicator
from i18n import fmt_num, t
from reports import figures
from reports.model import ChartItem, KeyIndicator, ReportModel, SourceRef

ALWAYS_SOURCES = ("teryt_units_2026",)  # unit names and codes
MAP_SOURCE = "prg_boundaries"
STRENGTH_SHARE = 0.2
POSITION_EACH_END = 6  # position chart: at most the 6 best and the 6 weakest indicators  # top / bottom fifth of the level = strength / weakness
DEFAULT_TRENDS = ("population_total", "own_revenue_per_capita", "turnout_sejm", "unemployed_share_working_age")


# -- sources ------------------------------------------------------------------------------------
def short_source(source_id: str, method: str, n, of, sources: pd.DataFrame, lang: str) -> str:
    s = sources.set_index("id")
    if source_id not in s.index:
        return source_id
    r = s.loc[source_id]
    base = f"{publisher_short(str(r['publisher_' + lang]))} ({r['vintage']})"
    if method == "aggregated":
        if of == of and of:
            return t("report.computed_source", lang, source=base,
                     coverage=t("report.coverage", lang, n=int(n), of=int(of)))
        return t("report.derived_source", lang, source=base)
    if method == "derived":
        return t("report.derived_source", lang, source=base)
    return base


def publisher_short(publisher: str) -> str:
    """"GUS – Bank Danych Lokalnych (eksport)" -> "GUS"; the full text is in the sources section."""
    return publisher.split(" (")[0].split(" – ")[0].strip()


def lower_first(text: str) -> str:
    """Lower-case the first letter for use inside a sentence (not for acronyms like "GUS")."""
    if len(text) > 1 and text[0].isupper() and not text[1].isupper():
        return text[0].lower() + text[1:]
    return text


def source_refs(ids, sources: pd.DataFrame, lang: str) -> tuple[SourceRef, ...]:
    wanted = set(ids)
    out = []
    for r in sources.to_dict("records"):
        if r["id"] in wanted:
            out.append(SourceRef(id=r["id"], publisher=r[f"publisher_{lang}"], title=r[f"title_{lang}"],
                                 vintage=str(r["vintage"]), licence=str(r["licence"]), origin=str(r["origin"])))
    return tuple(out)


# -- peers (placeholder for domain/peers.py) ----------------------------------------------------
def unit_kind(row: dict) -> str:
    if row["level"] == "gmina":
        return "city_powiat" if row.get("city_powiat") else str(row.get("gmina_type") or "other")
    if row["level"] == "powiat":
        return "city_powiat" if row.get("city_powiat") else "land_powiat"
    return str(row["level"])


def peer_group(units: pd.DataFrame, code: str, spec: str | None) -> tuple[list[str], str]:
    """Peer codes (without the unit) and the method actually used: typology (same level and kind),
    typology:woj (also the same województwo) or custom:<codes>. knn is not available yet (the
    profile branch computes it) and falls back to typology."""
    spec = spec or "typology"
    rows = units.set_index("code")
    if code not in rows.index:
        return [], "none"
    me = rows.loc[code].to_dict() | {"code": code}
    if spec.startswith("custom:"):
        codes = [c for c in spec.split(":", 1)[1].split(",") if c and c != code and c in rows.index]
        return codes, "custom"
    if me["level"] == "country":
        return [], "none"
    same = units.loc[(units["level"] == me["level"]) & (units["code"] != code)]
    kind = unit_kind(me)
    same = same.loc[[unit_kind(r) == kind for r in same.to_dict("records")]]
    method = "typology"
    if spec == "typology:woj" and me["level"] != "wojewodztwo":
        same = same.loc[same["code"].str[:2] == code[:2]]
        method = "typology:woj"
    return same["code"].tolist(), method


def peer_definition(method: str, me: dict, n: int, lang: str, requested: str | None) -> str:
    if method == "none":
        return ""
    if method == "custom":
        text = t("report.peers_custom", lang, n=n)
    else:
        kind = t(f"report.kind_{unit_kind(me)}", lang)
        key = "report.peers_typology_woj" if method == "typology:woj" else "report.peers_typology"
        text = t(key, lang, kind=kind, n=n)
    if requested and requested.startswith("knn"):
        text += " " + t("report.peers_knn_pending", lang)
    return text


# -- ranks (placeholder for domain/rankings.py) --------------------------------------------------
def rank_of(values: pd.Series, code: str, polarity: str) -> tuple[int | None, int]:
    """1-based rank of ``code`` in ``values`` (index = unit code); 1 = best by polarity
    (``neutral``: 1 = highest value). Ties share the best rank. Returns (rank, size)."""
    v = values.dropna()
    if code not in v.index:
        return None, len(v)
    x = v.loc[code]
    better = (v < x).sum() if polarity == "lower_better" else (v > x).sum()
    return int(better) + 1, len(v)


def percentile_good(rank: int, of: int) -> float:
    """0 = worst, 100 = best."""
    return 100.0 if of <= 1 else 100.0 * (of - rank) / (of - 1)


# -- the model -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Inputs:
    """Everything the interim builder needs (gathered by components.report_panel via services)."""
    lang: str
    title: str
    subtitle: str
    codes: tuple[str, ...]  # the unit, or the area's gminy
    is_area: bool
    level: str  # level of the unit (gmina for areas)
    unit_name: str  # short name for chart legends
    values: pd.DataFrame  # the unit's (or area's) values: indicator, year, value, source, method, n, of
    indicators: dict
    sources: pd.DataFrame
    level_latest: pd.DataFrame  # all units of the level: unit, indicator, year, value (for ranks)
    peer_codes: tuple[str, ...] = ()
    peer_method: str = "none"
    peer_requested: str | None = None
    peer_values: pd.DataFrame | None = None  # peers' values (for medians by year)
    unit_row: dict | None = None
    charts: tuple[str, ...] = ()
    permalink: str = ""
    today: dt.date | None = None
    locator: object = None  # reports.locator.Locator or None


def key_indicator_ids(values: pd.DataFrame, indicators: dict[str, Indicator]) -> list[str]:
    """Profile indicators with a value, in the profile's order (category, then catalogue order)."""
    profile = {i: ind for i, ind in indicators.items() if ind.profile}
    return latest_by_indicator(values, profile)["indicator"].tolist()


def latest(values: pd.DataFrame, ind: str) -> dict | None:
    v = values.loc[(values["indicator"] == ind) & values["value"].notna()].sort_values("year")
    return None if v.empty else v.iloc[-1].to_dict()


def build_key_indicators(inp: Inputs) -> list[KeyIndicator]:
    lang = inp.lang
    code = inp.codes[0]
    rows = []
    lv = inp.level_latest
    for ind_id in key_indicator_ids(inp.values, inp.indicators):
        ind: Indicator = inp.indicators[ind_id]
        r = latest(inp.values, ind_id)
        nat = peer = (None, None)
        if not inp.is_area and lv is not None and not lv.empty:
            same = lv.loc[(lv["indicator"] == ind_id) & (lv["year"] == r["year"])].set_index("unit")["value"]
            nat = rank_of(same, code, ind.polarity)
            if inp.peer_codes:
                group = same.loc[same.index.isin(set(inp.peer_codes) | {code})]
                peer = rank_of(group, code, ind.polarity)
        rows.append(KeyIndicator(
            indicator_id=ind_id, name=ind.name(lang), value=float(r["value"]),
            value_text=fmt_num(r["value"], ind.decimals, lang), unit=ind.unit(lang), year=int(r["year"]),
            source=short_source(r["source"], r.get("method", "source"), r.get("n"), r.get("of"), inp.sources, lang),
            category=t(f"category.{ind.category}", lang),
            national_rank=nat[0], national_of=nat[1] if nat[0] else None,
            peer_rank=peer[0], peer_of=peer[1] if peer[0] else None,
            note=t("report.computed_short", lang) if r.get("method", "source") != "source" else ""))
    return rows


def strengths_weaknesses(keys: list[KeyIndicator], indicators: dict, level: str,
                         lang: str) -> tuple[list[str], list[str]]:
    level_pl = t(f"report.level_plural_{level}", lang)
    scored = []
    for k in keys:
        ind = indicators[k.indicator_id]
        if ind.polarity == "neutral" or not k.national_rank or not k.national_of or k.national_of < 5:
            continue
        scored.append((percentile_good(k.national_rank, k.national_of), k))
    def item(k: KeyIndicator) -> str:
        return t("report.sw_item", lang, name=k.name, value=k.value_text, unit=k.unit, year=k.year,
                 rank=k.national_rank, of=fmt_num(k.national_of, 0, lang), level=level_pl)
    strong = [item(k) for p, k in sorted(scored, key=lambda x: -x[0]) if p >= 100 * (1 - STRENGTH_SHARE)][:4]
    weak = [item(k) for p, k in sorted(scored, key=lambda x: x[0]) if p <= 100 * STRENGTH_SHARE][:4]
    return strong, weak


def available_charts(values: pd.DataFrame, indicators: dict, *, ranked: bool) -> list[str]:
    """Chart keys that have data: the position chart (needs ranks) and a trend per profile
    indicator with at least three years."""
    out = ["position"] if ranked else []
    counts = values.loc[values["value"].notna()].groupby("indicator")["year"].nunique()
    for ind_id, ind in indicators.items():
        if ind.profile and counts.get(ind_id, 0) >= 3:
            out.append(f"trend:{ind_id}")
    return out


def default_charts(available: list[str]) -> list[str]:
    wanted = ["position"] + [f"trend:{i}" for i in DEFAULT_TRENDS]
    return [k for k in wanted if k in available]


def chart_label(key: str, indicators: dict, lang: str) -> str:
    if key == "position":
        return t("report.chart_position", lang)
    ind = indicators.get(key.split(":", 1)[1])
    return t("report.chart_trend", lang, name=ind.name(lang) if ind else key)


def _position_item(inp: Inputs, keys: list[KeyIndicator]) -> ChartItem | None:
    lang = inp.lang
    level_pl = t(f"report.level_plural_{inp.level}", lang)
    rows = []
    for k in keys:
        ind = inp.indicators[k.indicator_id]
        if ind.polarity == "neutral" or not k.national_rank:
            continue
        p = percentile_good(k.national_rank, k.national_of)
        rows.append({"indicator": k.indicator_id, "label": k.name, "value_label": f"{k.value_text} {k.unit} ({k.year})",
                     "name": k.name, "value": k.value, "year": k.year, "rank": k.national_rank,
                     "of": k.national_of, "percentile": round(p, 1),
                     "hover": t("report.rank_text", lang, rank=k.national_rank, of=k.national_of)})
    if not rows:
        return None
    df = pd.DataFrame(rows).sort_values("percentile", ascending=False, kind="stable").reset_index(drop=True)
    total = len(df)
    if total > 2 * POSITION_EACH_END:  # a slide stays legible: the best and the weakest few
        df = pd.concat([df.head(POSITION_EACH_END), df.tail(POSITION_EACH_END)], ignore_index=True)
    fig = figures.position_chart(rows=df, unit_name=inp.unit_name, lang=lang,
                                 axis_title=t("report.position_axis", lang, level=level_pl),
                                 median_label=t("report.position_median", lang))
    best = df.loc[df["percentile"].idxmax()]
    worst = df.loc[df["percentile"].idxmin()]
    takeaway = t("report.takeaway_position", lang, unit=inp.unit_name, best=lower_first(best["name"]),
                 best_pct=fmt_num(best["percentile"], 0, lang), worst=lower_first(worst["name"]),
                 worst_pct=fmt_num(worst["percentile"], 0, lang), level=level_pl)
    srcs = sorted({k.source for k in keys})
    data = df[["indicator", "name", "value", "year", "rank", "of", "percentile"]].rename(columns={
        "indicator": t("report.col_indicator_id", lang), "name": t("report.col_indicator", lang),
        "value": t("report.col_value", lang), "year": t("report.col_year", lang),
        "rank": t("report.col_rank", lang), "of": t("report.col_of", lang),
        "percentile": t("report.col_percentile", lang)})
    caption = t("report.caption_position", lang, level=level_pl)
    if len(df) < total:
        caption += " " + t("report.caption_position_subset", lang, k=POSITION_EACH_END, n=total)
    return ChartItem(key="position", figure=fig, takeaway=takeaway,
                     caption=caption,
                     source="; ".join(srcs), data=data,
                     notes=t("report.notes_position", lang, level=level_pl))


def _trend_item(inp: Inputs, ind_id: str) -> ChartItem | None:
    lang = inp.lang
    ind: Indicator | None = inp.indicators.get(ind_id)
    if ind is None:
        return None
    s = inp.values.loc[(inp.values["indicator"] == ind_id) & inp.values["value"].notna()].sort_values("year")
    if s.empty:
        return None
    med = None
    # a peer median of counts (population, ballots) says nothing next to one unit's count
    comparable = ind.aggregation.rule != "sum"
    if comparable and inp.peer_values is not None and not inp.peer_values.empty and inp.peer_codes:
        pv = inp.peer_values.loc[(inp.peer_values["indicator"] == ind_id) & inp.peer_values["value"].notna()
                                 & inp.peer_values["unit"].isin(set(inp.peer_codes))]
        if not pv.empty:
            med = pv.groupby("year")["value"].median().reset_index()
            med = med.loc[med["year"].between(s["year"].min(), s["year"].max())]
    y_title = f"{ind.name(lang)} ({ind.unit(lang)})"
    fig = figures.trend_chart(series=s[["year", "value"]], unit_name=inp.unit_name, y_title=ind.unit(lang),
                              lang=lang, peer_median=med, peer_label=t("report.peer_median", lang),
                              decimals=ind.decimals)
    first, last = s.iloc[0], s.iloc[-1]
    pct_unit = ind.unit_pl.startswith("%")
    diff = last["value"] - first["value"]
    if pct_unit:
        change = t("report.change_pp", lang, diff=fmt_num(diff, 1, lang, signed=True))
    elif first["value"]:
        change = t("report.change_pct", lang, pct=fmt_num(100 * diff / abs(first["value"]), 1, lang, signed=True))
    else:
        change = ""
    direction = "flat" if abs(diff) < 10 ** -max(ind.decimals, 0) / 2 else ("up" if diff > 0 else "down")
    takeaway = t(f"report.takeaway_trend_{direction}", lang, name=ind.name(lang), unit_name=inp.unit_name,
                 first=fmt_num(first["value"], ind.decimals, lang), last=fmt_num(last["value"], ind.decimals, lang),
                 unit=ind.unit(lang), y0=int(first["year"]), y1=int(last["year"]), change=change)
    srcs = sorted({short_source(r["source"], r.get("method", "source"), r.get("n"), r.get("of"), inp.sources, lang)
                   for r in s.to_dict("records")})
    data = s[["year", "value"]].copy()
    data.columns = [t("report.col_year", lang), y_title]
    if med is not None and not med.empty:
        data = data.merge(med.rename(columns={"year": t("report.col_year", lang),
                                              "value": t("report.peer_median", lang)}),
                          on=t("report.col_year", lang), how="left")
    notes = [t("report.notes_trend", lang, name=ind.name(lang), definition=ind.definition(lang))]
    if ind.notes(lang):
        notes.append(ind.notes(lang))
    caption = t("report.caption_trend", lang, name=ind.name(lang), unit=ind.unit(lang))
    if med is not None and not med.empty:
        caption += " " + t("report.caption_peer_median", lang)
    return ChartItem(key=f"trend:{ind_id}", figure=fig, takeaway=takeaway, caption=caption,
                     source="; ".join(srcs), data=data, notes=" ".join(notes))


def narrative(keys: list[KeyIndicator], indicators: dict, level: str, lang: str) -> list[str]:
    """Plain statements for the speaker notes: the headline indicators with their ranks."""
    level_pl = t(f"report.level_plural_{level}", lang)
    out = []
    heads = {i for i, ind in indicators.items() if ind.headline}
    for k in keys:
        if k.indicator_id not in heads:
            continue
        text = t("report.narrative_value", lang, name=k.name, value=k.value_text, unit=k.unit, year=k.year)
        if k.national_rank:
            text += " " + t("report.narrative_rank", lang, rank=k.national_rank,
                            of=fmt_num(k.national_of, 0, lang), level=level_pl)
        out.append(text)
    return out


def build_model(inp: Inputs) -> ReportModel:
    lang = inp.lang
    keys = build_key_indicators(inp)
    strong, weak = ([], []) if inp.is_area else strengths_weaknesses(keys, inp.indicators, inp.level, lang)
    items: list[ChartItem] = []
    for key in inp.charts:
        item = _position_item(inp, keys) if key == "position" else \
            _trend_item(inp, key.split(":", 1)[1]) if key.startswith("trend:") else None
        if item is not None:
            items.append(item)
    used = set(inp.values.loc[inp.values["indicator"].isin({k.indicator_id for k in keys}
                                                           | {c.split(":", 1)[-1] for c in inp.charts}), "source"])
    used |= set(ALWAYS_SOURCES)
    if inp.locator is not None:
        used.add(MAP_SOURCE)
    me = inp.unit_row or {}
    peers_text = "" if inp.is_area else peer_definition(inp.peer_method, me, len(inp.peer_codes), lang,
                                                        inp.peer_requested)
    notes = [t("report.note_ranks", lang)]
    if inp.is_area:
        notes = [t("report.note_area", lang, n=len(inp.codes))]
    if any(k.note for k in keys):
        notes.append(t("report.note_computed", lang))
    return ReportModel(
        title=inp.title, subtitle=inp.subtitle, lang=lang, date=inp.today or dt.date.today(),
        key_indicators=tuple(keys), charts=tuple(items), strengths=tuple(strong), weaknesses=tuple(weak),
        narrative=tuple(narrative(keys, inp.indicators, inp.level, lang)), peer_definition=peers_text,
        sources=source_refs(used, inp.sources, lang), permalink=inp.permalink, codes=inp.codes,
        is_area=inp.is_area, locator=inp.locator,
        locator_caption=t("report.locator_caption", lang) if inp.locator is not None else "",
        notes=tuple(notes))
