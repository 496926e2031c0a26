"""Command line of Monitor Rozwoju Lokalnego.

  python cli.py ingest                       build the store from the data mirror (atomic)
  python cli.py show --teryt CODE [--indicator ID] [--year Y]
                                             print a unit's values as CSV
  python cli.py show --area CODE,CODE,... [--indicator ID] [--year Y]
                                             print a functional area's (group of gminy) values
  python cli.py report                       print the last ingest's reconciliation report
  python cli.py status                       exit 0 if the store holds data
  python cli.py indicators                   list indicator ids with names and units

Bad input prints one line on stderr and exits with status 2.
"""
from __future__ import annotations

import argparse
import csv
import sys

EXIT_USAGE = 2
SHOW_HEADER = ["teryt", "level", "name", "indicator", "year", "value", "unit", "source"]


class CliError(Exception):
    """A user error: printed as one line, exit status 2."""


def _store():
    from settings import get_settings
    from store.db import Store

    s = get_settings()
    return Store(s.database_url, schema=s.db_schema)


def _require_data(store) -> None:
    from store.db import StoreUnavailable

    try:
        ok = store.has_data()
    except StoreUnavailable:
        raise CliError("the database is unreachable (check MRL_DATABASE_URL)") from None
    if not ok:
        raise CliError("the store is empty: run `python cli.py ingest` first")


def format_number(value: float) -> str:
    if value != value:  # NaN
        return ""
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.6f}".rstrip("0").rstrip(".")


def source_label(row) -> str:
    if row["method"] == "source":
        return row["source"]
    cov = ""
    if row["n"] == row["n"] and row["of"] == row["of"] and row["of"]:
        cov = f" {int(row['n'])}/{int(row['of'])}"
    return f"{row['source']} (computed: {row['method']}{cov})"


def cmd_ingest(args) -> int:
    from tqdm import tqdm

    from settings import get_settings
    from store.ingest import IngestError, ingest

    settings = get_settings()
    bar = tqdm(total=1, file=sys.stderr, unit="step", disable=args.quiet, dynamic_ncols=True)

    def progress(step: str, i: int, n: int) -> None:
        bar.total = n
        bar.n = i
        bar.set_description(step[:40])
        bar.refresh()

    try:
        summary = ingest(settings, progress=progress)
    except IngestError as exc:
        bar.close()
        print(f"ingest failed, the previous store is unchanged: {exc}", file=sys.stderr)
        return 1
    bar.n = bar.total
    bar.close()
    print(f"store: {settings.database_url}")
    print(f"units: {summary.units:,}  values: {summary.values:,}  time: {summary.seconds:.1f} s")
    print("reconciliation report (dataset, category, count, detail, examples):")
    _print_report(summary.report)
    return 0


def _print_report(report) -> None:
    for r in report.itertuples():
        ex = f"  e.g. {r.examples}" if r.examples else ""
        detail = f" — {r.detail}" if r.detail else ""
        print(f"  {r.dataset:<34} {r.category:<20} {r.count:>8,}{detail}{ex}")


def cmd_status(args) -> int:
    """Exit 0 if the store holds data, 1 if it is empty, 2 if unreachable (used by run.sh)."""
    from store.db import StoreUnavailable

    store = _store()
    try:
        ok = store.has_data()
    except StoreUnavailable:
        print("store unreachable", file=sys.stderr)
        return EXIT_USAGE
    if ok:
        meta = store.meta()
        print(f"store ok: ingested {meta.get('ingested_at', '?')} from {meta.get('mirror', '?')}")
        return 0
    print("store empty", file=sys.stderr)
    return 1


def cmd_report(args) -> int:
    store = _store()
    _require_data(store)
    _print_report(store.report())
    return 0


def cmd_indicators(args) -> int:
    store = _store()
    _require_data(store)
    w = csv.writer(sys.stdout, lineterminator="\n")
    w.writerow(["indicator", "category", "name_pl", "name_en", "unit"])
    for ind in store.indicators().values():
        w.writerow([ind.id, ind.category, ind.name_pl, ind.name_en, ind.unit_pl])
    return 0


def cmd_show(args) -> int:
    store = _store()
    _require_data(store)
    if args.area is not None:
        return _show_area(store, args)
    code, note = store.resolve_code(args.teryt)
    if code is None:
        raise CliError(f"unknown TERYT code {args.teryt!r}: no unit has this code"
                       if note != "malformed" else
                       f"malformed TERYT code {args.teryt!r}: use 2 (województwo), 4 (powiat), "
                       f"6 or 7 digits (gmina), or PL")
    if note:
        print(f"note: {args.teryt} is an old code; showing {code}", file=sys.stderr)
    indicators = store.indicators()
    if args.indicator and args.indicator not in indicators:
        raise CliError(f"unknown indicator {args.indicator!r}; list them with `python cli.py indicators`")
    unit = store.unit(code)
    df = store.unit_values(code, [args.indicator] if args.indicator else None)
    df = df.loc[df["value"].notna()]
    if args.year is not None:
        df = df.loc[df["year"] == args.year]
    w = csv.writer(sys.stdout, lineterminator="\n")
    w.writerow(SHOW_HEADER)
    for _, r in df.iterrows():
        ind = indicators[r["indicator"]]
        w.writerow([code, unit["level"], unit["name"], r["indicator"], int(r["year"]),
                    format_number(r["value"]), ind.unit_pl, source_label(r)])
    if df.empty:
        print(f"no values for {code}" + (f" {args.indicator}" if args.indicator else "")
              + (f" in {args.year}" if args.year is not None else ""), file=sys.stderr)
    return 0


