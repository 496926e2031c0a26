"""UI of the functional-areas page: build/import/save an area, its indicators and member breakdown.

Widget keys start with ``ar_``. Every change of the member list goes through
``areas_state.set_area`` (so the URL's ``area=`` and other pages follow).
"""
from __future__ import annotations

import io
from urllib.parse import urlencode, urlsplit

import pandas as pd
import streamlit as st

from components import a11y, areas_state, state, subject
from presentation import areas_charts
from presentation.labels import gminy_word, picker_order, source_lookup, unit_labels
from presentation.navigation import page_path
from domain import areas as A
from domain import matching as M
from domain import search
from domain.catalogue import CATEGORIES, Indicator
from settings import get_settings
from i18n import fmt_num, fmt_unit, t
import services
from presentation.data_text import md
from services import areas as svc
from services import map as svc_map
from services.areas import MAX_BYTES, MAX_ROWS, AreaListError

MAX_NAME = 120


# -------------------------------------------------------------------------------------------------
# helpers
# -------------------------------------------------------------------------------------------------

def labels(ingest: str, lang: str) -> tuple[dict[str, str], list[str], list[str]]:
    """(label per code, gminy in picker order, powiaty+województwa in picker order), memoised per
    session (cheap to build: ≈ 30 ms)."""
    key = ("ar_labels", ingest, lang)
    if key not in st.session_state:
        units = svc.all_units(ingest)
        current = units.loc[~units["historical"].astype(bool)]
        lab = unit_labels(current, lang)
        order = picker_order(current)
        gminy = [c for c in order if len(c) == 7]
        groups = [c for c in order if len(c) in (2, 4)]
        st.session_state[key] = (lab, gminy, groups)
    return st.session_state[key]


def default_name(n: int, lang: str) -> str:
    return t(f"areas.name_{A.plural_form(n, lang)}", lang, n=n)


def coverage_text(n, of, lang: str) -> str:
    if n != n or of != of or not of:
        return ""
    key = "areas.coverage_one" if int(of) == 1 else "areas.coverage"
    return t(key, lang, n=fmt_num(int(n), 0, lang), of=fmt_num(int(of), 0, lang))


def permalink(codes: tuple[str, ...]) -> str:
    """``/obszary?area=...`` on this server (absolute when the request URL is known)."""
    query = urlencode({"area": ",".join(codes)}, safe=",")
    path = f"/obszary?{query}"
    try:
        url = st.context.url
    except Exception:  # noqa: BLE001 - no request context (tests, scripts)
        url = None
    if url:
        parts = urlsplit(url)
        return f"{parts.scheme}://{parts.netloc}{path}"
    return path


def _set(codes) -> None:
    codes = tuple(codes)
    if len(codes) > A.MAX_MEMBERS:
        st.session_state["ar_flash"] = ("warning", "areas.too_many", {"n": len(codes), "max": A.MAX_MEMBERS})
        return
    areas_state.set_area(codes)


def flash(lang: str) -> None:
    """A message left by a callback for this run (saved, deleted, too many members...)."""
    msg = st.session_state.pop("ar_flash", None)
    if msg:
        kind, key, params = msg
        getattr(st, kind)(t(key, lang, **params), icon=None if kind == "success" else "⚠️")


# -------------------------------------------------------------------------------------------------
# choose / build
# -------------------------------------------------------------------------------------------------

def _on_members(ingest: str) -> None:
    """Chips picked from the list are codes; text typed and entered ("wieliczka", "lodz",
    "1219053") is searched among gminy (domain.search) and adds ONE gmina — Enter never adds all
    matches (the multiselect's "Select N matches" is switched off)."""
    chosen, unmatched = [], []
    units = services.units(ingest)
    gminy = units.loc[units["level"] == "gmina"]
    known = set(gminy["code"])
    for value in st.session_state.get("ar_members") or ():
        if value in known:
            chosen.append(value)
            continue
        code = search.best(str(value)[:100], gminy)
        (chosen.append(code) if code else unmatched.append(str(value)[:100]))
    st.session_state["ar_search_none"] = unmatched
    _set(tuple(dict.fromkeys(chosen)))


