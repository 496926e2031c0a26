"""The profile's data-source interface on a bare Store (command line, tests, benchmarks).

Same methods as services.profile.Source (the app's cached one), memoised per instance: level
matrices are pivoted once per (level, indicators), an area is computed once per member list.
No Streamlit here.
"""
from __future__ import annotations

import pandas as pd

from presentation.labels import short_names
from domain import areas as A
from domain.profile import join_columns, latest_population, profile_ids, wide_matrix


class StoreSource:
    def __init__(self, store):
        self.store = store
        self._memo: dict = {}

    def _m(self, key, fn):
        if key not in self._memo:
            self._memo[key] = fn()
        return self._memo[key]

    def units(self, include_historical: bool = False) -> pd.DataFrame:
        return self._m(("units", include_historical), lambda: self.store.units(include_historical=include_historical))

    def all_units(self) -> pd.DataFrame:
        return self.units(include_historical=True)

    def indicators(self):
        return self._m("indicators", self.store.indicators)

    def sources(self) -> pd.DataFrame:
        return self._m("sources", self.store.sources)

    def unit_values(self, code: str) -> pd.DataFrame:
        return self._m(("uv", code), lambda: self.store.unit_values(code))

    def values(self, *, units=None, indicators=None) -> pd.DataFrame:
        return self.store.values(units=units, indicators=indicators)

    def area_result(self, codes) -> A.AreaResult:
        codes = A.canonical_codes(codes)
        return self._m(("area", codes), lambda: A.compute(codes, self.store.values(units=list(codes)),
                                                          self.indicators(), self.all_units()))

    def area_values(self, codes) -> pd.DataFrame:
        return self.area_result(codes).unit_values()

    def area_breakdown(self, codes, indicator: str, year: int) -> pd.DataFrame:
        return A.breakdown(self.area_result(codes), self.indicators()[indicator], int(year))

    def _level(self, level: str, ids: tuple[str, ...]):
        def build():
            units = self.units()
            codes = units.loc[units["level"] == level, "code"]
            return wide_matrix(self.store.values(indicators=list(ids), level=level), codes)
        return self._m(("matrix", level, ids), build)

    def profile_matrix(self, level: str):
        return self._level(level, profile_ids(self.indicators()))

    def columns(self, level: str, indicators):
        ids = profile_ids(self.indicators())
        return join_columns(self._level(level, ids), ids, indicators, lambda i: self._level(level, (i,)))

    def population(self, level: str):
        def build():
            wide, _ = self.profile_matrix(level)
            n = int((self.units()["level"] == level).sum())
            return latest_population(wide, n)
        return self._m(("pop", level), build)

    def names(self, lang: str) -> dict[str, str]:
        return self._m(("names", lang), lambda: short_names(self.units(), lang))

    def boundaries(self, codes) -> pd.DataFrame:
        return self.store.boundaries(list(codes))

    def layer(self, level: str):
        return self._m(("layer", level), lambda: self.store.layer(level))


def as_source(src):
    """A data source for profile_context / gather: a Store is wrapped, a source passes through."""
    return src if hasattr(src, "profile_matrix") else StoreSource(src)
