"""One rule for a functional area typed as a list of gmina codes (pure).

``--area CODE,CODE,...`` on the command line (``show``, ``assess``, ``report``, ``plan import``)
and ``area=`` of the HTTP API read the same string the same way, here:

* entries are separated by commas, semicolons or white space (``split_codes``, the same split
  as the dashboard URL's ``area=``, ``domain.permalink``); a code written with inner spaces
  ("12 61 01 1") is therefore four entries, each rejected;
* every entry is matched by ``domain.matching.resolve_definition(strict=True)``: a 6- or 7-digit
  gmina code (also ``126101_1``); 6-digit and old codes are mapped to today's 7-digit code
  (``AreaCodes.recoded`` says which); a code of another level ("not a gmina code"), of a gmina
  part, of a gmina that no longer exists or of no gmina is a problem. Strict: a 12-digit BDL id
  or a code that lost its leading zero ("201011" for "0201011"), which the file import accepts
  from spreadsheets, is read only as written;
* a gmina given twice (also "126101" beside "1261011") counts once;
* at most ``MAX_MEMBERS`` entries, and ``MIN_MEMBERS`` to ``MAX_MEMBERS`` different gminy.

``check_area`` never raises for bad input: it returns ``AreaCodes`` (the canonical tuple) or an
``AreaCodesError`` (reason, the entries that could not be used, the count). Each caller turns the
error into its own form: the command line one line on stderr and exit 2, the HTTP API a 400 with
``param=area``, ``store.plans`` its ``SubjectError``, ``reports.commands`` its ``UsageError`` —
all with ``AreaCodesError.message`` (plain English, like ``matching.REASON_TEXT``: these outputs
are English; the dashboard words the same reasons with the catalogue keys ``areas.reason.*``).

The dashboard's URL shares ``split_codes`` only: by the URL contract a bad entry there is dropped
with a warning and the rest kept (``components.areas_state``), not a refusal of the whole list.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
import pandas as pd

from domain.areas import MAX_MEMBERS, MIN_MEMBERS
from domain.matching import REASON_TEXT, Resolve, resolve_definition

SEPARATORS = re.compile(r"[,;\s]+")

UNUSABLE, TOO_FEW, TOO_MANY = "unusable", "too_few", "too_many"
CLI_HINT = "use --teryt for one unit"  # every command with --area has --teryt too


def split_codes(text: str | None) -> list[str]:
    """The entries of a code list: split at commas, semicolons and white space, blanks dropped."""
    return [x for x in SEPARATORS.split(str(text or "")) if x]


@dataclass(frozen=True)
class Problem:
    """An entry that cannot be used: its text and the matcher's reason (``matching.REASON_TEXT``)."""
    input: str
    reason: str
    detail: str = ""


@dataclass(frozen=True)
class AreaCodes:
    """A usable area: today's 7-digit codes, sorted and unique; ``recoded``: (entry, code) for
    every old code that was mapped to today's."""
    codes: tuple[str, ...]
    recoded: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class AreaCodesError:
    """Why a list is not an area. ``reason``: ``unusable`` (``problems`` lists the entries, in
    the order given), ``too_few`` (``n``: the different gminy matched) or ``too_many`` (``n``:
    the entries given, counted before matching, as the URL counts them)."""
    reason: str
    n: int
    problems: tuple[Problem, ...] = ()

    def message(self, name: str | None = "--area", *, hint: str = CLI_HINT) -> str:
        """One line of plain English. ``name``: the option named first ("--area"; None: "an area");
        ``hint``: added in brackets when there are too few gminy ("" for none)."""
        if self.reason == UNUSABLE:
            bad = "; ".join(f"{p.input!r} ({REASON_TEXT.get(p.reason, p.reason)})" for p in self.problems)
            return f"{name + ': ' if name else ''}not usable as gmina codes: {bad}"
        line = f"{name or 'an area'} needs {MIN_MEMBERS} to {MAX_MEMBERS} different gminy, got {self.n}"
        if self.reason == TOO_MANY:
            return line + " codes"
        return line + (f" ({hint})" if hint else "")


def check_area(text: str | None, units: pd.DataFrame, resolve: Resolve) -> AreaCodes | AreaCodesError:
    """Read a functional area typed as gmina codes (see the module docstring for the rule).

    ``text``: the list as typed ("1261011,1206172;126101"); ``units``: the store's units including
    historical ones; ``resolve``: ``Store.resolve_code``.
    """
    entries = split_codes(text)
    if len(entries) > MAX_MEMBERS:
        return AreaCodesError(TOO_MANY, n=len(entries))
    matched = resolve_definition(entries, units, resolve, strict=True)
    if not matched.problems.empty:
        problems = tuple(Problem(r.input, r.reason, r.detail) for r in matched.problems.itertuples())
        return AreaCodesError(UNUSABLE, n=len(matched.codes), problems=problems)
    codes = tuple(matched.codes)
    if len(codes) < MIN_MEMBERS:  # (never more than MAX_MEMBERS: no more entries than that)
        return AreaCodesError(TOO_FEW, n=len(codes))
    old = matched.report.loc[matched.report["reason"] == "old_code"]
    return AreaCodes(codes=codes, recoded=tuple(zip(old["input"], old["code"])))


__all__ = ["AreaCodes", "AreaCodesError", "CLI_HINT", "Problem", "SEPARATORS", "TOO_FEW", "TOO_MANY", "UNUSABLE", "check_area",
           "split_codes"]
