"""The data a profile, a comparison or a report reads: one interface, two implementations.

``ProfileSource`` is the interface ``presentation.profile_context`` and ``reports.gather`` read.
It has two implementations that differ only in WHERE their primitive reads come from:

* ``services.profile.Source`` — the app's, answered from the shared Streamlit caches (keyed by the
  ingest id);
* ``reports.source.StoreSource`` — a bare ``Store`` memoised per instance (command line, tests,
  benchmarks).

Both inherit the derived logic once from ``DerivedSource`` (which matrix holds the profile's
indicators, how extra columns are joined, population for size classes, area values and
breakdowns, chart names); each implements only the primitive reads listed in ``DerivedSource``.
No Streamlit here.
"""
from __future__ import annotations

from typing import Mapping, Protocol, runtime_checkable

import pandas as pd

from domain import areas as A
from domain.catalogue import Indicator
from domain.profile import join_columns, latest_population, profile_ids, wide_matrix
from presentation.labels import short_names


@runtime_checkable
class ProfileSource(Protocol):
    """What a profile, comparison or report reads. Frames returned may be shared: never mutate them."""

    def units(self, include_historical: bool = False) -> pd.DataFrame: ...
    def all_units(self) -> pd.DataFrame: ...
    def indicators(self) -> Mapping[str, Indicator]: ...
    def sources(self) -> pd.DataFrame: ...
    def unit_values(self, code: str) -> pd.DataFrame: ...
    def values(self, *, units=None, indicators=None) -> pd.DataFrame: ...
    def area_result(self, codes: tuple[str, ...]) -> A.AreaResult: ...
    def area_values(self, codes: tuple[str, ...]) -> pd.DataFrame: ...
    def area_breakdown(self, codes: tuple[str, ...], indicator: str, year: int) -> pd.DataFrame: ...
    def level_matrix(self, level: str, ids: tuple[str, ...]) -> tuple[pd.DataFrame, pd.DataFrame]: ...
    def profile_matrix(self, level: str) -> tuple[pd.DataFrame, pd.DataFrame]: ...
    def columns(self, level: str, indicators) -> tuple[pd.DataFrame, pd.DataFrame]: ...
    def population(self, level: str) -> tuple[pd.Series, int | None]: ...
    def names(self, lang: str) -> dict[str, str]: ...
    def boundaries(self, codes) -> pd.DataFrame: ...
    def layer(self, level: str) -> tuple[str, str] | None: ...


def level_codes(units: pd.DataFrame, level: str) -> pd.Series:
    """Codes of the current units of one level (every one is a row of a level matrix)."""
    return units.loc[units["level"] == level, "code"]


def build_level_matrix(values: pd.DataFrame, units: pd.DataFrame, level: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(wide values, provenance) of one level from its long values (domain.profile.wide_matrix)."""
    return wide_matrix(values, level_codes(units, level))


def build_population(wide: pd.DataFrame, units: pd.DataFrame, level: str) -> tuple[pd.Series, int | None]:
    """Residents of every unit of the level in the latest well-covered year (for size classes)."""
    return latest_population(wide, int((units["level"] == level).sum()))


class DerivedSource:
    """The derived half of ``ProfileSource``, written once.

    Subclasses implement the primitive reads: ``units``, ``indicators``, ``sources``,
    ``unit_values``, ``values``, ``area_result``, ``level_matrix``, ``boundaries``, ``layer``.
    They may override a derived method to cache it (the app caches ``population`` and ``names``
    across sessions), as long as the result is the same.
    """

    def all_units(self) -> pd.DataFrame:
        return self.units(include_historical=True)

    def profile_ids(self) -> tuple[str, ...]:
        return profile_ids(self.indicators())

    def profile_matrix(self, level: str) -> tuple[pd.DataFrame, pd.DataFrame]:
        return self.level_matrix(level, self.profile_ids())

    def columns(self, level: str, indicators) -> tuple[pd.DataFrame, pd.DataFrame]:
        """A wide frame holding ``indicators``: the profile matrix itself when it holds them all,
        otherwise one joined from per-indicator matrices."""
        ids = self.profile_ids()
        return join_columns(self.level_matrix(level, ids), ids, indicators,
                            lambda i: self.level_matrix(level, (i,)))

    def population(self, level: str) -> tuple[pd.Series, int | None]:
        wide, _ = self.profile_matrix(level)
        return build_population(wide, self.units(), level)

    def names(self, lang: str) -> dict[str, str]:
        return short_names(self.units(), lang)

    def area_values(self, codes: tuple[str, ...]) -> pd.DataFrame:
        return self.area_result(tuple(codes)).unit_values()

    def area_breakdown(self, codes: tuple[str, ...], indicator: str, year: int) -> pd.DataFrame:
        return A.breakdown(self.area_result(tuple(codes)), self.indicators()[indicator], int(year))
