"""One seminar deck for many gminy (PPTX, 16:9, python-pptx): each gmina against its OWN peers.

Association staff present one seminar to many cities. The deck:
  1. a title slide (title, number of gminy, date);
  2. one overview slide placing all of them: each gmina's overall synthetic assessment score in
     its own comparison group (issue 13; percentile rank, 100 = best of its group) where the store
     has the assessment, else (or on request) for a chosen indicator (default
     ``own_revenue_per_capita``), each gmina's position in its own comparison group as the share of
     its peers whose value is no better (``100 × (of − rank) / (of − 1)``, from the peer rank the
     profile shows; 50 ≈ the group's median) — a native, editable bar chart, with the definition
     of the number on the slide;
  3. one slide per gmina: its key numbers (value, unit, year, rank in its group), its strengths and
     weaknesses against its own peers (domain.narrative via the report model), the peer group in
     words, and a permalink to its profile with a QR code image (segno, offline);
  4. a sources slide (every source used by any gmina's slide).
Every slide has a one-line source footer that fits on the slide (FOOTER_MAX characters at
FOOTER_PT), and speaker notes (the profile's sentences with their sources).

Each gmina's content is reports.gather.build's report model (the same profile pieces as the PDF
and the page), built without charts or maps, so 30 gminy take a few seconds (bench/report_bench.py).
"""
from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from urllib.parse import quote, urlencode

import segno
from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LABEL_POSITION
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.oxml.ns import qn
from pptx.util import Inches, Pt

from domain.permalink import ViewState, to_query
from i18n import fmt_num, t
from i18n.plurals import category as plural_form
from reports import gather
from reports.deck import ACCENT, INK, MARGIN, MUTED, UNIT, H, W, _bullets, _notes, _text, _title
from reports.model import ReportModel, SourceRef
from reports.source import as_source

LAYOUT_TITLE, LAYOUT_TITLE_ONLY = 0, 5
DEFAULT_INDICATOR = "own_revenue_per_capita"
SLIDE_KEYS = ("population_total", "population_density", "own_revenue_per_capita", "expenditure_per_capita",
              "unemployed_share_working_age", "share_post_working", "turnout_sejm")
MAX_SW = 3  # strengths / weaknesses per gmina slide
MAX_UNITS = 60
FOOTER_PT = 10
FOOTER_MAX = 150  # characters of a 10-pt line across the slide (12.3 in): longer text is shortened
QR_SIZE = Inches(1.25)
DEFAULT_BASE_URL = "http://localhost:8501"


class SeminarError(ValueError):
    """Bad input (no gminy, too many, unknown indicator): ``reason`` is a stable code."""

    def __init__(self, reason: str, **params):
        super().__init__(f"{reason}: {params}" if params else reason)
        self.reason = reason
        self.params = params


@dataclass(frozen=True)
class Placement:
    code: str
    name: str
    value_text: str  # the indicator's value with its unit
    year: int | None
    rank: int | None
    of: int | None

    @property
    def share(self) -> float | None:
        """Share (%) of the gmina's peers whose value is no better than its own."""
        if self.rank is None or not self.of or self.of < 2:
            return None
        return 100.0 * (self.of - self.rank) / (self.of - 1)


def profile_url(base_url: str, code: str, lang: str) -> str:
    """The gmina's profile permalink (the app's URL contract, domain.permalink)."""
    query = to_query(ViewState(unit=code, lang=lang))
    return f"{base_url.rstrip('/')}/profil?{urlencode(query, quote_via=quote, safe=',:')}"


def qr_png(url: str) -> bytes:
    buf = io.BytesIO()
    segno.make(url, error="m").save(buf, kind="png", scale=8, border=2)
    return buf.getvalue()


