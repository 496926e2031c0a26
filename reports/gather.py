"""Build a report model from the same pieces as the profile and comparison pages (no Streamlit).

A unit or a functional area becomes a presentation.profile_context.ProfileContext (peer group by
domain.peers from the URL's ``peers=`` — typology, kNN or own list; an area: its own gminy,
powiaty of similar size, kNN powiaty or own list), its key indicators are
domain.profile.profile_cards (national ranks by domain.rankings; none for an area), strengths and
weaknesses domain.narrative.summarise, and the charts presentation.profile_charts (the very
ChartResults the comparison page shows, with their data-generated takeaways). The peer-group
definition is presentation.profile_context.group_text — word for word what the profile says.

``src`` is a data source with the profile's interface: services.profile.Source (the app's
cached reads) or a bare Store (wrapped in reports.source.StoreSource: command line, tests).
"""
from __future__ import annotations

import datetime as dt
import json

import pandas as pd

from presentation import profile_charts
from presentation.labels import unit_type_label
from presentation.profile_context import (ProfileContext, build as build_context, cards_and_summary, group_text,
                                        level_plural, members_only, statement_text)
from domain.narrative import MIN_PEERS
from i18n import fmt_num, t
from i18n import unit_after as unit_form
from i18n.plurals import with_unit
from reports.locator import Locator, context_features
from reports.model import ChartItem, Fact, KeyIndicator, ReportModel, source_refs
from reports.source import as_source

ALWAYS_SOURCES = ("teryt_units_2026",)  # unit names and codes
MAP_SOURCE = "prg_boundaries"
LOCATOR_CONTEXT_LEVEL = {"gmina": "gmina", "powiat": "powiat", "wojewodztwo": "wojewodztwo"}
DEFAULT_CHARTS = ("position", "trend:population_total", "ranking:own_revenue_per_capita", "trend:turnout_sejm",
                  "age")
MAX_SUBTITLE_MEMBERS = 8


# -- titles ----------------------------------------------------------------------------------------
def unit_title(row: dict, lang: str, parents: dict[str, str]) -> tuple[str, str]:
    """(title, subtitle) of a unit, e.g. ("Bolesławiec", "gmina wiejska · pow. bolesławiecki · TERYT 0201022")."""
    level, name, code = row["level"], row["name"], row["code"]
    if level == "country":
        return t("unit.poland", lang), t("unit.country", lang)
    if level == "wojewodztwo":
        return t("report.title_woj", lang, name=name), f"{unit_type_label(row, lang)} · TERYT {code}"
    if level == "powiat" and not row.get("city_powiat"):
        return t("report.title_powiat", lang, name=name), f"{unit_type_label(row, lang)} · TERYT {code}"
    kind = unit_type_label(row, lang)
    powiat = parents.get(row.get("parent_code") or "", "")
    if level == "gmina" and powiat and not row.get("city_powiat"):
        return name, f"{kind} · {t('report.powiat_prefix', lang, name=powiat)} · TERYT {code}"
    return name, f"{kind} · TERYT {code}"


def member_names(ctx: ProfileContext) -> list[tuple[str, str]]:
    """An area's gminy as (code, name), alphabetically."""
    names = dict(zip(ctx.all_units["code"], ctx.all_units["name"]))
    return sorted(((c, names.get(c, c)) for c in ctx.members), key=lambda x: (x[1].casefold(), x[0]))


def _titles(ctx: ProfileContext) -> tuple[str, str]:
    lang = ctx.lang
    if ctx.is_area:
        names = [n for _, n in member_names(ctx)]
        shown = ", ".join(names[:MAX_SUBTITLE_MEMBERS])
        if len(names) > MAX_SUBTITLE_MEMBERS:
            shown += t("areas.and_more", lang, n=len(names) - MAX_SUBTITLE_MEMBERS)
        return ctx.label, t("report.area_subtitle", lang, names=shown)
    units = ctx.all_units
    parents = dict(zip(units.loc[units["level"] == "powiat", "code"], units.loc[units["level"] == "powiat", "name"]))
    return unit_title(ctx.row, lang, parents)


# -- locator map -------------------------------------------------------------------------------------
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
    if ctx_level:
        lay = src.layer("powiat" if ctx_level == "wojewodztwo" else ctx_level)
        if lay is not None:
            context = context_features(json.loads(lay[0]), highlight)
    return Locator(regions=tuple(regions), highlight=tuple(highlight), context=tuple(context), label=label)


