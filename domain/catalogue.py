"""The indicator catalogue as plain, immutable objects (built by loaders.catalogue from YAML)."""
from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Mapping

POLARITIES = ("higher_better", "lower_better", "neutral")
CATEGORIES = ("demography", "labour", "finance", "social", "infrastructure", "culture", "safety", "civic",
              "own")
RULES = ("sum", "ratio", "weighted_mean", "odds", "none")
DERIVE_OPS = ("sum", "ratio", "change")
DEFAULT_MIN_COVERAGE = 0.9


class CatalogueError(ValueError):
    """The catalogue is inconsistent (unknown ids, bad rules, unmapped measures...)."""


@dataclass(frozen=True)
class Aggregation:
    rule: str
    numerator: str | None = None
    denominator: str | None = None
    weight: str | None = None
    base: str | None = None
    scale: float = 1.0
    denominator_year: str = "same"  # same | nearest
    reason_pl: str = ""
    reason_en: str = ""
    fallback: "Aggregation | None" = None

    def inputs(self) -> tuple[str, ...]:
        """Indicator ids this rule reads besides the indicator itself."""
        own = tuple(x for x in (self.numerator, self.denominator, self.weight, self.base) if x)
        return own + (self.fallback.inputs() if self.fallback else ())


@dataclass(frozen=True)
class Derivation:
    op: str  # sum | ratio | change
    of: tuple[str, ...] = ()
    numerator: str | None = None
    denominator: str | None = None
    scale: float = 1.0
    lag: int = 0  # change: (x[y] / x[y - lag] - 1) * scale, same unit

    def inputs(self) -> tuple[str, ...]:
        if self.op in ("sum", "change"):
            return self.of
        return tuple(x for x in (self.numerator, self.denominator) if x)


# Units of counts (the rest — %, ‰, per 1 000, per km², zł per capita — are rates or ratios).
COUNT_UNITS_PL = frozenset({"liczba", "osoby", "rodziny (średnio miesięcznie)"})


@dataclass(frozen=True)
class Indicator:
    id: str
    name_pl: str
    name_en: str
    unit_pl: str
    unit_en: str
    category: str
    definition_pl: str
    definition_en: str
    polarity: str
    decimals: int
    levels: tuple[str, ...]
    aggregation: Aggregation
    derive: Derivation | None = None
    min_coverage: float = DEFAULT_MIN_COVERAGE
    small_base: tuple[str, float] | None = None
    centered_on: float | None = None
    profile: bool = False
    headline: int | None = None  # position among the start page's headline figures
    notes_pl: str = ""
    notes_en: str = ""

    def name(self, lang: str) -> str:
        return self.name_en if lang == "en" else self.name_pl

    def unit(self, lang: str) -> str:
        return self.unit_en if lang == "en" else self.unit_pl

    def definition(self, lang: str) -> str:
        return self.definition_en if lang == "en" else self.definition_pl

    def notes(self, lang: str) -> str:
        return self.notes_en if lang == "en" else self.notes_pl

    @property
    def is_count(self) -> bool:
        """A count or an amount (summed over units, or measured in persons/items): its size follows
        the unit's size, so it is never "better" or "worse" — only rates, shares and per-capita
        values are judged (catalogue rule, checked by ``Catalogue.validate``)."""
        return self.aggregation.rule == "sum" or self.unit_pl.strip() in COUNT_UNITS_PL

    @property
    def judged(self) -> bool:
        """True if the indicator has a better/worse direction that may be used to call a value a
        strength or a weakness (never for neutral indicators, never for counts)."""
        return self.polarity != "neutral" and not self.is_count

    @property
    def judging_polarity(self) -> str:
        """The polarity rankings, map colours and judgements use: "neutral" for counts whatever the
        entry says (a user's BDL import of a count with a direction), else the catalogue's."""
        return self.polarity if self.judged else "neutral"


