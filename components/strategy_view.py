"""The /strategia page's body (issue 14): plans of the selected unit or area, the goal tree with
status chips, one chart per target, projects by goal with budget totals, downloads; in the private
deployment also import, project editing and delete.

The URL holds the plan (``plan=<id>``, a permalink: it shows that plan whatever unit is selected)
besides the usual unit/area/peers/lang. Public mode draws no write control, and the write callbacks
and services.strategy refuse too (``PublicModeError``).
"""
from __future__ import annotations

import html

import pandas as pd
import streamlit as st

import services
from components import a11y, state, subject
from domain import strategy as D
from i18n import fmt_num, t
from presentation import strategy_charts as SC
from presentation.labels import gminy_word, unit_label
from reports import strategy as RS
from services import strategy as SS

PAGE = "strategia"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_MIME = "text/csv"


def md(text: str) -> str:
    """Escape Markdown so user text (plan and goal names) shows literally."""
    return "".join("\\" + c if c in "\\`*_{}[]()<>#+-.!|~$" else c for c in str(text))


def _public() -> bool:
    from settings import get_settings

    return get_settings().public_mode


def _subject_label(ingest: str, subj: str, lang: str) -> str:
    if "," in subj:
        return t("subject.area", lang, gminy=gminy_word(len(subj.split(",")), lang))
    units = services.units(ingest)
    row = units.loc[units["code"] == subj]
    return unit_label(row.iloc[0].to_dict(), lang) if len(row) else subj


def _url_plan() -> int | None:
    raw = state.get_extra("plan")
    return int(raw) if raw and raw.isdigit() and len(raw) <= 9 else (-1 if raw else None)


def _on_pick() -> None:
    pid = st.session_state.get("strategy_plan")
    state.set_extra("plan", str(pid) if pid else None)


# -- writes (callbacks refuse in public mode as well) ------------------------------------------------

def _import(ingest: str, subj: str, lang: str) -> None:
    up = st.session_state.get("strategy_file")
    name = (st.session_state.get("strategy_name") or "").strip()
    if up is None:
        st.session_state["strategy_msg"] = ("warning", t("strategy.import_no_file", lang))
        return
    if not name:
        name = up.name.rsplit(".", 1)[0]
    if len(name) > D.MAX_NAME or name.startswith(("=", "@")) or any(c in name for c in "<>"):
        st.session_state["strategy_msg"] = ("error", t("strategy.bad_name", lang))
        return
    try:
        pid = SS.import_plan(ingest, up.getvalue(), up.name, subject=subj, name=name)
    except SS.PublicModeError:
        st.session_state["strategy_msg"] = ("error", t("strategy.public_refused", lang))
        return
    except SS.PlanFileError as exc:
        st.session_state["strategy_problems"] = [RS.problem_text(p, lang) for p in exc.problems]
        st.session_state["strategy_msg"] = ("error", t("strategy.import_failed", lang, file=up.name))
        return
    except D.PlanError as exc:
        st.session_state["strategy_msg"] = ("error", t("strategy.import_failed", lang, file=up.name) + f" ({exc.code})")
        return
    state.set_extra("plan", str(pid))
    st.session_state["strategy_msg"] = ("success", t("strategy.imported", lang, name=name, id=pid))


def _delete(pid: int, lang: str) -> None:
    if not st.session_state.get("strategy_confirm"):
        st.session_state["strategy_msg"] = ("warning", t("strategy.delete_confirm_first", lang))
        return
    try:
        SS.delete_plan(pid)
    except SS.PublicModeError:
        st.session_state["strategy_msg"] = ("error", t("strategy.public_refused", lang))
        return
    state.set_extra("plan", None)
    st.session_state["strategy_msg"] = ("success", t("strategy.deleted", lang))


