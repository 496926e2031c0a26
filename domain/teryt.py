"""TERYT codes: normalisation, levels, gmina types and reconciliation of source codes with units.

Canonical unit codes in the store:
  country      "PL"
  województwo  2 digits  "12"
  powiat       4 digits  "1261"
  gmina        7 digits  "1261011" (WWPPGGT, T = 1 urban, 2 rural, 3 urban-rural), current (2026) TERYT

Sources use other forms: 6-digit WWPPGG without the type digit (PKW), 7-digit codes from an older
vintage whose type digit has since changed (86 gminy 2020→2026), leading zeros dropped, spaces
(GUGiK), and 12-digit BDL unit ids. ``Resolver`` maps each to a unit and says how.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

COUNTRY = "PL"
LEVELS = ("country", "wojewodztwo", "powiat", "gmina")
LEVEL_CODE_LEN = {"wojewodztwo": 2, "powiat": 4, "gmina": 7}

GMINA_TYPES = {"1": "urban", "2": "rural", "3": "urban_rural"}
# Type digits of BDL/TERYT rows that are parts of units, not units.
PART_TYPES = {"4": "town part", "5": "rural part", "8": "dzielnica", "9": "delegatura"}


class TerytError(ValueError):
    """A code that cannot be a TERYT code in any common form."""


@dataclass(frozen=True)
class ParsedCode:
    kind: str  # country | wojewodztwo | powiat | gmina6 | gmina7 | bdl12
    code: str


_SEP = re.compile(r"[\s_\-./]")


def parse_code(text: object) -> ParsedCode:
    """Parse a code in any common written form; raise TerytError for anything else.

    Accepts "PL"/"POLSKA"/"0"/"00" (country), 2-digit województwo, 4-digit powiat, 6-digit gmina
    without type digit, 7-digit gmina with type digit (also written "126101_1" or "12 61 01 1"),
    12-digit BDL unit ids.
    """
    s = _SEP.sub("", str(text or "")).upper()
    if s in {"PL", "POLSKA", "POLAND", "0", "00"}:
        return ParsedCode("country", COUNTRY)
    if not s.isdigit():
        raise TerytError(f"not a TERYT code: {text!r}")
    n = len(s)
    if n == 2:
        kind = "wojewodztwo"
    elif n == 4:
        kind = "powiat"
    elif n == 6:
        kind = "gmina6"
    elif n == 7:
        kind = "gmina7"
    elif n == 12:
        kind = "bdl12"
    else:
        raise TerytError(f"a TERYT code has 2, 4, 6 or 7 digits (BDL ids 12), got {n}: {text!r}")
    if kind != "bdl12":
        woj = int(s[:2])
        if woj < 2 or woj > 32 or woj % 2:
            raise TerytError(f"no województwo has code {s[:2]}: {text!r}")
    if kind == "gmina7" and s[6] not in "123456789":
        raise TerytError(f"invalid gmina type digit {s[6]!r}: {text!r}")
    return ParsedCode(kind, s)


# Kinds of part codes (type digit of a 7-digit code) and where their data are published.
PART_KINDS = {"4": "town_part", "5": "rural_part", "8": "dzielnica", "9": "delegatura"}


def part_kind(code: str) -> str | None:
    """``town_part``/``rural_part``/``dzielnica``/``delegatura`` for a 7-digit code of a part of a
    gmina (type digit 4, 5, 8 or 9), else None. Parts are not units: their data are published
    for the whole gmina (an urban-rural gmina, type 3) or the whole city (Warsaw's dzielnice,
    the delegatury of Kraków, Łódź, Poznań, Wrocław)."""
    s = str(code or "")
    return PART_KINDS.get(s[6]) if len(s) == 7 and s.isdigit() else None


def whole_of_part(code: str, gmina_codes) -> str | None:
    """The current gmina whose part ``code`` is, among ``gmina_codes``: the urban-rural gmina
    with the same six digits (town/rural part), or the city gmina of the same city powiat
    (dzielnica, delegatura). None if there is none (or more than one)."""
    kind = part_kind(code)
    if kind is None:
        return None
    codes = sorted(set(gmina_codes))
    if kind in ("town_part", "rural_part"):
        found = [c for c in codes if c[:6] == code[:6] and c[6] == "3"]
    else:
        found = [c for c in codes if c[:4] == code[:4] and c[6] == "1"]
    return found[0] if len(found) == 1 else None


def level_of(code: str) -> str:
    """Level of a canonical code."""
    if code == COUNTRY:
        return "country"
    return {2: "wojewodztwo", 4: "powiat", 7: "gmina"}[len(code)]


def parent_of(code: str) -> str | None:
    """Canonical parent code (gmina -> powiat -> województwo -> country)."""
    lvl = level_of(code)
    if lvl == "country":
        return None
    if lvl == "wojewodztwo":
        return COUNTRY
    if lvl == "powiat":
        return code[:2]
    return code[:4]


def gmina_type(code7: str) -> str:
    return GMINA_TYPES.get(code7[6], "other")


def is_city_with_powiat_rights(code: str) -> bool:
    """Powiat codes 61–99 are cities with powiat rights (gmina codes inherit their powiat part)."""
    return len(code) in (4, 7) and int(code[2:4]) >= 61


def bdl12_to_teryt(unit_id: str) -> tuple[str, str] | None:
    """Map a 12-character BDL unit id to (level, TERYT code); None for units that are not
    country/województwo/powiat/gmina (macroregions, regions, subregions, town/rural parts, dzielnice).

    Layout: L WW R SS PP GG T — level digit(s), województwo, region, subregion, powiat, gmina, kind.
    """
    s = str(unit_id).strip().zfill(12)
    if not s.isdigit() or len(s) != 12:
        raise TerytError(f"not a BDL unit id: {unit_id!r}")
    woj, powiat, gmina, kind = s[2:4], s[7:9], s[9:11], s[11]
    if s == "000000000000":
        return ("country", COUNTRY)
    if woj == "00":
        return None  # makroregion
    if powiat == "00":
        if s[4:7] == "000":
            return ("wojewodztwo", woj)
        return None  # region / podregion
    if gmina == "00" and kind == "0":
        return ("powiat", woj + powiat)
    if kind in GMINA_TYPES:
        return ("gmina", woj + powiat + gmina + kind)
    return None


def normalise_name(name: str) -> str:
    """Case/space-insensitive key for matching unit names ("m. Kraków", "KRAKÓW" -> "kraków")."""
    s = unicodedata.normalize("NFC", str(name or "")).casefold().strip()
    s = re.sub(r"^(m\.\s*st\.|m\.|gm\.|miasto stołeczne|miasto|gmina|powiat|woj\.)\s*", "", s)
    s = re.sub(r",\s*(gm|m|pow)\.?$", "", s)
    s = re.sub(r"\s*\(\d\)$", "", s)
    return re.sub(r"\s+", " ", s).strip()


@dataclass(frozen=True)
class UnitRef:
    """What the resolver needs to know about a unit."""
    code: str
    level: str
    name: str
    valid_from: int | None = None  # first year the unit exists (None = always in our data)
    valid_to: int | None = None  # last year (None = still exists)


@dataclass(frozen=True)
class Resolution:
    code: str | None
    status: str  # exact | recoded | by_code6 | by_name | country | unmatched
    reason: str = ""


@dataclass
class Resolver:
    """Resolves source codes/names to canonical units (built from the unit table)."""

    units: list[UnitRef]
    aliases: dict[str, str] = field(default_factory=dict)  # old 6-digit gmina code -> current code
    _by_code: dict[str, UnitRef] = field(init=False, repr=False)
    _gmina_by6: dict[str, list[UnitRef]] = field(init=False, repr=False)
    _city_by_name: dict[str, list[UnitRef]] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._by_code = {u.code: u for u in self.units}
        self._gmina_by6 = {}
        self._city_by_name = {}
        for u in self.units:
            if u.level == "gmina":
                self._gmina_by6.setdefault(u.code[:6], []).append(u)
                if is_city_with_powiat_rights(u.code):
                    self._city_by_name.setdefault(normalise_name(u.name), []).append(u)

    def resolve(self, code: str, name: str = "", parent_name: str = "") -> Resolution:
        code = (code or "").strip()
        if not code:
            return self._by_city_name(parent_name or name)
        try:
            parsed = parse_code(code)
        except TerytError as exc:
            return Resolution(None, "unmatched", f"malformed code ({exc})")
        if parsed.kind == "country":
            return Resolution(COUNTRY, "country")
        if parsed.kind == "bdl12":
            mapped = bdl12_to_teryt(parsed.code)
            if mapped is None:
                return Resolution(None, "unmatched", "BDL unit id of a non-administrative unit")
            return self.resolve(mapped[1], name, parent_name)
        if parsed.kind in ("wojewodztwo", "powiat"):
            if parsed.code in self._by_code:
                return Resolution(parsed.code, "exact")
            return Resolution(None, "unmatched", f"no {parsed.kind} {parsed.code} in the unit list")
        if parsed.kind == "gmina7" and parsed.code[6] in PART_TYPES:
            return Resolution(None, "unmatched", PART_TYPES[parsed.code[6]])
        if parsed.kind == "gmina7" and parsed.code in self._by_code:
            return Resolution(parsed.code, "exact")
        if parsed.code[:6] in self.aliases:
            return Resolution(self.aliases[parsed.code[:6]], "recoded", "gmina re-coded (moved or renamed)")
        candidates = self._gmina_by6.get(parsed.code[:6], [])
        if len(candidates) == 1:
            status = "recoded" if parsed.kind == "gmina7" else "by_code6"
            return Resolution(candidates[0].code, status,
                              "type digit changed" if status == "recoded" else "")
        if len(candidates) > 1:
            return Resolution(None, "unmatched", f"ambiguous 6-digit code {parsed.code[:6]}")
        return Resolution(None, "unmatched", f"no gmina {parsed.code[:6]} in the unit list")

    def _by_city_name(self, name: str) -> Resolution:
        key = normalise_name(name)
        if not key:
            return Resolution(None, "unmatched", "no code and no name")
        found = self._city_by_name.get(key, [])
        if len(found) == 1:
            return Resolution(found[0].code, "by_name", "city with powiat rights matched by name")
        if len(found) > 1:
            return Resolution(None, "unmatched", f"ambiguous city name {name!r}")
        return Resolution(None, "unmatched", f"no code; name {name!r} is not a city with powiat rights")
