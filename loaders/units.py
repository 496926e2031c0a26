"""Current (2026) TERYT unit list from the GUGiK plugin's code lists (features without geometry).

Files: gminy.geojson (`Nazwa`, `TERYT` as ``WWPPGG_R``), powiaty.geojson (`Nazwa` "powiat X",
4-digit `TERYT`), wojewodztwa.geojson (`Nazwa`, 2-digit `TERYT`). Returns one frame with columns
code, level, name, parent_code, gmina_type, city_powiat (plus the country row).
"""
from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from domain.teryt import COUNTRY, GMINA_TYPES, TerytError, is_city_with_powiat_rights, parse_code
from loaders.base import LoaderError

UNIT_COLUMNS = ("code", "level", "name", "parent_code", "gmina_type", "city_powiat")


def _features(path: Path) -> list[dict]:
    try:
        with Path(path).open(encoding="utf-8") as fh:
            data = json.load(fh)
        feats = data["features"]
        return [f["properties"] for f in feats]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise LoaderError(f"{Path(path).name}: not a GeoJSON FeatureCollection with properties ({exc})") from None


def load_units(directory: Path) -> pd.DataFrame:
    """Read the three code lists in ``directory`` into one unit frame."""
    directory = Path(directory)
    rows = [{"code": COUNTRY, "level": "country", "name": "Polska", "parent_code": None,
             "gmina_type": None, "city_powiat": False}]
    for i, p in enumerate(_features(directory / "wojewodztwa.geojson"), 1):
        code = str(p.get("TERYT", "")).strip()
        if len(code) != 2 or not code.isdigit():
            raise LoaderError(f"wojewodztwa.geojson feature {i}: bad TERYT {code!r}")
        rows.append({"code": code, "level": "wojewodztwo", "name": str(p["Nazwa"]).strip(),
                     "parent_code": COUNTRY, "gmina_type": None, "city_powiat": False})
    for i, p in enumerate(_features(directory / "powiaty.geojson"), 1):
        code = str(p.get("TERYT", "")).strip()
        if len(code) != 4 or not code.isdigit():
            raise LoaderError(f"powiaty.geojson feature {i}: bad TERYT {code!r}")
        name = str(p["Nazwa"]).strip()
        if name.lower().startswith("powiat "):
            name = name[len("powiat "):]
        rows.append({"code": code, "level": "powiat", "name": name, "parent_code": code[:2],
                     "gmina_type": None, "city_powiat": is_city_with_powiat_rights(code)})
    for i, p in enumerate(_features(directory / "gminy.geojson"), 1):
        raw = str(p.get("TERYT", ""))
        try:
            parsed = parse_code(raw)
        except TerytError as exc:
            raise LoaderError(f"gminy.geojson feature {i}: {exc}") from None
        if parsed.kind != "gmina7" or parsed.code[6] not in GMINA_TYPES:
            raise LoaderError(f"gminy.geojson feature {i}: {raw!r} is not a gmina code WWPPGG_T")
        code = parsed.code
        rows.append({"code": code, "level": "gmina", "name": str(p["Nazwa"]).strip(),
                     "parent_code": code[:4], "gmina_type": GMINA_TYPES[code[6]],
                     "city_powiat": is_city_with_powiat_rights(code)})
    df = pd.DataFrame(rows, columns=list(UNIT_COLUMNS))
    dup = df["code"][df["code"].duplicated()]
    if len(dup):
        raise LoaderError(f"duplicate unit codes in the TERYT lists: {sorted(dup)[:5]}")
    orphans = df.loc[df["parent_code"].notna() & ~df["parent_code"].isin(df["code"]), "code"]
    if len(orphans):
        raise LoaderError(f"units whose parent is missing from the lists: {sorted(orphans)[:5]}")
    return df