# -- pieces ----------------------------------------------------------------------------------------
def short_source(row: dict, ctx: ProfileContext) -> str:
    """"GUS (2024)"; computed values say so, with coverage ("… (obliczone: 4 z 4 gmin)")."""
    s = ctx.sources.set_index("id")
    sid = row["source"]
    if sid not in s.index:
        return str(sid)
    r = s.loc[sid]
    vintage = str(r["vintage"]).split(" (")[0]  # "2025 (inferred: ...)" -> "2025"; the full text is in the sources
    base = f"{publisher_short(str(r['publisher_' + ctx.lang]))} ({vintage})"
    method, n, of = row.get("method", "source"), row.get("n"), row.get("of")
    if method == "aggregated" and of == of and of:
        key = "report.coverage_gminy" if ctx.is_area else "report.coverage"
        return t("report.computed_source", ctx.lang, source=base, coverage=t(key, ctx.lang, n=fmt_num(int(n), 0, ctx.lang),
                                                                                of=fmt_num(int(of), 0, ctx.lang)))
    if method in ("aggregated", "derived"):
        return t("report.derived_source", ctx.lang, source=base)
    return base


def publisher_short(publisher: str) -> str:
    """"GUS – Bank Danych Lokalnych (eksport)" -> "GUS"; the full text is in the sources section."""
    return publisher.split(" (")[0].split(" – ")[0].strip()


def key_indicators(ctx: ProfileContext, cards: pd.DataFrame) -> list[KeyIndicator]:
    lang = ctx.lang
    rows = []
    for r in cards.to_dict("records"):
        ind = ctx.indicators[r["indicator"]]
        computed = r.get("method", "source") != "source"
        coverage = ""
        if ctx.is_area and r.get("of") == r.get("of") and r.get("of"):
            coverage = t("areas.coverage", lang, n=fmt_num(int(r["n"]), 0, lang), of=fmt_num(int(r["of"]), 0, lang))
        rows.append(KeyIndicator(
            indicator_id=ind.id, name=ind.name(lang), value=float(r["value"]),
            value_text=fmt_num(r["value"], ind.decimals, lang),
            unit=unit_form(fmt_num(r["value"], ind.decimals, lang), ind.unit(lang), lang, keep_count_word=True),
            year=int(r["year"]),
            source=short_source(r, ctx), category=t(f"category.{ind.category}", lang),
            national_rank=int(r["rank"]) if pd.notna(r["rank"]) else None,
            national_of=int(r["rank_of"]) if pd.notna(r["rank"]) else None,
            peer_rank=int(r["peer_rank"]) if pd.notna(r["peer_rank"]) else None,
            peer_of=int(r["peer_rank_of"]) if pd.notna(r["peer_rank"]) else None,
            note=t("report.computed_short", lang) if computed else "", coverage=coverage,
            category_id=ind.category, decimals=int(ind.decimals),
            peer_median=float(r["peer_median"]) if pd.notna(r.get("peer_median")) else None,
            peer_median_text=fmt_num(r["peer_median"], ind.decimals, lang) if pd.notna(r.get("peer_median")) else ""))
    return rows


def short_statement(s, ctx: ProfileContext) -> str:
    """"Korzystający z gazu sieciowego (2019): 43,6 % ludności; mediana grupy 6,2 % ludności; 51. miejsce na 288"."""
    lang = ctx.lang
    ind = ctx.indicators[s.indicator]
    val = with_unit(fmt_num(s.value, ind.decimals, lang), s.value, ind.unit(lang), lang, ind.decimals)
    med = with_unit(fmt_num(s.peer_median, ind.decimals, lang), s.peer_median, ind.unit(lang), lang, ind.decimals)
    return t("seminar.sw_short", lang, name=ind.name(lang), year=s.year, value=val, median=med, rank=s.rank,
             of=fmt_num(s.of, 0, lang))


def facts(ctx: ProfileContext) -> list[Fact]:
    """Every value the subject has (ctx.values: the profile's own read), in catalogue order, then by year."""
    lang = ctx.lang
    v = ctx.values.loc[ctx.values["value"].notna() & ctx.values["indicator"].isin(ctx.indicators.keys())]
    order = {i: n for n, i in enumerate(ctx.indicators)}
    out = []
    sources: dict[tuple, str] = {}  # short_source per (source, method, n, of): a few distinct ones per unit
    for r in sorted(v.to_dict("records"), key=lambda r: (order[r["indicator"]], int(r["year"]))):
        ind = ctx.indicators[r["indicator"]]
        skey = (r["source"], r.get("method"), r.get("n"), r.get("of"))
        if skey not in sources:
            sources[skey] = short_source(r, ctx)
        out.append(Fact(indicator_id=ind.id, name=ind.name(lang), category_id=ind.category, year=int(r["year"]),
                        value=float(r["value"]), value_text=fmt_num(r["value"], ind.decimals, lang),
                        unit=ind.unit(lang), decimals=int(ind.decimals), source=sources[skey]))
    return out


