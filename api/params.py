"""Parsing and validating query parameters (pure). Every problem raises ``BadParam`` with a
message that is shown to the caller as HTTP 400 JSON."""
from __future__ import annotations

import re
import unicodedata

MAX_PAGE_SIZE = 5000
DEFAULT_PAGE_SIZE = 1000
MAX_UNITS = 100          # units in one values request
MAX_INDICATORS = 100     # indicators in one values request
MAX_YEARS = 100
MIN_YEAR, MAX_YEAR = 1900, 2100
MAX_QUERY = 100          # characters of a name search
LEVELS = ("gmina", "powiat", "wojewodztwo", "country")
LANGS = ("pl", "en")
FORMATS = ("json", "csv")
_ID = re.compile(r"^[a-z][a-z0-9_]{1,79}$")
_SPLIT = re.compile(r"[,\s;]+")


class BadParam(ValueError):
    """A query parameter that cannot be used (message for the caller; HTTP 400)."""

    def __init__(self, param: str, message: str):
        super().__init__(message)
        self.param = param
        self.message = message


def _printable(text: str, limit: int = 40) -> str:
    """The offending input, shortened and without control characters, for an error message."""
    s = "".join(c if c.isprintable() else "?" for c in str(text))
    return s if len(s) <= limit else s[:limit] + "…"


def split_list(values: list[str] | None) -> list[str]:
    """Repeated parameters and comma/space/semicolon-separated lists, flattened, order kept."""
    out: list[str] = []
    for v in values or []:
        out.extend(x for x in _SPLIT.split(v) if x)
    return out


def parse_years(values: list[str] | None) -> list[int] | None:
    """``year=2024``, ``year=2015,2019``, ``year=2015-2024`` (repeatable); None = all years."""
    parts = split_list(values)
    if not parts:
        return None
    years: set[int] = set()
    for p in parts:
        m = re.fullmatch(r"(\d{4})(?:-(\d{4}))?", p)
        if not m:
            raise BadParam("year", f"year {_printable(p)!r} is not a year: use YYYY, YYYY,YYYY or YYYY-YYYY")
        a, b = int(m.group(1)), int(m.group(2) or m.group(1))
        if not (MIN_YEAR <= a <= MAX_YEAR and MIN_YEAR <= b <= MAX_YEAR):
            raise BadParam("year", f"year {p!r} is outside {MIN_YEAR}-{MAX_YEAR}")
        if b < a:
            raise BadParam("year", f"year range {p!r} ends before it starts")
        years.update(range(a, b + 1))
        if len(years) > MAX_YEARS:
            raise BadParam("year", f"at most {MAX_YEARS} years in one request")
    return sorted(years)


def parse_indicators(values: list[str] | None, known) -> list[str] | None:
    parts = split_list(values)
    if not parts:
        return None
    if len(parts) > MAX_INDICATORS:
        raise BadParam("indicator", f"at most {MAX_INDICATORS} indicators in one request, got {len(parts)}")
    out: list[str] = []
    for p in parts:
        if not _ID.match(p) or p not in known:
            raise BadParam("indicator", f"unknown indicator {_printable(p)!r}; see /api/v1/indicators")
        if p not in out:
            out.append(p)
    return out


def parse_level(value: str | None) -> str | None:
    if value in (None, ""):
        return None
    if value not in LEVELS:
        raise BadParam("level", f"level {_printable(value)!r} is not one of {', '.join(LEVELS)}")
    return value


def parse_lang(value: str | None) -> str:
    if value in (None, ""):
        return "pl"
    if value not in LANGS:
        raise BadParam("lang", f"lang {_printable(value)!r} is not one of {', '.join(LANGS)}")
    return value


def parse_page(page: str | None, page_size: str | None) -> tuple[int, int]:
    def num(name: str, text: str | None, default: int, hi: int) -> int:
        if text in (None, ""):
            return default
        if not re.fullmatch(r"\d{1,9}", str(text)):
            raise BadParam(name, f"{name} {_printable(text)!r} is not a whole number")
        n = int(text)
        if not 1 <= n <= hi:
            raise BadParam(name, f"{name} must be between 1 and {hi:,}".replace(",", " ") + f", got {n}")
        return n
    return num("page", page, 1, 10**8), num("page_size", page_size, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE)


def parse_format(value: str | None, accept: str | None) -> str:
    """``format=json|csv`` wins; otherwise ``Accept: text/csv`` picks CSV; JSON by default."""
    if value not in (None, ""):
        if value not in FORMATS:
            raise BadParam("format", f"format {_printable(value)!r} is not one of {', '.join(FORMATS)}")
        return value
    if accept and "text/csv" in accept.lower() and "application/json" not in accept.lower():
        return "csv"
    return "json"


def parse_query(value: str | None) -> str:
    if value is None:
        return ""
    q = value.strip()
    if len(q) > MAX_QUERY:
        raise BadParam("q", f"q is longer than {MAX_QUERY} characters")
    if any(not c.isprintable() for c in q):
        raise BadParam("q", "q contains control characters")
    return q


def fold(text: str) -> str:
    """Case-, diacritic- and space-insensitive key: "Łódź" -> "lodz", "BIAŁYSTOK" -> "bialystok"."""
    s = unicodedata.normalize("NFKD", str(text).casefold())
    s = "".join(c for c in s if not unicodedata.combining(c)).replace("ł", "l")
    return re.sub(r"\s+", " ", s).strip()
