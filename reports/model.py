"""The report model: everything a PDF, a slide deck or a spreadsheet says, as plain frozen data.

The renderers (reports.pdf, reports.deck, reports.xlsx, reports.csv) read only this model, never
the store or Streamlit, so whoever builds the model decides the content (profile charts, ranks,
narrative) and every output format follows.

Built by reports.gather from the same pieces as the profile and comparison pages
(presentation.profile_context, domain.profile.profile_cards, domain.narrative.summarise,
presentation.profile_charts), so a report says exactly what the pages say. Contract:
  * ``ReportModel.key_indicators``: one ``KeyIndicator`` per row of the key-indicators table; the
    ``value_text`` is already formatted with ``i18n.fmt_num`` in the model's language; ranks are
    1-based positions (``None`` = not ranked) with the size of the ranked group in ``*_of``.
  * ``ReportModel.charts``: ``ChartItem``s in slide/page order; ``figure`` is a plotly figure built
    by a pure builder (presentation/charts.py), ``takeaway`` one
    sentence (it becomes the slide title), ``caption`` says what is shown, ``source`` the short
    source line (footer), ``data`` the numbers behind the chart (CSV/XLSX downloads), ``notes``
    speaker-notes text.
  * ``strengths`` / ``weaknesses`` / ``narrative``: finished sentences in the model's language.
  * ``peer_definition``: the peer group in words, exactly as the profile page states it.
  * ``members`` / ``members_only``: a functional area's gminy and the indicators shown for its
    members only; ``KeyIndicator.coverage`` says from how many gminy an area's value is computed.
  * ``sources``: every source used by any value in the report, with vintage and licence.
  * ``locator``: optional small map — any object with ``svg() -> str`` and ``png() -> bytes``
    (reports.locator.Locator draws one offline from the store's boundaries).
All text is plain text: renderers escape it (Jinja2 autoescape, python-pptx runs, spreadsheet
cells neutralised against formula injection).
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field

import pandas as pd

from loaders.catalogue import licence_text


@dataclass(frozen=True)
class SourceRef:
    id: str
    publisher: str
    title: str
    vintage: str
    licence: str
    origin: str = ""


def source_refs(ids, sources: pd.DataFrame, lang: str) -> tuple[SourceRef, ...]:
    """SourceRefs of the source ids (rows of Store.sources(), in their order)."""
    wanted = set(ids)
    return tuple(SourceRef(id=r["id"], publisher=r[f"publisher_{lang}"], title=r[f"title_{lang}"],
                           vintage=str(r["vintage"]), licence=licence_text(str(r["licence"]), lang),
                           origin=str(r["origin"]))
                 for r in sources.to_dict("records") if r["id"] in wanted)


@dataclass(frozen=True)
class KeyIndicator:
    indicator_id: str
    name: str
    value: float | None
    value_text: str
    unit: str
    year: int | None
    source: str  # short source text, e.g. "GUS (2024)" or "… (obliczone: 182 z 182 gmin)"
    category: str = ""
    national_rank: int | None = None
    national_of: int | None = None
    peer_rank: int | None = None
    peer_of: int | None = None
    note: str = ""  # e.g. "computed from gminy (14 of 15)"
    coverage: str = ""  # an area's value: "dane z 14 z 15 gmin"
    category_id: str = ""  # the catalogue category id (demography, finance, ...)
    decimals: int = 0
    peer_median: float | None = None  # the peer group's median in the same year (None: not compared)
    peer_median_text: str = ""


@dataclass(frozen=True)
class Fact:
    """One value of the subject (any indicator, any year) as the store holds it, for the chapters
    of the DOCX draft: the same values the profile reads (ProfileContext.values), formatted."""
    indicator_id: str
    name: str
    category_id: str
    year: int
    value: float
    value_text: str
    unit: str
    decimals: int
    source: str  # short source text, as KeyIndicator.source


@dataclass(frozen=True)
class ChartItem:
    key: str  # stable id, e.g. "position" or "trend:population_total"
    figure: object  # plotly.graph_objects.Figure (kept untyped: the model module needs no plotly)
    takeaway: str  # one sentence; the slide title
    caption: str  # what the chart shows (axis meaning, reference lines)
    source: str  # footer line
    data: pd.DataFrame = field(default_factory=pd.DataFrame)  # the numbers behind the chart
    notes: str = ""  # speaker notes


@dataclass(frozen=True)
class ReportModel:
    title: str  # unit or area label, e.g. "Kraków — miasto na prawach powiatu (1261011)"
    subtitle: str  # e.g. "gmina miejska · TERYT 1261011"
    lang: str
    date: dt.date
    key_indicators: tuple[KeyIndicator, ...] = ()
    charts: tuple[ChartItem, ...] = ()
    strengths: tuple[str, ...] = ()
    weaknesses: tuple[str, ...] = ()
    narrative: tuple[str, ...] = ()
    peer_definition: str = ""
    sources: tuple[SourceRef, ...] = ()
    permalink: str = ""
    codes: tuple[str, ...] = ()  # the unit's code, or an area's member gminy
    is_area: bool = False
    locator: object = None  # a small offline map: .svg() -> str, .png() -> bytes (None = no map)
    locator_caption: str = ""
    notes: tuple[str, ...] = ()  # method notes (how ranks are counted, computed values...)
    members: tuple[tuple[str, str], ...] = ()  # an area's gminy: (code, name)
    members_only: tuple[str, ...] = ()  # an area's indicators given for the members only (sentences)
    sw_note: str = ""  # why there are no strengths/weaknesses (e.g. too few peers)
    peer_names: tuple[str, ...] = ()  # who is in the peer group (short names, nearest first for kNN)
    facts: tuple[Fact, ...] = ()  # every value of the subject (all indicators, all years), catalogue order
    location: tuple[str, ...] = ()  # e.g. ("gmina wiejska", "powiat bolesławiecki", "województwo dolnośląskie")
    level: str = ""  # gmina | powiat | wojewodztwo | country | area
    peer_n: int | None = None  # peers in the group (without the subject); None = no group
    strengths_short: tuple[str, ...] = ()  # the same statements in a few words, for slides
    weaknesses_short: tuple[str, ...] = ()
    strategy: object = None  # the subject's strategy progress: reports.strategy.StrategySection (issue 14)
    assessment: object = None  # the synthetic assessment: reports.assessment_report.AssessmentSummary (issue 13)

    def fact(self, indicator_id: str, year: int | None = None) -> "Fact | None":
        """The subject's value of an indicator (the latest year unless ``year``), or None."""
        hits = [f for f in self.facts if f.indicator_id == indicator_id and (year is None or f.year == year)]
        return max(hits, key=lambda f: f.year) if hits else None

    def series(self, indicator_id: str) -> tuple["Fact", ...]:
        return tuple(sorted((f for f in self.facts if f.indicator_id == indicator_id), key=lambda f: f.year))

    @property
    def short_name(self) -> str:
        return self.title.split(" — ")[0].split(" (")[0]