def _show_area(store, args) -> int:
    """`show --area`: the area's aggregated values as CSV, coverage notes on stderr."""
    from domain import areas as A

    indicators = store.indicators()
    if args.indicator and args.indicator not in indicators:
        raise CliError(f"unknown indicator {args.indicator!r}; list them with `python cli.py indicators`")
    codes = [c for c in args.area.replace(";", ",").split(",") if c.strip()]
    units = store.units(include_historical=True)
    matched = A.resolve_definition(codes, units, store.resolve_code)
    if not matched.problems.empty:
        bad = "; ".join(f"{r.input!r} ({A.REASON_TEXT.get(r.reason, r.reason)})" for r in matched.problems.itertuples())
        raise CliError(f"--area: not usable as gmina codes: {bad}")
    for r in matched.report.loc[matched.report["reason"] == "old_code"].itertuples():
        print(f"note: {r.input} is an old code; using {r.code}", file=sys.stderr)
    try:
        A.check_size(matched.codes)
        result = A.compute(matched.codes, store.values(units=list(matched.codes)), indicators, units)
    except A.AreaError as exc:
        raise CliError(f"--area needs {A.MIN_MEMBERS} to {A.MAX_MEMBERS} different gminy, got {len(matched.codes)}"
                       + (" (use --teryt for one unit)" if exc.reason == "too_few" else "")) from None
    df = result.values
    if args.indicator:
        df = df.loc[df["indicator"] == args.indicator]
    if args.year is not None:
        df = df.loc[df["year"] == args.year]
    from i18n import t

    name = t(f"areas.name_{A.plural_form(len(result.members))}", "pl", n=len(result.members))
    w = csv.writer(sys.stdout, lineterminator="\n")
    w.writerow(SHOW_HEADER)
    shown = df.loc[df["value"].notna()]
    for _, r in shown.iterrows():
        w.writerow([result.code, "area", name, r["indicator"], int(r["year"]), format_number(r["value"]),
                    indicators[r["indicator"]].unit_pl, source_label(r)])
    print(f"area of {len(result.members)} gminy: {result.code}", file=sys.stderr)
    for line in A.coverage_lines(df, indicators):
        print(line, file=sys.stderr)
    if shown.empty:
        print("no values for this area" + (f" {args.indicator}" if args.indicator else "")
              + (f" in {args.year}" if args.year is not None else ""), file=sys.stderr)
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="cli.py", description="Monitor Rozwoju Lokalnego")
    sub = p.add_subparsers(dest="command", required=True)
    ing = sub.add_parser("ingest", help="build the store from the data mirror")
    ing.add_argument("--quiet", action="store_true", help="no progress bar")
    ing.set_defaults(func=cmd_ingest)
    show = sub.add_parser("show", help="print a unit's values as CSV")
    what = show.add_mutually_exclusive_group(required=True)
    what.add_argument("--teryt", help="TERYT code: 2, 4, 6 or 7 digits, or PL")
    what.add_argument("--area", help="a functional area: comma-separated gmina codes (6 or 7 digits)")
    show.add_argument("--indicator", help="indicator id (see `indicators`)")
    show.add_argument("--year", type=int, help="only this year")
    show.set_defaults(func=cmd_show)
    st_ = sub.add_parser("status", help="exit 0 if the store holds data")
    st_.set_defaults(func=cmd_status)
    rep = sub.add_parser("report", help="print the last ingest's reconciliation report")
    rep.set_defaults(func=cmd_report)
    ind = sub.add_parser("indicators", help="list indicators")
    ind.set_defaults(func=cmd_indicators)
    return p


def main(argv: list[str] | None = None) -> int:
    import signal

    if hasattr(signal, "SIGPIPE"):  # `show ... | head` ends quietly
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    parser = build_parser()

    def _error(message: str) -> None:  # argparse usage errors: one line, exit 2
        print(f"error: {message}", file=sys.stderr)
        raise SystemExit(EXIT_USAGE)

    parser.error = _error  # type: ignore[method-assign]
    for sp in parser._subparsers._group_actions[0].choices.values():  # noqa: SLF001
        sp.error = _error  # type: ignore[method-assign]
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except CliError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE


if __name__ == "__main__":
    sys.exit(main())
