"""Message catalogue (gettext .po files read with Babel) and locale-aware number formatting.

Every user-facing string is looked up by key: ``t("nav.map", lang)``. Polish is the default;
English is complete. A missing key raises in strict mode (``MRL_I18N_STRICT=1``, set by the tests)
and otherwise falls back to Polish, then to the key itself, so a gap never breaks a page.
"""
from __future__ import annotations

import math
import os
from functools import lru_cache
from pathlib import Path

from babel import Locale
from babel.messages.pofile import read_po
from babel.numbers import format_decimal, format_percent  # noqa: F401 - re-exported helpers

from i18n.plurals import category as plural_category, expand, plural, unit_after  # noqa: F401 - re-exported

LANGS = ("pl", "en")
DEFAULT_LANG = "pl"
LOCALES = {"pl": "pl_PL", "en": "en_GB"}
_DIR = Path(__file__).resolve().parent / "locales"


class MissingMessage(KeyError):
    pass


@lru_cache(maxsize=4)
def messages(lang: str) -> dict[str, str]:
    """All messages of one language (read once; the dict is never mutated)."""
    path = _DIR / lang / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as fh:
        cat = read_po(fh, locale=lang)
    return {m.id: m.string for m in cat if m.id and m.string}


def norm_lang(lang: str | None) -> str:
    return lang if lang in LANGS else DEFAULT_LANG


def t(key: str, lang: str | None = None, /, **kwargs) -> str:
    """The message ``key`` in ``lang``, formatted with ``kwargs`` (str.format syntax)."""
    lang = norm_lang(lang)
    msg = messages(lang).get(key)
    if msg is None:
        if os.environ.get("MRL_I18N_STRICT") == "1":
            raise MissingMessage(f"{key!r} missing in {lang}")
        msg = messages(DEFAULT_LANG).get(key, key)
    if not kwargs:
        return msg
    return expand(msg, kwargs, lang).format(**kwargs)


def has(key: str, lang: str) -> bool:
    return key in messages(norm_lang(lang))


def fmt_num(value: float | int | None, decimals: int = 0, lang: str | None = None, *,
            signed: bool = False) -> str:
    """A number in the locale's format: ``1 234,5`` (pl) or ``1,234.5`` (en); "–" for no data."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    decimals = max(0, int(decimals))
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    if signed:
        pattern = "+" + pattern + ";-" + pattern
    return format_decimal(round(float(value), decimals), format=pattern,
                          locale=LOCALES[norm_lang(lang)], group_separator=True)


def fmt_unit(value: float | int | None, decimals: int, unit: str, lang: str | None = None, *,
             signed: bool = False, genitive: bool = False) -> str:
    """A number with its unit in the right plural form: "809 168 osób", "22 osoby", "1 osoba",
    "3 980 osób na km²", "2,5 osoby", "23,6 %" (other units unchanged); "–" without a value."""
    text = fmt_num(value, decimals, lang, signed=signed)
    if text == "–":
        return text
    return f"{text} {unit_after(text, unit, norm_lang(lang), genitive=genitive)}".strip()


def fmt_when(value, lang: str | None = None) -> str:
    """A date or timestamp (datetime, or ISO text as the store keeps it) in the reader's words:
    "2 grudnia 2026, 10:08 UTC" / "2 December 2026, 10:08 UTC"; a date alone "23 sierpnia 2021".
    Text that is not an ISO date is returned unchanged."""
    import datetime as dt

    from babel.dates import format_date, format_datetime

    lang = norm_lang(lang)
    loc = LOCALES[lang]
    if isinstance(value, dt.datetime):
        when = value
    elif isinstance(value, dt.date):
        return format_date(value, "d MMMM y", locale=loc)
    else:
        text = str(value or "").strip()
        try:
            if len(text) == 10:
                return format_date(dt.date.fromisoformat(text), "d MMMM y", locale=loc)
            when = dt.datetime.fromisoformat(text)
        except ValueError:
            return text
    if when.tzinfo is not None:
        when = when.astimezone(dt.timezone.utc)
        return format_datetime(when, "d MMMM y, HH:mm", locale=loc, tzinfo=dt.timezone.utc) + " UTC"
    return format_datetime(when, "d MMMM y, HH:mm", locale=loc)


def locale(lang: str | None) -> Locale:
    return Locale.parse(LOCALES[norm_lang(lang)])
