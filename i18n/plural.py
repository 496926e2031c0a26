"""Plural forms after a number, and catalogue units that agree with their number.

``plural_form(n, lang)`` is the CLDR plural category: Polish ``one`` (1), ``few`` (2–4, 22–24, …
but not 12–14), ``many`` (0, 5–21, 25–31, …) and ``other`` for fractions ("2,5 osoby"); English
``one`` (exactly 1) and ``other``. Same rule as the Plural-Forms header of the Polish catalogue
and domain.areas.plural_form (which counts gminy, whole numbers only).

Catalogue units are stored in the form a table header uses ("osoby", "rodziny (średnio
miesięcznie)", "kobiety na 100 mężczyzn"); in a sentence the first word must agree with the number:
"809 168 osób", "1 173 osoby", "1 osoba", "2,5 osoby". ``unit_after(value, unit, lang)`` does that
for the nouns the catalogue uses; any other unit ("zł", "%", "‰", "km²") is returned unchanged.
"""
from __future__ import annotations

import math

# first word of a unit -> (one, few, many, other)
NOUNS_PL = {
    "osoby": ("osoba", "osoby", "osób", "osoby"),
    "rodziny": ("rodzina", "rodziny", "rodzin", "rodziny"),
    "kobiety": ("kobieta", "kobiety", "kobiet", "kobiety"),
    "gminy": ("gmina", "gminy", "gmin", "gminy"),
}
# the genitive after a preposition ("z 11 523 do 9 834 osób", "z 1 osoby", "do 2,5 osoby")
NOUNS_PL_GEN = {
    "osoby": ("osoby", "osób", "osób", "osoby"),
    "rodziny": ("rodziny", "rodzin", "rodzin", "rodziny"),
    "kobiety": ("kobiety", "kobiet", "kobiet", "kobiety"),
    "gminy": ("gminy", "gmin", "gmin", "gminy"),
}
NOUNS_EN = {
    "persons": ("person", "persons"),
    "families": ("family", "families"),
    "women": ("woman", "women"),
}
_FORMS_PL = ("one", "few", "many", "other")
# units that only say "a count": left out after a number in a sentence ("105", not "105 liczba")
BARE_COUNT = {"liczba", "number"}


def plural_form(n: float, lang: str = "pl") -> str:
    """CLDR plural category of ``n`` as it is written (a rounded number: pass the rounded value)."""
    x = abs(float(n))
    whole = math.isfinite(x) and x == int(x)
    if lang != "pl":
        return "one" if whole and x == 1 else "other"
    if not whole:
        return "other"
    i = int(x)
    if i == 1:
        return "one"
    if i % 10 in (2, 3, 4) and i % 100 not in (12, 13, 14):
        return "few"
    return "many"


def unit_after(value: float | None, unit: str, lang: str = "pl", decimals: int = 0, *, genitive: bool = False) -> str:
    """``unit`` in the form that agrees with ``value`` rounded to ``decimals`` (what is printed);
    ``genitive``: after a preposition such as "z"/"do" ("do 809 168 osób")."""
    unit = (unit or "").strip()
    if unit in BARE_COUNT:
        return ""
    if value is None or (isinstance(value, float) and math.isnan(value)) or not unit:
        return unit
    shown = round(float(value), max(0, int(decimals)))
    head, sep, rest = unit.partition(" ")
    form = plural_form(shown, lang)
    if lang == "pl" and head in NOUNS_PL:
        table = NOUNS_PL_GEN if genitive else NOUNS_PL
        return table[head][_FORMS_PL.index(form)] + sep + rest
    if lang != "pl" and head in NOUNS_EN:
        return NOUNS_EN[head][0 if form == "one" else 1] + sep + rest
    return unit


def with_unit(text: str, value: float | None, unit: str, lang: str = "pl", decimals: int = 0, *,
              genitive: bool = False) -> str:
    """"809 168 osób", "72,77 %", "105" (a bare count): a formatted number and its agreeing unit."""
    u = unit_after(value, unit, lang, decimals, genitive=genitive)
    return f"{text} {u}" if u else text


__all__ = ["plural_form", "unit_after", "with_unit"]
