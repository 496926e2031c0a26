"""Pure helpers that shape a unit's values for display (latest values, changes over time)."""
from __future__ import annotations

import pandas as pd

from domain.catalogue import CATEGORIES, Indicator


def latest_by_indicator(values: pd.DataFrame, indicators: dict[str, Indicator]) -> pd.DataFrame:
    """One row per indicator: the latest year with a value, plus the first year for the change.

    Columns: indicator, category, year, value, source, method, n, of, flag, first_year,
    first_value, change (latest - first, NaN with only one year).
    """
    v = values.loc[values["value"].notna() & values["indicator"].isin(indicators)]
    if v.empty:
        return pd.DataFrame(columns=["indicator", "category", "year", "value", "source", "method", "n",
                                     "of", "flag", "first_year", "first_value", "change"])
    v = v.sort_values(["indicator", "year"])
    last = v.groupby("indicator").tail(1).set_index("indicator")
    first = v.groupby("indicator").head(1).set_index("indicator")[["year", "value"]]
    out = last.join(first.rename(columns={"year": "first_year", "value": "first_value"}))
    out["change"] = (out["value"] - out["first_value"]).where(out["first_year"] != out["year"])
    out = out.reset_index()
    out["category"] = out["indicator"].map(lambda i: indicators[i].category)
    order = {c: k for k, c in enumerate(CATEGORIES)}
    ind_order = {i: k for k, i in enumerate(indicators)}
    out = out.assign(_c=out["category"].map(order), _i=out["indicator"].map(ind_order))
    return out.sort_values(["_c", "_i"]).drop(columns=["_c", "_i"]).reset_index(drop=True)
