"""Command line of Monitor Rozwoju Lokalnego.

  python cli.py ingest                       build the store from the data mirror (atomic)
  python cli.py show --teryt CODE [--indicator ID] [--year Y]
                                             print a unit's values as CSV
  python cli.py show --area CODE,CODE,... [--indicator ID] [--year Y]
                                             print a functional area's (group of gminy) values
  python cli.py assess --teryt CODE [--peers SPEC] | --area CODE,CODE,...
                                             the synthetic assessment against the comparison group (CSV)
  python cli.py report                       print the last ingest's reconciliation report
  python cli.py report --teryt CODE|--area CODES --format docx|pdf|pptx|xlsx -o FILE [--lang en]
                                             write a unit's (or area's) report file
  python cli.py deck --units FILE_OR_CODES -o FILE.pptx [--lang en] [--indicator ID]
                                             one seminar deck for many gminy, each against its own peers
  python cli.py status                       exit 0 if the store holds data
  python cli.py indicators                   list indicator ids with names and units
  python cli.py bdl fetch VAR --level gmina|powiat|wojewodztwo --year Y [--year Y ...]
                                             fetch a BDL API variable into the store (atomic)
  python cli.py bdl search TEXT              find BDL subjects/variables (curated list + API)
  python cli.py bdl subject ID               list the variables of a BDL subject (e.g. P1312)
  python cli.py bdl quota                    requests counted against the BDL API limits
  python cli.py own delete ID                remove a user indicator (own data or BDL API)
  python cli.py plan import FILE (--teryt CODE | --area CODES) [--name NAME]
                                             import a strategy's targets file; prints the plan id
  python cli.py plan status PLAN_ID          the plan's progress per target as CSV
  python cli.py plan list [--teryt CODE]     saved plans (id, name, subject, targets)
  python cli.py plan export PLAN_ID FILE [--progress] [--lang pl|en]
                                             the plan file (or the progress table) as .xlsx or .csv
  python cli.py plan delete PLAN_ID          delete a plan

Bad input prints one line on stderr and exits with status 2; a BDL API failure (offline, quota
used up, server errors) prints what happened and exits with status 1 — nothing is changed then.
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
    if args.teryt is None and args.area is None:  # no unit: the reconciliation report, as always
        if args.format or args.output:
            raise CliError("--format/-o need --teryt CODE or --area CODES")
        _print_report(store.report())
        return 0
    from reports.commands import UsageError, write_report

    if not args.format or not args.output:
        raise CliError("a report file needs --format docx|pdf|pptx|xlsx and -o FILE")
    try:
        notes = write_report(store, teryt=args.teryt, area=args.area, fmt=args.format, output=args.output,
                             lang=args.lang, peers=args.peers)
    except UsageError as exc:
        raise CliError(str(exc)) from None
    for line in notes:
        print(line, file=sys.stderr)
    return 0


def cmd_deck(args) -> int:
    from reports.commands import UsageError, write_deck

    store = _store()
    _require_data(store)
    try:
        notes = write_deck(store, units=args.units, output=args.output, lang=args.lang, indicator=args.indicator,
                           title=args.title or "", base_url=args.base_url, peers=args.peers)
    except UsageError as exc:
        raise CliError(str(exc)) from None
    for line in notes:
        print(line, file=sys.stderr)
    return 0


def cmd_indicators(args) -> int:
    store = _store()
    _require_data(store)
    w = csv.writer(sys.stdout, lineterminator="\n")
    w.writerow(["indicator", "category", "name_pl", "name_en", "unit"])
    for ind in store.indicators().values():
        w.writerow([ind.id, ind.category, ind.name_pl, ind.name_en, ind.unit_pl])
    return 0


def _area(store, text: str):
    """``--area CODES``: domain.area_codes.AreaCodes; a bad list is one line on stderr, exit 2."""
    from domain.area_codes import AreaCodesError, check_area

    res = check_area(text, store.units(include_historical=True), store.resolve_code)
    if isinstance(res, AreaCodesError):
        raise CliError(res.message("--area"))
    return res


def _malformed(text: str) -> str:
    """Why ``text`` is not a TERYT code (the parser's reason), plus the accepted forms."""
    from domain.teryt import TerytError, parse_code
    try:
        parse_code(text)
        reason = ""
    except TerytError as exc:
        reason = f" ({exc})"
    return (f"malformed TERYT code {text!r}{reason}: use 2 (województwo), 4 (powiat), "
            f"6 or 7 digits (gmina), or PL")


_PART_TEXT = {"town_part": "the town part of gmina", "rural_part": "the rural part of gmina",
              "dzielnica": "a district (dzielnica) of the city of", "delegatura": "a delegatura of the city of"}


def cmd_show(args) -> int:
    store = _store()
    _require_data(store)
    if args.area is not None:
        return _show_area(store, args)
    code, note = store.resolve_code(args.teryt)
    if code is None:
        raise CliError(f"unknown TERYT code {args.teryt!r}: no unit has this code"
                       if note != "malformed" else _malformed(args.teryt))
    unit = store.unit(code)
    if note.startswith("part:"):
        # A part of a gmina is not a unit: say so, then show the whole gmina (exit 0).
        print(f"note: {args.teryt} is {_PART_TEXT[note[5:]]} {unit['name']}; data are published for "
              f"the whole {'city' if note[5:] in ('dzielnica', 'delegatura') else 'gmina'}: showing {code}",
              file=sys.stderr)
    elif note:
        print(f"note: {args.teryt} is an old code; showing {code}", file=sys.stderr)
    indicators = store.indicators()
    if args.indicator and args.indicator not in indicators:
        raise CliError(f"unknown indicator {args.indicator!r}; list them with `python cli.py indicators`")
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
    area = _area(store, args.area)
    for old, code in area.recoded:
        print(f"note: {old} is an old code; using {code}", file=sys.stderr)
    result = A.compute(area.codes, store.values(units=list(area.codes)), indicators,
                       store.units(include_historical=True))
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


ASSESS_HEADER = ["node", "parent", "kind", "name", "year", "value", "direction", "score", "rank", "group_size",
                 "rank_low", "rank_high", "dynamics", "coverage"]


def _check_peers(peers: str | None, indicators) -> None:
    """Reject a malformed ``--peers`` (the profile's syntax) or a kNN weight on an unknown indicator."""
    from domain import peers as P

    if peers is None:
        return
    try:
        spec = P.parse_spec(peers)
    except ValueError:
        raise CliError(f"malformed --peers {peers!r}: use typology, typology:woj, members, "
                       f"knn:k=10[;w=indicator*weight,...] or custom:CODE,CODE") from None
    unknown = [i for i in spec.knn.indicators if i not in indicators] if spec.method == "knn" else []
    if unknown:
        raise CliError(f"--peers: unknown indicator {unknown[0]!r}; list them with `python cli.py indicators`")
    if spec.method == "custom" and not spec.codes:
        raise CliError("--peers custom: needs at least one code")


def cmd_assess(args) -> int:
    """`assess`: the synthetic assessment of a unit or an area against its comparison group (CSV)."""
    from reports.assessment_context import gather
    from reports.source import StoreSource

    store = _store()
    _require_data(store)
    indicators = store.indicators()
    _check_peers(args.peers, indicators)
    src = StoreSource(store)
    if args.area is not None:
        area = _area(store, args.area)
        if args.peers and args.peers.startswith("typology:"):
            raise CliError("--peers typology:woj is for units; an area takes members, typology, knn or custom")
        ac = gather(src, None, args.peers, args.lang, area=area.codes)
    else:
        code, note = store.resolve_code(args.teryt)
        if code is None:
            raise CliError(f"unknown TERYT code {args.teryt!r}: no unit has this code"
                           if note != "malformed" else _malformed(args.teryt))
        if note:
            print(f"note: {args.teryt} is an old code; assessing {code}", file=sys.stderr)
        if code == "PL":
            raise CliError("Poland has no comparison group: assess a województwo, powiat or gmina")
        if args.peers == "members":
            raise CliError("--peers members is for functional areas (--area)")
        ac = gather(src, code, args.peers, args.lang)
    group = ac.ctx.group
    if group.rejected:
        raise CliError(f"--peers custom: not units of the level {ac.ctx.level}: {', '.join(group.rejected)}")
    w = csv.writer(sys.stdout, lineterminator="\n")
    w.writerow(ASSESS_HEADER)
    for r in ac.frame.itertuples(index=False):
        w.writerow([_cell(v) for v in r])
    print(f"{ac.ctx.code}: group {group.method} of {group.n + 1} ({group.n} peers); reference years "
          + ", ".join(f"{i} {y}" for i, y in ac.result.ref_years.items() if y is not None), file=sys.stderr)
    return 0


def _cell(v) -> str:
    import pandas as pd

    if isinstance(v, str):
        return v
    if v is None or pd.isna(v):
        return ""
    return format_number(float(v))


EXIT_API = 1


def _bdl_client(args, settings=None):
    from loaders.bdl_api import BdlClient
    from settings import get_settings

    s = settings or get_settings()
    return BdlClient(s.bdl_api_url, client_id=s.bdl_client_id, cache_dir=s.cache_dir,
                     lang=getattr(args, "lang", "pl"), use_cache=not getattr(args, "fresh", False))


def _api_error(exc) -> str:
    """One clear paragraph for a BDL API failure (English, like the rest of the CLI)."""
    from datetime import datetime

    from loaders import bdl_api as B

    tail = (" Nothing was changed in the store. Pages fetched so far are cached: the same command "
            "resumes without spending quota on them.")
    if isinstance(exc, B.BdlOffline):
        return f"cannot reach the BDL API ({exc}) — are you offline? Check MRL_BDL_API_URL." + tail
    if isinstance(exc, B.BdlQuotaExceeded):
        when = (f" Next request possible at {datetime.fromtimestamp(exc.reset_at):%H:%M:%S}."
                if exc.reset_at else "")
        why = f" The API says: {exc.reason}." if exc.reason else ""
        return (f"BDL API quota used up: {exc}.{why}{when} A free key (MRL_BDL_CLIENT_ID, sent as X-ClientId) "
                f"raises the limits." + tail)
    if isinstance(exc, B.BdlTimeout):
        return f"the BDL API did not answer in time: {exc}." + tail
    if isinstance(exc, B.BdlServerError):
        return f"the BDL API is failing: {exc}." + tail
    if isinstance(exc, B.BdlNotFound):
        return f"not found in BDL: {exc}. Find ids with `python cli.py bdl search TEXT`."
    return f"BDL API error: {exc}." + tail


def _quota_text(quota) -> str:
    return " ".join(f"{w}: {u}/{lim}" for w, u, lim in quota)


def cmd_bdl_fetch(args) -> int:
    from tqdm import tqdm

    from loaders.bdl_api import BdlApiError
    from settings import get_settings
    from loaders.bdl_fetch import fetch as fetch_bdl
    from store.user_data import UserDataError, import_bdl

    settings = get_settings()
    store = _store()
    _require_data(store)
    bar = tqdm(total=1, file=sys.stderr, unit="page", disable=args.quiet, dynamic_ncols=True,
               desc=f"BDL {args.variable} {args.level}")

    def progress(p) -> None:
        bar.total = p.total
        bar.n = p.done
        bar.set_postfix_str(f"ETA {p.eta:.0f} s · cache {p.from_cache} · quota {_quota_text(p.quota)}", refresh=False)
        bar.refresh()

    client = _bdl_client(args, settings)
    try:
        fetched = fetch_bdl(client, args.variable, args.level, args.year, progress=progress)
        imp = import_bdl(store, fetched, rule=args.aggregation, polarity=args.polarity, category=args.category)
    except BdlApiError as exc:
        bar.close()
        print(f"error: {_api_error(exc)}", file=sys.stderr)
        return EXIT_API
    except UserDataError as exc:
        bar.close()
        raise CliError(str(exc)) from None
    finally:
        client.close()
    bar.close()
    r = imp.result
    print(f"stored {r.indicator}: {imp.spec['name_pl']} [{imp.spec['unit_pl']}]")
    print(f"  fetched: {imp.fetched:,} values of {imp.matched:,} {args.level} units for "
          f"{', '.join(map(str, sorted(set(args.year))))}; no data: {imp.no_data:,}; stored in total: {r.values:,}")
    if imp.skipped:
        print("  left out (not units): " + ", ".join(f"{k} {v}" for k, v in sorted(imp.skipped.items())))
    if imp.combined:
        print(f"  left out: {imp.combined} values given for a powiat together with its city (attribute 'p')")
    if imp.unmatched:
        print(f"  unit ids without a current unit: {len(imp.unmatched)}, e.g. {', '.join(imp.unmatched[:5])}")
    if r.rule == "none":
        print("  roll-ups: none (no aggregation rule; pass --aggregation sum|weighted_mean if one is right, "
              "or fetch the higher level from the API)")
    else:
        print(f"  roll-ups ({r.rule}): {r.aggregated:,} values for higher levels, {r.withheld:,} withheld "
              f"(coverage below the threshold)")
    print(f"  requests: {client.network_requests} to the API, {client.cached_requests} from the cache; "
          f"quota {_quota_text(client.quota.summary())}")
    return 0


def _curated() -> list[dict]:
    from loaders.bdl_api import load_curated
    from loaders.catalogue import CATALOGUE_DIR

    return load_curated(CATALOGUE_DIR / "bdl_variables.yaml")


def cmd_bdl_search(args) -> int:
    from loaders import bdl_api as B

    text = args.text.strip()
    if len(text) < 2:
        raise CliError("search text needs at least 2 characters")
    w = csv.writer(sys.stdout, lineterminator="\n")
    w.writerow(["kind", "id", "subject", "name", "level", "unit", "verified"])
    low = text.casefold()
    for c in _curated():
        if low in f"{c.get('name_pl', '')} {c.get('name_en', '')} {c.get('subject', '')}".casefold():
            w.writerow(["curated", c["id"], c.get("subject", ""), c.get("name_pl", ""), c.get("level", ""),
                        c.get("unit", ""), "yes" if c.get("verified") else "no"])
    client = _bdl_client(args)
    try:
        subjects, variables = B.search(client, text)
    except B.BdlApiError as exc:
        print(f"error: {_api_error(exc)}", file=sys.stderr)
        return EXIT_API
    finally:
        client.close()
    for r in subjects.itertuples():
        w.writerow(["subject", r.id, r.parent_id, r.name, r.levels, "", ""])
    for r in variables.itertuples():
        w.writerow(["variable", r.id, r.subject_id, r.name, r.level, r.measure_unit, ""])
    return 0


def cmd_bdl_subject(args) -> int:
    from loaders import bdl_api as B

    client = _bdl_client(args)
    try:
        path, _ = B.subject_path(client, args.subject)
        variables = B.subject_variables(client, args.subject)
    except B.BdlApiError as exc:
        print(f"error: {_api_error(exc)}", file=sys.stderr)
        return EXIT_API
    finally:
        client.close()
    print(" › ".join(path), file=sys.stderr)
    w = csv.writer(sys.stdout, lineterminator="\n")
    w.writerow(["id", "name", "level", "unit"])
    for r in variables.itertuples():
        w.writerow([r.id, r.name, r.level, r.measure_unit])
    return 0


def cmd_bdl_quota(args) -> int:
    client = _bdl_client(args)
    key = "with key (X-ClientId)" if client.client_id else "anonymous"
    print(f"BDL API requests counted on this machine, {key}: {_quota_text(client.quota.summary())}")
    client.close()
    return 0


def cmd_own_delete(args) -> int:
    store = _store()
    _require_data(store)
    if not store.delete_user_indicator(args.indicator):
        raise CliError(f"no user indicator {args.indicator!r} (catalogue indicators cannot be deleted)")
    print(f"deleted {args.indicator}")
    return 0


# -- strategy plans (issue 14) ------------------------------------------------------------------
def _plan_id(text: str) -> int:
    if not text.isdigit() or len(text) > 9:
        raise argparse.ArgumentTypeError(f"invalid plan id: {text!r} (a whole number, see `plan list`)")
    return int(text)


def _load_plan(store, plan_id: int):
    from store import plans as SP

    plan = SP.load(store, plan_id)
    if plan is None:
        raise CliError(f"no plan {plan_id}; list them with `python cli.py plan list`")
    return plan


def cmd_plan_import(args) -> int:
    from pathlib import Path

    from loaders.plan_file import PlanFileError
    from reports.strategy import problem_text
    from store import plans as SP

    store = _store()
    _require_data(store)
    path = Path(args.file)
    if not path.is_file():
        raise CliError(f"no such file: {args.file}")
    try:
        subject, codes = SP.resolve_subject(store, teryt=args.teryt, area=args.area)
    except SP.SubjectError as exc:
        raise CliError(str(exc)) from None
    name = (args.name or path.stem).strip()
    if not name or len(name) > 300 or name.startswith(("=", "@")):
        raise CliError("--name must be 1 to 300 characters and not start with = or @")
    try:
        plan_id = SP.import_file(store, path.read_bytes(), path.name, subject=subject, name=name,
                                 subject_codes=codes or None, adopted=args.adopted)
    except PlanFileError as exc:
        problems = [problem_text(p, args.lang) for p in exc.problems]
        more = f" (+{len(problems) - 3} more)" if len(problems) > 3 else ""
        raise CliError(f"{path.name}: nothing imported: " + "; ".join(problems[:3]) + more) from None
    print(plan_id)
    return 0


def cmd_plan_status(args) -> int:
    from reports import strategy as RS
    from reports.source import StoreSource

    store = _store()
    _require_data(store)
    plan = _load_plan(store, args.plan_id)
    pp = RS.evaluate_plan(StoreSource(store), plan, "en", peers=args.peers)
    w = csv.writer(sys.stdout, lineterminator="\n")
    w.writerow(RS.STATUS_HEADER)
    w.writerows(RS.status_rows(pp))
    print(f"plan {plan.id}: {plan.name} — {pp.subject_label}; peers: {pp.peer_text}", file=sys.stderr)
    if args.show_peers:
        print("peer codes: " + ",".join(pp.peer_codes), file=sys.stderr)
    return 0


def cmd_plan_list(args) -> int:
    from store import plans as SP

    store = _store()
    _require_data(store)
    subject = None
    if args.teryt is not None:
        try:
            subject, _ = SP.resolve_subject(store, teryt=args.teryt)
        except SP.SubjectError as exc:
            raise CliError(str(exc)) from None
    w = csv.writer(sys.stdout, lineterminator="\n")
    w.writerow(["id", "name", "subject", "targets", "updated_at"])
    for r in store.plans(subject).itertuples():
        plan = SP.load(store, int(r.id))
        w.writerow([int(r.id), r.name, r.subject, len(plan.targets) if plan else "", r.updated_at])
    return 0


def cmd_plan_export(args) -> int:
    from pathlib import Path

    from reports import strategy as RS
    from reports.source import StoreSource

    store = _store()
    _require_data(store)
    plan = _load_plan(store, args.plan_id)
    fmt = Path(args.file).suffix.lower().lstrip(".")
    if fmt not in ("xlsx", "csv"):
        raise CliError(f"the output file must end in .xlsx or .csv: {args.file}")
    if args.progress:
        pp = RS.evaluate_plan(StoreSource(store), plan, args.lang)
        data = RS.progress_bytes(pp, store.indicators(), fmt)
    else:
        data = RS.plan_file_bytes(plan, store.indicators(), fmt, args.lang)
    Path(args.file).write_bytes(data)
    print(f"wrote {args.file} ({len(data):,} bytes)", file=sys.stderr)
    return 0


def cmd_plan_delete(args) -> int:
    store = _store()
    _require_data(store)
    if not store.delete_plan(args.plan_id):
        raise CliError(f"no plan {args.plan_id}; list them with `python cli.py plan list`")
    print(f"deleted plan {args.plan_id}")
    return 0


def _year(text: str) -> int:
    try:
        y = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid year: {text!r}") from None
    if not 1995 <= y <= 2100:
        raise argparse.ArgumentTypeError(f"year out of range (BDL starts in 1995): {y}")
    return y


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
    asx = sub.add_parser("assess", help="the synthetic assessment of a unit or an area as CSV")
    what = asx.add_mutually_exclusive_group(required=True)
    what.add_argument("--teryt", help="TERYT code: 2, 4, 6 or 7 digits")
    what.add_argument("--area", help="a functional area: comma-separated gmina codes (6 or 7 digits)")
    asx.add_argument("--peers", help="comparison group as in the URL: typology (default), typology:woj, "
                                     "knn:k=10;w=..., custom:CODE,CODE, members (areas; default for them)")
    asx.add_argument("--lang", choices=["pl", "en"], default="pl", help="language of the node names")
    asx.set_defaults(func=cmd_assess)
    st_ = sub.add_parser("status", help="exit 0 if the store holds data")
    st_.set_defaults(func=cmd_status)
    rep = sub.add_parser("report", help="print the last ingest's reconciliation report, or write a unit's report file")
    rwhat = rep.add_mutually_exclusive_group()
    rwhat.add_argument("--teryt", help="the unit's TERYT code (2, 4, 6 or 7 digits, or PL)")
    rwhat.add_argument("--area", help="a functional area: comma-separated gmina codes")
    rep.add_argument("--format", choices=["docx", "pdf", "pptx", "xlsx"], help="file format")
    rep.add_argument("-o", "--output", help="output file (its suffix must match --format)")
    rep.add_argument("--lang", choices=["pl", "en"], default="pl")
    rep.add_argument("--peers", help="peer group as in the URL (typology, knn:k=10, custom:CODE,...)")
    rep.set_defaults(func=cmd_report)
    dk = sub.add_parser("deck", help="one seminar deck (PPTX) for many gminy, each against its own peers")
    dk.add_argument("--units", required=True, help="a CSV/TXT/XLSX list of gminy, or codes/names: '1261011,Bolesławiec'")
    dk.add_argument("-o", "--output", required=True, help="output .pptx file")
    dk.add_argument("--lang", choices=["pl", "en"], default="pl")
    dk.add_argument("--indicator", help="overview slide: this indicator's position in each gmina's group (default: the synthetic assessment)")
    dk.add_argument("--title", help="title of the first slide")
    dk.add_argument("--base-url", help="the app's address for the profile links (default http://localhost:8501)")
    dk.add_argument("--peers", help="peer group as in the URL (default: typology)")
    dk.set_defaults(func=cmd_deck)
    ind = sub.add_parser("indicators", help="list indicators")
    ind.set_defaults(func=cmd_indicators)
    bdl = sub.add_parser("bdl", help="GUS Local Data Bank (BDL) API: fetch and search variables")
    bsub = bdl.add_subparsers(dest="bdl_command", required=True)
    f = bsub.add_parser("fetch", help="fetch a variable for all units of a level into the store")
    f.add_argument("variable", type=int, help="BDL variable id (see `bdl search`)")
    f.add_argument("--level", required=True, choices=["gmina", "powiat", "wojewodztwo"])
    f.add_argument("--year", required=True, type=_year, action="append", help="a year (repeat for more)")
    f.add_argument("--aggregation", choices=["sum", "weighted_mean", "none"],
                   help="how values of several units combine (default: sum for counts/amounts, else none)")
    f.add_argument("--polarity", choices=["higher_better", "lower_better", "neutral"])
    f.add_argument("--category", choices=["demography", "labour", "finance", "social", "infrastructure",
                                          "culture", "safety", "civic", "own"])
    f.add_argument("--fresh", action="store_true", help="ignore cached API answers")
    f.add_argument("--quiet", action="store_true", help="no progress bar")
    f.set_defaults(func=cmd_bdl_fetch)
    se = bsub.add_parser("search", help="search subjects and variables by text")
    se.add_argument("text")
    se.add_argument("--lang", choices=["pl", "en"], default="pl")
    se.set_defaults(func=cmd_bdl_search)
    sj = bsub.add_parser("subject", help="list the variables of a subject")
    sj.add_argument("subject", help="subject id, e.g. P1312")
    sj.add_argument("--lang", choices=["pl", "en"], default="pl")
    sj.set_defaults(func=cmd_bdl_subject)
    q = bsub.add_parser("quota", help="requests counted against the API limits")
    q.set_defaults(func=cmd_bdl_quota)
    own = sub.add_parser("own", help="user indicators (own data and BDL API)")
    osub = own.add_subparsers(dest="own_command", required=True)
    od = osub.add_parser("delete", help="delete a user indicator")
    od.add_argument("indicator")
    od.set_defaults(func=cmd_own_delete)
    plan = sub.add_parser("plan", help="strategy plans: goals, targets and their progress")
    psub = plan.add_subparsers(dest="plan_command", required=True)
    pi = psub.add_parser("import", help="import a targets file (XLSX/CSV, one row per target)")
    pi.add_argument("file")
    who = pi.add_mutually_exclusive_group(required=True)
    who.add_argument("--teryt", help="the unit's TERYT code")
    who.add_argument("--area", help="a functional area: comma-separated gmina codes")
    pi.add_argument("--name", help="the plan's name (default: the file name)")
    pi.add_argument("--adopted", type=_year, help="the year the plan was adopted")
    pi.add_argument("--lang", choices=["pl", "en"], default="en", help="language of error messages")
    pi.set_defaults(func=cmd_plan_import)
    ps = psub.add_parser("status", help="progress per target as CSV")
    ps.add_argument("plan_id", type=_plan_id)
    ps.add_argument("--peers", help="peer group as in the profile's URL (default: typology)")
    ps.add_argument("--show-peers", action="store_true", help="also list the peer group's codes on stderr")
    ps.set_defaults(func=cmd_plan_status)
    pl_ = psub.add_parser("list", help="saved plans")
    pl_.add_argument("--teryt", help="only the plans of this unit")
    pl_.set_defaults(func=cmd_plan_list)
    pe = psub.add_parser("export", help="write the plan file or the progress table (.xlsx or .csv)")
    pe.add_argument("plan_id", type=_plan_id)
    pe.add_argument("file")
    pe.add_argument("--progress", action="store_true", help="the filled-in progress table instead of the plan file")
    pe.add_argument("--lang", choices=["pl", "en"], default="pl")
    pe.set_defaults(func=cmd_plan_export)
    pd_ = psub.add_parser("delete", help="delete a plan")
    pd_.add_argument("plan_id", type=_plan_id)
    pd_.set_defaults(func=cmd_plan_delete)
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
    def _all(p):
        for action in p._actions:  # noqa: SLF001
            if isinstance(action, argparse._SubParsersAction):  # noqa: SLF001
                for sp in action.choices.values():
                    yield sp
                    yield from _all(sp)

    for sp in _all(parser):
        sp.error = _error  # type: ignore[method-assign]
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except CliError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE


if __name__ == "__main__":
    sys.exit(main())
