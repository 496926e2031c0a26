"""Fetching one BDL variable for a store import: every page of its values at one level (and its
English names), through ``loaders.bdl_api``'s client. Nothing is written here: the store side
(matching to units, roll-ups, one atomic write) is ``store.user_data.import_bdl``, which takes
what this returns, so the network never runs inside the store layer.
"""
from __future__ import annotations

from dataclasses import dataclass

from loaders import bdl_api


@dataclass(frozen=True)
class Fetched:
    data: bdl_api.VariableData  # values of every page, unit kinds, attributes, retrieval time
    meta_en: bdl_api.VariableMeta | None  # English names (None: the API gave none; Polish is used)
    base_url: str


def fetch(client: bdl_api.BdlClient, var_id: int, level: str, years: list[int], *, progress=None,
          with_english: bool = True) -> Fetched:
    """All values of ``var_id`` for ``level`` and ``years``; raises ``bdl_api.BdlApiError`` unless
    every page arrived."""
    data = bdl_api.fetch_variable(client, var_id, level, years, progress=progress)
    meta_en = None
    if with_english:
        lang = client.lang
        try:
            client.lang = "en"
            meta_en = bdl_api.variable_meta(client, var_id)
        except bdl_api.BdlApiError:
            meta_en = None  # English names are a nicety; the Polish ones are stored in both
        finally:
            client.lang = lang
    return Fetched(data=data, meta_en=meta_en, base_url=client.base_url)
