"""Resolve the map's view (level, indicator, year, classification) from the shared URL state.

Pure (no Streamlit): the page shows the returned notes and writes the resolved values back, so
the address bar is always a permalink of what is drawn. Bad or unavailable parameters never
break the page: each is replaced by a sensible default with a note saying so.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from presentation.data_text import md
from domain import palettes
from domain.catalogue import CATEGORIES, Indicator
from domain.classify import DEFAULT_K, DEFAULT_METHOD, METHODS, ClassifyError, parse_breaks
from domain.permalink import ViewState

LEVELS = ("gmina", "powiat", "wojewodztwo")  # finest first
DEFAULT_LEVEL = "gmina"
DEFAULT_INDICATOR = "population_density"


@dataclass(frozen=True)
class Note:
    key: str                       # message key (map.*)
    severity: str = "info"         # info | warning
    params: tuple[tuple[str, str], ...] = ()

    def kwargs(self) -> dict[str, str]:
        return dict(self.params)


@dataclass(frozen=True)
class MapParams:
    level: str
    indicator: str
    year: int
    method: str = DEFAULT_METHOD
    k: int = DEFAULT_K
    breaks: tuple[float, ...] | None = None
    palette: str | None = None
    notes: tuple[Note, ...] = field(default_factory=tuple)

    @property
    def diverging(self) -> bool:
        return self.palette in palettes.DIVERGING if self.palette else False


def indicator_order(ids, indicators: dict[str, Indicator]) -> list[str]:
    """Indicators grouped by category (catalogue order of categories), then catalogue order."""
    pos = {i: n for n, i in enumerate(indicators)}
    cat = {c: n for n, c in enumerate(CATEGORIES)}
    return sorted(ids, key=lambda i: (cat.get(indicators[i].category, 99), pos.get(i, 9999)))


def default_indicator(level: str, available: dict[str, dict[str, tuple[int, ...]]],
                      indicators: dict[str, Indicator]) -> str | None:
    here = [i for i in available.get(level, {}) if i in indicators]
    if DEFAULT_INDICATOR in here:
        return DEFAULT_INDICATOR
    ordered = indicator_order(here, indicators)
    return ordered[0] if ordered else None


def resolve(view: ViewState, available: dict[str, dict[str, tuple[int, ...]]],
            indicators: dict[str, Indicator]) -> MapParams | None:
    """The map parameters to draw (None if the store has no mappable indicator at all)."""
    notes: list[Note] = []
    level = view.level if view.level in LEVELS else None
    ind = view.indicator
    if ind is not None and ind not in indicators:
        notes.append(Note("map.unknown_indicator", "warning", (("value", ind),)))
        ind = None
    if ind is not None:
        levels_with = [lv for lv in LEVELS if ind in available.get(lv, {})]
        if not levels_with:
            notes.append(Note("map.indicator_no_data", "warning", (("value", ind),)))
            ind = None
        elif level is None:
            level = levels_with[0]
        elif level not in levels_with:
            notes.append(Note("map.level_switched", "info", (("indicator", ind), ("from", level),
                                                             ("to", levels_with[0]))))
            level = levels_with[0]
    level = level or DEFAULT_LEVEL
    if ind is None:
        ind = default_indicator(level, available, indicators)
        if ind is None:
            for lv in LEVELS:
                ind = default_indicator(lv, available, indicators)
                if ind:
                    level = lv
                    break
        if ind is None:
            return None
    years = available[level][ind]
    year = view.year
    if year not in years:
        if year is not None:
            notes.append(Note("map.year_unavailable", "info", (("year", str(year)), ("latest", str(years[-1])))))
        year = years[-1]
    method = view.cls if view.cls in METHODS else DEFAULT_METHOD
    k = view.k if view.k is not None else DEFAULT_K
    extra = dict(view.extra)
    breaks = None
    if method == "user":
        try:
            breaks = parse_breaks(extra.get("breaks", ""))
        except ClassifyError:
            notes.append(Note("map.bad_breaks", "warning", (("value", md(extra.get("breaks", "")[:60])),)))
            method = DEFAULT_METHOD
    centred = indicators[ind].centered_on is not None
    allowed = palettes.DIVERGING if centred else palettes.SEQUENTIAL
    pal = extra.get("pal")
    if pal is not None and pal not in allowed:
        notes.append(Note("map.bad_palette", "warning", (("value", md(pal[:40])),)))  # URL text: escaped
        pal = None
    return MapParams(level=level, indicator=ind, year=int(year), method=method, k=int(k), breaks=breaks,
                     palette=pal or (palettes.DEFAULT_DIVERGING if centred else palettes.DEFAULT_SEQUENTIAL),
                     notes=tuple(notes))
