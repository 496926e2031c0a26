"""Read the committed indicator catalogue (data/catalogue/*.yaml) into domain objects."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

from domain.catalogue import (Catalogue, CatalogueError, Dataset, Indicator, Source, UnitChange,
                              indicator_from_dict)

CATALOGUE_DIR = Path(__file__).resolve().parent.parent / "data" / "catalogue"

def _read(path: Path):
    try:
        with path.open(encoding="utf-8") as fh:
            return yaml.safe_load(fh) or []
    except yaml.YAMLError as exc:
        raise CatalogueError(f"{path.name}: invalid YAML ({exc})") from None


def load_catalogue(directory: Path = CATALOGUE_DIR) -> Catalogue:
    """Read and validate the whole catalogue directory."""
    directory = Path(directory)
    indicators: dict[str, Indicator] = {}
    for path in sorted((directory / "indicators").glob("*.yaml")):
        for raw in _read(path):
            ind = indicator_from_dict(raw)
            if ind.id in indicators:
                raise CatalogueError(f"{path.name}: duplicate indicator id {ind.id}")
            indicators[ind.id] = ind
    sources = {}
    for raw in _read(directory / "sources.yaml"):
        src = Source(**{k: str(v) for k, v in raw.items()})
        sources[src.id] = src
    datasets = []
    for path in sorted((directory / "datasets").glob("*.yaml")):
        for raw in _read(path):
            try:
                datasets.append(Dataset(
                    id=raw["id"], path=raw["path"], loader=raw["loader"], source=raw["source"],
                    level=raw.get("level", "gmina"), measures=dict(raw.get("measures") or {}),
                    ignore=dict(raw.get("ignore") or {}), options=dict(raw.get("options") or {}),
                    priority=int(raw.get("priority", 1))))
            except KeyError as exc:
                raise CatalogueError(f"{path.name}: dataset {raw.get('id', '?')} lacks {exc}") from None
    excluded = tuple(_read(directory / "excluded.yaml")) if (directory / "excluded.yaml").exists() else ()
    changes = _read(directory / "unit_changes.yaml") if (directory / "unit_changes.yaml").exists() else {}
    created = tuple(UnitChange(code=str(c["code"]), name=c["name"], valid_from=int(c["valid_from"]),
                               carved_from=str(c["carved_from"]), evidence=c.get("evidence", ""))
                    for c in (changes or {}).get("created", []))
    cat = Catalogue(indicators=indicators, sources=sources, datasets=tuple(datasets),
                    excluded=excluded, created_units=created)
    cat.validate()
    return cat


@lru_cache(maxsize=2)
def licence_translations(directory: Path = CATALOGUE_DIR) -> dict[str, str]:
    """English licence text (as the store keeps it) -> Polish text: every source's ``licence_pl``
    plus data/catalogue/licences.yaml (BDL API imports, users' own files)."""
    directory = Path(directory)
    out = {str(r["en"]): str(r["pl"]) for r in _read(directory / "licences.yaml")} \
        if (directory / "licences.yaml").exists() else {}
    for raw in _read(directory / "sources.yaml"):
        if raw.get("licence_pl"):
            out[str(raw["licence"])] = str(raw["licence_pl"])
    return out


def licence_text(licence: str, lang: str) -> str:
    """A stored (English) licence text in the reader's language (unknown texts as they are)."""
    if lang != "pl":
        return licence
    return licence_translations().get(str(licence).strip(), licence)