def _on_predefined(ingest: str, lang: str) -> None:
    code = st.session_state.get("ar_predef")
    if not code:
        return
    lab, _, _ = labels(ingest, lang)
    _set(svc.predefined(ingest).get(code, ()))
    st.session_state["ar_name"] = t("areas.predefined_name", lang, unit=lab.get(code, code))
    st.session_state["ar_loaded"] = None
    st.session_state["ar_saved"] = None
    st.session_state["ar_predef"] = None


def _on_add_group(ingest: str) -> None:
    code = st.session_state.get("ar_add_group")
    if code:
        _set(set(areas_state.current()) | set(svc.predefined(ingest).get(code, ())))
        st.session_state["ar_add_group"] = None


def _on_saved(ingest: str, lang: str) -> None:
    area_id = st.session_state.get("ar_saved")
    if area_id is None:
        st.session_state["ar_loaded"] = None
        return
    saved = svc.saved_areas()
    row = saved.loc[saved["id"] == area_id]
    if row.empty:
        return
    row = row.iloc[0]
    matched = svc.canonical(ingest, tuple(x for x in row["definition"].split(",") if x))
    if not matched.problems.empty:
        bad = ", ".join(matched.problems["input"])
        st.session_state["ar_flash"] = ("warning", "areas.saved_changed", {"codes": bad})
    _set(matched.codes)
    st.session_state["ar_loaded"] = int(area_id)
    st.session_state["ar_name"] = row["name"]


def _on_clear() -> None:
    _set(())
    st.session_state["ar_loaded"] = None
    st.session_state["ar_saved"] = None
    st.session_state["ar_name"] = ""


def render_pick(ingest: str, lang: str) -> None:
    """Saved areas and predefined groups (every powiat / województwo as a group of its gminy)."""
    lab, _, groups = labels(ingest, lang)
    saved = svc.saved_areas()
    c1, c2 = st.columns(2)
    with c1:
        ids = [int(x) for x in saved["id"]]
        names = {int(r["id"]): f"{r['name']} ({gminy_word(len(r['definition'].split(',')), lang)})"
                 for r in saved.to_dict("records")}
        if st.session_state.get("ar_saved") not in ids:
            st.session_state["ar_saved"] = None
        st.selectbox(t("areas.saved", lang), ids, key="ar_saved", index=None,
                     format_func=lambda i: names.get(i, str(i)), placeholder=t("areas.saved_placeholder", lang)
                     if ids else t("areas.saved_none", lang), disabled=not ids,
                     on_change=_on_saved, args=(ingest, lang))
    with c2:
        st.selectbox(t("areas.predefined", lang), groups, key="ar_predef", index=None,
                     format_func=lambda c: lab.get(c, c), placeholder=t("areas.predefined_placeholder", lang),
                     help=t("areas.predefined_help", lang), on_change=_on_predefined, args=(ingest, lang))


def render_builder(ingest: str, lang: str, codes: tuple[str, ...]) -> None:
    lab, gminy, groups = labels(ingest, lang)
    st.session_state["ar_members"] = [c for c in codes if c in lab]
    st.multiselect(t("areas.members", lang), gminy, key="ar_members", format_func=lambda c: lab.get(c, c),
                   placeholder=t("areas.members_placeholder", lang), help=t("areas.members_help", lang),
                   max_selections=A.MAX_MEMBERS, on_change=_on_members, args=(ingest,),
                   select_all=False, accept_new_options=True, filter_mode="prefix")
    for text in st.session_state.pop("ar_search_none", None) or ():
        st.warning(t("areas.search_none", lang, value=md(text)), icon="⚠️")
    c1, c2 = st.columns([3, 1], vertical_alignment="bottom")
    with c1:
        st.selectbox(t("areas.add_group", lang), groups, key="ar_add_group", index=None,
                     format_func=lambda c: lab.get(c, c), placeholder=t("areas.add_group_placeholder", lang),
                     on_change=_on_add_group, args=(ingest,))
    with c2:
        st.button(t("areas.clear", lang), on_click=_on_clear, disabled=not codes, width="stretch")


