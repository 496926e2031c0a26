"""The editable "Raport o stanie gminy" draft (DOCX, python-docx) from a report model.

Every gmina presents an annual report on its state to its council (art. 28aa of the act on gmina
self-government); offices write it in Word. This module writes a draft the office edits: real
Word heading styles (Heading 1/2, so Word's table of contents — inserted as a TOC field that Word
fills in when the document is opened — works), ordinary paragraphs for every generated sentence,
real Word tables with numbers formatted the Polish way (``10 822``, ``1 234,5``; non-breaking
group separator), charts as PNG pictures with alt text, a sources and method annex.

Content comes only from the report model (reports.gather.build: the profile's own values, ranks,
peer group, strengths and weaknesses and charts), in the model's language. Each number is given
with its year, unit and source. Text is plain and neutral: values, changes, medians and ranks —
no judgements the data do not make (strengths and weaknesses are the profile's own, by the
catalogue's polarity against the peer group). Chapters the data cannot write (council resolutions,
the participatory budget, the climate adaptation plan, other programmes; the strategy while no
strategy monitoring exists) get a placeholder paragraph in its own style ("MRL – do uzupełnienia"),
highlighted and starting with a marker, saying what the office must add.

Chapters (CHAPTERS): the unit in brief; population and demography; local economy and labour
market; budget; technical infrastructure; safety; civic participation; culture and social
affairs; the synthetic assessment; implementation of the strategy; chapters for the office; the
annex. A chapter whose category has no data says so in one sentence instead of an empty table.
"""
from __future__ import annotations

import io
import logging
from dataclasses import dataclass

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from i18n import fmt_num, has, t
from i18n.plurals import with_unit
from reports import png
from reports.model import Fact, KeyIndicator, ReportModel

log = logging.getLogger("mrl.reports")

# chapter id -> catalogue categories whose values it shows (None: a special chapter)
CHAPTERS: tuple[tuple[str, tuple[str, ...] | None], ...] = (
    ("brief", None),
    ("demography", ("demography",)),
    ("economy", ("labour",)),
    ("budget", ("finance",)),
    ("infrastructure", ("infrastructure",)),
    ("safety", ("safety",)),
    ("civic", ("civic",)),
    ("culture", ("culture", "social")),
    ("assessment", None),
    ("strategy", None),
    ("office", None),
    ("annex", None),
)
OFFICE_PLACEHOLDERS = ("resolutions", "participatory_budget", "climate", "programmes")
# charts of the draft (reports.gather chart keys); each goes to the chapter of its indicator
DOCX_CHARTS = ("position", "trend:population_total", "age", "trend:own_revenue_per_capita",
               "trend:unemployed_share_working_age", "trend:turnout_sejm")
CHART_CHAPTER = {"position": "brief", "age": "demography"}
CHART_PX = (900, 430)
CHART_SCALE = 2.0  # 1,800 px wide: sharp when printed at 16 cm
CHART_WIDTH = Cm(16)
POPULATION_YEARS_MAX = 15  # rows of the population table (the latest years)
BRIEF_FACTS = ("population_total", "area_km2", "population_density")
REVENUE_TOTAL = "own_revenue_total"
REVENUE_PARTS = ("revenue_property_tax", "revenue_agricultural_tax", "revenue_forest_tax", "revenue_transport_tax",
                 "revenue_tax_card", "revenue_services", "revenue_property_income", "revenue_rent_lease")
TURNOUT_PREFIX = "turnout_"
PLACEHOLDER_STYLE = "MRL placeholder"
ACCENT = RGBColor(0x0B, 0x3D, 0x66)


@dataclass(frozen=True)
class Extras:
    """What other parts of the Monitor add to the draft when they exist (None: a placeholder).

    ``assessment``: any object with ``docx_paragraphs(lang) -> list[str]`` and
    ``docx_table(lang) -> (header, rows)`` (the synthetic assessment, issue 13);
    ``strategy``: the same for the unit's strategy monitoring."""
    assessment: object = None
    strategy: object = None


# -- low-level Word helpers ---------------------------------------------------------------------------
def _set_language(doc, lang: str) -> None:
    """The document's proofing language (Word spell-checks in Polish)."""
    tag = "pl-PL" if lang == "pl" else "en-GB"
    rpr = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    el = rpr.find(qn("w:lang"))
    if el is None:
        el = OxmlElement("w:lang")
        rpr.append(el)
    el.set(qn("w:val"), tag)
    el.set(qn("w:eastAsia"), tag)