def _save_projects(ingest: str, plan: D.Plan, lang: str) -> None:
    edited = st.session_state.get("strategy_projects_edit")
    frame = st.session_state.get("strategy_projects_frame")
    if frame is None:
        return
    # apply the data editor's delta to the frame it was given
    df = frame.copy()
    if isinstance(edited, dict):
        for i, ch in (edited.get("edited_rows") or {}).items():
            for k, v in ch.items():
                df.at[df.index[int(i)], k] = v
        for row in edited.get("added_rows") or []:
            df = pd.concat([df, pd.DataFrame([row])], ignore_index=True)
        if edited.get("deleted_rows"):
            df = df.drop(index=[df.index[int(i)] for i in edited["deleted_rows"]]).reset_index(drop=True)
    goals = {f"{g.id} {g.name}": g.id for g in plan.goals}
    statuses = {t(f"strategy.project.{s}", lang): s for s in D.PROJECT_STATUSES}
    projects = []
    try:
        for r in df.to_dict("records"):
            name = str(r.get("name") or "").strip()
            if not name:
                continue
            if name.startswith(("=", "@")) or len(name) > D.MAX_NAME:
                raise D.PlanError("bad_name")
            budget = r.get("budget")
            projects.append(D.Project(
                name=name, goal=goals.get(r.get("goal"), ""),
                budget=None if budget is None or budget != budget else float(budget),
                year_from=None if pd.isna(r.get("year_from")) else int(r["year_from"]),
                year_to=None if pd.isna(r.get("year_to")) else int(r["year_to"]),
                status=statuses.get(r.get("status"), "planned"), responsible=str(r.get("responsible") or "")))
        SS.save_projects(ingest, plan.id, projects)
    except SS.PublicModeError:
        st.session_state["strategy_msg"] = ("error", t("strategy.public_refused", lang))
        return
    except (D.PlanError, ValueError, TypeError):
        st.session_state["strategy_msg"] = ("error", t("strategy.projects_invalid", lang))
        return
    st.session_state["strategy_msg"] = ("success", t("strategy.projects_saved", lang, n=len(projects)))


# -- drawing ------------------------------------------------------------------------------------------

def _messages(lang: str) -> None:
    msg = st.session_state.pop("strategy_msg", None)
    if msg:
        getattr(st, msg[0])(msg[1])
    problems = st.session_state.pop("strategy_problems", None)
    if problems:
        st.markdown("\n".join(f"- {md(p)}" for p in problems[:30]))
        if len(problems) > 30:
            st.caption(t("data.problem.more", lang, n=len(problems) - 30))


def _import_box(ingest: str, subj: str, lang: str, label: str, *, expanded: bool = False) -> None:
    with st.expander(t("strategy.import_title", lang), expanded=expanded):
        st.markdown(t("strategy.import_help", lang, subject=md(label)))
        st.file_uploader(t("strategy.file_label", lang), type=["xlsx", "csv"], key="strategy_file")
        st.text_input(t("strategy.name_label", lang), key="strategy_name", max_chars=D.MAX_NAME)
        st.button(t("strategy.import_button", lang), on_click=_import, args=(ingest, subj, lang), type="primary",
                  key="strategy_import")


def _summary(pp: RS.PlanProgress, lang: str) -> None:
    st.markdown(f"**{RS.summary_sentence(pp.counts, lang)}**")
    chips = " ".join(SC.badge_html(s, lang) + f" {fmt_num(n, 0, lang)}" for s, n in pp.counts.items() if n)
    st.markdown(chips, unsafe_allow_html=True)


def _target_rows(pp: RS.PlanProgress, goal_id: str, indicators: dict, lang: str) -> pd.DataFrame:
    rows = []
    for tp in pp.targets:
        if tp.goal.id != goal_id:
            continue
        p, tg = tp.progress, tp.target
        ind = indicators.get(tg.indicator)
        nd = ind.decimals if ind else 1
        unit = ind.unit(lang) if ind else ""
        rows.append({
            t("strategy.col.indicator", lang): ind.name(lang) if ind else tg.indicator,
            t("strategy.col.baseline_target", lang): t("strategy.cell.baseline_target", lang,
                                                       baseline=fmt_num(tg.baseline, nd, lang), y0=tg.baseline_year,
                                                       target=fmt_num(tg.target, nd, lang), y1=tg.target_year,
                                                       unit=SC.unit_after(round(tg.target, nd), unit, lang)),
            t("strategy.col.latest", lang): "–" if p.latest is None
            else f"{fmt_num(p.latest, nd, lang)} ({p.latest_year})",
            t("strategy.col.progress_expected", lang): "–" if p.progress is None
            else f"{RS.pct_text(p.progress, lang)} / {RS.pct_text(p.expected, lang)}",
            t("strategy.col.status", lang): RS.status_badge(p.status, lang),
            t("strategy.col.we_peers", lang): "–" if p.own_change is None else
            (fmt_num(p.own_change, 1, lang, signed=True) + " % / "
             + ("–" if p.peer_change is None else fmt_num(p.peer_change, 1, lang, signed=True) + " %")),
        })
    return pd.DataFrame(rows)


def _goal_tree(pp: RS.PlanProgress, indicators: dict, lang: str) -> None:
    st.subheader(t("strategy.goals_title", lang))
    plan = pp.plan
    for g in plan.goals:
        status = pp.goal_status(g.id)
        indent = "" if g.parent is None else "&emsp;"
        head = "####" if g.parent is None else "#####"
        st.markdown(f"{head} {indent}{html.escape(g.id)}. {html.escape(g.name)} {SC.badge_html(status, lang)}",
                    unsafe_allow_html=True)
        rows = _target_rows(pp, g.id, indicators, lang)
        if not rows.empty:
            st.dataframe(rows, hide_index=True, width="stretch")