def fit_footer(text: str, limit: int = FOOTER_MAX) -> str:
    """One footer line: text longer than ``limit`` is cut at a separator and ends with "…"."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    for sep in ("; ", ", ", " "):
        if sep in cut:
            cut = cut[: cut.rfind(sep)]
            break
    return cut.rstrip(" ;,·") + "…"


def _footer(slide, text: str) -> None:
    box = slide.shapes.add_textbox(MARGIN, H - Inches(0.5), W - 2 * MARGIN, Inches(0.35))
    box.name = "Source footer"
    _text(box.text_frame, fit_footer(text), size=FOOTER_PT, color=MUTED)
    box.text_frame.word_wrap = False


def _publishers(sources) -> str:
    return "; ".join(dict.fromkeys(gather.publisher_short(s.publisher) for s in sources))


def placement(model: ReportModel, indicator: str) -> Placement:
    k = next((k for k in model.key_indicators if k.indicator_id == indicator), None)
    code = model.codes[0] if model.codes else ""
    if k is None:
        return Placement(code, model.short_name, "–", None, None, None)
    return Placement(code, model.short_name, _value(k, model.lang), k.year, k.peer_rank, k.peer_of)


def _value(k, lang: str) -> str:
    from i18n.plurals import with_unit
    return with_unit(k.value_text, k.value, k.unit, lang, k.decimals)


def plural_gminy(n: int, lang: str) -> str:
    return t(f"seminar.gminy_{plural_form(n, lang)}", lang, n=fmt_num(n, 0, lang))


# -- slides --------------------------------------------------------------------------------------------
def _title_slide(prs, title: str, n: int, lang: str, date_text: str, skipped: list[str]) -> None:
    s = prs.slides.add_slide(prs.slide_layouts[LAYOUT_TITLE])
    ttl, sub = s.shapes.title, s.placeholders[1]
    ttl.left, ttl.top, ttl.width, ttl.height = MARGIN, Inches(1.8), W - 2 * MARGIN, Inches(2.0)
    _text(ttl.text_frame, title, size=36, bold=True, color=ACCENT)
    ttl.text_frame.vertical_anchor = MSO_ANCHOR.BOTTOM
    sub.left, sub.top, sub.width, sub.height = MARGIN, Inches(4.0), W - 2 * MARGIN, Inches(1.6)
    _text(sub.text_frame, t("seminar.subtitle", lang, gminy=plural_gminy(n, lang), date=date_text,
                            brand=t("report.brand", lang)), size=20, color=MUTED)
    _footer(s, t("seminar.footer", lang, brand=t("report.brand", lang), date=date_text))
    notes = [t("seminar.notes_title", lang)]
    if skipped:
        notes.append(t("seminar.notes_skipped", lang, entries=", ".join(skipped)))
    _notes(s, notes)


def _assessment_overview(prs, models: list[ReportModel], lang: str, date_text: str, sources) -> None:
    """All gminy by their overall assessment score, each in its own comparison group."""
    s = prs.slides.add_slide(prs.slide_layouts[LAYOUT_TITLE_ONLY])
    _title(s, t("seminar.overview_assessment_title", lang), size=26)
    what = s.shapes.add_textbox(MARGIN, Inches(1.35), W - 2 * MARGIN, Inches(0.7))
    _text(what.text_frame, t("seminar.overview_assessment_what", lang), size=13, color=INK)
    ranked = sorted((m for m in models if m.assessment is not None and m.assessment.score is not None),
                    key=lambda m: m.assessment.score)
    missing = [m.short_name for m in models if m.assessment is None or m.assessment.score is None]
    if ranked:
        _bar_chart(s, [m.short_name for m in ranked], [round(m.assessment.score) for m in ranked],
                   t("seminar.overview_assessment_series", lang))
    lines = [t("seminar.overview_assessment_line", lang, name=m.short_name, score=fmt_num(m.assessment.score, 0, lang),
               rank=m.assessment.rank, of=m.assessment.group_size) for m in reversed(ranked)]
    if missing:
        lines.append(t("seminar.overview_missing", lang, names=", ".join(missing)))
    _footer(s, t("seminar.footer_sources", lang, sources=_publishers(sources), brand=t("report.brand", lang),
                 date=date_text))
    _notes(s, [t("seminar.overview_assessment_what", lang), *lines, ranked[0].assessment.method if ranked else ""])


CHART_ROWS = 16  # bars per chart: more gminy are split over two charts side by side (every name readable)


def _bar_chart(s, names: list[str], values: list[float], series: str) -> None:
    """Horizontal bars, lowest first (drawn at the bottom); above CHART_ROWS gminy two charts side
    by side (the best half on the left)."""
    if len(names) <= CHART_ROWS:
        _one_chart(s, names, values, series, MARGIN, W - 2 * MARGIN)
        return
    half = len(names) // 2
    col_w = (W - 2 * MARGIN - Inches(0.3)) // 2
    _one_chart(s, names[half:], values[half:], series, MARGIN, col_w)
    _one_chart(s, names[:half], values[:half], series, MARGIN + col_w + Inches(0.3), col_w)


def _one_chart(s, names: list[str], values: list[float], series: str, left: int, width: int) -> None:
    data = CategoryChartData()
    data.categories = names
    data.add_series(series, values)
    top = Inches(2.1)
    gf = s.shapes.add_chart(XL_CHART_TYPE.BAR_CLUSTERED, left, top, width, H - top - Inches(0.75), data)
    chart = gf.chart
    chart.has_legend = False
    many = len(names) > 10
    chart.font.size = Pt(10 if many else 12)
    va = chart.value_axis
    va.minimum_scale, va.maximum_scale = 0, 100
    va.major_unit = 25
    va.has_major_gridlines = True
    ca = chart.category_axis
    ca.tick_labels.font.size = Pt(10 if many else 12)
    skip = ca._element.find(qn("c:tickLblSkip"))  # every gmina's name, not every second one
    if skip is None:
        skip = ca._element.makeelement(qn("c:tickLblSkip"), {})
        after = ca._element.find(qn("c:noMultiLvlLbl"))  # schema order: tickLblSkip comes before it
        if after is not None:
            after.addprevious(skip)
        else:
            ca._element.append(skip)
    skip.set("val", "1")
    chart.has_title = False  # the text above the chart says what the number is
    plot = chart.plots[0]
    plot.gap_width = 40
    plot.has_data_labels = True
    labels = plot.data_labels
    labels.number_format = "0"
    labels.number_format_is_linked = False
    labels.position = XL_LABEL_POSITION.OUTSIDE_END
    labels.font.size = Pt(9 if many else 11)
    plot.series[0].format.fill.solid()
    plot.series[0].format.fill.fore_color.rgb = ACCENT


def _overview_slide(prs, models: list[ReportModel], indicator, lang: str, date_text: str, sources) -> None:
    s = prs.slides.add_slide(prs.slide_layouts[LAYOUT_TITLE_ONLY])
    name = indicator.name(lang)
    _title(s, t("seminar.overview_title", lang, indicator=name), size=26)
    places = [placement(m, indicator.id) for m in models]
    key = "seminar.overview_what_neutral" if indicator.polarity == "neutral" else "seminar.overview_what"
    what = s.shapes.add_textbox(MARGIN, Inches(1.35), W - 2 * MARGIN, Inches(0.7))
    _text(what.text_frame, t(key, lang, indicator=name), size=13, color=INK)
    ranked = sorted((p for p in places if p.share is not None), key=lambda p: p.share)
    missing = [p.name for p in places if p.share is None]
    if ranked:
        _bar_chart(s, [p.name for p in ranked], [round(p.share, 0) for p in ranked], t("seminar.overview_series", lang))
    lines = [t("seminar.overview_note_line", lang, name=p.name, share=fmt_num(p.share, 0, lang), value=p.value_text,
               year=p.year, rank=p.rank, of=fmt_num(p.of, 0, lang)) for p in reversed(ranked)]
    if missing:
        lines.append(t("seminar.overview_missing", lang, names=", ".join(missing)))
    _footer(s, t("seminar.footer_sources", lang, sources=_publishers(sources), brand=t("report.brand", lang),
                 date=date_text))
    _notes(s, [t(key, lang, indicator=name), *lines])


def _key_rows(model: ReportModel) -> list:
    by_id = {k.indicator_id: k for k in model.key_indicators}
    rows = [by_id[i] for i in SLIDE_KEYS if i in by_id]
    return rows[:len(SLIDE_KEYS)]


ROW_H = Inches(0.3)  # a 10-pt table row of one line
NAME_CHARS = 42  # indicator names longer than this wrap to a second line in the 3.5-in column


def table_height(rows) -> int:
    """The key-number table's height as drawn: the header (two lines) and each row by its lines."""
    return 2 * ROW_H + sum(ROW_H * (2 if len(k.name) > NAME_CHARS else 1) for k in rows)