# -------------------------------------------------------------------------------------------------
# map selection
# -------------------------------------------------------------------------------------------------

def _on_map_select(key: str) -> None:
    event = st.session_state.get(key)
    points = []
    try:
        points = event["selection"]["points"]
    except (KeyError, TypeError):
        return
    clicked = {p.get("customdata") or p.get("location") for p in points}
    clicked = {c for c in clicked if isinstance(c, str) and len(c) == 7}
    if clicked:
        _set(set(areas_state.current()) ^ clicked)
        st.session_state["ar_map_n"] = st.session_state.get("ar_map_n", 0) + 1  # fresh chart, no stale selection


def render_map(ingest: str, lang: str, codes: tuple[str, ...]) -> None:
    """Click gminy on a map of one województwo to add or remove them; the area's outline on top."""
    lab, _, groups = labels(ingest, lang)
    wojs = [c for c in groups if len(c) == 2]
    if codes:
        counts = pd.Series([c[:2] for c in codes]).value_counts()
        default = counts.index[0]
    else:
        default = state.view().unit[:2] if state.view().unit and len(state.view().unit) >= 2 else "12"
    if st.session_state.get("ar_map_woj") not in wojs:
        st.session_state["ar_map_woj"] = default if default in wojs else wojs[0]
    st.selectbox(t("areas.map_woj", lang), wojs, key="ar_map_woj", format_func=lambda c: lab.get(c, c))
    woj = st.session_state["ar_map_woj"]
    members_here = tuple(sorted(svc.predefined(ingest).get(woj, ())))
    geoms = svc.member_geometries(ingest, members_here)
    outline = svc.area_outline(ingest, codes) if len(codes) >= 1 else None
    fig = areas_charts.selection_map_figure(geometries=geoms, members=set(codes), labels=lab, outline=outline)
    key = f"ar_map_{st.session_state.get('ar_map_n', 0)}"
    here = sorted((c for c in codes if c in set(geoms["code"])), key=lambda c: lab.get(c, c).casefold())
    names = ", ".join(lab.get(c, c).split(" — ")[0] for c in here[:8]) + (" …" if len(here) > 8 else "")
    summary = t("a11y.selection", lang, woj=lab.get(woj, woj), n=len(here), of=len(geoms),
                names=f": {names}" if here else "")
    a11y.chart(fig, summary=summary, lang=lang, key=key, on_select=lambda: _on_map_select(key),
               selection_mode="points",
               config={"displayModeBar": False, "scrollZoom": True, "topojsonURL": svc_map.basemap_url()})
    st.caption(t("areas.map_help", lang))


# -------------------------------------------------------------------------------------------------
# import
# -------------------------------------------------------------------------------------------------

def _on_import(mode: str) -> None:
    found = st.session_state.get("ar_import_codes") or ()
    if mode == "add":
        _set(set(areas_state.current()) | set(found))
    else:
        _set(found)
        st.session_state["ar_loaded"] = None
        st.session_state["ar_saved"] = None


def import_report_frame(report: pd.DataFrame, lab: dict[str, str], lang: str) -> pd.DataFrame:
    """The matcher's report as a table for people: row, what was in the file, what is wrong/done."""
    rows = []
    for r in report.to_dict("records"):
        if r["status"] == M.DUPLICATE:
            detail = t("areas.reason.duplicate_detail", lang, row=r["detail"], unit=lab.get(r["code"], r["code"]))
        elif r["code"]:
            detail = lab.get(r["code"], r["detail"])
        else:
            detail = r["detail"]
        rows.append({t("areas.col_row", lang): int(r["row"]), t("areas.col_input", lang): r["input"],
                     t("areas.col_result", lang): t(f"areas.reason.{r['reason']}", lang),
                     t("areas.col_detail", lang): detail})
    return pd.DataFrame(rows)