def _update_fields_on_open(doc) -> None:
    """Ask Word to update fields (the table of contents) when the file is opened."""
    settings = doc.settings.element
    el = settings.find(qn("w:updateFields"))
    if el is None:
        el = OxmlElement("w:updateFields")
        settings.append(el)
    el.set(qn("w:val"), "true")


def _field(paragraph, instruction: str, placeholder: str) -> None:
    """A complex field (e.g. the TOC) with the text shown until Word updates it."""
    def fld(kind: str):
        r = OxmlElement("w:r")
        f = OxmlElement("w:fldChar")
        f.set(qn("w:fldCharType"), kind)
        r.append(f)
        return r

    p = paragraph._p
    p.append(fld("begin"))
    r = OxmlElement("w:r")
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    r.append(instr)
    p.append(r)
    p.append(fld("separate"))
    run = paragraph.add_run(placeholder)
    p.append(run._r)
    p.append(fld("end"))


def _repeat_header(row) -> None:
    trpr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    trpr.append(el)


def _styles(doc, lang: str) -> None:
    normal = doc.styles["Normal"]
    normal.font.name = "Calibri"
    normal.font.size = Pt(11)
    if PLACEHOLDER_STYLE not in [s.name for s in doc.styles]:
        st = doc.styles.add_style(PLACEHOLDER_STYLE, WD_STYLE_TYPE.PARAGRAPH)
        st.base_style = normal
        st.font.italic = True
        st.font.color.rgb = RGBColor(0x7A, 0x4B, 0x00)
        st.paragraph_format.left_indent = Cm(0.5)
        st.paragraph_format.space_before = Pt(4)
        st.paragraph_format.space_after = Pt(8)


class _Writer:
    def __init__(self, model: ReportModel):
        self.m = model
        self.lang = model.lang
        self.doc = Document()
        _styles(self.doc, self.lang)
        _set_language(self.doc, self.lang)
        _update_fields_on_open(self.doc)
        sec = self.doc.sections[0]
        sec.orientation = WD_ORIENT.PORTRAIT
        sec.page_width, sec.page_height = Cm(21), Cm(29.7)
        sec.left_margin = sec.right_margin = Cm(2.2)
        sec.top_margin = sec.bottom_margin = Cm(2.0)
        self.figure_no = 0
        self.table_no = 0
        self.chapter_no = 0
        self.used_charts: set[str] = set()

    # text
    def tr(self, key: str, **kw) -> str:
        return t(key, self.lang, **kw)

    def heading(self, text: str, level: int):
        return self.doc.add_heading(text, level=level)

    def chapter(self, key: str) -> None:
        self.chapter_no += 1
        self.heading(f"{self.chapter_no}. {self.tr(key)}", 1)

    def para(self, text: str, *, style: str | None = None, bold: bool = False):
        p = self.doc.add_paragraph(style=style)
        run = p.add_run(text)
        run.bold = bold
        return p

    def bullets(self, items) -> None:
        for item in items:
            self.doc.add_paragraph(item, style="List Bullet")

    def placeholder(self, text: str) -> None:
        """A clearly marked paragraph the office must replace."""
        p = self.doc.add_paragraph(style=PLACEHOLDER_STYLE)
        mark = p.add_run(self.tr("docx.placeholder_mark") + " ")
        mark.bold = True
        mark.font.highlight_color = WD_COLOR_INDEX.YELLOW
        p.add_run(text)

    def caption(self, kind: str, text: str) -> None:
        if kind == "table":
            self.table_no += 1
            label = self.tr("docx.table_label", n=self.table_no)
        else:
            self.figure_no += 1
            label = self.tr("docx.figure_label", n=self.figure_no)
        p = self.doc.add_paragraph(style="Caption")
        p.add_run(label + " ").bold = True
        p.add_run(text)

    # numbers
    def amount(self, value: float | None, text: str, unit: str, decimals: int) -> str:
        return with_unit(text, value, unit, self.lang, decimals)

    def fact_text(self, f: Fact | KeyIndicator) -> str:
        return self.amount(f.value, f.value_text, f.unit, f.decimals)

    # tables
    def table(self, header: list[str], rows: list[list[str]], *, numeric: set[int] = frozenset(),
              caption: str = "", widths: list[float] | None = None) -> None:
        if caption:
            self.caption("table", caption)
        tab = self.doc.add_table(rows=1, cols=len(header))
        tab.style = "Table Grid"
        tab.alignment = WD_TABLE_ALIGNMENT.CENTER
        for c, head in enumerate(header):
            cell = tab.rows[0].cells[c]
            cell.text = ""
            run = cell.paragraphs[0].add_run(head)
            run.bold = True
            run.font.size = Pt(9)
        _repeat_header(tab.rows[0])
        for r in rows:
            cells = tab.add_row().cells
            for c, text in enumerate(r):
                cells[c].text = ""
                par = cells[c].paragraphs[0]
                run = par.add_run(str(text))
                run.font.size = Pt(9)
                if c in numeric:
                    par.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        if widths:  # the grid (LibreOffice) and every cell (Word) carry the widths
            tab.autofit = False
            for c, w in enumerate(widths):
                tab.columns[c].width = Cm(w)
            for row in tab.rows:
                for c, w in enumerate(widths):
                    row.cells[c].width = Cm(w)
        self.doc.add_paragraph()

    # charts
    def chart(self, key: str) -> None:
        item = next((c for c in self.m.charts if c.key == key), None)
        if item is None or key in self.used_charts:
            return
        self.used_charts.add(key)
        alt = f"{item.takeaway} {item.caption}".strip()
        try:
            own = getattr(item.figure.layout, "height", None) or 0
            data = png.figure_png(item.figure, width=CHART_PX[0], height=max(CHART_PX[1], int(own)),
                                  scale=CHART_SCALE)
        except png.ImageError as exc:
            log.warning("chart %s not rendered: %s", key, exc)
            self.para(self.tr("report.chart_missing"))
            return
        self.doc.add_picture(io.BytesIO(data), width=CHART_WIDTH)
        shape = self.doc.inline_shapes[-1]
        doc_pr = shape._inline.docPr
        doc_pr.set("descr", alt)
        doc_pr.set("title", item.takeaway)
        self.doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
        self.caption("figure", f"{item.takeaway} {self.tr('docx.source_inline', source=item.source)}")
        self.para(item.caption)