@dataclass(frozen=True)
class Source:
    id: str
    publisher_pl: str
    publisher_en: str
    title_pl: str
    title_en: str
    origin: str
    licence: str
    vintage: str
    retrieved: str
    mirror_dir: str = ""
    licence_pl: str = ""  # the licence in Polish (``licence`` is the English text the store keeps)

    def licence_text(self, lang: str) -> str:
        return self.licence_pl if lang == "pl" and self.licence_pl else self.licence

    def publisher(self, lang: str) -> str:
        return self.publisher_en if lang == "en" else self.publisher_pl

    def title(self, lang: str) -> str:
        return self.title_en if lang == "en" else self.title_pl


@dataclass(frozen=True)
class Dataset:
    id: str
    path: str
    loader: str
    source: str
    level: str
    measures: Mapping[str, str]
    ignore: Mapping[str, str] = field(default_factory=dict)
    options: Mapping[str, object] = field(default_factory=dict)
    priority: int = 1


@dataclass(frozen=True)
class UnitChange:
    code: str
    name: str
    valid_from: int
    carved_from: str
    evidence: str


@dataclass(frozen=True)
class Catalogue:
    indicators: Mapping[str, Indicator]
    sources: Mapping[str, Source]
    datasets: tuple[Dataset, ...]
    excluded: tuple[Mapping[str, str], ...] = ()
    created_units: tuple[UnitChange, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "indicators", MappingProxyType(dict(self.indicators)))
        object.__setattr__(self, "sources", MappingProxyType(dict(self.sources)))

    def indicator(self, indicator_id: str) -> Indicator:
        try:
            return self.indicators[indicator_id]
        except KeyError:
            raise CatalogueError(f"unknown indicator {indicator_id!r}") from None

    def derivation_order(self) -> list[str]:
        """Derived indicator ids ordered so that inputs come before what is derived from them."""
        derived = {i.id: i.derive.inputs() for i in self.indicators.values() if i.derive}
        order: list[str] = []
        seen: set[str] = set()

        def visit(ind: str, stack: tuple[str, ...]) -> None:
            if ind in seen or ind not in derived:
                return
            if ind in stack:
                raise CatalogueError(f"derivation cycle: {' -> '.join(stack + (ind,))}")
            for dep in derived[ind]:
                visit(dep, stack + (ind,))
            seen.add(ind)
            order.append(ind)

        for ind in sorted(derived):
            visit(ind, ())
        return order

    def validate(self) -> None:
        """Raise CatalogueError on any dangling reference or invalid setting."""
        problems: list[str] = []
        ids = set(self.indicators)
        for ind in self.indicators.values():
            if ind.polarity not in POLARITIES:
                problems.append(f"{ind.id}: polarity {ind.polarity!r}")
            if ind.is_count and ind.polarity != "neutral":
                problems.append(f"{ind.id}: a count/amount must be neutral, not {ind.polarity!r}")
            if ind.category not in CATEGORIES:
                problems.append(f"{ind.id}: category {ind.category!r}")
            agg: Aggregation | None = ind.aggregation
            while agg is not None:
                if agg.rule not in RULES:
                    problems.append(f"{ind.id}: aggregation rule {agg.rule!r}")
                needed = {"ratio": ("numerator", "denominator"), "weighted_mean": ("weight",),
                          "odds": ("base",)}.get(agg.rule, ())
                for attr in needed:
                    if not getattr(agg, attr):
                        problems.append(f"{ind.id}: {agg.rule} needs {attr}")
                if agg.rule == "none" and not (agg.reason_pl and agg.reason_en):
                    problems.append(f"{ind.id}: rule none needs reason_pl and reason_en")
                agg = agg.fallback
            if ind.derive and ind.derive.op not in DERIVE_OPS:
                problems.append(f"{ind.id}: derive op {ind.derive.op!r}")
            if ind.derive and ind.derive.op == "change" and (len(ind.derive.of) != 1 or ind.derive.lag < 1):
                problems.append(f"{ind.id}: derive change needs one input in 'of' and lag >= 1")
            deps = set(ind.aggregation.inputs()) | set(ind.derive.inputs() if ind.derive else ())
            if ind.small_base:
                deps.add(ind.small_base[0])
            for dep in deps - ids:
                problems.append(f"{ind.id}: refers to unknown indicator {dep!r}")
        for ds in self.datasets:
            if ds.source not in self.sources:
                problems.append(f"dataset {ds.id}: unknown source {ds.source!r}")
            for measure, ind_id in ds.measures.items():
                if ind_id not in ids:
                    problems.append(f"dataset {ds.id}: measure {measure!r} -> unknown indicator {ind_id!r}")
        seen: set[str] = set()
        for ds in self.datasets:
            if ds.id in seen:
                problems.append(f"duplicate dataset id {ds.id}")
            seen.add(ds.id)
        try:
            self.derivation_order()
        except CatalogueError as exc:
            problems.append(str(exc))
        if problems:
            raise CatalogueError("catalogue problems:\n  " + "\n  ".join(problems))