@dataclass(frozen=True)
class ColumnDoc:
    """Documentation of one exported column (metadata sheet)."""
    name: str  # the column header as written
    definition: str = ""
    unit: str = ""
    # decimals shown in a spreadsheet: one for the column, one per row (e.g. a value column whose
    # rows are different indicators), "year" for years (no thousands separator); None = automatic
    decimals: int | tuple[int, ...] | str | None = None


@dataclass(frozen=True)
class ExportMeta:
    """What the metadata sheet of a data download says."""
    title: str
    lang: str
    permalink: str = ""
    exported: dt.datetime | None = None
    columns: tuple[ColumnDoc, ...] = ()
    sources: tuple[SourceRef, ...] = ()
    notes: tuple[str, ...] = ()
    extra_sheets: tuple = ()  # (sheet name, DataFrame) written after the data sheet (e.g. strategy progress)


def file_stem(text: str, *, prefix: str = "", max_len: int = 60) -> str:
    """A safe ASCII file-name stem: "Kraków — miasto" -> "krakow-miasto"."""
    norm = unicodedata.normalize("NFKD", text.replace("ł", "l").replace("Ł", "L"))
    ascii_ = norm.encode("ascii", "ignore").decode("ascii").lower()
    stem = re.sub(r"[^a-z0-9]+", "-", ascii_).strip("-")[:max_len].strip("-") or "export"
    return f"{prefix}-{stem}" if prefix else stem