def _keys_of(model: ReportModel, categories) -> list[KeyIndicator]:
    return [k for k in model.key_indicators if k.category_id in categories]


def _latest_facts(model: ReportModel, categories, skip: set[str]) -> list[Fact]:
    """The latest value of every indicator of the categories not already in ``skip``."""
    out: dict[str, Fact] = {}
    for f in model.facts:
        if f.category_id in categories and f.indicator_id not in skip:
            if f.indicator_id not in out or f.year > out[f.indicator_id].year:
                out[f.indicator_id] = f
    return list(out.values())


# -- chapters ----------------------------------------------------------------------------------------
def _key_sentences(w: _Writer, keys: list[KeyIndicator]) -> None:
    for k in keys:
        text = w.tr("docx.value_sentence", name=k.name, value=w.fact_text(k), year=k.year, source=k.source)
        if k.peer_rank and k.peer_median is not None:
            text += " " + w.tr("docx.group_sentence",
                               median=w.amount(k.peer_median, k.peer_median_text, k.unit, k.decimals),
                               rank=k.peer_rank, of=fmt_num(k.peer_of, 0, w.lang))
        if k.national_rank:
            text += " " + w.tr("docx.national_sentence", rank=fmt_num(k.national_rank, 0, w.lang),
                            of=fmt_num(k.national_of, 0, w.lang))
        if k.coverage:
            text += " " + w.tr("docx.coverage_sentence", coverage=k.coverage)
        w.para(text)


def _key_table(w: _Writer, keys: list[KeyIndicator], chapter_title: str) -> None:
    if not keys:
        return
    L = w.lang
    header = [t("report.col_indicator", L), t("report.col_value", L), t("report.col_year", L),
              t("docx.col_peer_median", L), t("report.col_rank_peers", L)]
    header.append(t("report.col_coverage" if w.m.is_area else "report.col_rank_national", L))
    header.append(t("report.col_source", L))
    rows = []
    for k in keys:
        if w.m.is_area:
            fourth = k.coverage or "–"
        else:
            fourth = f"{fmt_num(k.national_rank, 0, L)} / {fmt_num(k.national_of, 0, L)}" if k.national_rank else "–"
        median = w.amount(k.peer_median, k.peer_median_text, k.unit, k.decimals) if k.peer_median_text else "–"
        rows.append([k.name, w.fact_text(k), str(k.year), median,
                     f"{k.peer_rank} / {fmt_num(k.peer_of, 0, L)}" if k.peer_rank else "–", fourth, k.source])
    w.table(header, rows, numeric={1, 2, 3, 4, 5}, caption=t("docx.key_table_caption", L, chapter=chapter_title),
            widths=[3.6, 2.4, 1.3, 2.4, 1.9, 2.2, 2.8])


