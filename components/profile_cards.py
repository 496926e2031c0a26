"""Headline cards of the profile: value, unit, year, change, national and peer rank, sparkline,
source and vintage on every card (grouped by theme)."""
from __future__ import annotations

import html
import math

import pandas as pd
import streamlit as st

from presentation.profile_context import ProfileContext, level_plural
from domain.catalogue import CATEGORIES, Indicator
from domain.palettes import ROLE_COLOURS
from domain.profile import is_percent, series_map
from i18n import fmt_num, fmt_unit, t, unit_after

CARD_WIDTH = 330  # px; cards wrap to the screen width (3–4 per line on a laptop, 1 on a phone)
SHORT_UNIT = 10  # longer units are written under the value, not in it (the value would be cut off)
TREND_COLOUR = {"better": "blue", "worse": "orange", "same": "gray", "neutral": "gray"}


def sparkline_svg(*, years: list[int], values: list[float], label: str, width: int = 240, height: int = 46,
                  colour: str = ROLE_COLOURS["unit"]) -> str:
    """A tiny inline SVG line: solid between consecutive years, dotted across years without data
    (never an invented trend), a dot on the latest value. Empty string with < 2 points."""
    pts = [(int(y), float(v)) for y, v in zip(years, values) if v is not None and not math.isnan(float(v))]
    if len(pts) < 2:
        return ""
    pts.sort()
    y0, y1 = pts[0][0], pts[-1][0]
    lo, hi = min(v for _, v in pts), max(v for _, v in pts)
    pad = 5

    def xy(y: int, v: float) -> tuple[float, float]:
        x = pad + (y - y0) / max(y1 - y0, 1) * (width - 2 * pad)
        yy = height - pad - ((v - lo) / (hi - lo) if hi > lo else 0.5) * (height - 2 * pad)
        return round(x, 1), round(yy, 1)

    segs = []
    for (ya, va), (yb, vb) in zip(pts, pts[1:]):
        (xa, pa), (xb, pb) = xy(ya, va), xy(yb, vb)
        dash = ' stroke-dasharray="2 3"' if yb - ya > 1 else ""
        segs.append(f'<line x1="{xa}" y1="{pa}" x2="{xb}" y2="{pb}" stroke="{colour}" stroke-width="2"'
                    f' stroke-linecap="round"{dash}/>')
    lx, ly = xy(*pts[-1])
    dots = "".join(f'<circle cx="{xy(y, v)[0]}" cy="{xy(y, v)[1]}" r="1.6" fill="{colour}"/>' for y, v in pts[:-1])
    return (f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{html.escape(label)}" width="100%"'
            f' height="{height}" viewBox="0 0 {width} {height}" preserveAspectRatio="none">'
            f'<title>{html.escape(label)}</title>{"".join(segs)}{dots}'
            f'<circle cx="{lx}" cy="{ly}" r="3.5" fill="{colour}"/></svg>')


def value_text(value: float, ind: Indicator, lang: str) -> str:
    return fmt_unit(value, ind.decimals, ind.unit(lang), lang)


def change_text(r: dict, ind: Indicator, lang: str) -> str | None:
    """"+52 112 (+6,9%) od 2010" / "+2,1 pkt proc. od 2016"; None without an earlier year."""
    if pd.isna(r["change"]):
        return None
    if is_percent(ind):
        amount = t("profile.change_pp", lang, value=fmt_num(r["change"], ind.decimals, lang, signed=True))
    else:
        amount = fmt_num(r["change"], ind.decimals, lang, signed=True)
        if pd.notna(r["change_pct"]):
            amount += f" ({fmt_num(r['change_pct'], 1, lang, signed=True)}%)"
    return t("profile.change_since", lang, change=amount, year=int(r["first_year"]))


def rank_text(r: dict, ind: Indicator, ctx: ProfileContext) -> str:
    lang = ctx.lang
    parts = []
    if pd.notna(r["rank"]) and ctx.level != "country":
        parts.append(t("profile.rank_country", lang, rank=fmt_num(int(r["rank"]), 0, lang), of=fmt_num(int(r["rank_of"]), 0, lang),
                       level=level_plural(ctx.level, lang)))
    if pd.notna(r["peer_rank"]):
        parts.append(ctx.peer_text("profile.rank_peers", rank=int(r["peer_rank"]), of=int(r["peer_rank_of"])))
    if not parts:
        return ""
    key = "profile.rank_order_neutral" if ind.judging_polarity == "neutral" else "profile.rank_order"
    return " · ".join(parts) + " " + t(key, lang)


def help_text(ind: Indicator, lang: str) -> str:
    parts = [ind.definition(lang), t(f"profile.polarity.{ind.judging_polarity}", lang), t("profile.rank_help", lang)]
    if ind.notes(lang):
        parts.append(ind.notes(lang))
    return "\n\n".join(p for p in parts if p)


