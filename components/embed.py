"""Embeddable views (issue 16): one map, chart or the key-indicator cards, alone, for an iframe on
another site — and the "Osadź na stronie" control that gives the ``<iframe>`` snippet.

An embed is the page's permalink plus ``view=embed`` and ``el=`` (what to show):

* ``el=map`` — the map of the URL's indicator/year/level/classes, subject outlined (``/mapa``);
* ``el=chart:<key>`` — one comparison chart, keys as the report's ``charts=`` (``trend:<ind>``,
  ``ranking:<ind>``, ``distribution:<ind>``, ``scatter:<x>:<y>``, ``quadrant:<ind>``, ``age``)
  (``/porownania``);
* ``el=cards`` — the unit's (or area's) headline key-indicator cards (``/profil``);
* ``eh=``, ``ew=`` — the iframe's height and width in pixels, so the element fits it.

app.py calls ``render`` instead of the sidebar, navigation and page when ``view=embed``: no
sidebar, no navigation menu, no Streamlit header/toolbar (hidden by CSS), only the element and a
one-line footer "Źródło: … · Monitor Rozwoju Lokalnego" linking to the full view. It works in
public mode (nothing here writes) and in the URL's language.
"""
from __future__ import annotations

import html
from dataclasses import replace

import streamlit as st

import services
from components import state
from domain.permalink import to_query
from i18n import t

VIEW_KEY, EL_KEY, HEIGHT_KEY, WIDTH_KEY = "view", "el", "eh", "ew"
EMBED = "embed"
DEFAULT_SIZE = {"map": (800, 640), "chart": (760, 520), "cards": (760, 460)}
PAGE_OF = {"map": "mapa", "chart": "porownania", "cards": "profil"}
MIN_SIZE, MAX_SIZE = 200, 2000
FOOTER_PX = 200  # title line, the chart's text alternative, footer line and paddings inside the iframe
COMPACT_BELOW = 640  # narrower iframes get the phone layout of the map (legend under it)
HEADLINE_CARDS = 6

CSS = """<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stSidebarNav"],
[data-testid="stHeader"], [data-testid="stToolbar"], [data-testid="stDecoration"],
[data-testid="stStatusWidget"], [data-testid="stAppDeployButton"], footer { display: none !important; }
[data-testid="stMainBlockContainer"], .block-container { padding: 0.4rem 0.6rem 0.2rem !important;
  max-width: 100% !important; }
[data-testid="stAppViewContainer"] > .main, section.main { margin-left: 0 !important; }
.mrl-embed-footer { font-size: 0.8rem; color: #31333f; margin-top: 0.2rem; }
.mrl-embed-footer a { color: #0b57d0; }
</style>"""


def requested() -> bool:
    """True when this run is an embed (``view=embed`` in the URL or the session's view state)."""
    try:
        if st.query_params.get(VIEW_KEY) == EMBED:
            return True
    except Exception:  # noqa: BLE001 - no request context
        pass
    return state.get_extra(VIEW_KEY) == EMBED


def kind_of(el: str) -> str:
    return el.partition(":")[0]


def full_query(view) -> dict[str, str]:
    """The permalink query of the full view (without the embed keys)."""
    extra = tuple((k, v) for k, v in view.extra if k not in (VIEW_KEY, EL_KEY, HEIGHT_KEY, WIDTH_KEY))
    return to_query(replace(view, extra=extra))


def embed_query(view, el: str, height: int, width: int | None = None) -> dict[str, str]:
    q = {**full_query(view), VIEW_KEY: EMBED, EL_KEY: el, HEIGHT_KEY: str(int(height))}
    if width:
        q[WIDTH_KEY] = str(int(width))
    return q


def snippet(url: str, width: int, height: int, title: str) -> str:
    """The ``<iframe>`` to paste into another site (escaped; lazy-loaded; no border)."""
    return (f'<iframe src="{html.escape(url, quote=True)}" width="{int(width)}" height="{int(height)}" '
            f'title="{html.escape(title, quote=True)}" style="border:0;max-width:100%" loading="lazy"></iframe>')


def _clamp(v, lo: int, hi: int, default: int) -> int:
    try:
        return max(lo, min(hi, int(v)))
    except (TypeError, ValueError):
        return default


def control(el: str, *, key: str, title: str) -> str:
    """The "Osadź na stronie" control: width and height, then the iframe snippet to copy."""
    from components import share

    lang = state.lang()
    kind = kind_of(el)
    w0, h0 = DEFAULT_SIZE.get(kind, (760, 520))
    page = PAGE_OF.get(kind, "")
    with st.expander(t("embed.control", lang), icon="🔗"):
        c1, c2 = st.columns(2)
        w = c1.number_input(t("embed.width", lang), MIN_SIZE, MAX_SIZE, w0, step=20, key=f"{key}_w")
        h = c2.number_input(t("embed.height", lang), MIN_SIZE, MAX_SIZE, h0, step=20, key=f"{key}_h")
        url = share.build_url(share._base(page), page, embed_query(state.view(), el, h, w))
        code = snippet(url, w, h, title)
        st.code(code, language="html", wrap_lines=True)
        st.caption(t("embed.hint", lang))
    return code