def _facts_table(w: _Writer, facts: list[Fact], caption: str) -> None:
    if not facts:
        return
    L = w.lang
    header = [t("report.col_indicator", L), t("report.col_value", L), t("report.col_unit", L),
              t("report.col_year", L), t("report.col_source", L)]
    rows = [[f.name, f.value_text, f.unit, str(f.year), f.source] for f in facts]
    w.table(header, rows, numeric={1, 3}, caption=caption, widths=[5.6, 2.4, 3.0, 1.2, 4.4])


def _brief(w: _Writer) -> None:
    m, L = w.m, w.lang
    w.chapter("docx.ch.brief_area" if m.is_area else "docx.ch.brief")
    if m.is_area:
        w.para(t("docx.brief_area", L, n=len(m.members),
                 gminy=", ".join(f"{n} ({c})" for c, n in m.members)))
    else:
        w.para(t("docx.brief_unit", L, name=m.short_name, kind=m.location[0] if m.location else m.subtitle,
                 location=", ".join(m.location[1:]) or "–", code=m.codes[0]))
    facts = [f for f in (m.fact(i) for i in BRIEF_FACTS) if f is not None]
    for f in facts:
        w.para(t("docx.value_sentence", L, name=f.name, value=w.fact_text(f), year=f.year, source=f.source))
    if m.peer_definition:
        w.para(t("docx.brief_group", L, group=m.peer_definition))
    w.chart("position")
    if m.strengths or m.weaknesses or m.sw_note:
        w.heading(t("docx.sw_title", L), 2)
        w.para(t("docx.sw_intro", L))
        w.para(t("report.strengths", L), bold=True)
        w.bullets(m.strengths or [m.sw_note or t("report.no_strengths", L)])
        w.para(t("report.weaknesses", L), bold=True)
        w.bullets(m.weaknesses or [m.sw_note or t("report.no_weaknesses", L)])


def _population_table(w: _Writer) -> None:
    series = w.m.series("population_total")
    if len(series) < 2:
        return
    L = w.lang
    first, last = series[0], series[-1]
    change = (last.value - first.value) / first.value * 100 if first.value else None
    w.para(t("docx.pop_change", L, y0=first.year, y1=last.year, v0=w.fact_text(first), v1=w.fact_text(last),
             pct=fmt_num(change, 1, L, signed=True) if change is not None else "–"))
    rows = [[str(f.year), f.value_text, f.source] for f in series[-POPULATION_YEARS_MAX:]]
    w.table([t("report.col_year", L), t("docx.col_population", L, unit=first.unit), t("report.col_source", L)],
            rows, numeric={0, 1}, caption=t("docx.pop_table_caption", L), widths=[2.0, 4.0, 10.6])


def _revenue_structure(w: _Writer) -> None:
    m, L = w.m, w.lang
    total_series = m.series(REVENUE_TOTAL)
    years = sorted({f.year for f in total_series}
                   & {f.year for i in REVENUE_PARTS for f in m.series(i)}, reverse=True)
    if not years:
        return
    year = years[0]
    total = m.fact(REVENUE_TOTAL, year)
    parts = [f for f in (m.fact(i, year) for i in REVENUE_PARTS) if f is not None]
    if total is None or not total.value or not parts:
        return
    parts.sort(key=lambda f: -f.value)
    rows = [[total.name, total.value_text, fmt_num(100, 1, L), total.source]]
    rows += [[f.name, f.value_text, fmt_num(f.value / total.value * 100, 1, L), f.source] for f in parts]
    w.heading(t("docx.revenue_title", L), 2)
    top = parts[0]
    w.para(t("docx.revenue_sentence", L, year=year, total=w.fact_text(total), name=top.name,
             share=fmt_num(top.value / total.value * 100, 1, L), source=total.source))
    w.table([t("docx.col_revenue_source", L), t("docx.col_amount", L, unit=total.unit), t("docx.col_share_own", L),
             t("report.col_source", L)], rows, numeric={1, 2}, caption=t("docx.revenue_caption", L, year=year),
            widths=[6.2, 3.2, 2.8, 4.4])
    w.para(t("docx.revenue_note", L))