def _unit_slide(prs, model: ReportModel, url: str, date_text: str) -> None:
    lang = model.lang
    s = prs.slides.add_slide(prs.slide_layouts[LAYOUT_TITLE_ONLY])
    _title(s, model.short_name, size=30)
    s.shapes.title.top, s.shapes.title.height = Inches(0.25), Inches(0.8)
    sub = s.shapes.add_textbox(MARGIN, Inches(1.0), W - 2 * MARGIN, Inches(0.4))
    _text(sub.text_frame, model.subtitle, size=14, color=MUTED)
    left_w = Inches(6.9)
    rows = _key_rows(model)
    if rows:
        heads = [t("report.col_indicator", lang), t("report.col_value", lang), t("report.col_year", lang),
                 t("report.col_rank_peers", lang)]
        table = s.shapes.add_table(len(rows) + 1, 4, MARGIN, Inches(1.5), left_w,
                                   Inches(0.3) * (len(rows) + 1)).table
        for c, w in enumerate((Inches(3.5), Inches(1.8), Inches(0.6), Inches(1.0))):
            table.columns[c].width = w
        for c, head in enumerate(heads):
            _text(table.cell(0, c).text_frame, head, size=10, bold=True, color=RGBColor(0xFF, 0xFF, 0xFF))
        for r, k in enumerate(rows, start=1):
            cells = [k.name, _value(k, lang), str(k.year),
                     f"{k.peer_rank} / {fmt_num(k.peer_of, 0, lang)}" if k.peer_rank else "–"]
            for c, text in enumerate(cells):
                _text(table.cell(r, c).text_frame, text, size=10, bold=(c == 1),
                      align=PP_ALIGN.LEFT if c == 0 else PP_ALIGN.RIGHT)
    group_top = Inches(1.5) + table_height(rows) + Inches(0.12)
    group = s.shapes.add_textbox(MARGIN, group_top, left_w, Inches(0.6))
    _text(group.text_frame, t("seminar.group", lang, group=model.peer_definition or "–"), size=11, color=MUTED)
    a = model.assessment
    if a is not None and a.score is not None:
        p = group.text_frame.add_paragraph()
        run = p.add_run()
        run.text = t("seminar.assessment_line", lang, score=fmt_num(a.score, 0, lang), rank=a.rank, of=a.group_size)
        run.font.size, run.font.bold, run.font.color.rgb = Pt(12), True, ACCENT
    # permalink and QR code
    qr = qr_png(url)
    qr_top = H - Inches(0.6) - QR_SIZE
    pic = s.shapes.add_picture(io.BytesIO(qr), MARGIN, qr_top, QR_SIZE, QR_SIZE)
    pic.name = "QR code"
    link = s.shapes.add_textbox(MARGIN + QR_SIZE + Inches(0.2), qr_top + Inches(0.15), left_w - QR_SIZE - Inches(0.2),
                                Inches(1.0))
    _text(link.text_frame, t("seminar.profile_link", lang), size=12, bold=True, color=ACCENT)
    p = link.text_frame.add_paragraph()
    run = p.add_run()
    run.text = url
    run.font.size, run.font.color.rgb = Pt(10), ACCENT
    run.hyperlink.address = url
    # strengths and weaknesses against its own peers
    right = MARGIN + left_w + Inches(0.35)
    col_w = W - MARGIN - right
    for i, (head, items, colour, empty) in enumerate((
            (t("seminar.strengths", lang), model.strengths_short, ACCENT, "report.no_strengths"),
            (t("seminar.weaknesses", lang), model.weaknesses_short, UNIT, "report.no_weaknesses"))):
        top = Inches(1.5) + i * Inches(2.6)
        hb = s.shapes.add_textbox(right, top, col_w, Inches(0.45))
        _text(hb.text_frame, head, size=16, bold=True, color=colour)
        bb = s.shapes.add_textbox(right, top + Inches(0.45), col_w, Inches(2.1))
        shown = list(items[:MAX_SW]) or [model.sw_note or t(empty, lang)]
        _bullets(bb.text_frame, shown, size=12)
    _footer(s, t("seminar.footer_sources", lang, sources=_publishers(model.sources), brand=t("report.brand", lang),
                 date=date_text))
    _notes(s, [model.title + " — " + model.subtitle, model.peer_definition, *model.narrative,
               t("report.strengths", lang) + ":", *model.strengths, t("report.weaknesses", lang) + ":",
               *model.weaknesses, url])


