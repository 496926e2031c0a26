"""AppTest of /strategia against the real session store: a real plan for Liszki (1206072) shown in
Polish and English (summary with plurals, goal tree, one chart per target with its text alternative,
projects with budget totals, permalink with the plan id), public mode read-only."""
from __future__ import annotations

import pytest

from i18n import t
from tests.test_strategy_cli import PLAN_CSV

PAGE = "pages/strategia.py"


def texts(at) -> str:
    parts = [m.value for m in at.markdown] + [h.value for h in at.header] + [x.value for x in at.title]
    parts += [c.value for c in at.caption] + [i.value for i in at.info] + [w.value for w in at.warning]
    parts += [s.value for s in at.success] + [e.value for e in at.error] + [s.value for s in at.subheader]
    return "\n".join(str(p) for p in parts)


@pytest.fixture
def liszki_plan(sqlite_store):
    from domain import strategy as D
    from store import plans as SP

    plan = SP.plan_from_file(sqlite_store, PLAN_CSV.encode(), "plan.csv", subject="1206072",
                             name="Strategia Liszki 2030")
    plan = D.with_projects(plan, [D.Project("Kanalizacja Kryspinów", "2.2", 4_200_000.0, 2024, 2026, "in_progress",
                                            "Urząd Gminy Liszki"),
                                  D.Project("Strefa przedsiębiorczości", "2.1", 1_500_000.0, 2025, 2027),
                                  D.Project("Stary projekt", "2.1", 900_000.0, status="dropped")])
    pid = SP.save(sqlite_store, plan)
    yield pid
    sqlite_store.delete_plan(pid)


def open_page(app, lang, **params):
    app.query_params["lang"] = lang
    for k, v in params.items():
        app.query_params[k] = v
    app.run()
    app.switch_page(PAGE).run()
    assert not app.exception, [e.value for e in app.exception]
    assert t("strategy.title", lang) in [x.value for x in app.title]
    return app


@pytest.mark.parametrize("lang, summary, statuses", [
    ("pl", "5 wskaźników docelowych: 3 na dobrej drodze, 2 poza ścieżką.", ("▲ na dobrej drodze", "▼ poza ścieżką")),
    ("en", "5 targets: 3 on track, 2 off track.", ("▲ on track", "▼ off track")),
])
def test_plan_page_in_both_languages(app, liszki_plan, lang, summary, statuses):
    at = open_page(app, lang, unit="1206072", plan=str(liszki_plan))
    body = texts(at)
    assert not at.error, [e.value for e in at.error]
    assert summary in body
    assert "Strategia Liszki 2030" in body
    assert t("strategy.rule", lang) in body  # the rule is stated on the page (under "How progress is judged")
    # goal tree: strategic and operational goals, each with a status chip in words
    assert "1. Rozwój społeczny" in body and "2.2. Infrastruktura" in body
    tables = [df.value for df in at.dataframe]
    status_col = t("strategy.col.status", lang)
    shown = {s for df in tables if status_col in df.columns for s in df[status_col]}
    assert shown == set(statuses)
    pop = next(df for df in tables if t("strategy.col.latest", lang) in df.columns
               and df[t("strategy.col.indicator", lang)].str.contains("Ludność|Population").any())
    assert pop[t("strategy.col.latest", lang)].iloc[0] == ("18\u00a0754 (2024)" if lang == "pl"
                                                           else "18,754 (2024)")
    assert pop[t("strategy.col.progress_expected", lang)].iloc[0] == "89 % / 57 %"
    assert pop[t("strategy.col.we_peers", lang)].iloc[0] == ("+11,5 % / +3,8 %" if lang == "pl" else "+11.5 % / +3.8 %")
    # one chart per target, each followed by its text alternative
    charts = [c for c in at.get("plotly_chart")]
    assert len(charts) == 5
    short = t("a11y.summary", lang, text="").strip()
    assert sum(c.value.startswith(short[:8]) for c in at.caption) >= 5
    # projects by goal with totals (the dropped one left out of the totals)
    proj = next(df for df in tables if t("strategy.file.project", lang) in df.columns)
    total_row = proj.loc[proj[t("strategy.file.project", lang)] == t("strategy.budget_total", lang, goal="2")]
    assert total_row[t("strategy.file.budget", lang)].iloc[0] == t("strategy.money", lang, amount="5\u00a0700\u00a0000" if lang == "pl" else "5,700,000")
    assert t("strategy.budget_all", lang, total="5\u00a0700\u00a0000" if lang == "pl" else "5,700,000") in body
    # permalink holds the plan id
    link = " ".join(c.value for c in at.code)
    assert "/strategia?" in link and f"plan={liszki_plan}" in link and "unit=1206072" in link
    # private deployment: import and delete are offered
    assert any(b.label == t("strategy.import_button", lang) for b in at.button)


def test_latest_plan_of_the_unit_is_chosen_and_written_to_the_url(app, liszki_plan):
    at = open_page(app, "pl", unit="1206072")
    qp = at.query_params.get("plan")
    assert (qp[0] if isinstance(qp, list) else qp) == str(liszki_plan)
    assert "5 wskaźników docelowych" in texts(at)


def test_unit_without_plans(app, liszki_plan):
    at = open_page(app, "pl", unit="1261011")
    assert "nie ma jeszcze zapisanego planu" in texts(at)
    assert not at.get("plotly_chart")


def test_unknown_plan_in_the_url(app, liszki_plan):
    at = open_page(app, "en", unit="1261011", plan="999999")
    assert "There is no plan no. 999999" in texts(at)
    assert not at.exception


def test_public_mode_is_read_only(app, monkeypatch, liszki_plan):
    monkeypatch.setenv("MRL_PUBLIC_MODE", "1")
    at = open_page(app, "pl", unit="1206072", plan=str(liszki_plan))
    labels = {b.label for b in at.button}
    assert t("strategy.import_button", "pl") not in labels and t("strategy.delete_button", "pl") not in labels
    assert t("strategy.projects_save", "pl") not in labels
    assert "5 wskaźników docelowych: 3 na dobrej drodze, 2 poza ścieżką." in texts(at)
    # the services refuse too (a stale tab or forged widget state cannot write)
    from services import strategy as SS

    with pytest.raises(SS.PublicModeError):
        SS.import_plan("x", PLAN_CSV.encode(), "p.csv", subject="1206072", name="x")
    with pytest.raises(SS.PublicModeError):
        SS.delete_plan(liszki_plan)
    with pytest.raises(SS.PublicModeError):
        SS.save_projects("x", liszki_plan, [])
