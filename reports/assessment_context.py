"""The synthetic assessment of one subject (a unit or a functional area) from a data source — no
Streamlit. Used by the command line (``cli.py assess``), the /ocena page (through the cached
services.assessment) and the exports.

    ac = gather(src, "1261011", None, "pl")          # src: services.profile.Source or StoreSource
    ac.frame                                          # the CLI rows (domain.assessment.COLUMNS)
    ac.result.score / .dynamics / .rank               # members × nodes (the group table)
    ac.ctx.group                                      # the peer group (domain.peers.PeerGroup)

The subject and its comparison group are exactly the profile's (the same ``peers`` parameter,
the same ProfileContext); the method is domain.assessment's.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import pandas as pd

from presentation import profile_context as PC
from domain import assessment as AS
from domain.profile import latest_population, wide_matrix, with_row


@lru_cache(maxsize=4)
def _raw_tree(path: str) -> dict:
    return AS._read(path)


@lru_cache(maxsize=1)
def _committed_indicators():
    from loaders.catalogue import load_catalogue

    return dict(load_catalogue().indicators)


def tree_for(indicators) -> AS.Tree:
    """The committed tree, validated against ``indicators`` (the store's, user ones included).
    A leaf the committed catalogue defines but a store built before it lacks (not re-ingested yet)
    is valid and simply has no values: "brak danych", never an error page."""
    return AS.load_tree(_raw_tree(str(AS.TREE_PATH)), {**_committed_indicators(), **dict(indicators)})


@dataclass
class AssessmentContext:
    ctx: PC.ProfileContext
    tree: AS.Tree
    inputs: AS.LevelInputs
    result: AS.GroupResult
    frame: pd.DataFrame  # domain.assessment.COLUMNS, names in ctx.lang

    @property
    def lang(self) -> str:
        return self.ctx.lang

    def row(self, node: str) -> dict:
        return self.frame.set_index("node").loc[node].to_dict()


def read_level(store, level: str, tree: AS.Tree) -> tuple[AS.LevelInputs, pd.Series, pd.DataFrame]:
    """Cold path for whole-level work (the map, the benchmark): ONE store query for the leaves and
    the population of every unit of ``level``. Returns (inputs, population for size classes,
    the level's units)."""
    units = store.units(level)
    ids = sorted(set(tree.indicators) | {"population_total"})
    wide, _ = wide_matrix(store.values(indicators=ids, level=level), units["code"])
    pop, _ = latest_population(wide, len(units))
    return AS.level_inputs(tree, wide, len(units)), pop, units


def level_inputs(src, level: str, tree: AS.Tree, n_units: int, *, area_code: str | None = None,
                 area_values: pd.DataFrame | None = None) -> AS.LevelInputs:
    """Leaf values of every unit of ``level`` (plus a functional area's row) in the reference years."""
    indicators = src.indicators()
    wanted = [i for i in tree.indicators if i in indicators]
    wide, _ = src.columns(level, wanted) if wanted else src.profile_matrix(level)
    if area_code is not None and area_values is not None:
        wide = with_row(wide, area_code, area_values)
    return AS.level_inputs(tree, wide, n_units)


def gather(src, code: str | None, peers_param: str | None, lang: str, *, area=(), interval: bool = True,
           inputs: AS.LevelInputs | None = None, ctx: PC.ProfileContext | None = None) -> AssessmentContext:
    """Assess ``code`` (or the functional ``area``) against its comparison group (``peers_param``
    as in the URL: None = typology for a unit, members for an area). ``ctx``: the subject's profile
    context when the caller has already built it for the same arguments."""
    ctx = ctx or PC.build(src, code, peers_param, lang, area=area)
    tree = tree_for(ctx.indicators)
    if inputs is None:
        inputs = level_inputs(src, ctx.level, tree, len(ctx.units),
                              area_code=ctx.code if ctx.is_area else None,
                              area_values=ctx.values if ctx.is_area else None)
    res = AS.assess_unit(tree, inputs, ctx.code, ctx.group.codes, interval=interval)
    frame = AS.unit_frame(res, lang, {k: i.name(lang) for k, i in ctx.indicators.items()})
    return AssessmentContext(ctx=ctx, tree=tree, inputs=inputs, result=res, frame=frame)
