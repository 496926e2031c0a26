"""`cli.py plan ...` as a user runs it, on a real plan for a real gmina (Liszki, 1206072) with values
from the mirror; statuses and the peers' median change recomputed here from the store's own values."""
from __future__ import annotations

import csv
import io

import pandas as pd
import pytest

from domain import peers as P

HEADER = "goal,indicator,baseline_year,baseline,target_year,target,latest_year,latest,progress,elapsed,status,peer_change"

# Liszki (gmina wiejska, pow. krakowski) in the mirror: population 16 815 (2015), 18 754 (2024);
# unemployed share of the working-age population 2.359688 % (2018), 2.1 % (2019);
# own revenue per capita 1 751.21 zł (2015), 2 402.01 zł (2019); sewerage 59 % (2018), 59.5 % (2019).
PLAN_CSV = """cel strategiczny;cel operacyjny;wskaźnik;rok bazowy;wartość bazowa;rok docelowy;wartość docelowa;kamienie milowe
Rozwój społeczny;Przyrost mieszkańców;population_total;2015;;2030;19000;"2020: 17500; 2025: 18200"
Rozwój społeczny;Rynek pracy;unemployed_share_working_age;2018;;2025;1,5;
Gospodarka;Finanse gminy;Dochody własne na mieszkańca;2015;;2025;3000;
Gospodarka;Infrastruktura;sewerage_pct;2018;;2026;80;
Gospodarka;Infrastruktura;water_supply_pct;2018;90,8;2026;85;
"""


@pytest.fixture
def plan_file(tmp_path):
    p = tmp_path / "strategia_liszki.csv"
    p.write_text(PLAN_CSV, encoding="utf-8")
    return p


def _status(run_cli, plan_id) -> pd.DataFrame:
    res = run_cli("plan", "status", str(plan_id))
    assert res.returncode == 0, res.stderr
    assert res.stdout.splitlines()[0] == HEADER
    return pd.read_csv(io.StringIO(res.stdout), dtype={"latest_year": "Int64"})


def test_real_plan_import_status_list_export_delete(run_cli, plan_file, sqlite_store, tmp_path):
    res = run_cli("plan", "import", str(plan_file), "--teryt", "1206072", "--name", "Strategia Liszki 2030")
    assert res.returncode == 0, res.stderr
    plan_id = int(res.stdout.strip())
    try:
        st = _status(run_cli, plan_id).set_index("indicator")
        pop = st.loc["population_total"]
        assert (pop["baseline"], pop["latest_year"], pop["latest"]) == (16815, 2024, 18754)  # from the mirror
        assert pop["progress"] == pytest.approx((18754 - 16815) / (19000 - 16815), abs=1e-4)
        assert pop["elapsed"] == pytest.approx(9 / 15, abs=1e-4)
        # milestones: planned 2024 = 17 500 + 4/5 x 700 = 18 060 -> expected 0.5698; progress 0.887 -> on track
        assert pop["status"] == "on_track"
        un = st.loc["unemployed_share_working_age"]  # decreasing target
        assert (un["baseline"], un["latest_year"], un["latest"]) == (pytest.approx(2.359688), 2019, 2.1)
        assert un["progress"] == pytest.approx((2.1 - 2.359688) / (1.5 - 2.359688), abs=1e-4)  # 0.3021
        assert un["elapsed"] == pytest.approx(1 / 7, abs=1e-4) and un["status"] == "on_track"
        rev = st.loc["own_revenue_per_capita"]  # 0.52 of the way with 0.4 of the time
        assert rev["latest_year"] == 2019 and rev["status"] == "on_track"
        sew = st.loc["sewerage_pct"]  # +0.5 point of 21 with 1/8 of the time: off track
        assert sew["progress"] == pytest.approx(0.5 / 21, abs=1e-4) and sew["status"] == "off_track"
        water = st.loc["water_supply_pct"]  # target below baseline, no change: progress 0 -> off track
        assert water["progress"] == 0 and water["status"] == "off_track"
        assert st.loc["population_total", "goal"] == "1.1 Przyrost mieszkańców"

        # peer change recomputed from the store: typology group of Liszki, median of relative changes
        units = sqlite_store.units()
        gminy = units.loc[units["level"] == "gmina"]
        pop_all = sqlite_store.values(indicators=["population_total"], level="gmina")
        latest_pop = pop_all.loc[pop_all["year"] == 2024].set_index("unit")["value"]
        group = P.typology_peers(gminy, latest_pop, "1206072")
        assert group.n == 232
        for ind, y0, y1 in (("population_total", 2015, 2024), ("own_revenue_per_capita", 2015, 2019),
                            ("unemployed_share_working_age", 2018, 2019)):
            v = sqlite_store.values(indicators=[ind], level="gmina")
            v = v.loc[v["unit"].isin(group.codes)].pivot_table(index="unit", columns="year", values="value")
            ch = ((v[y1] - v[y0]) / v[y0].abs() * 100).dropna()
            assert st.loc[ind, "peer_change"] == pytest.approx(round(ch.median(), 2), abs=0.006)

        lst = run_cli("plan", "list", "--teryt", "1206072")
        assert lst.returncode == 0
        rows = list(csv.DictReader(io.StringIO(lst.stdout)))
        assert {"id": str(plan_id), "name": "Strategia Liszki 2030", "subject": "1206072", "targets": "5"} in [
            {k: r[k] for k in ("id", "name", "subject", "targets")} for r in rows]
        assert run_cli("plan", "list", "--teryt", "1261011").stdout.count("\n") == 1  # header only

        # export the plan file, import it again: the same targets
        out = tmp_path / "back.xlsx"
        assert run_cli("plan", "export", str(plan_id), str(out)).returncode == 0
        again = run_cli("plan", "import", str(out), "--teryt", "1206072", "--name", "kopia")
        assert again.returncode == 0, again.stderr
        copy_id = int(again.stdout)
        pd.testing.assert_frame_equal(_status(run_cli, copy_id), _status(run_cli, plan_id))
        prog = tmp_path / "postep.csv"
        assert run_cli("plan", "export", str(plan_id), str(prog), "--progress").returncode == 0
        text = prog.read_text(encoding="utf-8-sig")
        assert text.splitlines()[0].startswith("Nr celu;Cel;Wskaźnik;")
        assert "na dobrej drodze" in text and "18754" in text
        assert run_cli("plan", "delete", str(copy_id)).stdout.strip() == f"deleted plan {copy_id}"
    finally:
        run_cli("plan", "delete", str(plan_id))
    assert run_cli("plan", "status", str(plan_id)).returncode == 2


