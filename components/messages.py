"""User-facing messages for bad input and failures — in the user's language, never a traceback."""
from __future__ import annotations

import logging

import streamlit as st

from components import state
from presentation.data_text import md
from i18n import t
from services import StoreError, StoreUnavailable
from services.synthetic import is_synthetic

log = logging.getLogger("mrl")


def guarded(fn, *args, **kwargs):
    """Call a data function; on a database outage show a clear message and return None."""
    try:
        return fn(*args, **kwargs)
    except StoreUnavailable:
        st.error(t("error.store_unavailable", state.lang()), icon="⚠️")
    except StoreError:
        st.error(t("error.store_empty", state.lang()), icon="⚠️")
    return None


def synthetic_banner(ingest: str | None, lang: str) -> None:
    """A store built by bench/synthetic.py is never shown as real: a banner on every page."""
    if ingest and guarded(is_synthetic, ingest):
        st.error(t("scale.synthetic_banner", lang), icon="🧪")


def show_url_problems(lang: str) -> None:
    """One gentle message per malformed/unknown URL parameter (shown once). The parameter's name
    and value come from whoever wrote the link: escaped, so ``![](http://...)`` in a permalink
    can neither load an image from another host nor format the message."""
    for p in state.pop_problems():
        reason = p.reason
        if reason.startswith("recoded:"):
            st.info(t("url.recoded", lang, value=md(p.value), code=reason.split(":", 1)[1]), icon="ℹ️")
        else:
            st.warning(t(f"url.{reason}", lang, key=md(p.key), value=md(p.value)), icon="⚠️")


def unexpected(exc: BaseException, lang: str) -> None:
    log.exception("unexpected error while rendering a page", exc_info=exc)
    if isinstance(exc, StoreUnavailable):
        st.error(t("error.store_unavailable", lang), icon="⚠️")
    elif isinstance(exc, StoreError):
        st.error(t("error.store_empty", lang), icon="⚠️")
    else:
        st.error(t("error.unexpected", lang), icon="⚠️")