def render_import(ingest: str, lang: str) -> None:
    lab, _, _ = labels(ingest, lang)
    st.caption(t("areas.import_help", lang, mb=fmt_num(MAX_BYTES / 1_000_000, 0, lang),
                 rows=fmt_num(MAX_ROWS, 0, lang)))
    up = st.file_uploader(t("areas.import_file", lang), type=["csv", "txt", "xlsx"], key="ar_file")
    text = st.text_area(t("areas.import_paste", lang), key="ar_paste", height=90,
                        placeholder=t("areas.import_paste_placeholder", lang))
    parsed = None
    try:
        if up is not None:
            parsed = svc.read_list(up.getvalue(), up.name)
        elif text.strip():
            parsed = svc.read_text(text)
    except AreaListError as exc:
        st.error(t(f"areas.file.{exc.reason}", lang, **{k: fmt_num(v, 0, lang) if isinstance(v, (int, float)) else v
                                                       for k, v in exc.params.items()}), icon="⚠️")
        return
    if parsed is None:
        st.session_state["ar_import_codes"] = ()
        return
    if up is not None:
        cols = [t("areas.import_columns", lang, code=parsed.code_column or "–", name=parsed.name_column or "–")]
        if parsed.ignored:
            cols.append(t("areas.import_ignored", lang, columns=", ".join(parsed.ignored)))
        st.caption(" ".join(cols))
    matched = svc.match(ingest, parsed.entries)
    st.session_state["ar_import_codes"] = matched.codes
    rep = matched.report
    n_prob, n_note = len(matched.problems), len(matched.notes)
    st.markdown(t("areas.import_summary", lang, found=gminy_word(len(matched.codes), lang, accusative=True), rows=len(rep),
                  problems=n_prob, notes=n_note))
    if n_prob:
        st.markdown(f"**{t('areas.import_problems', lang)}**")
        st.dataframe(import_report_frame(matched.problems, lab, lang), hide_index=True, width="stretch",
                     key="ar_import_problems")
    if n_note:
        with st.expander(t("areas.import_notes", lang, n=n_note)):
            st.dataframe(import_report_frame(matched.notes, lab, lang), hide_index=True, width="stretch")
    if len(matched.codes) > A.MAX_MEMBERS:
        st.warning(t("areas.too_many", lang, n=len(matched.codes), max=A.MAX_MEMBERS), icon="⚠️")
        return
    c1, c2 = st.columns(2)
    with c1:
        st.button(t("areas.import_add", lang, n=len(matched.codes)), on_click=_on_import, args=("add",),
                  disabled=not matched.codes, width="stretch")
    with c2:
        st.button(t("areas.import_replace", lang), on_click=_on_import, args=("replace",),
                  disabled=not matched.codes, width="stretch")


# -------------------------------------------------------------------------------------------------
# save / delete
# -------------------------------------------------------------------------------------------------

def _refuse_in_public() -> bool:
    """Callbacks of the save/delete buttons refuse in the public version (no button is drawn
    there; this also covers a stale browser tab or a forged widget event)."""
    if get_settings().public_mode:
        st.session_state["ar_flash"] = ("warning", "areas.public_no_save", {})
        st.session_state["ar_confirm_delete"] = False
        return True
    return False


def _on_save(mode: str) -> None:
    if _refuse_in_public():
        return
    codes = areas_state.current()
    name = (st.session_state.get("ar_name") or "").strip()
    if len(codes) < A.MIN_MEMBERS:
        st.session_state["ar_flash"] = ("warning", "areas.save_too_few", {"min": A.MIN_MEMBERS})
        return
    if not name or len(name) > MAX_NAME:
        st.session_state["ar_flash"] = ("warning", "areas.save_bad_name", {"max": MAX_NAME})
        return
    saved = svc.saved_areas()
    loaded = st.session_state.get("ar_loaded")
    clash = saved.loc[(saved["name"].str.casefold() == name.casefold())
                      & ((saved["id"] != loaded) if mode == "update" else True)]
    if not clash.empty:
        st.session_state["ar_flash"] = ("warning", "areas.save_name_taken", {"name": name})
        return
    new_id = svc.save_area(name, codes, loaded if mode == "update" else None)
    st.session_state["ar_loaded"] = new_id
    st.session_state["ar_saved"] = new_id
    st.session_state["ar_flash"] = ("success", "areas.saved_ok" if mode == "new" else "areas.updated_ok",
                                    {"name": name})