# -- the embedded view ----------------------------------------------------------------------------

def render(ingest: str | None, lang: str) -> None:
    """The element named by ``el=`` alone, with the source footer (called by app.py)."""
    st.markdown(CSS, unsafe_allow_html=True)
    if ingest is None:
        st.warning(t("start.no_data", lang), icon="📂")
        return
    el = state.get_extra(EL_KEY) or st.query_params.get(EL_KEY) or ""
    kind = kind_of(el)
    height = _clamp(state.get_extra(HEIGHT_KEY), MIN_SIZE, MAX_SIZE, DEFAULT_SIZE.get(kind, (0, 520))[1])
    width = _clamp(state.get_extra(WIDTH_KEY), MIN_SIZE, MAX_SIZE, DEFAULT_SIZE.get(kind, (760, 0))[0])
    body = max(MIN_SIZE - 50, height - FOOTER_PX)
    if kind == "map":
        from components import map_view
        # a narrow iframe, or any iframe on a phone (the host page may shrink it): legend under the map
        sources = map_view.render_embed(ingest, lang, body, compact=width < COMPACT_BELOW or map_view._is_phone())
    elif kind == "chart":
        sources = _chart(ingest, lang, el.partition(":")[2], body)
    elif kind == "cards":
        sources = _cards(ingest, lang)
    else:
        st.info(t("embed.unknown", lang))
        sources = None
    footer(PAGE_OF.get(kind, ""), sources, lang)


def footer(page: str, sources: str | None, lang: str) -> None:
    from components import share

    url = share.build_url(share._base(page), page, full_query(state.view()))
    link = f'<a href="{html.escape(url, quote=True)}" target="_blank" rel="noopener">Monitor Rozwoju Lokalnego</a>'
    text = (t("embed.footer", lang, sources=html.escape(sources)) if sources else t("embed.footer_plain", lang))
    block = f'<div class="mrl-embed-footer">{text} · {link}</div>'  # the app's name is the same in every language
    st.markdown(block, unsafe_allow_html=True)


def _context(ingest: str, lang: str):
    from components import subject
    from presentation import profile_context
    from services import profile as SP

    v = state.view()
    shown = subject.current()
    return profile_context.build(SP.source(ingest), v.unit, v.peers, lang, area=shown.members)


def _chart(ingest: str, lang: str, key: str, height: int) -> str | None:
    from components import a11y
    from presentation import profile_charts
    from presentation.data_text import md

    ctx = _context(ingest, lang)
    if not ctx.code and not ctx.is_area:
        st.info(t("profile.pick_hint", lang))
        return None
    from presentation import assessment_compare

    if assessment_compare.uses_score(key) and ctx.group.codes:  # a synthetic-assessment score (ocena_*)
        from services import assessment as SAS

        ac = SAS.assessment(ingest, None if ctx.is_area else ctx.code, state.view().peers, tuple(ctx.members),
                            lang, _ctx=ctx)
        result = assessment_compare.chart(assessment_compare.scored_context(ctx, ac), key, ac)
    else:
        result = profile_charts.chart(ctx, key)
    if result.figure is None:
        st.info(result.message or t("compare.no_data", lang))
        return None
    st.markdown(f"**{md(ctx.label)}**")  # the figure carries its own title
    fig = result.figure
    fig.update_layout(height=max(180, height))
    a11y.chart(fig, summary=result.takeaway or result.title, lang=lang, config={"displaylogo": False,
                                                                                "displayModeBar": False},
               key="embed_chart")
    if assessment_compare.uses_score(key):  # the footer is plain text: no Markdown link there
        return t("assessmap.embed_source", lang)
    return result.sources


def _cards(ingest: str, lang: str) -> str | None:
    from components import profile_cards
    from presentation import profile_context
    from presentation.data_text import md
    from presentation.labels import source_lookup
    from domain.profile import series_map

    ctx = _context(ingest, lang)
    if not ctx.code and not ctx.is_area:
        st.info(t("profile.pick_hint", lang))
        return None
    cards, _ = profile_context.cards_and_summary(ctx)
    if cards.empty:
        st.info(t("overview.no_values", lang))
        return None
    # the start page's headline figures first (catalogue ``headline`` order), then catalogue order
    order = {i: (ind.headline if ind.headline is not None else 99, n) for n, (i, ind) in enumerate(ctx.indicators.items())}
    pick = cards.iloc[sorted(range(len(cards)), key=lambda k: order.get(cards["indicator"].iat[k], (99, 999)))]
    pick = pick.head(HEADLINE_CARDS)
    st.markdown(f"**{md(ctx.label)}** — {t('profile.cards_title', lang)}")
    smap = series_map(ctx.values)
    withheld = profile_context.withheld(ctx)
    with st.container(horizontal=True, wrap=True, gap="small"):
        for r in pick.to_dict("records"):
            profile_cards.render_card(r, ctx, smap, withheld)
    lookup = source_lookup(services.sources(ingest), lang)
    return "; ".join(dict.fromkeys(lookup[s] for s in sorted(set(pick["source"].dropna())) if s in lookup))
