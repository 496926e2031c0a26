"""The "copy link" control: the full permalink of the current view, with a copy button.

Every view's state lives in the URL (components.state writes it back on every run), so the link
is simply the page's public address plus ``domain.permalink.to_query(state.view())``.

Add it to a page with one call, at the END of the page script (after the page has made its last
``state.update``/``state.set_extra``, so the link includes them):

    from components import share
    share.link_box("mapa")          # the page's url path ("" for the start page)

The server does not know its public address: it is taken from ``st.context.url`` (what the
browser shows, so it is right behind a reverse proxy too), else from the request headers
(X-Forwarded-Host/-Proto, Host) and Streamlit's ``server.baseUrlPath``, else the link is relative
(``/mapa?unit=...``). The copy button is Streamlit's own (``st.code``): no script, works offline.
"""
from __future__ import annotations

from urllib.parse import quote, urlencode, urlsplit, urlunsplit

import streamlit as st

from components import state
from domain.permalink import to_query
from i18n import t

SAFE = ",:;*="  # readable in the address bar and legal in a query string


def build_url(base: str, page: str, query: dict[str, str]) -> str:
    """``base`` (scheme://host[/prefix]; may be empty for a relative link) + ``/page`` + query."""
    path = base.rstrip("/")
    if page:
        path += "/" + page.strip("/")
    if not path:
        path = "/"
    qs = urlencode(query, quote_via=quote, safe=SAFE)
    return f"{path}?{qs}" if qs else path


def split_context_url(url: str, page: str) -> str:
    """The app's base address from ``st.context.url`` (which ends with the current page's path)."""
    parts = urlsplit(url)
    path = parts.path.rstrip("/")
    if page and path.endswith("/" + page.strip("/")):
        path = path[: -len(page.strip("/")) - 1]
    return urlunsplit((parts.scheme, parts.netloc, path, "", ""))


def base_from_headers(headers: dict[str, str], base_path: str = "") -> str:
    """scheme://host[/baseUrlPath] from request headers ('' when there is no Host)."""
    low = {k.lower(): v for k, v in headers.items()}
    host = (low.get("x-forwarded-host") or low.get("host") or "").split(",")[0].strip()
    if not host or any(c in host for c in "/\\ @"):
        return ""
    proto = (low.get("x-forwarded-proto") or "http").split(",")[0].strip().lower()
    if proto not in ("http", "https"):
        proto = "http"
    prefix = "/" + base_path.strip("/") if base_path.strip("/") else ""
    return f"{proto}://{host}{prefix}"


def _base(page: str) -> str:
    try:
        url = st.context.url
    except Exception:  # noqa: BLE001 - no browser context (AppTest, bare mode)
        url = None
    if url:
        return split_context_url(url, page)
    try:
        headers = dict(st.context.headers.items()) if st.context.headers else {}
    except Exception:  # noqa: BLE001
        headers = {}
    return base_from_headers(headers, st.get_option("server.baseUrlPath") or "")


def permalink(page: str = "") -> str:
    """The full URL of the current view on ``page`` (url path, "" = start page)."""
    return build_url(_base(page), page, to_query(state.view()))


def link_box(page: str = "", *, key: str | None = None) -> str:
    """Show the permalink with a copy button; returns the URL."""
    lang = state.lang()
    url = permalink(page)
    with st.container(border=True, key=key or f"share_{page or 'start'}"):
        st.markdown(t("share.title", lang))
        st.code(url, language=None, wrap_lines=True)
        st.caption(t("share.hint", lang))
    about_link(page)
    return url


ABOUT = "o-danych"


def about_link(page: str) -> None:
    """Every page's way to the provenance page (sources, licences, vintages, what is computed)."""
    if page == ABOUT:
        return
    from streamlit.errors import StreamlitAPIException

    from presentation.navigation import page_path

    try:
        st.page_link(page_path(ABOUT), label=t("about.link", state.lang()), icon=":material/info:")
    except StreamlitAPIException:  # a page script run on its own, outside app.py's navigation
        pass