def small_base_text(sb: dict, ctx: ProfileContext) -> str:
    base = ctx.indicators.get(sb["indicator"])
    return t("profile.small_base", ctx.lang, base=base.name(ctx.lang) if base else sb["indicator"],
             value=fmt_num(sb["value"], 0, ctx.lang), year=sb["year"], below=fmt_num(sb["below"], 0, ctx.lang))


def card_lines(r: dict, ind: Indicator, ctx: ProfileContext, withheld: dict | None = None) -> list[str]:
    """The small print under a card's sparkline: year and ranks, peer median, small-number
    warning, source (an area: its coverage, and a later year withheld for low coverage)."""
    lang = ctx.lang
    lines = []
    line = t("profile.card_year", lang, year=int(r["year"]))
    ranks = rank_text(r, ind, ctx)
    lines.append(f"{line} · {ranks}" if ranks else line)
    if pd.notna(r["peer_median"]) and r["peer_n"]:
        lines.append(ctx.peer_text("profile.peer_median", value=value_text(r["peer_median"], ind, lang),
                                   n=int(r["peer_n"])))
    if not ctx.comparable(ind.id):
        lines.append(t("profile.area_sum_note", lang))
    if ctx.is_area and "partial" in str(r.get("flag") or "") and ind.aggregation.rule == "sum":
        lines.append("⚠️ " + t("areas.bd_partial", lang))  # a sum over the members with data: a lower bound
    later = withheld.get(ind.id) if withheld else None
    if later:
        lines.append("⚠️ " + t("profile.area_withheld", lang, year=later[0], n=later[1], of=later[2],
                               pct=round(ind.min_coverage * 100)))
    if r["small_base"]:
        lines.append("⚠️ " + small_base_text(r["small_base"], ctx))
    lines.append(t("profile.source", lang, source=ctx.source_line(r)))
    return lines


def render_card(r: dict, ctx: ProfileContext, smap: dict, withheld: dict | None = None) -> None:
    ind = ctx.indicators[r["indicator"]]
    lang = ctx.lang
    short = len(ind.unit(lang)) <= SHORT_UNIT
    with st.container(border=True, width=CARD_WIDTH):
        st.markdown(f"**{ind.name(lang)}**", help=help_text(ind, lang))
        shown = value_text(r["value"], ind, lang) if short else fmt_num(r["value"], ind.decimals, lang)
        st.metric(ind.name(lang), shown, delta=change_text(r, ind, lang),
                  delta_color=TREND_COLOUR.get(r["trend"], "gray"), label_visibility="collapsed")
        if not short:
            # a long unit right under the number it belongs to, in the form that fits the number
            st.caption(unit_after(shown, ind.unit(lang), lang, keep_count_word=True))
        years, values = smap.get(ind.id, ([], []))
        svg = sparkline_svg(years=list(years), values=list(values),
                            label=t("profile.sparkline_alt", lang, name=ind.name(lang),
                                    first=int(years[0]) if len(years) else "", last=int(r["year"])))
        if svg:
            st.markdown(svg, unsafe_allow_html=True)
        # one caption element (markdown line breaks) keeps the page light: ~20 cards per unit
        st.caption("  \n".join(card_lines(r, ind, ctx, withheld)))


def render(cards: pd.DataFrame, ctx: ProfileContext, withheld: dict | None = None) -> None:
    """``withheld``: an area's indicator -> (year, n, of) of a later year withheld for low coverage."""
    lang = ctx.lang
    if cards.empty:
        st.info(t("overview.no_values", lang))
        return
    smap = series_map(ctx.values)
    records = cards.to_dict("records")
    for cat in CATEGORIES:
        rows = [r for r in records if r["category"] == cat]
        if not rows:
            continue
        st.subheader(t(f"category.{cat}", lang))
        # a wrapping row of fixed-width cards: as many per line as the screen holds
        with st.container(horizontal=True, wrap=True, gap="small"):
            for r in rows:
                render_card(r, ctx, smap, withheld)
    shown = set(cards["indicator"])
    missing = [ind for i, ind in ctx.indicators.items() if ind.profile and i not in shown]
    level = "gmina" if ctx.is_area else ctx.level  # an area has what its gminy have
    other_level = [ind.name(lang) for ind in missing if level not in ind.levels]
    no_data = [ind.name(lang) for ind in missing if level in ind.levels and ind.id not in (withheld or {})]
    if other_level:
        st.caption(t("profile.not_for_level", lang, level=level_plural(level, lang),
                     names=", ".join(other_level)))
    if no_data:
        st.caption(t("profile.no_data_for", lang, names=", ".join(no_data)))