def _turnout_table(w: _Writer) -> None:
    L = w.lang
    facts = sorted((f for f in w.m.facts if f.indicator_id.startswith(TURNOUT_PREFIX)),
                   key=lambda f: (f.name, f.year))
    if not facts:
        return
    rows = [[f.name, str(f.year), f.value_text, f.source] for f in facts]
    w.table([t("docx.col_election", L), t("report.col_year", L), t("docx.col_turnout", L), t("report.col_source", L)],
            rows, numeric={1, 2}, caption=t("docx.turnout_caption", L), widths=[7.0, 1.4, 2.6, 5.6])


def _data_chapter(w: _Writer, chapter: str, categories: tuple[str, ...]) -> None:
    m, L = w.m, w.lang
    title = t(f"docx.ch.{chapter}", L)
    w.chapter(f"docx.ch.{chapter}")
    keys = _keys_of(m, categories)
    extra = _latest_facts(m, categories, {k.indicator_id for k in keys})
    if chapter == "civic":
        extra = [f for f in extra if not f.indicator_id.startswith(TURNOUT_PREFIX)]
    if chapter == "budget":
        extra = [f for f in extra if f.indicator_id not in REVENUE_PARTS and f.indicator_id != REVENUE_TOTAL]
    if not keys and not extra and not any(f.category_id in categories for f in m.facts):
        w.para(t("docx.no_data", L, chapter=title))
    else:
        w.para(t(f"docx.intro.{chapter}", L))
        _key_sentences(w, keys)
        _key_table(w, keys, title)
    if chapter == "demography":
        _population_table(w)
    if chapter == "budget":
        _revenue_structure(w)
    if chapter == "civic":
        _turnout_table(w)
    if extra:
        w.heading(t("docx.other_data", L), 2)
        _facts_table(w, extra, t("docx.other_caption", L, chapter=title))
    for c in m.charts:
        if c.key in CHART_CHAPTER:
            target = CHART_CHAPTER[c.key]
        else:
            ind = c.key.split(":")[-1]
            cat = next((f.category_id for f in m.facts if f.indicator_id == ind), "")
            target = next((ch for ch, cats in CHAPTERS if cats and cat in cats), "")
        if target == chapter:
            w.chart(c.key)
    if chapter == "economy":
        w.placeholder(t("docx.placeholder.economy", L))


def _extension(w: _Writer, chapter: str, obj) -> None:
    L = w.lang
    w.chapter(f"docx.ch.{chapter}")
    if obj is None:
        w.placeholder(t(f"docx.placeholder.{chapter}", L))
        return
    for text in obj.docx_paragraphs(L):
        w.para(text)
    header, rows = obj.docx_table(L)
    if rows:
        w.table(list(header), [list(r) for r in rows], numeric=set(range(1, len(header))),
                caption=t(f"docx.{chapter}_caption", L))


def _assessment(w: _Writer, a) -> None:
    """The synthetic assessment (reports.assessment_report.AssessmentSummary), else a placeholder."""
    L = w.lang
    if a is None:
        _extension(w, "assessment", None)
        return
    w.chapter("docx.ch.assessment")
    w.para(a.overall)
    for line in a.narrative:
        w.para(line)
    try:
        own = getattr(a.figure.layout, "height", None) or 0
        data = png.figure_png(a.figure, width=CHART_PX[0], height=max(CHART_PX[1], int(own)), scale=CHART_SCALE)
        w.doc.add_picture(io.BytesIO(data), width=CHART_WIDTH)
        pr = w.doc.inline_shapes[-1]._inline.docPr
        pr.set("descr", f"{a.figure_caption} {a.overall}")
        pr.set("title", a.title)
        w.doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
        w.caption("figure", a.figure_caption)
    except png.ImageError as exc:
        log.warning("assessment chart not rendered: %s", exc)
    w.table(list(a.header), [list(r) for r in a.rows], numeric={1, 2, 3, 4},
            caption=t("docx.assessment_caption", L), widths=[6.6, 2.2, 2.4, 3.0, 2.4])
    w.para(a.method)


def _strategy(w: _Writer, s) -> None:
    """The strategy's progress (reports.strategy.StrategySection, issue 14), else a placeholder."""
    L = w.lang
    if s is None:
        _extension(w, "strategy", None)
        return
    w.chapter("docx.ch.strategy")
    w.heading(s.title, 2)
    for text in (s.summary, s.peers, s.rule):
        if text:
            w.para(text)
    if s.rows:
        w.table(list(s.header), [list(r) for r in s.rows], caption=t("docx.strategy_caption", L))
    w.placeholder(t("docx.placeholder.strategy_more", L))


