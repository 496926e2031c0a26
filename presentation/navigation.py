"""The page registry: every page's file, title key, URL path, and whether it is private
(data management — neither listed nor reachable in the public citizen deployment)."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PageDef:
    path: str
    title_key: str
    url: str  # "" = the start page
    private: bool = False


PAGES: tuple[PageDef, ...] = (
    PageDef("pages/start.py", "nav.start", ""),
    PageDef("pages/mapa.py", "map.nav", "mapa"),
    PageDef("pages/profil.py", "profile.nav", "profil"),
    PageDef("pages/ocena.py", "assess.nav", "ocena"),
    PageDef("pages/porownania.py", "compare.nav", "porownania"),
    PageDef("pages/obszary.py", "areas.nav", "obszary"),
    PageDef("pages/raporty.py", "nav.reports", "raporty"),
    PageDef("pages/strategia.py", "strategy.nav", "strategia"),
    PageDef("pages/dane.py", "data.nav", "dane", private=True),
    PageDef("pages/o_danych.py", "nav.about_data", "o-danych"),
)


def visible_pages(public: bool) -> list[PageDef]:
    return [p for p in PAGES if not (public and p.private)]


def private_urls() -> list[str]:
    return [p.url for p in PAGES if p.private]


def page_path(url: str) -> str:
    """The page file registered under a URL path (for st.page_link / st.switch_page)."""
    return next(p.path for p in PAGES if p.url == url)
