"""Is the live store the synthetic benchmark store? (bench/synthetic.py writes meta synthetic=1.)"""
from __future__ import annotations

from services import meta


def is_synthetic(ingest: str | None) -> bool:
    return bool(ingest) and meta(ingest).get("synthetic") == "1"
