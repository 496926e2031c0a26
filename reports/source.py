"""``presentation.source.ProfileSource`` on a bare Store (command line, tests, benchmarks).

Only the primitive reads live here, memoised per instance (level matrices are pivoted once per
(level, indicators), an area is computed once per member list); the derived logic is inherited
from ``presentation.source.DerivedSource``, shared with the app's cached ``services.profile.Source``.
No Streamlit here.
"""
from __future__ import annotations

import pandas as pd

from domain import areas as A
from presentation.source import DerivedSource, ProfileSource, build_level_matrix, build_population
from store.db import Store


class StoreSource(DerivedSource):
    def __init__(self, store: Store):
        self.store = store
        self._memo: dict = {}

    def _m(self, key, fn):
        if key not in self._memo:
            self._memo[key] = fn()
        return self._memo[key]

    def units(self, include_historical: bool = False) -> pd.DataFrame:
        return self._m(("units", include_historical), lambda: self.store.units(include_historical=include_historical))

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

    def level_matrix(self, level: str, ids: tuple[str, ...]):
        ids = tuple(ids)
        return self._m(("matrix", level, ids), lambda: build_level_matrix(
            self.store.values(indicators=list(ids), level=level), self.units(), level))

    def population(self, level: str):
        return self._m(("pop", level), lambda: build_population(self.profile_matrix(level)[0], self.units(), level))

    def names(self, lang: str) -> dict[str, str]:
        return self._m(("names", lang), lambda: super(StoreSource, self).names(lang))

    def boundaries(self, codes) -> pd.DataFrame:
        return self.store.boundaries(list(codes))

    def layer(self, level: str):
        return self._m(("layer", level), lambda: self.store.layer(level))


def as_source(src: ProfileSource | Store) -> ProfileSource:
    """A data source for profile_context / gather: a bare Store is wrapped, a source passes through."""
    return StoreSource(src) if isinstance(src, Store) else src