def _sources_slide(prs, sources: list[SourceRef], lang: str, date_text: str, notes) -> None:
    s = prs.slides.add_slide(prs.slide_layouts[LAYOUT_TITLE_ONLY])
    _title(s, t("report.sources_title", lang))
    box = s.shapes.add_textbox(MARGIN, Inches(1.45), W - 2 * MARGIN, Inches(5.3))
    from reports.docx import licence_text, vintage_text
    _bullets(box.text_frame, [t("report.deck_source_line", lang, publisher=x.publisher, title=x.title,
                                vintage=vintage_text(x.id, x.vintage, lang), licence=licence_text(x.id, x.licence, lang))
                              for x in sources],
             size=12 if len(sources) > 6 else 14)
    _footer(s, t("seminar.footer", lang, brand=t("report.brand", lang), date=date_text))
    _notes(s, list(notes))


# -- the deck --------------------------------------------------------------------------------------------
def gmina_inputs(src):
    """The assessment tree's leaf values for every gmina, read once for the whole deck (None when
    the store lacks the tree's indicators)."""
    from domain import assessment as AS
    from reports import assessment_context as AC

    try:
        tree = AC.tree_for(src.indicators())
    except AS.TreeError:
        return None
    units = src.units()
    return AC.level_inputs(src, "gmina", tree, int((units["level"] == "gmina").sum()))


