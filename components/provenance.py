"""Provenance texts: what each source is, and what the app computes from it (rules in words)."""
from __future__ import annotations

import json

import pandas as pd
import streamlit as st

from domain.catalogue import Aggregation, Indicator
import services
from i18n import fmt_num, fmt_when, t


def _name(ind_id: str, indicators: dict[str, Indicator], lang: str) -> str:
    ind = indicators.get(ind_id)
    return ind.name(lang) if ind else ind_id


def rule_text(agg: Aggregation, indicators: dict[str, Indicator], lang: str) -> str:
    """The aggregation rule in words, e.g. "ratio of sums: A / B × 1000"."""
    n = lambda i: _name(i, indicators, lang)  # noqa: E731
    scale = fmt_num(agg.scale, 0, lang)
    if agg.rule == "sum":
        text = t("rule.sum", lang)
    elif agg.rule == "ratio":
        text = t("rule.ratio", lang, num=n(agg.numerator), den=n(agg.denominator), scale=scale)
        if agg.denominator_year == "nearest":
            text += " " + t("rule.nearest", lang)
    elif agg.rule == "weighted_mean":
        text = t("rule.weighted_mean", lang, weight=n(agg.weight))
    elif agg.rule == "odds":
        text = t("rule.odds", lang, base=n(agg.base))
    else:
        text = t("rule.none", lang, reason=agg.reason_en if lang == "en" else agg.reason_pl)
    if agg.fallback:
        text += " " + t("rule.fallback", lang, rule=rule_text(agg.fallback, indicators, lang))
    return text


def derive_text(ind: Indicator, indicators: dict[str, Indicator], lang: str) -> str:
    d = ind.derive
    if d is None:
        return ""
    if d.op == "sum":
        return t("derive.sum", lang, parts=", ".join(_name(i, indicators, lang) for i in d.of))
    if d.op == "change":
        return t("derive.change", lang, of=_name(d.of[0], indicators, lang), lag=d.lag)
    return t("derive.ratio", lang, num=_name(d.numerator, indicators, lang),
             den=_name(d.denominator, indicators, lang), scale=fmt_num(d.scale, 0, lang))


def indicator_table(indicators: dict[str, Indicator], ind_sources: pd.DataFrame, sources: pd.DataFrame,
                    lang: str) -> pd.DataFrame:
    """One row per indicator: source(s) and years, how groups are computed, how it is derived."""
    titles = dict(zip(sources["id"], sources[f"publisher_{lang}"]))
    rows = []
    for ind in indicators.values():
        own = ind_sources.loc[(ind_sources["indicator"] == ind.id) & (ind_sources["method"] == "source")]
        src = "; ".join(f"{titles.get(r.source, r.source)} ({r.first_year}–{r.last_year})"
                        if r.first_year != r.last_year else f"{titles.get(r.source, r.source)} ({r.first_year})"
                        for r in own.itertuples())
        rows.append({
            t("col.category", lang): t(f"category.{ind.category}", lang),
            t("col.indicator", lang): ind.name(lang),
            t("col.unit", lang): ind.unit(lang),
            t("about.col_source", lang): src or t("about.computed_only", lang),
            t("about.col_derived", lang): derive_text(ind, indicators, lang),
            t("about.col_rule", lang): rule_text(ind.aggregation, indicators, lang),
        })
    return pd.DataFrame(rows)


def _names(ids, indicators: dict[str, Indicator], lang: str, limit: int = 60) -> str:
    names = sorted({_name(i, indicators, lang) for i in ids}, key=str.casefold)
    more = len(names) - limit
    return ", ".join(names[:limit]) + (" " + t("about.and_more", lang, n=more) if more > 0 else "")


def source_use(source_id: str, ind_sources: pd.DataFrame, indicators: dict[str, Indicator], lang: str) -> list[str]:
    """What the app takes from a source and what it computes from it, in words (one line each)."""
    rows = ind_sources.loc[ind_sources["source"] == source_id] if not ind_sources.empty else ind_sources
    if rows.empty:
        return [t("about.source_no_values", lang)]
    out = []
    for method, key in (("source", "about.source_direct"), ("aggregated", "about.source_aggregated"),
                        ("derived", "about.source_derived")):
        ids = rows.loc[rows["method"] == method, "indicator"].unique()
        if len(ids):
            out.append(t(key, lang, n=len(ids), names=_names(ids, indicators, lang)))
    return out


def render_sources(sources: pd.DataFrame, lang: str, ind_sources: pd.DataFrame | None = None,
                   indicators: dict[str, Indicator] | None = None) -> None:
    for r in sources.to_dict("records"):
        with st.container(border=True):
            st.markdown(f"**{r[f'title_{lang}']}**")
            st.markdown(t("about.source_meta", lang, publisher=r[f"publisher_{lang}"],
                          licence=services.licence_text(r["licence"], lang), vintage=r["vintage"],
                          retrieved=fmt_when(r["retrieved"], lang), origin=r["origin"]))
            if ind_sources is not None and indicators is not None:
                st.markdown("\n".join(f"- {line}" for line in source_use(r["id"], ind_sources, indicators, lang)))


def render_excluded(meta: dict[str, str], lang: str) -> None:
    items = json.loads(meta.get("excluded", "[]"))
    for e in items:
        st.markdown(f"- `{e['path']}` — {e.get('reason_' + lang, '')}")