def location(ctx: ProfileContext) -> list[str]:
    """The unit's kind and the units above it, in words (empty for an area and Poland)."""
    if ctx.is_area or ctx.level == "country":
        return []
    names = dict(zip(ctx.all_units["code"], ctx.all_units["name"]))
    out = [unit_type_label(ctx.row, ctx.lang)]
    parent = ctx.row.get("parent_code") or ""
    if ctx.level == "gmina" and parent and not ctx.row.get("city_powiat") and parent in names:
        out.append(t("report.powiat_prefix", ctx.lang, name=names[parent]))
    woj = ctx.code[:2]
    if ctx.level != "wojewodztwo" and woj in names:
        out.append(t("docx.woj_prefix", ctx.lang, name=names[woj]))
    return out


def narrative(ctx: ProfileContext, keys: list[KeyIndicator]) -> list[str]:
    """Plain statements for the speaker notes: the headline indicators with their ranks."""
    lang = ctx.lang
    heads = {i for i, ind in ctx.indicators.items() if ind.headline}
    out = []
    for k in keys:
        if k.indicator_id not in heads:
            continue
        text = t("report.narrative_value", lang, name=k.name,
                 value=with_unit(k.value_text, k.value, k.unit, lang, k.decimals), year=k.year)
        if k.national_rank:
            text += " " + t("report.narrative_rank", lang, rank=k.national_rank, of=fmt_num(k.national_of, 0, lang),
                            level=level_plural(ctx.level, lang))
        if k.peer_rank:
            text += " " + ctx.peer_text("report.narrative_peer_rank", rank=k.peer_rank, of=k.peer_of)
        out.append(text)
    return out


def members_only_lines(ctx: ProfileContext) -> list[str]:
    lang = ctx.lang
    out = []
    for ind_id, year, n, of, why in members_only(ctx):
        out.append(t(f"profile.members_only.{why}", lang, name=ctx.indicators[ind_id].name(lang), year=year,
                     coverage=t("areas.coverage", lang, n=n, of=of)))
    return out


# -- chart choice ------------------------------------------------------------------------------------
def available_keys(values: pd.DataFrame, indicators: dict, *, ranked: bool, area_members: bool = False) -> list[str]:
    """Chart keys with data for a subject's ``values``: the position chart (units with national
    ranks), per profile indicator a time series (>= 3 years), ranking, distribution, level ×
    change (>= 2 years) and a scatter against population, and the age structure."""
    v = values.loc[values["value"].notna()]
    counts = v.groupby("indicator")["year"].nunique()
    out = ["position"] if ranked else []
    x = "population_density" if area_members else "population_total"
    for ind_id, ind in indicators.items():
        n = int(counts.get(ind_id, 0))
        if not ind.profile or not n:
            continue
        if n >= 3:
            out.append(f"trend:{ind_id}")
        out += [f"ranking:{ind_id}", f"distribution:{ind_id}"]
        if n >= 2:
            out.append(f"quadrant:{ind_id}")
        if ind_id != x:
            out.append(f"scatter:{x}:{ind_id}")
    if set(profile_charts.AGE_GROUPS) <= set(counts.index):
        out.append("age")
    return out


def default_charts(available: list[str]) -> list[str]:
    return [k for k in DEFAULT_CHARTS if k in available]


def chart_choices(src, *, code: str | None = None, area: tuple[str, ...] = (), peers: str | None = None) -> list[str]:
    src = as_source(src)
    if len(area) >= 2:
        members_mode = not peers or peers.startswith("members")
        return available_keys(src.area_values(tuple(area)), src.indicators(), ranked=False, area_members=members_mode)
    code = code or "PL"
    units = src.units()
    level = units.loc[units["code"] == code, "level"]
    ranked = len(level) > 0 and level.iloc[0] != "country"
    return available_keys(src.unit_values(code), src.indicators(), ranked=ranked)