def _on_delete(confirm: bool) -> None:
    if _refuse_in_public():
        return
    loaded = st.session_state.get("ar_loaded")
    if not confirm:
        st.session_state["ar_confirm_delete"] = True
        return
    st.session_state["ar_confirm_delete"] = False
    if loaded is None:
        return
    svc.delete_area(int(loaded))
    st.session_state["ar_flash"] = ("success", "areas.deleted_ok", {"name": st.session_state.get("ar_name", "")})
    st.session_state["ar_loaded"] = None
    st.session_state["ar_saved"] = None


def _on_cancel_delete() -> None:
    st.session_state["ar_confirm_delete"] = False


def render_save(lang: str, codes: tuple[str, ...], public: bool) -> None:
    if "ar_name" not in st.session_state:
        st.session_state["ar_name"] = ""
    st.text_input(t("areas.name", lang), key="ar_name", max_chars=MAX_NAME,
                  placeholder=default_name(len(codes), lang))
    if public:
        st.caption(t("areas.public_no_save", lang))
        return
    loaded = st.session_state.get("ar_loaded")
    c1, c2, c3 = st.columns(3)
    with c1:
        st.button(t("areas.save_new", lang), on_click=_on_save, args=("new",), type="primary",
                  disabled=len(codes) < A.MIN_MEMBERS, width="stretch")
    with c2:
        st.button(t("areas.save_update", lang), on_click=_on_save, args=("update",), disabled=loaded is None,
                  width="stretch")
    with c3:
        st.button(t("areas.delete", lang), on_click=_on_delete, args=(False,), disabled=loaded is None,
                  width="stretch")
    if st.session_state.get("ar_confirm_delete") and loaded is not None:
        st.warning(t("areas.delete_confirm", lang, name=st.session_state.get("ar_name", "")), icon="⚠️")
        d1, d2 = st.columns(2)
        d1.button(t("areas.delete_yes", lang), on_click=_on_delete, args=(True,), width="stretch")
        d2.button(t("areas.delete_no", lang), on_click=_on_cancel_delete, width="stretch")


# -------------------------------------------------------------------------------------------------
# results
# -------------------------------------------------------------------------------------------------

def render_header(ingest: str, lang: str, result: A.AreaResult) -> None:
    lab, _, _ = labels(ingest, lang)
    units = svc.all_units(ingest).set_index("code")
    name = (st.session_state.get("ar_name") or "").strip() or default_name(len(result.members), lang)
    st.header(name)
    names = sorted((units["name"].get(c, c) for c in result.members), key=str.casefold)
    shown = ", ".join(names[:15]) + (t("areas.and_more", lang, n=len(names) - 15) if len(names) > 15 else "")
    st.markdown(t("areas.members_line", lang, n=gminy_word(len(names), lang), names=shown))
    for note in result.notes:
        st.info(t(f"areas.note.{note.kind}", lang, member=units["name"].get(note.member, note.member),
                  other=units["name"].get(note.other, note.other), year=note.year), icon="ℹ️")


def render_links(lang: str) -> None:
    """The area on the other pages: its profile, comparisons, map outline and report. Working on an
    area here makes it what those pages show (components.subject), even if a unit was chosen."""
    subject.choose("area")
    cols = st.columns(4)
    for col, (url, key) in zip(cols, (("profil", "areas.open_profile"), ("porownania", "areas.open_compare"),
                                      ("mapa", "areas.open_map"), ("raporty", "areas.open_report"))):
        with col:
            st.page_link(page_path(url), label=t(key, lang))


def render_permalink(lang: str, codes: tuple[str, ...]) -> None:
    url = permalink(codes)
    st.markdown(t("areas.permalink", lang, url=url))
    st.code(url, language=None, wrap_lines=True)


