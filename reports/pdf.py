"""The PDF report (A4): WeasyPrint renders HTML from a Jinja2 template (autoescape on, so unit
names and any user text are escaped). Charts are embedded as SVG (vector, sharp in print),
rendered by the shared kaleido server (reports.png); the locator map is SVG drawn directly.
Polish diacritics come out right with the system fonts (Debian fonts-dejavu-core via Pango).
"""
from __future__ import annotations

import base64
import logging
from functools import lru_cache
from pathlib import Path

import jinja2
from markupsafe import Markup

from i18n import fmt_num, locale, t
from reports import png
from reports.model import ReportModel

log = logging.getLogger("mrl.reports")
TEMPLATES = Path(__file__).resolve().parent / "templates"
CHART_PX = (900, 430)
PEER_NAMES = 30  # peers named on the cover (the rest: "and N more")


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["num"] = lambda v, lang, d=0: fmt_num(v, d, lang)
    env.filters["css_string"] = css_string
    return env


def css_string(text: str) -> Markup:
    """Text as the inside of a double-quoted CSS string in a <style> element: quotes, backslashes,
    '<' (no </style> break-out) and control characters become CSS escapes."""
    out = []
    for ch in str(text):
        if ch in '"\\<>&' or ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\{ord(ch):x} ")
        else:
            out.append(ch)
    return Markup("".join(out))


def data_uri(data: bytes, mime: str) -> str:
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


def long_date(model: ReportModel) -> str:
    from babel.dates import format_date

    return format_date(model.date, format="long", locale=locale(model.lang))


def labels(lang: str) -> dict[str, str]:
    keys = ("brand", "generated", "key_indicators", "col_indicator", "col_value", "col_unit", "col_year",
            "col_rank_national", "col_rank_peers", "col_source", "strengths", "weaknesses", "no_strengths",
            "no_weaknesses", "peers_title", "charts_title", "sources_title", "src_publisher", "src_title",
            "src_vintage", "src_licence", "permalink_title", "permalink_hint", "method_title", "page", "of_pages",
            "chart_missing", "map_title", "source_label", "col_coverage", "members_only_title")
    return {k: t(f"report.{k}", lang) for k in keys}


def members_title(model: ReportModel) -> str:
    return t("report.members_title", model.lang, n=len(model.members))


def peer_list(model: ReportModel, limit: int = PEER_NAMES) -> str:
    """"W grupie: A, B, C … i 202 innych" (nearest first for kNN)."""
    names = list(model.peer_names)
    text = ", ".join(names[:limit])
    if len(names) > limit:
        text += t("areas.and_more", model.lang, n=len(names) - limit)
    return t("report.peer_names", model.lang, names=text)


def assessment_image(model: ReportModel) -> str:
    """The assessment chart as an SVG data URI ("" without an assessment or when it cannot be drawn)."""
    a = model.assessment
    if a is None or a.figure is None:
        return ""
    try:
        return data_uri(png.figure_svg(a.figure, width=CHART_PX[0], height=_height(a.figure)), "image/svg+xml")
    except png.ImageError as exc:
        log.warning("assessment chart not rendered: %s", exc)
        return ""


def render_html(model: ReportModel, chart_images: list[str | None], assessment_img: str = "") -> str:
    """The report's HTML (chart_images: a data URI per chart, None where rendering failed)."""
    tpl = environment().get_template("report.html")
    return tpl.render(m=model, L=labels(model.lang), date_text=long_date(model), members_title=members_title(model),
                      assessment_img=assessment_img,
                      peer_list=peer_list(model),
                      charts=list(zip(model.charts, chart_images)),
                      locator=data_uri(model.locator.svg().encode("utf-8"), "image/svg+xml") if model.locator is not None else "",
                      css=(TEMPLATES / "report.css").read_text(encoding="utf-8"))


def chart_images(model: ReportModel) -> list[str | None]:
    out: list[str | None] = []
    for item in model.charts:
        try:
            svg = png.figure_svg(item.figure, width=CHART_PX[0], height=_height(item.figure))
            out.append(data_uri(svg, "image/svg+xml"))
        except png.ImageError as exc:
            log.warning("chart %s not rendered: %s", item.key, exc)
            out.append(None)
    return out


def _height(fig) -> int:
    h = getattr(fig.layout, "height", None)
    return int(h) if h else CHART_PX[1]


def render_pdf(model: ReportModel) -> bytes:
    """PDF bytes of the report."""
    import weasyprint

    html = render_html(model, chart_images(model), assessment_image(model))
    return weasyprint.HTML(string=html, base_url=str(TEMPLATES)).write_pdf()
