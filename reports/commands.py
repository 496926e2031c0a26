"""The command line's report files: ``cli.py report --teryt/--area ... --format`` and ``cli.py deck``.

Kept out of cli.py (which only wires the arguments) so the file builders are importable and
tested without a subprocess. Every user error raises ``UsageError`` with one line of text (the
CLI prints it on stderr and exits 2); nothing is written then.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

FORMATS = ("docx", "pdf", "pptx", "xlsx")


class UsageError(ValueError):
    """Bad input: one line for stderr."""


def resolve_unit(store, text: str) -> tuple[str, str]:
    """(code, note) of a TERYT code typed by a user (old codes are mapped, with a note)."""
    code, note = store.resolve_code(text)
    if code is None:
        raise UsageError(f"unknown TERYT code {text!r}: no unit has this code" if note != "malformed" else
                         f"malformed TERYT code {text!r}: use 2, 4, 6 or 7 digits, or PL")
    return code, (f"note: {text} is an old code; using {code}" if note else "")


def resolve_area(store, text: str) -> tuple[str, ...]:
    """The gminy of ``--area CODE,CODE,...`` (the one rule: ``domain.area_codes``)."""
    from domain.area_codes import AreaCodesError, check_area

    res = check_area(text, store.units(include_historical=True), store.resolve_code)
    if isinstance(res, AreaCodesError):
        raise UsageError(res.message("--area"))
    return res.codes


def _check_output(path: str, suffix: str) -> Path:
    out = Path(path)
    if out.suffix.lower() != f".{suffix}":
        raise UsageError(f"output file must end with .{suffix}: {path!r}")
    if not out.parent.exists() or not out.parent.is_dir():
        raise UsageError(f"output directory does not exist: {str(out.parent)!r}")
    return out


def _write(out: Path, data: bytes) -> None:
    tmp = out.with_name(out.name + ".part")
    tmp.write_bytes(data)
    tmp.replace(out)


def report_bytes(store, fmt: str, *, lang: str, code: str | None = None, area: tuple[str, ...] = (),
                 peers: str | None = None, permalink: str = "", today: dt.date | None = None) -> bytes:
    """The report of a unit or an area in one of FORMATS."""
    from reports import gather
    from reports.source import StoreSource

    src = StoreSource(store)
    if fmt == "docx":
        from reports import docx

        model = gather.build(src, lang=lang, code=code, area=area, peers=peers, charts=docx.DOCX_CHARTS,
                             permalink=permalink, today=today, with_map=False)
        return docx.build_docx(with_sections(src, model, lang=lang, code=code, area=area, peers=peers))
    if fmt == "xlsx":
        model = gather.build(src, lang=lang, code=code, area=area, peers=peers, charts=(), permalink=permalink,
                             today=today, with_map=False)
        return xlsx_bytes(with_sections(src, model, lang=lang, code=code, area=area, peers=peers))
    model = gather.build(src, lang=lang, code=code, area=area, peers=peers, permalink=permalink, today=today)
    model = with_sections(src, model, lang=lang, code=code, area=area, peers=peers)
    if fmt == "pdf":
        from reports import pdf

        return pdf.render_pdf(model)
    if fmt == "pptx":
        from reports import deck

        return deck.build_deck(model)
    raise UsageError(f"unknown format {fmt!r}: use one of {', '.join(FORMATS)}")


def with_sections(src, model, *, lang: str, code: str | None, area: tuple[str, ...], peers: str | None):
    """The model with the subject's synthetic assessment (issue 13) and the progress of its most
    recently updated strategy plan (issue 14), where they exist — as the app's report does."""
    from dataclasses import replace

    from reports import assessment_report

    summary = assessment_report.build(src, lang=lang, code=code, area=area, peers=peers)
    if summary is not None:
        model = replace(model, assessment=summary)
    section = strategy_section(src, lang=lang, subject=",".join(area) if len(area) >= 2 else (code or "PL"),
                               peers=peers)
    if section is not None:
        model = replace(model, strategy=section)
    return model


def strategy_section(src, *, lang: str, subject: str, peers: str | None):
    from reports import strategy as RS
    from store import plans as SP

    rows = src.store.plans(subject)
    if rows.empty:
        return None
    plan = SP.load(src.store, int(rows.sort_values(["updated_at", "id"]).iloc[-1]["id"]))
    if plan is None:
        return None
    return RS.section(RS.evaluate_plan(src, plan, lang, peers), src.indicators())