def method_text(row, ind: Indicator, indicators: dict[str, Indicator], lang: str) -> str:
    if A.NOT_AGGREGABLE in str(row["flag"]):
        reason = ind.aggregation.reason_en if lang == "en" else ind.aggregation.reason_pl
        return t("areas.method.none", lang, reason=reason.rstrip("."))
    if row["method"] == "derived":
        return t("areas.method.derived", lang)
    rule = row["rule"]
    agg = ind.aggregation
    while agg is not None and agg.rule != rule:
        agg = agg.fallback
    agg = agg or ind.aggregation
    name = lambda i: indicators[i].name(lang) if i in indicators else i  # noqa: E731
    if rule == "ratio":
        return t("areas.method.ratio", lang, num=name(agg.numerator), den=name(agg.denominator))
    if rule == "weighted_mean":
        return t("areas.method.weighted_mean", lang, weight=name(agg.weight))
    if rule == "odds":
        return t("areas.method.odds", lang)
    return t("areas.method.sum", lang)


def indicators_frame(result: A.AreaResult, indicators: dict[str, Indicator], sources: pd.DataFrame,
                     lang: str) -> pd.DataFrame:
    """The area's latest value of every indicator with year, coverage, method and source."""
    latest = A.latest(result.values)
    lookup = source_lookup(sources, lang)
    order = {c: k for k, c in enumerate(CATEGORIES)}
    ind_order = {i: k for k, i in enumerate(indicators)}
    latest = latest.loc[latest["indicator"].isin(indicators)]
    latest = latest.assign(_c=latest["indicator"].map(lambda i: order.get(indicators[i].category, 99)),
                           _i=latest["indicator"].map(ind_order)).sort_values(["_c", "_i"])
    rows = []
    for r in latest.to_dict("records"):
        ind = indicators[r["indicator"]]
        has_year = r["year"] == r["year"]
        note = ""
        if r["withheld_year"] == r["withheld_year"]:
            note = t("areas.withheld_note", lang, year=int(r["withheld_year"]),
                     coverage=coverage_text(r["withheld_n"], r["withheld_of"], lang),
                     pct=round(ind.min_coverage * 100))
        cov = coverage_text(r["n"], r["of"], lang) if has_year else ""
        if has_year and A.PARTIAL in str(r["flag"]):
            cov += t("areas.partial_suffix", lang)
        src = r.get("source")
        rows.append({
            t("col.category", lang): t(f"category.{ind.category}", lang),
            t("col.indicator", lang): ind.name(lang),
            t("col.value", lang): fmt_num(r["value"], ind.decimals, lang) if has_year else "–",
            t("col.unit", lang): ind.unit(lang),
            t("col.year", lang): str(int(r["year"])) if has_year else "–",
            t("areas.col_coverage", lang): cov,
            t("areas.col_method", lang): method_text(r, ind, indicators, lang) if has_year else "",
            t("col.source", lang): lookup.get(src, src) if isinstance(src, str) else "",
            t("areas.col_note", lang): note,
        })
    return pd.DataFrame(rows)


def render_indicators(ingest: str, lang: str, result: A.AreaResult, indicators: dict[str, Indicator],
                      sources: pd.DataFrame) -> None:
    frame = indicators_frame(result, indicators, sources, lang)
    if frame.empty:
        st.info(t("areas.no_values", lang))
        return
    st.dataframe(frame, hide_index=True, width="stretch", height=min(38 * (len(frame) + 1), 700),
                 key="ar_indicators")
    missing = [i.name(lang) for i in indicators.values() if "gmina" not in i.levels]
    if missing:
        st.caption(t("areas.not_for_gminy", lang, names=", ".join(missing[:4]) + (" …" if len(missing) > 4 else "")))


def _breakdown_choices(result: A.AreaResult, indicators: dict[str, Indicator]) -> list[str]:
    have = set(result.values["indicator"])
    return [i for i in indicators if i in have]


