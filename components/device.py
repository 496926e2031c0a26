"""What kind of screen the request comes from (a phone gets narrower layouts)."""
from __future__ import annotations

import streamlit as st


def is_phone() -> bool:
    """True for a phone's browser (its User-Agent says "Mobi" or "Android"); False without a
    request context (AppTest) — the desktop layout is the default."""
    try:
        ua = st.context.headers.get("User-Agent", "") or ""
    except Exception:  # noqa: BLE001 - no request context (AppTest)
        return False
    return "Mobi" in ua or "Android" in ua
