"""Roll-ups and derivations over the administrative hierarchy (pure; the ingest calls this).

Order, bottom-up per level (gmina -> powiat -> województwo -> country):
  1. values the sources give for the level are kept as they are (official first);
  2. for other unit-years, indicators with an aggregation rule are computed from the lowest level
     below that has data for them (gminy for almost everything, powiaty for crime statistics),
     by ``domain.aggregation.aggregate`` — the same mechanism functional areas use;
  3. derived indicators (shares, per-capita, turnout...) are computed where still missing.
Where a source value and a computed one exist for the same unit-year, both are compared and the
difference is reported (``cross_check``), so an official subtotal that our rule does not
reproduce is visible rather than hidden.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from domain.aggregation import RESULT_COLUMNS, aggregate, derive
from domain.catalogue import Catalogue, Indicator

ORDER = ("gmina", "powiat", "wojewodztwo", "country")


@dataclass
class RollupResult:
    values: pd.DataFrame  # new rows only (aggregated + derived), columns RESULT_COLUMNS
    cross_check: pd.DataFrame = field(default_factory=pd.DataFrame)


def ancestor_map(units: pd.DataFrame, target_level: str, member_level: str) -> pd.DataFrame:
    """Membership frame (group, member, valid_from, valid_to) of ``member_level`` units in
    ``target_level`` units, following parent_code links."""
    parent = dict(zip(units["code"], units["parent_code"]))
    level = dict(zip(units["code"], units["level"]))
    members = units.loc[units["level"] == member_level]
    groups = []
    for code in members["code"]:
        cur = code
        while cur is not None and level.get(cur) != target_level:
            cur = parent.get(cur)
        groups.append(cur)
    out = pd.DataFrame({"group": groups, "member": members["code"].to_numpy(),
                        "valid_from": members["valid_from"].to_numpy(),
                        "valid_to": members["valid_to"].to_numpy()})
    return out.dropna(subset=["group"])


def _primary_input(ind: Indicator) -> str:
    agg = ind.aggregation
    return agg.numerator if agg.rule == "ratio" else ind.id


def rollup(values: pd.DataFrame, units: pd.DataFrame, catalogue: Catalogue) -> RollupResult:
    """Compute aggregated and derived values for every level; ``values`` holds source values
    (columns unit, indicator, year, value, source) for units listed in ``units`` (columns code,
    level, parent_code, valid_from, valid_to)."""
    level_of = dict(zip(units["code"], units["level"]))
    base_cols = ["unit", "indicator", "year", "value", "source"]
    src = values.loc[:, base_cols]
    lv = src["unit"].map(level_of)
    # Frames per level; lower levels are final once we move up, so aggregation reads them as-is.
    by_level = {level: src.loc[lv == level] for level in ORDER}
    new_parts: list[pd.DataFrame] = []
    checks: list[pd.DataFrame] = []
    derived_order = [catalogue.indicators[i] for i in catalogue.derivation_order()]

    for li, level in enumerate(ORDER):
        level_units = set(units.loc[units["level"] == level, "code"])
        if li > 0:
            present = {lvl: set(by_level[lvl]["indicator"].unique()) for lvl in ORDER[:li]}
            memberships: dict[str, pd.DataFrame] = {}
            current = by_level[level]
            have_all = current.loc[current["value"].notna(), ["unit", "indicator", "year", "value"]]
            aggregated = []
            for ind in catalogue.indicators.values():
                if ind.aggregation.rule == "none" or level not in ind.levels:
                    continue
                primary = _primary_input(ind)
                base = next((b for b in ORDER[:li] if primary in present[b]), None)
                if base is None:
                    continue
                needed = {ind.id, *ind.aggregation.inputs()}
                member_vals = by_level[base].loc[by_level[base]["indicator"].isin(needed)]
                if base not in memberships:
                    memberships[base] = ancestor_map(units, level, base)
                res = aggregate(member_vals, memberships[base], [ind])
                if res.empty:
                    continue
                have = have_all.loc[have_all["indicator"] == ind.id, ["unit", "year", "value"]]
                both = res.merge(have, on=["unit", "year"], suffixes=("", "_source"))
                if not both.empty:
                    checks.append(both.assign(base_level=base)[
                        ["unit", "indicator", "year", "value", "value_source", "n", "of", "base_level"]])
                res = res.merge(have[["unit", "year"]].assign(_h=1), on=["unit", "year"], how="left")
                res = res.loc[res["_h"].isna()].drop(columns="_h")
                aggregated.append(res.loc[:, list(RESULT_COLUMNS)])
            if aggregated:
                agg_frame = pd.concat(aggregated, ignore_index=True)
                new_parts.append(agg_frame)
                by_level[level] = pd.concat([by_level[level], agg_frame[base_cols]], ignore_index=True)
        level_cov = (agg_frame[["unit", "indicator", "year", "n", "of"]] if li > 0 and aggregated
                     else pd.DataFrame(columns=["unit", "indicator", "year", "n", "of"]))
        for ind in derived_order:
            if level in ind.levels:
                d = derive(by_level[level], ind, level_units)
                if not d.empty and li > 0 and not level_cov.empty and ind.aggregation.rule == "none":
                    # coverage of a value derived from aggregates: the weakest input (as domain.areas)
                    inp = level_cov.loc[level_cov["indicator"].isin(ind.derive.inputs())]
                    if not inp.empty:
                        cov = inp.groupby(["unit", "year"]).agg(n=("n", "min"), of=("of", "max")).reset_index()
                        d = d.drop(columns=["n", "of"]).merge(cov, on=["unit", "year"], how="left")
                        d = d.loc[:, list(RESULT_COLUMNS)]
                        level_cov = pd.concat([level_cov, d[["unit", "indicator", "year", "n", "of"]]],
                                              ignore_index=True)
                if not d.empty:
                    new_parts.append(d)
                    by_level[level] = pd.concat([by_level[level], d[base_cols]], ignore_index=True)

    new = (pd.concat(new_parts, ignore_index=True) if new_parts
           else pd.DataFrame(columns=list(RESULT_COLUMNS)))
    cc = pd.concat(checks, ignore_index=True) if checks else pd.DataFrame(
        columns=["unit", "indicator", "year", "value", "value_source", "n", "of", "base_level"])
    if not cc.empty:
        cc["rel_diff"] = (cc["value"] - cc["value_source"]).abs() / cc["value_source"].abs().replace(0, np.nan)
    return RollupResult(values=new, cross_check=cc)