def render_breakdown(ingest: str, lang: str, result: A.AreaResult, indicators: dict[str, Indicator]) -> None:
    lab, _, _ = labels(ingest, lang)
    choices = _breakdown_choices(result, indicators)
    if not choices:
        return
    view = state.view()
    current = view.indicator if view.indicator in choices else (
        "population_total" if "population_total" in choices else choices[0])
    st.session_state["ar_bd_ind"] = current
    c1, c2 = st.columns([3, 1])
    with c1:
        st.selectbox(t("areas.bd_indicator", lang), choices, key="ar_bd_ind",
                     format_func=lambda i: indicators[i].name(lang),
                     on_change=lambda: state.update(indicator=st.session_state["ar_bd_ind"], year=None))
    ind = indicators[current]
    rows = result.values.loc[result.values["indicator"] == current]
    years = sorted(rows["year"].unique().tolist(), reverse=True)
    with_value = rows.loc[rows["value"].notna() | rows["flag"].str.contains(A.NOT_AGGREGABLE, regex=False), "year"]
    default_year = int(with_value.max()) if len(with_value) else int(years[0])
    year = view.year if view.year in years else default_year
    st.session_state["ar_bd_year"] = year
    with c2:
        st.selectbox(t("col.year", lang), years, key="ar_bd_year",
                     on_change=lambda: state.update(year=int(st.session_state["ar_bd_year"])))
    total = rows.loc[rows["year"] == year].iloc[0]
    bd = svc.area_breakdown(ingest, result.members, current, int(year))
    agg = A.rule_for(result, ind, int(year))
    st.markdown(total_text(total, ind, lang))
    frame = breakdown_frame(bd, total, ind, agg, indicators, lab, lang)
    st.dataframe(frame, hide_index=True, width="stretch", key="ar_breakdown",
                 height=min(38 * (len(frame) + 1), 600))
    fig = breakdown_chart(bd, total, ind, agg, lab, lang)
    if fig is not None:
        a11y.chart(fig, summary=breakdown_summary(bd, ind, agg, lab, lang), lang=lang,
                   config={"displayModeBar": False}, key="ar_bd_chart")
    st.download_button(t("areas.download_breakdown", lang), frame.to_csv(index=False).encode("utf-8-sig"),
                       file_name=f"obszar_{current}_{year}.csv", mime="text/csv", key="ar_dl_bd")


def total_text(total, ind: Indicator, lang: str) -> str:
    cov = coverage_text(total["n"], total["of"], lang)
    if A.NOT_AGGREGABLE in str(total["flag"]):
        reason = ind.aggregation.reason_en if lang == "en" else ind.aggregation.reason_pl
        return t("areas.bd_not_aggregable", lang, reason=reason.rstrip("."), coverage=cov)
    if A.WITHHELD in str(total["flag"]):
        return t("areas.bd_withheld", lang, coverage=cov, pct=round(ind.min_coverage * 100))
    text = t("areas.bd_total", lang, value=fmt_unit(total["value"], ind.decimals, ind.unit(lang), lang),
             year=int(total["year"]), coverage=cov)
    if A.PARTIAL in str(total["flag"]):
        text += " " + t("areas.bd_partial", lang)
    return text


def breakdown_frame(bd: pd.DataFrame, total, ind: Indicator, agg, indicators: dict[str, Indicator],
                    lab: dict[str, str], lang: str) -> pd.DataFrame:
    """Members beside the area total: value, the quantities summed, share, status."""
    name = lambda i: indicators[i].name(lang) if i in indicators else i  # noqa: E731
    dec = ind.decimals
    rule = agg.rule
    col_val = t("areas.bd_col_value", lang, unit=ind.unit(lang))
    cols_a = {"ratio": name(agg.numerator), "weighted_mean": None, "odds": None}.get(rule)
    cols_b = {"ratio": name(agg.denominator), "weighted_mean": name(agg.weight) if agg.weight else None,
              "odds": name(agg.base) if agg.base else None}.get(rule)
    share_col = {"sum": t("areas.bd_share_sum", lang), "ratio": t("areas.bd_share_num", lang),
                 "weighted_mean": t("areas.bd_share_weight", lang), "odds": t("areas.bd_share_base", lang)}.get(rule)
    rows = []

    def row(label, value, a, b, share, status):
        r = {t("areas.bd_col_member", lang): label, col_val: fmt_num(value, dec, lang)}
        if cols_a:
            r[cols_a] = fmt_num(a, 0, lang)
        if cols_b:
            r[cols_b] = fmt_num(b if rule != "odds" else (a + b if a == a and b == b else float("nan")), 0, lang)
        if share_col:
            r[share_col] = fmt_num(share, 1, lang)
        r[t("areas.bd_col_status", lang)] = status
        rows.append(r)

    inc = bd.loc[bd["status"] == "included"]
    sum_a = inc["a"].sum(min_count=1)
    sum_b = inc["b"].sum(min_count=1)
    row(t("areas.bd_total_row", lang), total["value"], sum_a, sum_b, 100.0 if share_col and len(inc) else float("nan"),
        coverage_text(total["n"], total["of"], lang))
    for r in bd.to_dict("records"):
        row(lab.get(r["member"], r["member"]), r["value"], r["a"], r["b"], r["share"],
            t(f"areas.status.{r['status']}" if rule != "none" or r["status"] != "included" else "areas.status.shown",
              lang))
    return pd.DataFrame(rows)