def models_for(src, codes, *, lang: str, peers: str | None = None, today: dt.date | None = None,
               assessment: bool = True) -> list[ReportModel]:
    """Each gmina's report model (no charts, no map) with its overall assessment where the store
    has the assessment tree's indicators (scored without the rank interval: the slides show the
    score and rank; the interval is in the unit's own report)."""
    from dataclasses import replace

    from reports import assessment_report

    src = as_source(src)
    out = []
    inputs = gmina_inputs(src) if assessment else None
    for c in codes:
        m = gather.build(src, lang=lang, code=c, peers=peers, charts=(), with_map=False, today=today)
        if assessment and inputs is not None:
            a = assessment_report.build(src, lang=lang, code=c, peers=peers, interval=False, inputs=inputs)
            if a is not None:
                m = replace(m, assessment=a)
        out.append(m)
    return out


def build_seminar(src, codes, *, lang: str = "pl", indicator: str = DEFAULT_INDICATOR, title: str = "",
                  base_url: str = DEFAULT_BASE_URL, peers: str | None = None, skipped=(),
                  today: dt.date | None = None, overview: str = "auto") -> bytes:
    """PPTX bytes of the seminar deck for the gminy ``codes`` (in the order given). ``overview``:
    "assessment" (each gmina's overall assessment score in its own group), "indicator" (the
    ``indicator``'s position in its own group) or "auto" (the assessment where it exists)."""
    src = as_source(src)
    codes = list(dict.fromkeys(codes))
    if not codes:
        raise SeminarError("no_units")
    if len(codes) > MAX_UNITS:
        raise SeminarError("too_many", n=len(codes), max=MAX_UNITS)
    units = src.units()
    level = dict(zip(units["code"], units["level"]))
    bad = [c for c in codes if level.get(c) != "gmina"]
    if bad:
        raise SeminarError("not_gmina", codes=", ".join(bad))
    indicators = src.indicators()
    if indicator not in indicators or not indicators[indicator].profile:
        raise SeminarError("indicator", indicator=indicator)
    ind = indicators[indicator]
    if overview not in ("auto", "assessment", "indicator"):
        raise SeminarError("overview", overview=overview)
    models = models_for(src, codes, lang=lang, peers=peers, today=today, assessment=overview != "indicator")
    use_assessment = overview != "indicator" and any(m.assessment is not None for m in models)
    date_text = (today or dt.date.today()).isoformat()
    sources: dict[str, SourceRef] = {}
    for m in models:
        for s_ in m.sources:
            sources.setdefault(s_.id, s_)
    prs = Presentation()
    prs.slide_width, prs.slide_height = W, H
    _title_slide(prs, title or t("seminar.default_title", lang), len(models), lang, date_text, list(skipped))
    if use_assessment:
        _assessment_overview(prs, models, lang, date_text, list(sources.values()))
    else:
        _overview_slide(prs, models, ind, lang, date_text, list(sources.values()))
    for m in models:
        _unit_slide(prs, m, profile_url(base_url, m.codes[0], lang), date_text)
    _sources_slide(prs, list(sources.values()), lang, date_text, models[0].notes if models else ())
    prs.core_properties.title = title or t("seminar.default_title", lang)
    prs.core_properties.author = t("report.brand", lang)
    prs.core_properties.language = lang
    buf = io.BytesIO()
    prs.save(buf)
    return buf.getvalue()


__all__ = ["DEFAULT_INDICATOR", "Placement", "SeminarError", "build_seminar", "fit_footer", "placement",
           "profile_url", "qr_png"]