# -- the model ----------------------------------------------------------------------------------------
def build(src, *, lang: str, code: str | None = None, area: tuple[str, ...] = (), peers: str | None = None,
          charts: tuple[str, ...] | None = None, permalink: str = "", today: dt.date | None = None,
          with_map: bool = True) -> ReportModel:
    """The report of a unit (``code``) or a functional area (``area``: its gminy)."""
    src = as_source(src)
    units = src.units()
    if len(area) >= 2:
        gminy = set(units.loc[units["level"] == "gmina", "code"])
        area = tuple(c for c in area if c in gminy)
    if len(area) < 2:
        area = ()
        if code and code not in set(units["code"]):
            raise ValueError(f"unknown unit {code!r}")  # the app validates units before (sidebar)
    ctx = build_context(src, code, peers, lang, area=area)
    title, subtitle = _titles(ctx)
    cards, summary = cards_and_summary(ctx)
    keys = key_indicators(ctx, cards)

    strong: list[str] = []
    weak: list[str] = []
    strong_short: list[str] = []
    weak_short: list[str] = []
    sw_note = ""
    if summary is not None:
        if summary.peer_n < MIN_PEERS:
            sw_note = t("narrative.too_few", lang, n=summary.peer_n, min=MIN_PEERS)
        strong = [statement_text(s, ctx, plain=True) for s in summary.strengths]
        weak = [statement_text(s, ctx, plain=True) for s in summary.weaknesses]
        strong_short = [short_statement(s, ctx) for s in summary.strengths]
        weak_short = [short_statement(s, ctx) for s in summary.weaknesses]

    available = available_keys(ctx.values, ctx.indicators, ranked=not ctx.is_area and ctx.level != "country",
                               area_members=ctx.members_mode)
    chosen = [k for k in (charts if charts is not None else default_charts(available)) if k in available]
    items: list[ChartItem] = []
    used = set(ctx.values.loc[ctx.values["indicator"].isin(cards["indicator"]), "source"]) | set(ALWAYS_SOURCES)
    peer_line = t("report.chart_group", lang, group=group_text(ctx))
    for key in chosen:
        res = profile_charts.chart(ctx, key, cards)
        if res.figure is None:
            continue
        used |= set(res.source_ids)
        ind = ctx.indicators.get(key.split(":")[-1])
        notes = [res.takeaway]
        if ind is not None:
            notes.append(t("report.notes_indicator", lang, name=ind.name(lang), definition=ind.definition(lang)))
            if ind.notes(lang):
                notes.append(ind.notes(lang))
        items.append(ChartItem(key=key, figure=res.figure, takeaway=res.takeaway,
                               caption=f"{res.note} {peer_line} {t('report.chart_years', lang, years=res.years)}",
                               source=res.sources, data=res.data, notes=" ".join(notes)))

    codes = ctx.members if ctx.is_area else (ctx.code,)
    loc = None
    if with_map and (ctx.is_area or ctx.level != "country"):
        loc = locator(src, list(codes), "gmina" if ctx.is_area else ctx.level, label=title)
    if loc is not None:
        used.add(MAP_SOURCE)
    notes = [t("report.note_ranks", lang)]
    if ctx.is_area:
        notes = [t("report.note_area", lang, n=len(ctx.members)), t("report.note_area_ranks", lang),
                 t("report.members_list", lang, names=", ".join(f"{n} ({c})" for c, n in member_names(ctx)))]
    if any(k.note for k in keys):
        notes.append(t("report.note_computed", lang))
    return ReportModel(
        title=title, subtitle=subtitle, lang=lang, date=today or dt.date.today(), key_indicators=tuple(keys),
        charts=tuple(items), strengths=tuple(strong), weaknesses=tuple(weak), narrative=tuple(narrative(ctx, keys)),
        peer_definition=group_text(ctx) if ctx.group.method != "none" else "",
        sources=source_refs(used, ctx.sources, lang), permalink=permalink, codes=tuple(codes), is_area=ctx.is_area,
        locator=loc, locator_caption=t("report.locator_caption", lang) if loc is not None else "",
        notes=tuple(notes), members=tuple(member_names(ctx)) if ctx.is_area else (),
        members_only=tuple(members_only_lines(ctx)), sw_note=sw_note,
        peer_names=tuple(ctx.names.get(c, c) for c in ctx.group.codes),
        facts=tuple(facts(ctx)), location=tuple(location(ctx)), level="area" if ctx.is_area else ctx.level,
        peer_n=ctx.group.n if ctx.group.method != "none" else None,
        strengths_short=tuple(strong_short), weaknesses_short=tuple(weak_short))


__all__ = ["build", "chart_choices", "default_charts", "available_keys", "locator", "unit_title"]