def _charts(pp: RS.PlanProgress, indicators: dict, lang: str) -> None:
    st.subheader(t("strategy.charts_title", lang))
    st.caption(t("strategy.peers_line", lang, group=pp.peer_text))
    for i, tp in enumerate(pp.targets):
        ind = indicators.get(tp.target.indicator)
        name = ind.name(lang) if ind else tp.target.indicator
        unit = ind.unit(lang) if ind else ""
        nd = ind.decimals if ind else 1
        label = f"{tp.goal.id} · {name} — {RS.status_badge(tp.progress.status, lang)}"
        with st.expander(md(label), expanded=i == 0):
            fig = SC.target_figure(tp, name=name, unit=unit, decimals=nd, lang=lang, subject=pp.subject_label)
            summary = SC.target_summary(tp, name=name, unit=unit, decimals=nd, lang=lang)
            a11y.chart(fig, summary=summary, lang=lang, width="stretch", table_inline=True,
                       data=SC.chart_data(tp, lang=lang, subject=pp.subject_label),
                       config={"displaylogo": False}, key=f"strategy_fig_{i}")


def _projects(ingest: str, plan: D.Plan, lang: str, public: bool) -> None:
    st.subheader(t("strategy.projects_title", lang))
    budgets = D.budget_by_goal(plan)
    if plan.projects:
        rows = []
        for g in plan.goals:
            own = [p for p in plan.projects if p.goal == g.id]
            for p in own:
                rows.append({t("strategy.col.goal", lang): f"{g.id} {g.name}",
                             t("strategy.file.project", lang): p.name,
                             t("strategy.file.budget", lang): "–" if p.budget is None
                             else t("strategy.money", lang, amount=fmt_num(p.budget, 0, lang)),
                             t("strategy.col.years", lang): "–" if p.year_from is None else
                             f"{p.year_from}–{p.year_to or ''}",
                             t("strategy.file.project_status", lang): t(f"strategy.project.{p.status}", lang),
                             t("strategy.file.responsible", lang): p.responsible})
            if g.id in budgets and (own or g.parent is None):
                rows.append({t("strategy.col.goal", lang): f"{g.id} {g.name}",
                             t("strategy.file.project", lang): t("strategy.budget_total", lang, goal=g.id),
                             t("strategy.file.budget", lang): t("strategy.money", lang,
                                                                amount=fmt_num(budgets[g.id], 0, lang)),
                             t("strategy.col.years", lang): "", t("strategy.file.project_status", lang): "",
                             t("strategy.file.responsible", lang): ""})
        st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
        total = sum(p.budget or 0 for p in plan.projects if p.status != "dropped")
        st.caption(t("strategy.budget_all", lang, total=fmt_num(total, 0, lang)))
    else:
        st.caption(t("strategy.no_projects", lang))
    if public:
        return
    with st.expander(t("strategy.projects_edit", lang)):
        goal_names = [f"{g.id} {g.name}" for g in plan.goals]
        status_names = [t(f"strategy.project.{s}", lang) for s in D.PROJECT_STATUSES]
        gname = {g.id: f"{g.id} {g.name}" for g in plan.goals}
        frame = pd.DataFrame([{"name": p.name, "goal": gname.get(p.goal, ""), "budget": p.budget,
                               "year_from": p.year_from, "year_to": p.year_to,
                               "status": t(f"strategy.project.{p.status}", lang), "responsible": p.responsible}
                              for p in plan.projects],
                             columns=["name", "goal", "budget", "year_from", "year_to", "status", "responsible"])
        frame = frame.astype({"budget": "float64", "year_from": "Int64", "year_to": "Int64"})
        st.session_state["strategy_projects_frame"] = frame
        cc = st.column_config
        st.data_editor(frame, key="strategy_projects_edit", num_rows="dynamic", hide_index=True, width="stretch",
                       column_config={
                           "name": cc.TextColumn(t("strategy.file.project", lang), max_chars=D.MAX_NAME),
                           "goal": cc.SelectboxColumn(t("strategy.col.goal", lang), options=goal_names),
                           "budget": cc.NumberColumn(t("strategy.file.budget", lang), min_value=0, format="%.0f"),
                           "year_from": cc.NumberColumn(t("strategy.file.year_from", lang), min_value=1990,
                                                        max_value=2100, step=1, format="%d"),
                           "year_to": cc.NumberColumn(t("strategy.file.year_to", lang), min_value=1990,
                                                      max_value=2100, step=1, format="%d"),
                           "status": cc.SelectboxColumn(t("strategy.file.project_status", lang), options=status_names),
                           "responsible": cc.TextColumn(t("strategy.file.responsible", lang), max_chars=200)})
        st.button(t("strategy.projects_save", lang), on_click=_save_projects, args=(ingest, plan, lang),
                  key="strategy_projects_save")


