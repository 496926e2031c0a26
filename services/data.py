"""Data management for the /dane page: BDL API search and fetch, uploads of own indicators, the
list of user indicators. Cached reads are keyed by the ingest id like every other service; writes
change that id in the same transaction (store.db.Store.write_user_indicator) and clear the short
``services.ingest_id`` cache here, so this session sees the new data at once and every other
session within its 5-second TTL.

Writes are refused in public mode (MRL_PUBLIC_MODE=1) even if a page were reached somehow.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

import services
from services import TTL, PublicModeError  # noqa: F401 - PublicModeError re-exported for the UI
from domain import matching
from loaders import bdl_api, bdl_fetch, upload
from loaders.catalogue import CATALOGUE_DIR
from settings import get_settings
from store import user_data

BdlApiError = bdl_api.BdlApiError
UploadError = upload.UploadError
UserDataError = user_data.UserDataError
MAX_UPLOAD_MB = upload.MAX_BYTES // (1024 * 1024)


def public_mode() -> bool:
    return get_settings().public_mode


def _check_writable() -> None:
    services.check_writable("data management")


def _after_write() -> None:
    services._ingest_id.clear()  # noqa: SLF001 - the new ingest id must be read at once


@st.cache_data(ttl=TTL, show_spinner=False, max_entries=4)
def user_indicators(ingest: str) -> pd.DataFrame:
    return services.store().user_indicators()


@st.cache_data(ttl=TTL, show_spinner=False, max_entries=2)
def curated() -> list[dict]:
    return bdl_api.load_curated(CATALOGUE_DIR / "bdl_variables.yaml")


def client(lang: str = "pl") -> bdl_api.BdlClient:
    s = get_settings()
    return bdl_api.BdlClient(s.bdl_api_url, client_id=s.bdl_client_id, cache_dir=s.cache_dir, lang=lang)


def quota() -> list[tuple[str, int, int]]:
    with client() as c:
        return c.quota.summary()


def has_key() -> bool:
    return bool(get_settings().bdl_client_id)


@st.cache_data(ttl=600, show_spinner=False, max_entries=32)
def search_bdl(text: str, lang: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(subjects, variables) matching ``text``; errors are raised (and so never cached)."""
    with client(lang) as c:
        return bdl_api.search(c, text)


@st.cache_data(ttl=600, show_spinner=False, max_entries=32)
def subject_variables(subject_id: str, lang: str) -> pd.DataFrame:
    with client(lang) as c:
        return bdl_api.subject_variables(c, subject_id)


def fetch_bdl(var_id: int, level: str, years: list[int], *, rule: str | None, polarity: str | None,
              progress=None) -> user_data.BdlImport:
    _check_writable()
    with client() as c:
        fetched = bdl_fetch.fetch(c, int(var_id), level, list(years), progress=progress)
    result = user_data.import_bdl(services.store(), fetched, rule=rule, polarity=polarity)
    _after_write()
    return result


@st.cache_data(ttl=TTL, show_spinner=False, max_entries=2)
def unit_index(ingest: str) -> matching.UnitIndex:
    return user_data.unit_index(services.store())


@dataclass
class Preview:
    parsed: upload.ParsedUpload
    matched: matching.Matched


@st.cache_data(ttl=600, show_spinner=False, max_entries=4)
def preview(data: bytes, filename: str, ingest: str) -> Preview:
    """Parse and match an uploaded file (raises UploadError with every problem found)."""
    parsed = upload.parse_upload(data, filename)
    return Preview(parsed=parsed, matched=matching.match_values(parsed.values, unit_index(ingest)))


def save_upload(pv: Preview, **meta) -> user_data.SaveResult:
    _check_writable()
    res = user_data.import_own(services.store(), pv.matched, filename=pv.parsed.filename, **meta)
    _after_write()
    return res


def delete_indicator(indicator_id: str) -> bool:
    _check_writable()
    ok = services.store().delete_user_indicator(indicator_id)
    _after_write()
    return ok


def own_indicator_id(name: str) -> str:
    return user_data.own_indicator_id(name)


def api_error(exc: BaseException) -> tuple[str, dict]:
    """Message key and fields for a BDL API failure (the page translates them)."""
    if isinstance(exc, bdl_api.BdlOffline):
        return "data.bdl.err_offline", {"url": get_settings().bdl_api_url}
    if isinstance(exc, bdl_api.BdlQuotaExceeded):
        import datetime as _dt

        when = _dt.datetime.fromtimestamp(exc.reset_at).strftime("%H:%M:%S") if exc.reset_at else "?"
        own = f"{exc.limit} / {bdl_api.WINDOW_LABEL.get(exc.window, '?')}" if exc.limit else ""
        return "data.bdl.err_quota", {"reason": exc.reason or own, "when": when}
    if isinstance(exc, bdl_api.BdlTimeout):
        return "data.bdl.err_timeout", {}
    if isinstance(exc, bdl_api.BdlServerError):
        return "data.bdl.err_server", {"detail": str(exc)[:200]}
    if isinstance(exc, bdl_api.BdlNotFound):
        return "data.bdl.err_not_found", {}
    return "data.bdl.err_other", {"detail": str(exc)[:200]}