@pytest.mark.parametrize("args, fragment", [
    (("plan", "import", "{file}", "--teryt", "9999999"), "unknown TERYT code"),
    (("plan", "import", "{file}", "--teryt", "1206072", "--area", "1206072,1206032"), "not allowed with"),
    (("plan", "import", "{file}"), "one of the arguments --teryt --area is required"),
    (("plan", "import", "/nonexistent.csv", "--teryt", "1206072"), "no such file"),
    (("plan", "import", "{file}", "--area", "1206072"), "--area needs 2"),
    (("plan", "status", "abc"), "invalid plan id"),
    (("plan", "status", "999999"), "no plan 999999"),
    (("plan", "delete", "999999"), "no plan 999999"),
    (("plan", "export", "1", "x.pdf"), ""),
])
def test_bad_cli_input_one_line_exit_2(run_cli, plan_file, args, fragment):
    res = run_cli(*[a.format(file=plan_file) for a in args])
    assert res.returncode == 2
    assert len(res.stderr.strip().splitlines()) == 1 and res.stdout == ""
    assert fragment in res.stderr


def test_bad_file_nothing_saved_and_row_named(run_cli, tmp_path):
    before = run_cli("plan", "list").stdout
    bad = tmp_path / "zly.csv"
    bad.write_text("cel strategiczny;wskaźnik;rok bazowy;wartość bazowa;rok docelowy;wartość docelowa\n"
                   "A;population_total;2015;;2030;19000\n"
                   "A;bezrobocie;2018;2;2025;1\n"
                   "A;sewerage_pct;2018;59;2016;80\n", encoding="utf-8")
    res = run_cli("plan", "import", str(bad), "--teryt", "1206072")
    assert res.returncode == 2 and len(res.stderr.strip().splitlines()) == 1
    assert "row 3, column “wskaźnik”: unknown indicator “bezrobocie”" in res.stderr
    assert "row 4, column “rok docelowy”: target year 2016 is not after the baseline year 2018" in res.stderr
    pl = run_cli("plan", "import", str(bad), "--teryt", "1206072", "--lang", "pl")
    assert "wiersz 3, kolumna „wskaźnik”: nieznany wskaźnik „bezrobocie”" in pl.stderr
    assert run_cli("plan", "list").stdout == before


def test_area_plan(run_cli, plan_file):
    res = run_cli("plan", "import", str(plan_file), "--area", "1206072,1206032,1206011", "--name", "Obszar")
    assert res.returncode == 0, res.stderr
    pid = int(res.stdout)
    try:
        st = _status(run_cli, pid).set_index("indicator")
        # the area's population is the members' sum (as /obszary computes it)
        pop = next(csv.DictReader(io.StringIO(run_cli("show", "--area", "1206072,1206032,1206011", "--indicator",
                                                      "population_total", "--year", "2015").stdout)))
        assert st.loc["population_total", "baseline"] == float(pop["value"])
        assert st.loc["population_total", "status"] in ("on_track", "at_risk", "off_track", "achieved")
        assert st["peer_change"].notna().all()  # powiaty of similar size
    finally:
        run_cli("plan", "delete", str(pid))