def _downloads(pp: RS.PlanProgress, indicators: dict, lang: str) -> None:
    st.subheader(t("strategy.downloads_title", lang))
    stem = f"plan-{pp.plan.id}"
    c1, c2, c3, c4 = st.columns(4)
    with c1:
        st.download_button(t("strategy.dl_plan_xlsx", lang), data=RS.plan_file_bytes(pp.plan, indicators, "xlsx", lang),
                           file_name=f"{stem}.xlsx", mime=XLSX_MIME, key="strategy_dl_plan_xlsx", on_click="ignore",
                           width="stretch")
    with c2:
        st.download_button(t("strategy.dl_plan_csv", lang), data=RS.plan_file_bytes(pp.plan, indicators, "csv", lang),
                           file_name=f"{stem}.csv", mime=CSV_MIME, key="strategy_dl_plan_csv", on_click="ignore",
                           width="stretch")
    with c3:
        st.download_button(t("strategy.dl_progress_xlsx", lang), data=RS.progress_bytes(pp, indicators, "xlsx"),
                           file_name=f"{stem}-postep.xlsx" if lang == "pl" else f"{stem}-progress.xlsx",
                           mime=XLSX_MIME, key="strategy_dl_prog_xlsx", on_click="ignore", width="stretch")
    with c4:
        st.download_button(t("strategy.dl_progress_csv", lang), data=RS.progress_bytes(pp, indicators, "csv"),
                           file_name=f"{stem}-postep.csv" if lang == "pl" else f"{stem}-progress.csv",
                           mime=CSV_MIME, key="strategy_dl_prog_csv", on_click="ignore", width="stretch")


def render(ingest: str, lang: str) -> None:
    public = _public()
    subj = subject.render_switch(ingest, lang)
    subject_code = subj.code
    label = _subject_label(ingest, subject_code, lang)
    # keep the import box open while a file is chosen or its problems are shown (a rerun redraws it)
    importing = st.session_state.get("strategy_file") is not None or "strategy_problems" in st.session_state
    _messages(lang)
    if public:
        st.caption(t("strategy.public_note", lang))
    else:
        _import_box(ingest, subject_code, lang, label, expanded=importing)

    url_plan = _url_plan()
    rows = SS.plans(ingest, subject_code)
    shown: int | None = None
    if url_plan == -1 or (url_plan is not None and SS.plan(ingest, url_plan) is None):
        st.warning(t("strategy.no_such_plan", lang, id=md(state.get_extra("plan") or "")[:20]))
        state.set_extra("plan", None)
    elif url_plan is not None:
        shown = url_plan
    ids = [int(i) for i in rows["id"]]
    names = {int(r.id): r.name for r in rows.itertuples()}
    if shown is not None and shown not in ids:
        other = SS.plan(ingest, shown)
        st.info(t("strategy.plan_of_other", lang, subject=md(_subject_label(ingest, other.subject, lang))))
    elif ids:
        if shown is None:
            shown = SS.latest_plan_id(ingest, subject_code)
            state.set_extra("plan", str(shown))
        st.session_state["strategy_plan"] = shown
        st.selectbox(t("strategy.plan_label", lang, subject=label), ids, key="strategy_plan",
                     format_func=lambda i: f"{names.get(i, i)} (#{i})", on_change=_on_pick)
    if shown is None:
        st.info(t("strategy.no_plans", lang, subject=md(label)))
        _rule(lang)
        return

    with st.spinner(t("strategy.computing", lang)):
        pp = SS.progress(ingest, shown, lang, state.view().peers)
    if pp is None:
        st.warning(t("strategy.no_such_plan", lang, id=shown))
        return
    indicators = services.indicators(ingest)
    plan = pp.plan
    period = plan.period
    st.header(md(plan.name))
    st.markdown(t("strategy.plan_meta", lang, subject=md(pp.subject_label), start=period[0], end=period[1],
                  goals=len(plan.goals)))
    _summary(pp, lang)
    _rule(lang)
    _goal_tree(pp, indicators, lang)
    _charts(pp, indicators, lang)
    _projects(ingest, plan, lang, public)
    _downloads(pp, indicators, lang)
    if not public:
        with st.expander(t("strategy.delete_title", lang)):
            st.checkbox(t("strategy.delete_confirm", lang, name=plan.name), key="strategy_confirm")
            st.button(t("strategy.delete_button", lang), on_click=_delete, args=(plan.id, lang), key="strategy_delete")


def _rule(lang: str) -> None:
    with st.expander(t("strategy.rule_title", lang)):
        st.markdown(t("strategy.rule", lang))
