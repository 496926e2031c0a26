"""The URL contract: every view's state as query parameters, parsed and written back (pure).

Public, stable names: unit, area, indicator, year, level, peers, lang (and a few view options such
as cls/k/metric). Parsing never raises: a malformed or unknown value is dropped, reported in
``problems`` (key, raw value, reason code) and the view falls back to its default.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, fields, replace

from domain.area_codes import split_codes
from domain.peers import format_knn, parse_knn
from domain.teryt import TerytError, parse_code

LANGS = ("pl", "en")
LEVELS = ("gmina", "powiat", "wojewodztwo")
CLASSIFICATIONS = ("quantiles", "fisher_jenks", "equal_interval", "std_mean", "user")
PEER_METHODS = ("typology", "knn", "custom", "members")

MAX_PARAM_LEN = 2000
MAX_AREA_MEMBERS = 500
# an area of MAX_AREA_MEMBERS gminy: 500 × "WWPPGGT," (województwo mazowieckie alone has 314 gminy)
MAX_LEN = {"area": MAX_AREA_MEMBERS * 8}
_ID = re.compile(r"^[a-z][a-z0-9_]{1,79}$")


@dataclass(frozen=True)
class ViewState:
    unit: str | None = None
    area: tuple[str, ...] = ()
    indicator: str | None = None
    year: int | None = None
    level: str | None = None
    peers: str | None = None  # e.g. "typology", "typology:woj", "knn:k=10", "custom:0201011,0202011", "members"
    lang: str = "pl"
    cls: str | None = None  # map classification
    k: int | None = None  # number of classes
    extra: tuple[tuple[str, str], ...] = ()  # page-specific options, kept verbatim (validated by pages)


KNOWN = {f.name for f in fields(ViewState)} - {"extra"}
EXTRA_KEYS = ("x", "y", "breaks", "pal", "ind2", "tab", "page", "charts", "subject", "plan",
              "view", "el", "eh", "ew")  # view=embed, el=, eh=, ew=: components.embed (issue 16)


@dataclass(frozen=True)
class Problem:
    key: str
    value: str
    reason: str  # unknown_param | malformed | out_of_range | too_long


@dataclass(frozen=True)
class Parsed:
    state: ViewState
    problems: tuple[Problem, ...] = field(default_factory=tuple)


def _first(v) -> str:
    if isinstance(v, (list, tuple)):
        v = v[-1] if v else ""
    return str(v)


def parse_query(params: dict) -> Parsed:
    """Parse a query-string mapping (values str or list of str) into a ViewState."""
    st = ViewState()
    problems: list[Problem] = []
    extra: list[tuple[str, str]] = []
    for key, raw in params.items():
        value = _first(raw).strip()
        shown = value[:60]
        if len(value) > MAX_LEN.get(key, MAX_PARAM_LEN):
            problems.append(Problem(key[:40], shown, "too_long"))
            continue
        if key in EXTRA_KEYS:
            extra.append((key, value))
            continue
        if key not in KNOWN:
            problems.append(Problem(key[:40], shown, "unknown_param"))
            continue
        try:
            st = _apply(st, key, value)
        except (ValueError, TerytError):
            problems.append(Problem(key, shown, "malformed"))
    if extra:
        st = replace(st, extra=tuple(sorted(extra)))
    return Parsed(st, tuple(problems))


def _apply(st: ViewState, key: str, value: str) -> ViewState:
    if key == "unit":
        return replace(st, unit=canonical_unit_input(value))
    if key == "area":
        return replace(st, area=parse_area(value))
    if key == "indicator":
        if not _ID.match(value):
            raise ValueError(value)
        return replace(st, indicator=value)
    if key == "year":
        y = int(value)
        if not 1990 <= y <= 2100:
            raise ValueError(value)
        return replace(st, year=y)
    if key == "level":
        if value not in LEVELS:
            raise ValueError(value)
        return replace(st, level=value)
    if key == "peers":
        return replace(st, peers=parse_peers(value))
    if key == "lang":
        if value not in LANGS:
            raise ValueError(value)
        return replace(st, lang=value)
    if key == "cls":
        if value not in CLASSIFICATIONS:
            raise ValueError(value)
        return replace(st, cls=value)
    if key == "k":
        k = int(value)
        if not 3 <= k <= 9:
            raise ValueError(value)
        return replace(st, k=k)
    raise ValueError(key)  # pragma: no cover - KNOWN and _apply list the same keys


def canonical_unit_input(value: str) -> str:
    """Syntactic normalisation of a unit code (existence is checked against the store later)."""
    p = parse_code(value)
    if p.kind == "bdl12":
        raise ValueError(value)
    return p.code


def _parse_codes(value: str, kinds: tuple[str, ...]) -> tuple[str, ...]:
    """Comma/space/semicolon-separated codes of the given kinds (domain.teryt), sorted, unique."""
    parts = split_codes(value)  # the one split of a code list (also --area and the API's area=)
    if not parts or len(parts) > MAX_AREA_MEMBERS:
        raise ValueError(value)
    codes = set()
    for x in parts:
        p = parse_code(x)
        if p.kind not in kinds:
            raise ValueError(x)
        codes.add(p.code)
    return tuple(sorted(codes))


def parse_area(value: str) -> tuple[str, ...]:
    """A functional area's definition: comma-separated gmina codes (6 or 7 digits), sorted, unique."""
    return _parse_codes(value, ("gmina6", "gmina7"))


def parse_peers(value: str) -> str:
    """Validate and canonicalise a peer-group definition (see domain.peers for the methods).

    ``typology`` | ``typology:woj`` | ``knn`` / ``knn:k=10;w=population_total*2,...`` (written back
    canonically as ``knn:k=<k>[;w=...]``) | ``custom:code,code`` (unit codes of any level, sorted,
    unique; an empty list is allowed — the page then asks for units) | ``members`` (a functional
    area compared with its own gminy; a unit uses its default instead).
    """
    method, _, arg = value.partition(":")
    if method not in PEER_METHODS:
        raise ValueError(value)
    if method == "custom":
        codes = parse_peer_codes(arg) if arg else ()
        return "custom:" + ",".join(codes)
    if method == "knn":
        if len(arg) > 500:
            raise ValueError(value)
        return "knn:" + format_knn(parse_knn(arg))
    if method == "typology" and arg and arg not in ("woj",):
        raise ValueError(value)
    if method == "members" and arg:
        raise ValueError(value)
    return value


def parse_peer_codes(value: str) -> tuple[str, ...]:
    """A user's peer list: comma-separated unit codes (gminy 6/7 digits, powiaty, województwa)."""
    return _parse_codes(value, ("gmina6", "gmina7", "powiat", "wojewodztwo"))


def to_query(st: ViewState) -> dict[str, str]:
    """The state as query parameters (defaults omitted, stable key order)."""
    out: dict[str, str] = {}
    if st.unit:
        out["unit"] = st.unit
    if st.area:
        out["area"] = ",".join(st.area)
    if st.indicator:
        out["indicator"] = st.indicator
    if st.year is not None:
        out["year"] = str(st.year)
    if st.level:
        out["level"] = st.level
    if st.peers:
        out["peers"] = st.peers
    if st.cls:
        out["cls"] = st.cls
    if st.k is not None:
        out["k"] = str(st.k)
    for k, v in st.extra:
        out[k] = v
    if st.lang != "pl":
        out["lang"] = st.lang
    return out