def breakdown_chart(bd: pd.DataFrame, total, ind: Indicator, agg, lab: dict[str, str], lang: str):
    inc = bd.loc[bd["value"].notna() | bd["share"].notna()].copy()
    if inc.empty:
        return None
    inc["label"] = inc["member"].map(lambda c: lab.get(c, c).split(" — ")[0])
    if agg.rule == "sum":
        inc = inc.loc[inc["share"].notna()]
        inc["x"] = inc["share"]
        inc["text"] = inc["share"].map(lambda v: fmt_num(v, 1, lang) + " %")
        return areas_charts.breakdown_figure(frame=inc, total=None, total_label="",
                                             x_title=t("areas.bd_share_sum", lang))
    inc = inc.loc[inc["value"].notna()]
    inc["x"] = inc["value"]
    inc["text"] = inc["value"].map(lambda v: fmt_num(v, ind.decimals, lang))
    tv = total["value"] if total["value"] == total["value"] else None
    return areas_charts.breakdown_figure(
        frame=inc, total=tv, total_label=t("areas.bd_line", lang, value=fmt_num(tv, ind.decimals, lang)) if tv else "",
        x_title=f"{ind.name(lang)} ({ind.unit(lang)})")


def breakdown_summary(bd: pd.DataFrame, ind: Indicator, agg, lab: dict[str, str], lang: str) -> str:
    """The breakdown chart in one sentence: its largest and smallest bar (shares for sums)."""
    col, dec = ("share", 1) if agg.rule == "sum" else ("value", ind.decimals)
    unit = "%" if agg.rule == "sum" else ind.unit(lang)
    bars = bd.loc[bd[col].notna()]
    title = t("areas.bd_share_sum", lang) if agg.rule == "sum" else ind.name(lang)
    if bars.empty:
        return t("a11y.no_values", lang, title=title)
    hi, lo = bars.loc[bars[col].idxmax()], bars.loc[bars[col].idxmin()]
    name = lambda c: lab.get(c, c).split(" — ")[0]  # noqa: E731
    return t("a11y.breakdown", lang, title=title, hi=name(hi["member"]), hi_value=fmt_unit(hi[col], dec, unit, lang),
             lo=name(lo["member"]), lo_value=fmt_unit(lo[col], dec, unit, lang), n=len(bars))


def export_frame(result: A.AreaResult, indicators: dict[str, Indicator], lang: str) -> pd.DataFrame:
    """The area's values as CSV rows, like `python cli.py show --area` (plus coverage and flags)."""
    v = result.values
    name = default_name(len(result.members), lang)
    return pd.DataFrame({
        "teryt": result.code, "level": "area", "name": name, "indicator": v["indicator"], "year": v["year"],
        "value": v["value"], "unit": v["indicator"].map(lambda i: indicators[i].unit(lang) if i in indicators else ""),
        "source": v["source"], "method": v["method"], "rule": v["rule"], "n": v["n"], "of": v["of"],
        "flag": v["flag"]})


def render_download(result: A.AreaResult, indicators: dict[str, Indicator], lang: str) -> None:
    buf = io.StringIO()
    export_frame(result, indicators, lang).to_csv(buf, index=False)
    st.download_button(t("areas.download_values", lang), buf.getvalue().encode("utf-8-sig"),
                       file_name="obszar.csv", mime="text/csv", key="ar_dl_values")
