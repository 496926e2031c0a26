"""Plural forms after numbers (Polish: 1 osoba, 2–4 osoby except 12–14, otherwise osób; a number
with a fraction takes the genitive singular: 2,5 osoby; English: 1 person, 2 persons).

Two ways to use them:

* in messages: a placeholder ``{n|gmina|gminy|gmin}`` (Polish: one|few|many[|fraction]; English:
  one|other) is replaced by the form that fits the value of ``n`` — see ``i18n.t``. The value may
  be a number or a number already formatted for the language ("2 477", "2,5", "1,749").
* after a value with a catalogue unit: ``unit_after(value_text, unit, lang)`` inflects the unit's
  first word ("osoby na km²" after 3 980 -> "osób na km²"); a bare "liczba"/"number" unit is not
  repeated after the number ("8 123", not "8 123 liczba").

The rule is CLDR's (the same as the catalogue's gettext Plural-Forms header).
"""
from __future__ import annotations

import re

# The first word of a catalogue unit (as written there: nominative plural) -> its forms after a
# number: one, few, many, fraction (the fraction form is the genitive singular).
PL_UNIT_WORDS: dict[str, tuple[str, str, str, str]] = {
    "osoby": ("osoba", "osoby", "osób", "osoby"),
    "osób": ("osoba", "osoby", "osób", "osoby"),
    "rodziny": ("rodzina", "rodziny", "rodzin", "rodziny"),
    "kobiety": ("kobieta", "kobiety", "kobiet", "kobiety"),
    "gminy": ("gmina", "gminy", "gmin", "gminy"),
    "jednostki": ("jednostka", "jednostki", "jednostek", "jednostki"),
    "liczba": ("", "", "", ""),
}
# The same words in the genitive after a number ("z 757 740 do 809 168 osób", "do 22 osób",
# "do 1 osoby"): one (genitive singular), any other count (genitive plural), fraction.
PL_UNIT_WORDS_GEN: dict[str, tuple[str, str, str]] = {
    "osoby": ("osoby", "osób", "osoby"),
    "osób": ("osoby", "osób", "osoby"),
    "rodziny": ("rodziny", "rodzin", "rodziny"),
    "kobiety": ("kobiety", "kobiet", "kobiety"),
    "gminy": ("gminy", "gmin", "gminy"),
    "jednostki": ("jednostki", "jednostek", "jednostki"),
    "liczba": ("", "", ""),
}
EN_UNIT_WORDS: dict[str, tuple[str, str]] = {
    "persons": ("person", "persons"),
    "families": ("family", "families"),
    "women": ("woman", "women"),
    "number": ("", ""),
}

_NUM = re.compile(r"[-+−]?\d+(?:\.\d+)?")


def number_of(value, lang: str) -> tuple[float, bool] | None:
    """(absolute value, has a visible fraction) of a number or of a number formatted in ``lang``
    ("2 477" / "2,5" in Polish; "2,477" / "2.5" in English); None if it is not a number."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return float(abs(value)), False
    if isinstance(value, float):
        if value != value:
            return None
        return abs(value), not float(value).is_integer()
    s = str(value).strip()
    for sep in ("\u00a0", "\u202f", " ", "\u2009"):
        s = s.replace(sep, "")
    s = s.replace(",", ".") if lang == "pl" else s.replace(",", "")
    m = _NUM.fullmatch(s.rstrip("%"))
    if not m:
        return None
    txt = m.group(0).lstrip("+-−")
    return abs(float(txt)), "." in txt


def category(value, lang: str) -> str:
    """CLDR plural category of a number (or formatted number) in ``lang``: Polish one | few | many
    | other (other = with a fraction), English one | other."""
    parsed = number_of(value, lang)
    if parsed is None:
        return "other" if lang != "pl" else "many"
    n, frac = parsed
    if lang != "pl":
        return "one" if n == 1 and not frac else "other"
    if frac:
        return "other"
    i = int(n)
    if i == 1:
        return "one"
    if i % 10 in (2, 3, 4) and i % 100 not in (12, 13, 14):
        return "few"
    return "many"


def plural(value, forms, lang: str) -> str:
    """The form of a word that follows ``value``. ``forms``: Polish (one, few, many[, fraction]),
    the fraction form defaulting to ``few`` (right for feminine nouns: 2,5 osoby, 0,5 gminy);
    English (one, other)."""
    forms = tuple(forms)
    cat = category(value, lang)
    if lang != "pl":
        return forms[0] if cat == "one" else forms[-1]
    if len(forms) < 3:
        raise ValueError(f"Polish needs one, few and many forms: {forms!r}")
    idx = {"one": 0, "few": 1, "many": 2, "other": 3 if len(forms) > 3 else 1}[cat]
    return forms[idx]


def unit_after(value, unit: str, lang: str, *, keep_count_word: bool = False, genitive: bool = False) -> str:
    """The unit as it reads after ``value`` (a number or its formatted text): the first word
    inflected if it is a countable noun (osoby/osób, rodziny/rodzin, …), the rest unchanged.
    A bare "liczba"/"number" unit becomes "" unless ``keep_count_word`` (a table's unit column).
    ``genitive``: after a preposition that governs the genitive ("z … do 809 168 osób")."""
    unit = (unit or "").strip()
    if not unit:
        return ""
    if value is None or (isinstance(value, float) and value != value):
        return unit  # no number to agree with: the unit as the catalogue writes it
    head, sep, rest = unit.partition(" ")
    if genitive and lang == "pl":
        gen = PL_UNIT_WORDS_GEN.get(head)
        if gen is None or (keep_count_word and not any(gen)):
            return unit
        cat = category(value, lang)
        word = gen[0] if cat == "one" else gen[2] if cat == "other" else gen[1]
        return (word + sep + rest).strip() if word else rest.strip()
    table = PL_UNIT_WORDS if lang == "pl" else EN_UNIT_WORDS
    forms = table.get(head)
    if forms is None or (keep_count_word and not any(forms)):
        return unit
    word = plural(value, forms, lang)
    return (word + sep + rest).strip() if word else rest.strip()


def with_unit(text: str, value, unit: str, lang: str = "pl", decimals: int = 0, *, genitive: bool = False) -> str:
    """A formatted number and its agreeing unit: "809 168 osób", "72,77 %", "105" (a bare count).
    The printed ``text`` decides the form ("2" for 2.4 → "2 osoby"); ``value`` is used when the text
    is not a number; ``decimals`` is kept for callers that format elsewhere."""
    shown = text if number_of(text, lang) is not None else value
    u = unit_after(shown, unit, lang, genitive=genitive)
    return f"{text} {u}" if u else text


_TOKEN = re.compile(r"\{(\w+)\|([^{}]*)\}")


def expand(msg: str, kwargs: dict, lang: str) -> str:
    """Replace every ``{name|form|form|…}`` in a message by the form fitting ``kwargs[name]``."""
    if "|" not in msg:
        return msg

    def repl(m: re.Match) -> str:
        return plural(kwargs[m.group(1)], m.group(2).split("|"), lang).replace("{", "{{").replace("}", "}}")

    return _TOKEN.sub(repl, msg)
