"""Everything the profile, comparison and report views need about their subject — a unit or a
functional area — and its peer group, assembled once per run from a data source and pure domain
functions. No Streamlit here: the pages pass ``services.profile.source(ingest)`` (cached), the
reports and the command line a ``reports.source.StoreSource`` (a bare Store).

A unit is compared with units of its own level. An area (a group of gminy, ``area=`` in the URL)
is compared, by the same ``peers=`` parameter (domain.peers), with its own member gminy
(default), with powiaty of similar size ("areas of similar size": every powiat is a group of its
gminy), with the k most similar powiaty, or with a user's list of gminy or powiaty. The area's
values (domain.areas, the same numbers as /obszary) become one more row of the comparison level's
matrix, so ranks, medians, charts and kNN treat it like a unit.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import pandas as pd

from presentation.source import ProfileSource
from presentation.labels import gminy_word, source_label, source_lookup, unit_label
from domain import areas as A
from domain import peers as P
from domain.catalogue import Indicator
from domain.narrative import Statement, Summary, summarise
from domain.profile import profile_cards, value_at, with_row
from domain.teryt import COUNTRY
from i18n import fmt_num, t
from i18n.plurals import with_unit


@dataclass
class ProfileContext:
    src: ProfileSource  # services.profile.Source (cached) or reports.source.StoreSource (a bare Store)
    lang: str
    code: str  # the unit's code, or the area's canonical definition ("1206113,1206172,...")
    row: dict  # the unit's row (an area: code, name, level "area")
    level: str  # the comparison level (an area: gmina or powiat, by the peer method)
    units: pd.DataFrame  # units of the comparison level
    all_units: pd.DataFrame
    values: pd.DataFrame  # the subject's long values
    indicators: dict[str, Indicator]
    sources: pd.DataFrame
    matrix: pd.DataFrame  # wide (indicator, year) of the level (+ an area's own row)
    prov: pd.DataFrame
    spec: P.PeerSpec
    group: P.PeerGroup
    names: dict[str, str]  # short display names of the level's units (and the subject)
    population: pd.Series | None = None  # residents by code (latest well-covered year)
    population_year: int | None = None
    knn_years: dict[str, int] | None = None
    region: str | None = None
    members: tuple[str, ...] = ()  # an area's gminy
    peers_auto: bool = False  # an area too small for its own gminy as peers: kNN powiaty chosen for it
    _sources: dict | None = None

    @property
    def is_area(self) -> bool:
        return bool(self.members)

    @property
    def label(self) -> str:
        if self.is_area:
            return area_title(len(self.members), self.lang)
        return unit_label(self.row, self.lang)

    @property
    def short_name(self) -> str:
        return self.names.get(self.code, self.code)

    @property
    def n_units(self) -> int:
        return len(self.units)

    @property
    def members_mode(self) -> bool:
        return self.group.method == "members"

    def comparable(self, indicator: str) -> bool:
        """Whether the subject's value of ``indicator`` is ranked against its peers (an area's
        count is not compared with its own members)."""
        ind = self.indicators.get(indicator)
        return ind is None or P.comparable(ind.aggregation.rule, self.group.method)

    def peer_text(self, key: str, **kw) -> str:
        """Chart wording for the peer group: "grupa porównawcza" — or "gminy obszaru" when an
        area is compared with its own members (keys ``<key>`` and ``<key>_members``)."""
        return t(f"{key}_members" if self.members_mode else key, self.lang, **kw)

    def frame(self, indicators) -> tuple[pd.DataFrame, pd.DataFrame]:
        """(wide, prov) of the comparison level holding ``indicators`` (+ the area's own row)."""
        wide, prov = self.src.columns(self.level, list(indicators))
        if self.is_area:
            wide = with_row(wide, self.code, self.values)
        return wide, prov

    def source_line(self, row) -> str:
        """Publisher (vintage) of a value row, saying when it was computed (with coverage)."""
        return source_label(row, self.source_lookup(), self.lang, members="gminy" if self.is_area else "")

    def source_lookup(self) -> dict[str, str]:
        if self._sources is None:
            self._sources = source_lookup(self.sources, self.lang)
        return self._sources


def area_title(n: int, lang: str) -> str:
    return t("profile.area_title", lang, gminy=gminy_word(n, lang))


def area_short(n: int, lang: str) -> str:
    return t("profile.area_short", lang, gminy=gminy_word(n, lang))


def area_default_method(n_members: int) -> str:
    """An area's default peer group: its own gminy when they are enough for claims
    (>= MIN_PEERS), else the powiaty nearest to it (kNN), so a 3-gmina area opens with a usable
    group and its strengths instead of "za mało"."""
    return "members" if n_members >= P.MIN_PEERS else "knn"


def _spec(peers_param: str | None, *, area: bool, n_members: int = 0) -> P.PeerSpec:
    try:
        spec = P.parse_spec(peers_param)
    except ValueError:
        spec = P.PeerSpec("typology")
    if area:
        if not peers_param:
            return P.PeerSpec(area_default_method(n_members))
        return P.PeerSpec("typology") if spec.method == "typology_woj" else spec
    return P.PeerSpec("typology") if spec.method == "members" else spec


def _knn(src, level: str, units: pd.DataFrame, indicators, spec: P.PeerSpec, code: str,
         area_values: pd.DataFrame | None = None) -> tuple[P.PeerGroup, dict[str, int]]:
    wanted = [i for i in spec.knn.indicators if i in indicators]
    kmatrix, _ = src.columns(level, wanted) if wanted else src.profile_matrix(level)
    if area_values is not None:
        kmatrix = with_row(kmatrix, code, area_values)
    avail = {i: P.good_years(kmatrix, i, n_units=len(units)) for i in wanted}
    years = P.reference_years(avail)
    ref = P.reference_matrix(kmatrix, years)
    # indicators unknown to the catalogue, or without a well-covered year, stay in the spec so
    # knn_peers reports them as dropped
    nb = P.knn_peers(ref, code, spec.knn)
    nb = replace(nb, dropped=tuple((i, "no_year" if r == "unknown" and i in indicators else r) for i, r in nb.dropped))
    return P.PeerGroup("knn", code, nb.codes, level, neighbours=nb), years


def build(src, code: str | None, peers_param: str | None, lang: str, *, area=()) -> ProfileContext:
    """The context of a unit (``code``; None = Poland) or, when ``area`` holds at least two
    gminy, of that functional area."""
    if len(area) >= A.MIN_MEMBERS:
        return build_area(src, tuple(area), peers_param, lang)
    all_units = src.units()
    code = code or COUNTRY
    row = all_units.loc[all_units["code"] == code].iloc[0].to_dict()
    level = row["level"]
    units = all_units.loc[all_units["level"] == level]
    indicators = src.indicators()
    matrix, prov = src.profile_matrix(level)
    spec = _spec(peers_param, area=False)
    pop, pop_year = src.population(level)
    knn_years = None
    if level == "country":
        group = P.PeerGroup("none", code, (), level)
    elif spec.method in ("typology", "typology_woj"):
        group = P.typology_peers(units, pop, code, same_woj=spec.method == "typology_woj")
    elif spec.method == "custom":
        level_codes = set(units["code"])
        resolved = tuple(_resolve6(c, level_codes) for c in spec.codes)
        group = P.custom_peers(level_codes, code, resolved, level)
    else:
        group, knn_years = _knn(src, level, units, indicators, spec, code)
    return ProfileContext(src=src, lang=lang, code=code, row=row, level=level, units=units, all_units=all_units,
                          values=src.unit_values(code), indicators=indicators, sources=src.sources(), matrix=matrix,
                          prov=prov, spec=spec, group=group, names=src.names(lang), population=pop,
                          population_year=pop_year, knn_years=knn_years,
                          region=code[:2] if level in ("gmina", "powiat") else None)


def _custom_level(codes: tuple[str, ...]) -> str:
    """The level a user's list for an area mostly holds: gminy (6/7 digits) or powiaty (4)."""
    n_powiat = sum(len(c) == 4 for c in codes)
    return "powiat" if n_powiat > len(codes) - n_powiat else "gmina"


def build_area(src, members: tuple[str, ...], peers_param: str | None, lang: str) -> ProfileContext:
    codes = A.canonical_codes(members)
    acode = ",".join(codes)
    all_units = src.units()
    indicators = src.indicators()
    values = src.area_values(codes)
    spec = _spec(peers_param, area=True, n_members=len(codes))
    level = {"members": "gmina", "custom": _custom_level(spec.codes)}.get(spec.method, "powiat")
    units = all_units.loc[all_units["level"] == level]
    matrix, prov = src.profile_matrix(level)
    matrix = with_row(matrix, acode, values)
    pop, pop_year = src.population(level)
    knn_years = None
    if spec.method == "members":
        group = P.members_peers(acode, codes)
    elif spec.method == "custom":
        level_codes = set(units["code"])
        resolved = tuple(_resolve6(c, level_codes) for c in spec.codes)
        group = P.custom_peers(level_codes, acode, resolved, level)
    elif spec.method == "typology":
        own = value_at(values, "population_total", pop_year) if pop_year else None
        group = P.area_size_peers(pop, acode, own[1] if own else None, level=level)
    else:
        group, knn_years = _knn(src, level, units, indicators, spec, acode, values)
    names = dict(src.names(lang))  # a copy: the cached dict is shared
    names[acode] = area_short(len(codes), lang)
    regions = {c[:2] for c in codes}
    row = {"code": acode, "name": names[acode], "level": "area", "members": codes}
    return ProfileContext(src=src, lang=lang, code=acode, row=row, level=level, units=units, all_units=all_units,
                          values=values, indicators=indicators, sources=src.sources(), matrix=matrix, prov=prov,
                          spec=spec, group=group, names=names, population=pop, population_year=pop_year,
                          knn_years=knn_years, region=regions.pop() if len(regions) == 1 else None, members=codes,
                          peers_auto=not peers_param and spec.method != "members")


def withheld(ctx: ProfileContext) -> dict[str, tuple[int, int, int]]:
    """indicator -> (year, n, of): a year later than the area's latest value whose value was
    withheld because too few members have data."""
    if not ctx.is_area or ctx.values.empty:
        return {}
    latest = A.latest(ctx.values)
    late = latest.loc[latest["withheld_year"].notna()]
    return {r["indicator"]: (int(r["withheld_year"]), int(r["withheld_n"]), int(r["withheld_of"]))
            for r in late.to_dict("records")}


def not_compared(ctx: ProfileContext) -> frozenset[str]:
    """Profile indicators whose value is not ranked against the peers (an area's counts against
    its own members)."""
    return frozenset(i for i in ctx.indicators if not ctx.comparable(i))


def cards_and_summary(ctx: ProfileContext) -> tuple[pd.DataFrame, Summary | None]:
    """The subject's profile cards (domain.profile.profile_cards: national ranks for units only,
    peer ranks where comparable) and its strengths/weaknesses against the peers
    (domain.narrative.summarise; None without a peer group) — what the profile page and the
    reports show."""
    skip = not_compared(ctx)
    cards = profile_cards(ctx.values, ctx.indicators, ctx.matrix, unit=ctx.code, peers=ctx.group.codes,
                          national=not ctx.is_area, not_compared=skip)
    if ctx.group.method == "none":
        return cards, None
    return cards, summarise(cards.loc[~cards["indicator"].isin(skip)], ctx.indicators, ctx.matrix, ctx.group.codes,
                            unit=ctx.code)


def members_only(ctx: ProfileContext) -> list[tuple[str, int, int, int, str]]:
    """(indicator, year, n, of, why) shown for the members only: ``not_aggregable`` (no honest
    rule) or ``withheld`` (no year with enough members' data), in catalogue order."""
    if not ctx.is_area or ctx.values.empty:
        return []
    latest = A.latest(ctx.values).set_index("indicator")
    out = []
    for ind_id in ctx.indicators:
        if ind_id not in latest.index:
            continue
        r = latest.loc[ind_id]
        if A.NOT_AGGREGABLE in str(r["flag"]):
            out.append((ind_id, int(r["year"]), int(r["n"]), int(r["of"]), "not_aggregable"))
        elif pd.isna(r["value"]) and pd.notna(r["withheld_year"]):
            out.append((ind_id, int(r["withheld_year"]), int(r["withheld_n"]), int(r["withheld_of"]), "withheld"))
    return out


def _resolve6(code: str, level_codes: set[str]) -> str:
    """A 6-digit gmina code (no type digit) -> the one current 7-digit code starting with it."""
    if len(code) != 6:
        return code
    hits = [c for c in level_codes if c.startswith(code)]
    return hits[0] if len(hits) == 1 else code


# --------------------------------------------------------------------------------------------
# Texts describing a group (stated on every chart, on the profile and in the reports)
# --------------------------------------------------------------------------------------------
def size_text(lo: float | None, hi: float | None, lang: str) -> str:
    if lo is None or hi is None:
        return t("peers.size.any", lang)
    if lo <= 0 and hi == P.INF:
        return t("peers.size.any", lang)
    if lo <= 0:
        return t("peers.size.below", lang, hi=fmt_num(hi, 0, lang))
    if hi == P.INF:
        return t("peers.size.above", lang, lo=fmt_num(lo, 0, lang))
    return t("peers.size.between", lang, lo=fmt_num(lo, 0, lang), hi=fmt_num(hi - 1, 0, lang))


def group_text(ctx: ProfileContext) -> str:
    """One line saying exactly who the peers are, e.g. "gminy wiejskie, od 10 000 do 19 999
    mieszkańców (2024) — 232 jednostki" or "gminy należące do obszaru; n = 4"."""
    g, lang = ctx.group, ctx.lang
    if g.method == "none":
        return t("peers.desc.none", lang)
    if g.method == "members":
        return t("peers.desc.members", lang, n=g.n)
    if g.method == "typology" and g.kind == "area":
        if g.size_lo is None:
            return t("peers.desc.area_size_nosize", lang, n=g.n)
        text = t("peers.desc.area_size", lang, size=size_text(g.size_lo, g.size_hi, lang),
                 year=ctx.population_year or "–", n=g.n)
        if g.widened:
            text += t("peers.widened", lang, min=P.MIN_PEERS)
        return text
    if g.method in ("typology", "typology_woj"):
        if ctx.level == "wojewodztwo":
            return t("peers.desc.wojewodztwa", lang, n=g.n)
        woj = ""
        if g.woj:
            woj = t("peers.in_woj", lang, name=ctx.names.get(g.woj, g.woj))
        if g.size_lo is None:
            return t("peers.desc.typology_nosize", lang, kind=t(f"peers.kind.{g.kind}", lang), woj=woj, n=g.n)
        text = t("peers.desc.typology", lang, kind=t(f"peers.kind.{g.kind}", lang),
                 size=size_text(g.size_lo, g.size_hi, lang), year=ctx.population_year or "–", woj=woj, n=g.n)
        if g.widened:
            text += t("peers.widened", lang, min=P.MIN_PEERS)
        return text
    if g.method == "knn":
        nb = g.neighbours
        inds = ", ".join(_weighted_name(ctx, i) for i in nb.used) if nb and nb.used else "–"
        years = sorted(set((ctx.knn_years or {}).get(i) for i in (nb.used if nb else ()))) if nb else []
        return t("peers.desc.knn_area" if ctx.is_area else "peers.desc.knn", lang, n=g.n, indicators=inds,
                 years=", ".join(str(y) for y in years if y) or "–")
    if ctx.is_area:
        return t("peers.desc.custom_area", lang, n=g.n, level=level_plural(ctx.level, lang))
    return t("peers.desc.custom", lang, n=g.n)


def _weighted_name(ctx: ProfileContext, ind: str) -> str:
    name = ctx.indicators[ind].name(ctx.lang) if ind in ctx.indicators else ind
    w = ctx.group.neighbours.weights.get(ind, 1.0) if ctx.group.neighbours else 1.0
    return name if w == 1 else f"{name} ×{fmt_num(w, 1 if w % 1 else 0, ctx.lang)}"


def statement_text(s: Statement, ctx: ProfileContext, *, plain: bool = False) -> str:
    """One sentence, e.g. "**Frekwencja ...** (2023): 77,40 % — więcej niż mediana grupy
    (70,65 %); 4. miejsce na 26. Źródło: PKW (2011–2023)." (Markdown; ``plain``: without the
    Markdown emphasis, for reports)."""
    lang = ctx.lang
    ind = ctx.indicators[s.indicator]

    def val(x: float) -> str:
        return with_unit(fmt_num(x, ind.decimals, lang), x, ind.unit(lang), lang, ind.decimals).strip()

    comparison = ctx.peer_text(f"narrative.{'more' if s.direction == 'above' else 'less'}", median=val(s.peer_median),
                               n=s.peer_n)
    key = "narrative.sentence_neutral" if s.kind == "notable" else "narrative.sentence"
    text = t(key, lang, name=ind.name(lang), year=s.year, value=val(s.value), comparison=comparison, rank=s.rank,
             of=s.of)
    if s.small_base:
        sb = s.small_base
        base = ctx.indicators.get(sb["indicator"])
        text += " " + t("narrative.small_base", lang, base=base.name(lang) if base else sb["indicator"],
                        value=fmt_num(sb["value"], 0, lang), year=sb["year"], below=fmt_num(sb["below"], 0, lang))
    src = ctx.source_line({"source": s.source, "method": s.method, "n": None, "of": None})
    if plain:
        return f"{text.replace('**', '')} {t('narrative.source_plain', lang, source=src)}"
    return text + " " + t("narrative.source", lang, source=src)


def level_plural(level: str, lang: str) -> str:
    return t(f"profile.level_gen.{level}", lang)