def xlsx_bytes(model) -> bytes:
    """The key-indicators workbook of a report model (data sheet + metadata sheet)."""
    from reports.model import ExportMeta
    from reports.tables import extra_sheets, key_indicator_frame
    from reports.xlsx import build_xlsx

    frame, docs = key_indicator_frame(model)
    meta = ExportMeta(title=model.title, lang=model.lang, permalink=model.permalink, columns=docs,
                      sources=model.sources, notes=model.notes, extra_sheets=extra_sheets(model))
    return build_xlsx(frame, meta)


def write_report(store, *, teryt: str | None, area: str | None, fmt: str, output: str, lang: str,
                 peers: str | None = None, permalink: str = "") -> list[str]:
    """Write the file; returns notes for stderr."""
    if fmt not in FORMATS:
        raise UsageError(f"unknown format {fmt!r}: use one of {', '.join(FORMATS)}")
    out = _check_output(output, fmt)
    notes: list[str] = []
    code, members = None, ()
    if area is not None:
        members = resolve_area(store, area)
    else:
        code, note = resolve_unit(store, teryt or "")
        if note:
            notes.append(note)
    _write(out, report_bytes(store, fmt, lang=lang, code=code, area=members, peers=peers, permalink=permalink))
    notes.append(f"written: {out}")
    return notes


def read_units(store, spec: str) -> tuple[tuple[str, ...], list[str]]:
    """``--units``: a CSV/TXT/XLSX file (as the area import reads it) or codes/names typed inline
    ("1261011,0201022" or "Kraków;Bolesławiec"). Returns (gmina codes in the list's order, notes).
    Any entry that does not match exactly one current gmina is an error naming the entry."""
    from domain import matching as A
    from loaders.area_list import AreaListError, parse_text, read_area_list

    path = Path(spec)
    try:
        if path.is_file():
            entries = read_area_list(path.read_bytes(), path.name)
        elif path.suffix.lower() in (".csv", ".txt", ".xlsx"):
            raise UsageError(f"--units: file not found: {spec!r}")
        else:
            entries = parse_text(spec)
    except AreaListError as exc:
        raise UsageError(f"--units: cannot read the list ({exc.reason})") from None
    except OSError as exc:
        raise UsageError(f"--units: cannot read {spec!r} ({exc.strerror})") from None
    matched = A.match_entries(entries.entries, store.units(include_historical=True), store.resolve_code)
    rep = matched.report
    problems = rep.loc[rep["status"] == A.PROBLEM]
    if not problems.empty:
        bad = "; ".join(f"row {r.row}: {r.input!r} ({A.REASON_TEXT.get(r.reason, r.reason)})"
                        for r in problems.head(5).itertuples())
        more = f" and {len(problems) - 5} more" if len(problems) > 5 else ""
        raise UsageError(f"--units: not usable as gminy: {bad}{more}")
    ok = rep.loc[rep["status"].isin([A.OK, A.NOTE])]
    codes = tuple(dict.fromkeys(ok["code"]))
    notes = [f"note: row {r.row}: {r.input!r} -> {r.code} ({A.REASON_TEXT.get(r.reason, r.reason)})"
             for r in rep.loc[rep["status"] == A.NOTE].itertuples()]
    notes += [f"note: row {r.row}: {r.input!r} is a duplicate, left out"
              for r in rep.loc[rep["status"] == A.DUPLICATE].itertuples()]
    if not codes:
        raise UsageError("--units: the list holds no gmina")
    return codes, notes


def write_deck(store, *, units: str, output: str, lang: str, indicator: str | None = None, title: str = "",
               base_url: str | None = None, peers: str | None = None) -> list[str]:
    from reports import seminar
    from reports.source import StoreSource

    out = _check_output(output, "pptx")
    codes, notes = read_units(store, units)
    try:
        data = seminar.build_seminar(StoreSource(store), codes, lang=lang,
                                     indicator=indicator or seminar.DEFAULT_INDICATOR, title=title,
                                     base_url=base_url or seminar.DEFAULT_BASE_URL, peers=peers,
                                     overview="indicator" if indicator else "auto")
    except seminar.SeminarError as exc:
        raise UsageError(f"deck: {exc.reason} {exc.params}" if exc.params else f"deck: {exc.reason}") from None
    _write(out, data)
    notes.append(f"written: {out} ({len(codes)} gminy)")
    return notes


__all__ = ["FORMATS", "UsageError", "read_units", "report_bytes", "resolve_area", "resolve_unit", "write_deck",
           "write_report", "xlsx_bytes"]
