"""The seminar slide deck (PPTX, 16:9) from a report model (python-pptx).

Slides: title (unit, date, locator map); key indicators (a native table); strengths and
weaknesses; one slide per chart — its one-sentence takeaway as the slide title, the chart as a
PNG ≥ 1,600 px wide, a source footer; the narrative and the chart's notes in the speaker notes;
a closing sources slide with the permalink. Every slide has a source footer.
(Named deck.py, not pptx.py, so it never shadows the python-pptx package.)
"""
from __future__ import annotations

import io
import logging

from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.util import Inches, Pt

from i18n import fmt_num, t
from i18n.plurals import with_unit
from reports import png
from reports.model import ReportModel


def publisher_short(publisher: str) -> str:
    """"GUS – Bank Danych Lokalnych (eksport)" -> "GUS" (the full names are on the sources slide)."""
    return publisher.split(" (")[0].split(" – ")[0].strip()

log = logging.getLogger("mrl.reports")

W, H = Inches(13.333), Inches(7.5)
MARGIN = Inches(0.5)
INK = RGBColor(0x1A, 0x1A, 0x1A)
ACCENT = RGBColor(0x0B, 0x3D, 0x66)
UNIT = RGBColor(0xD5, 0x5E, 0x00)
MUTED = RGBColor(0x59, 0x59, 0x59)
CHART_PX = (1400, 640)  # CSS px; rendered at scale 1.4 -> 1960 x 896 px
CHART_SCALE = 1.4
FONT_SCALE = 1.3
MAX_TABLE_ROWS = 12
MAX_MEMBER_LINES = 45  # an area's gminy listed on its slide (the rest: "and N more")
LAYOUT_TITLE, LAYOUT_TITLE_ONLY, LAYOUT_BLANK = 0, 5, 6


def _text(frame, text: str, *, size: int, bold: bool = False, color: RGBColor = INK,
          align=PP_ALIGN.LEFT) -> None:
    frame.clear()
    frame.word_wrap = True
    p = frame.paragraphs[0]
    p.alignment = align
    run = p.add_run()
    run.text = text
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.color.rgb = color


def title_size(text: str) -> int:
    """Long takeaways get a smaller font so they fit in two lines above the chart."""
    n = len(text)
    return 28 if n <= 70 else 24 if n <= 110 else 20 if n <= 160 else 18


def _title(slide, text: str, *, size: int = 28) -> None:
    shape = slide.shapes.title
    shape.left, shape.top, shape.width, shape.height = MARGIN, Inches(0.3), W - 2 * MARGIN, Inches(1.1)
    _text(shape.text_frame, text, size=size, bold=True, color=ACCENT)
    shape.text_frame.vertical_anchor = MSO_ANCHOR.MIDDLE


FOOTER_BAND = Inches(0.55)  # the strip under the slide's content the footer may use
FOOTER_BOTTOM = Inches(0.05)  # kept free under the footer (inside the slide)
FOOTER_INSETS = Inches(0.1)  # python-pptx text boxes: 0.05 in above and below the text
CHAR_EM = 0.55  # average character width of the theme's sans font, in em (a safe estimate)
LINE_SPACING = 1.2