def _office(w: _Writer) -> None:
    L = w.lang
    w.chapter("docx.ch.office")
    w.para(t("docx.office_intro", L))
    for key in OFFICE_PLACEHOLDERS:
        w.heading(t(f"docx.office.{key}", L), 2)
        w.placeholder(t(f"docx.placeholder.{key}", L))


def licence_text(source_id: str, licence: str, lang: str) -> str:
    """The licence in the document's language (catalogued sources), else as the source states it."""
    key = f"docx.licence.{source_id}"
    return t(key, lang) if has(key, lang) else licence


def vintage_text(source_id: str, vintage: str, lang: str) -> str:
    """The vintage in the document's language where the catalogue's note is in English."""
    key = f"docx.vintage.{source_id}"
    return t(key, lang) if has(key, lang) else vintage


def _annex(w: _Writer) -> None:
    m, L = w.m, w.lang
    w.chapter("docx.ch.annex")
    w.heading(t("docx.annex_sources", L), 2)
    rows = [[s.publisher, s.title, vintage_text(s.id, s.vintage, L), licence_text(s.id, s.licence, L)]
            for s in m.sources]
    w.table([t("report.src_publisher", L), t("report.src_title", L), t("report.src_vintage", L),
             t("report.src_licence", L)], rows, caption=t("docx.sources_caption", L), widths=[4.4, 6.0, 2.0, 4.2])
    w.heading(t("docx.annex_method", L), 2)
    for key in ("docx.method_values", "docx.method_ranks", "docx.method_text"):
        w.para(t(key, L))
    if m.peer_definition:
        w.para(t("docx.brief_group", L, group=m.peer_definition))
    for note in m.notes:
        w.para(note)
    for line in m.members_only:
        w.para(line)
    if m.permalink:
        w.para(t("docx.permalink", L, url=m.permalink))
    w.para(t("docx.generated", L, date=m.date.isoformat(), brand=t("report.brand", L)))


def title_text(model: ReportModel) -> str:
    key = "docx.title_area" if model.is_area else "docx.title_gmina" if model.level == "gmina" else "docx.title_unit"
    return t(key, model.lang, name=model.short_name if not model.is_area else model.title)


def build_docx(model: ReportModel, extras: Extras | None = None) -> bytes:
    """DOCX bytes of the draft report on the state of the unit (or area) of ``model``."""
    extras = extras or Extras()
    w = _Writer(model)
    L = model.lang
    w.doc.add_heading(title_text(model), level=0)
    w.para(model.subtitle)
    w.para(t("docx.draft_note", L, brand=t("report.brand", L), date=model.date.isoformat()))
    toc_title = w.para(t("docx.toc_title", L), bold=True)
    toc_title.runs[0].font.color.rgb = ACCENT
    _field(w.doc.add_paragraph(), 'TOC \\o "1-2" \\h \\z \\u', t("docx.toc_hint", L))
    w.doc.add_page_break()
    for chapter, cats in CHAPTERS:
        if chapter == "brief":
            _brief(w)
        elif cats:
            _data_chapter(w, chapter, cats)
        elif chapter == "assessment":
            _assessment(w, extras.assessment or model.assessment)
        elif chapter == "strategy":
            _strategy(w, extras.strategy or model.strategy)
        elif chapter == "office":
            _office(w)
        elif chapter == "annex":
            _annex(w)
    props = w.doc.core_properties
    props.title = title_text(model)
    props.author = t("report.brand", L)
    props.language = "pl-PL" if L == "pl" else "en-GB"
    props.subject = model.subtitle
    props.comments = ""
    buf = io.BytesIO()
    w.doc.save(buf)
    return buf.getvalue()


def build(src, *, lang: str, code: str | None = None, area: tuple[str, ...] = (), peers: str | None = None,
          permalink: str = "", extras: Extras | None = None, today=None) -> bytes:
    """The draft straight from a data source (a Store or a profile source): the report model with
    the draft's charts, then the document."""
    from reports import gather

    model = gather.build(src, lang=lang, code=code, area=area, peers=peers, charts=DOCX_CHARTS,
                         permalink=permalink, today=today, with_map=False)
    return build_docx(model, extras)


__all__ = ["CHAPTERS", "DOCX_CHARTS", "Extras", "PLACEHOLDER_STYLE", "build", "build_docx", "licence_text", "vintage_text",
           "title_text"]
