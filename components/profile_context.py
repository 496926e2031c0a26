"""Everything the profile and comparison pages need about the selected unit and its peer group,
assembled once per run from cached services and pure domain functions."""
from __future__ import annotations

from dataclasses import dataclass, replace

import pandas as pd

import services
from components.labels import unit_label
from domain import peers as P
from domain.catalogue import Indicator
from domain.teryt import COUNTRY
from i18n import fmt_num, t
from services import profile as SP


@dataclass
class ProfileContext:
    ingest: str
    lang: str
    code: str
    row: dict
    level: str
    units: pd.DataFrame  # units of the unit's level
    all_units: pd.DataFrame
    values: pd.DataFrame  # the unit's long values
    indicators: dict[str, Indicator]
    sources: pd.DataFrame
    matrix: pd.DataFrame  # wide (indicator, year) of the level
    prov: pd.DataFrame
    spec: P.PeerSpec
    group: P.PeerGroup
    names: dict[str, str]  # short display names of the level's units (and the unit's region/country)
    population: pd.Series | None = None  # residents by code (latest well-covered year)
    population_year: int | None = None
    knn_years: dict[str, int] | None = None
    region: str | None = None
    _sources: dict | None = None

    @property
    def label(self) -> str:
        return unit_label(self.row, self.lang)

    @property
    def n_units(self) -> int:
        return len(self.units)

    def source_line(self, row) -> str:
        """Publisher (vintage) of a value row, saying when it was computed (with coverage)."""
        return source_label(row, self.source_lookup(), self.lang)

    def source_lookup(self) -> dict[str, str]:
        if self._sources is None:
            col = "publisher_" + self.lang
            self._sources = {r["id"]: f"{r[col]} ({r['vintage']})" for r in self.sources.to_dict("records")}
        return self._sources


def build(ingest: str, code: str | None, peers_param: str | None, lang: str) -> ProfileContext:
    all_units = services.units(ingest)
    code = code or COUNTRY
    row = all_units.loc[all_units["code"] == code].iloc[0].to_dict()
    level = row["level"]
    units = all_units.loc[all_units["level"] == level]
    indicators = services.indicators(ingest)
    matrix, prov = SP.profile_matrix(ingest, level)
    names = _names(ingest, lang)
    try:
        spec = P.parse_spec(peers_param)
    except ValueError:
        spec = P.PeerSpec("typology")
    pop, pop_year = SP.level_population(ingest, level)
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
        wanted = [i for i in spec.knn.indicators if i in indicators]
        kmatrix, _ = SP.columns_for(ingest, level, wanted) if wanted else (matrix, prov)
        avail = {i: P.good_years(kmatrix, i, n_units=len(units)) for i in wanted}
        knn_years = P.reference_years(avail)
        ref = P.reference_matrix(kmatrix, knn_years)
        # indicators unknown to the catalogue, or without a well-covered year, stay in the spec
        # so knn_peers reports them as dropped
        nb = P.knn_peers(ref, code, spec.knn)
        nb = replace(nb, dropped=tuple((i, "no_year" if r == "unknown" and i in indicators else r)
                                       for i, r in nb.dropped))
        group = P.PeerGroup("knn", code, nb.codes, level, neighbours=nb)
    return ProfileContext(ingest=ingest, lang=lang, code=code, row=row, level=level, units=units,
                          all_units=all_units, values=services.unit_values(ingest, code), indicators=indicators,
                          sources=services.sources(ingest), matrix=matrix, prov=prov, spec=spec, group=group,
                          names=names, population=pop, population_year=pop_year, knn_years=knn_years,
                          region=code[:2] if level in ("gmina", "powiat") else None)


def source_label(row, lookup: dict[str, str], lang: str) -> str:
    """Same wording as components.overview.source_text, with a prepared source lookup."""
    base = lookup.get(row["source"], row["source"])
    if row["method"] == "aggregated":
        cov = ""
        of = row.get("of")
        if of == of and of:
            cov = t("overview.coverage", lang, n=int(row["n"]), of=int(of))
        return t("overview.aggregated", lang, source=base, coverage=cov)
    if row["method"] == "derived":
        return t("overview.derived", lang, source=base)
    return base


def _resolve6(code: str, level_codes: set[str]) -> str:
    """A 6-digit gmina code (no type digit) -> the one current 7-digit code starting with it."""
    if len(code) != 6:
        return code
    hits = [c for c in level_codes if c.startswith(code)]
    return hits[0] if len(hits) == 1 else code


def _names(ingest: str, lang: str) -> dict[str, str]:
    return SP.unit_names(ingest, lang)


# --------------------------------------------------------------------------------------------
# Texts describing a group (stated on every chart)
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
    mieszkańców (2024) — 232 jednostki"."""
    g, lang = ctx.group, ctx.lang
    if g.method == "none":
        return t("peers.desc.none", lang)
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
        return t("peers.desc.knn", lang, n=g.n, indicators=inds,
                 years=", ".join(str(y) for y in years if y) or "–")
    return t("peers.desc.custom", lang, n=g.n)


def _weighted_name(ctx: ProfileContext, ind: str) -> str:
    name = ctx.indicators[ind].name(ctx.lang) if ind in ctx.indicators else ind
    w = ctx.group.neighbours.weights.get(ind, 1.0) if ctx.group.neighbours else 1.0
    return name if w == 1 else f"{name} ×{fmt_num(w, 1 if w % 1 else 0, ctx.lang)}"


def level_plural(level: str, lang: str) -> str:
    return t(f"profile.level_gen.{level}", lang)