_INDICATOR_KEYS = {"id", "name_pl", "name_en", "unit_pl", "unit_en", "category", "definition_pl",
                   "definition_en", "polarity", "decimals", "levels", "aggregation", "derive",
                   "min_coverage", "small_base", "centered_on", "profile", "headline", "notes_pl",
                   "notes_en"}


def parse_aggregation(raw: dict, where: str) -> Aggregation:
    if not isinstance(raw, dict) or "rule" not in raw:
        raise CatalogueError(f"{where}: aggregation needs a rule")
    fallback = raw.get("fallback")
    return Aggregation(
        rule=raw["rule"],
        numerator=raw.get("numerator"),
        denominator=raw.get("denominator"),
        weight=raw.get("weight"),
        base=raw.get("base"),
        scale=float(raw.get("scale", 1)),
        denominator_year=raw.get("denominator_year", "same"),
        reason_pl=raw.get("reason_pl", ""),
        reason_en=raw.get("reason_en", ""),
        fallback=parse_aggregation(fallback, where + " fallback") if fallback else None,
    )


def indicator_from_dict(raw: dict) -> Indicator:
    """Build an Indicator from its catalogue entry (YAML mapping or the JSON stored with it)."""
    where = f"indicator {raw.get('id', '?')}"
    unknown = set(raw) - _INDICATOR_KEYS
    if unknown:
        raise CatalogueError(f"{where}: unknown keys {sorted(unknown)}")
    derive = raw.get("derive")
    small = raw.get("small_base")
    try:
        return Indicator(
            id=raw["id"], name_pl=raw["name_pl"], name_en=raw["name_en"],
            unit_pl=str(raw["unit_pl"]), unit_en=str(raw["unit_en"]), category=raw["category"],
            definition_pl=raw["definition_pl"], definition_en=raw["definition_en"],
            polarity=raw["polarity"], decimals=int(raw.get("decimals", 1)),
            levels=tuple(raw.get("levels", ("gmina", "powiat", "wojewodztwo", "country"))),
            aggregation=parse_aggregation(raw["aggregation"], where),
            derive=Derivation(op=derive["op"], of=tuple(derive.get("of", ())),
                              numerator=derive.get("numerator"), denominator=derive.get("denominator"),
                              scale=float(derive.get("scale", 1)),
                              lag=int(derive.get("lag", 0))) if derive else None,
            min_coverage=float(raw.get("min_coverage", DEFAULT_MIN_COVERAGE)),
            small_base=(small["indicator"], float(small["below"])) if small else None,
            centered_on=raw.get("centered_on"),
            profile=bool(raw.get("profile", False)),
            headline=int(raw["headline"]) if raw.get("headline") is not None else None,
            notes_pl=raw.get("notes_pl", ""), notes_en=raw.get("notes_en", ""),
        )
    except KeyError as exc:
        raise CatalogueError(f"{where}: missing field {exc}") from None