def footer_layout(text: str, width: int) -> tuple[str, int, int]:
    """(text, font size in pt, box height in EMU) of a footer that fits the band under the slide's
    content: the largest size from 11 pt down to 8 pt whose wrapped lines (estimated from the text
    length) fit; at 8 pt a still longer text is cut with "…" (the full source list is on the closing
    slide and in the speaker notes)."""
    usable = FOOTER_BAND - FOOTER_BOTTOM - FOOTER_INSETS
    inner = width - Inches(0.2)  # left and right insets
    for size in (11, 10, 9, 8):
        per_line = max(1, int(inner / Pt(size * CHAR_EM)))
        lines = -(-len(text) // per_line)
        if lines * Pt(size * LINE_SPACING) <= usable:
            return text, size, int(lines * Pt(size * LINE_SPACING) + FOOTER_INSETS)
    per_line = max(1, int(inner / Pt(8 * CHAR_EM)))
    max_lines = int(usable // Pt(8 * LINE_SPACING))
    cut = text[: per_line * max_lines - 1].rsplit(" ", 1)[0].rstrip(";,. ") + "…"
    return cut, 8, int(max_lines * Pt(8 * LINE_SPACING) + FOOTER_INSETS)


def _footer(slide, text: str) -> None:
    width = W - 2 * MARGIN
    text, size, height = footer_layout(text, width)
    box = slide.shapes.add_textbox(MARGIN, H - FOOTER_BOTTOM - height, width, height)
    box.name = "Source footer"
    _text(box.text_frame, text, size=size, color=MUTED)


def _notes(slide, parts) -> None:
    text = "\n\n".join(p for p in parts if p)
    if text:
        slide.notes_slide.notes_text_frame.text = text


def _bullets(frame, items, *, size: int) -> None:
    frame.clear()
    frame.word_wrap = True
    for i, item in enumerate(items):
        p = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        run = p.add_run()
        run.text = "• " + item
        run.font.size = Pt(size)
        run.font.color.rgb = INK
        p.space_after = Pt(8)


def _fit(img_w: int, img_h: int, box_w: int, box_h: int) -> tuple[int, int]:
    s = min(box_w / img_w, box_h / img_h)
    return int(img_w * s), int(img_h * s)


def _picture(slide, data: bytes, left: int, top: int, box_w: int, box_h: int) -> None:
    from PIL import Image

    with Image.open(io.BytesIO(data)) as im:
        w, h = im.size
    pw, ph = _fit(w, h, box_w, box_h)
    slide.shapes.add_picture(io.BytesIO(data), left + (box_w - pw) // 2, top + (box_h - ph) // 2, pw, ph)


def assessment_slide(prs, a, lang: str, *, footer: str) -> None:
    """One slide: the overall score, rank and interval in the title; the dimensions and areas as a
    chart (left); the narrative (right); the method in the notes."""
    from reports.assessment_report import interval_text, score_text

    s = prs.slides.add_slide(prs.slide_layouts[LAYOUT_TITLE_ONLY])
    if a.score is not None and a.rank is not None:
        title = t("assess_report.slide_title", lang, score=score_text(a.score, lang), rank=a.rank, n=a.group_size,
                  interval=interval_text(a.rank_low, a.rank_high, lang))
    else:
        title = a.title
    _title(s, title, size=title_size(title))
    try:
        data = png.figure_png(a.figure, width=760, height=max(520, int(getattr(a.figure.layout, "height", 0) or 0)),
                              scale=2, font_scale=1.2)
        _picture(s, data, MARGIN, Inches(1.45), Inches(7.2), Inches(5.35))
    except png.ImageError as exc:
        log.warning("assessment chart not rendered: %s", exc)
    box = s.shapes.add_textbox(MARGIN + Inches(7.45), Inches(1.5), W - 2 * MARGIN - Inches(7.45), Inches(5.3))
    _bullets(box.text_frame, [a.overall, *a.narrative[1:]], size=12)
    _footer(s, footer)
    _notes(s, [a.overall, *a.narrative, a.method])


def build_deck(model: ReportModel) -> bytes:
    """PPTX bytes of the deck."""
    lang = model.lang
    locator_png = model.locator.png() if model.locator is not None else None
    prs = Presentation()
    prs.slide_width, prs.slide_height = W, H
    brand = t("report.brand", lang)
    date_text = model.date.isoformat()
    all_sources = "; ".join(dict.fromkeys(publisher_short(s.publisher) for s in model.sources))  # one line
    base_footer = t("report.deck_footer", lang, brand=brand, date=date_text)

    # 1. title
    s = prs.slides.add_slide(prs.slide_layouts[LAYOUT_TITLE])
    title, sub = s.shapes.title, s.placeholders[1]
    text_w = W - 2 * MARGIN if not locator_png else Inches(6.4)
    title.left, title.top, title.width, title.height = MARGIN, Inches(1.6), text_w, Inches(2.2)
    _text(title.text_frame, model.title, size=36, bold=True, color=ACCENT)
    title.text_frame.vertical_anchor = MSO_ANCHOR.BOTTOM
    sub.left, sub.top, sub.width, sub.height = MARGIN, Inches(3.95), text_w, Inches(1.6)
    _text(sub.text_frame, model.subtitle, size=20, color=MUTED)
    p = sub.text_frame.add_paragraph()
    p.alignment = PP_ALIGN.LEFT
    run = p.add_run()
    run.text = t("report.deck_subtitle", lang, brand=brand, date=date_text)
    run.font.size, run.font.color.rgb = Pt(16), MUTED
    if locator_png:
        _picture(s, locator_png, Inches(7.1), Inches(1.5), Inches(5.8), Inches(4.4))
    _footer(s, t("report.deck_footer_sources", lang, sources=all_sources))
    _notes(s, [model.peer_definition, ", ".join(model.peer_names[:40]), *model.narrative])

    # 2. key indicators
    if model.key_indicators:
        s = prs.slides.add_slide(prs.slide_layouts[LAYOUT_TITLE_ONLY])
        _title(s, t("report.key_indicators", lang))
        rows = list(model.key_indicators)[:MAX_TABLE_ROWS]
        heads = [t("report.col_indicator", lang), t("report.col_value", lang), t("report.col_year", lang),
                 t("report.col_coverage" if model.is_area else "report.col_rank_national", lang),
                 t("report.col_rank_peers", lang)]
        top = Inches(1.45)
        height = Inches(0.36) * (len(rows) + 1)
        table = s.shapes.add_table(len(rows) + 1, len(heads), MARGIN, top, W - 2 * MARGIN, height).table
        for c, w in enumerate([Inches(5.2), Inches(2.9), Inches(0.9), Inches(1.9), Inches(1.43)]):
            table.columns[c].width = w
        for c, head in enumerate(heads):
            _text(table.cell(0, c).text_frame, head, size=14, bold=True, color=RGBColor(0xFF, 0xFF, 0xFF))
        for r, k in enumerate(rows, start=1):
            if model.is_area:
                fourth = k.coverage or "–"
            else:
                fourth = f"{fmt_num(k.national_rank, 0, lang)} / {fmt_num(k.national_of, 0, lang)}" if k.national_rank else "–"
            cells = [k.name, with_unit(k.value_text, k.value, k.unit, lang, k.decimals) or "–", str(k.year), fourth,
                     f"{fmt_num(k.peer_rank, 0, lang)} / {fmt_num(k.peer_of, 0, lang)}" if k.peer_rank else "–"]
            for c, text in enumerate(cells):
                _text(table.cell(r, c).text_frame, text, size=13, bold=(c == 1),
                      align=PP_ALIGN.LEFT if c == 0 else PP_ALIGN.RIGHT)
        more = len(model.key_indicators) - len(rows)
        footer = t("report.deck_footer_sources", lang, sources=all_sources)
        if more > 0:
            footer = t("report.deck_more_rows", lang, n=more) + " " + footer
        _footer(s, footer)
        _notes(s, [*model.notes[:2], *model.narrative])

    # 2b. an area's gminy (and what is given for them only)
    if model.members:
        s = prs.slides.add_slide(prs.slide_layouts[LAYOUT_TITLE_ONLY])
        _title(s, t("report.members_title", lang, n=len(model.members)))
        names = [f"{name} ({code})" for code, name in model.members]
        shown = names[:MAX_MEMBER_LINES]
        if len(names) > len(shown):
            shown.append(t("areas.and_more", lang, n=len(names) - len(shown)).strip())
        n_cols = 1 if len(shown) <= 12 else 2 if len(shown) <= 24 else 3
        per = -(-len(shown) // n_cols)
        col_w = (W - 2 * MARGIN) // n_cols
        body_h = Inches(3.4) if model.members_only else Inches(5.0)
        for i in range(n_cols):
            box = s.shapes.add_textbox(MARGIN + i * col_w, Inches(1.45), col_w, body_h)
            _bullets(box.text_frame, shown[i * per:(i + 1) * per], size=14 if n_cols < 3 else 12)
        if model.members_only:
            box = s.shapes.add_textbox(MARGIN, Inches(5.0), W - 2 * MARGIN, Inches(1.5))
            _bullets(box.text_frame, [t("report.members_only_title", lang) + ":", *model.members_only], size=13)
        _footer(s, t("report.deck_footer_sources", lang, sources=all_sources))
        _notes(s, list(model.notes))

    # 3. strengths and weaknesses
    if model.strengths or model.weaknesses or model.sw_note:
        s = prs.slides.add_slide(prs.slide_layouts[LAYOUT_TITLE_ONLY])
        _title(s, t("report.deck_sw_title", lang, name=model.short_name))
        col_w = (W - 2 * MARGIN - Inches(0.4)) // 2
        for i, (head, items, colour) in enumerate(((t("report.strengths", lang), model.strengths, ACCENT),
                                                   (t("report.weaknesses", lang), model.weaknesses, UNIT))):
            left = MARGIN + i * (col_w + Inches(0.4))
            hb = s.shapes.add_textbox(left, Inches(1.5), col_w, Inches(0.6))
            _text(hb.text_frame, head, size=22, bold=True, color=colour)
            bb = s.shapes.add_textbox(left, Inches(2.2), col_w, Inches(4.4))
            empty = model.sw_note or t("report.no_strengths" if i == 0 else "report.no_weaknesses", lang)
            _bullets(bb.text_frame, items or [empty], size=16)
        _footer(s, t("report.deck_footer_sources", lang, sources=all_sources))
        _notes(s, [model.peer_definition, *model.notes[:2]])

    # 3b. the synthetic assessment (issue 13): chart, narrative, rank with its interval
    if model.assessment is not None:
        assessment_slide(prs, model.assessment, lang, footer=t("report.deck_footer_sources", lang, sources=all_sources))

    # 4. one slide per chart
    for item in model.charts:
        s = prs.slides.add_slide(prs.slide_layouts[LAYOUT_TITLE_ONLY])
        _title(s, item.takeaway, size=title_size(item.takeaway))
        try:
            own = getattr(item.figure.layout, "height", None) or 0  # tall charts (many rows) keep their height
            height = max(CHART_PX[1], int(own * FONT_SCALE))
            data = png.figure_png(item.figure, width=CHART_PX[0], height=height, scale=CHART_SCALE,
                                  font_scale=FONT_SCALE)
            _picture(s, data, MARGIN, Inches(1.45), W - 2 * MARGIN, Inches(5.35))
        except png.ImageError as exc:
            log.warning("chart %s not rendered: %s", item.key, exc)
            box = s.shapes.add_textbox(MARGIN, Inches(3), W - 2 * MARGIN, Inches(1))
            _text(box.text_frame, t("report.chart_missing", lang), size=18, color=MUTED)
        _footer(s, t("report.deck_footer_chart", lang, source=item.source, brand=brand, date=date_text))
        _notes(s, [item.caption, item.notes, *model.narrative])

    # 5. sources
    s = prs.slides.add_slide(prs.slide_layouts[LAYOUT_TITLE_ONLY])
    _title(s, t("report.sources_title", lang))
    box = s.shapes.add_textbox(MARGIN, Inches(1.45), W - 2 * MARGIN, Inches(4.6))
    _bullets(box.text_frame, [t("report.deck_source_line", lang, publisher=x.publisher, title=x.title,
                                vintage=x.vintage, licence=x.licence) for x in model.sources],
             size=13 if len(model.sources) > 6 else 15)
    if model.permalink:
        link = s.shapes.add_textbox(MARGIN, Inches(6.15), W - 2 * MARGIN, Inches(0.6))
        _text(link.text_frame, t("report.deck_permalink", lang, url=model.permalink), size=11, color=ACCENT)
    _footer(s, base_footer)
    _notes(s, list(model.notes))

    buf = io.BytesIO()
    prs.core_properties.title = model.title
    prs.core_properties.author = brand
    prs.core_properties.language = lang
    prs.save(buf)
    return buf.getvalue()


__all__ = ["build_deck"]
