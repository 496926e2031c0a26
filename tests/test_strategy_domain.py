"""The progress rule on hand-made series (domain.strategy): every status, milestones, a decreasing target,
the peers' median change. Pure and fast."""
from __future__ import annotations

import math

import pandas as pd
import pytest

from domain import strategy as S


def target(**kw) -> S.Target:
    base = dict(goal="1", indicator="x", baseline_year=2020, baseline=100.0, target_year=2030, target=200.0)
    base.update(kw)
    return S.Target(**base)


def series(*pairs) -> pd.DataFrame:
    return pd.DataFrame(pairs, columns=["year", "value"])


def test_on_track_straight_line():
    # 2025: elapsed 5/10 = 0.5; latest 150 -> progress 0.5 >= 0.9 * 0.5
    p = S.evaluate(target(), series((2020, 100), (2022, 120), (2025, 150)))
    assert (p.latest_year, p.latest) == (2025, 150)
    assert p.progress == pytest.approx(0.5) and p.elapsed == pytest.approx(0.5)
    assert p.status == "on_track"


def test_on_track_boundary_is_inclusive_and_at_risk_just_below():
    # progress exactly 0.9 * elapsed (0.45) is on track; a hair below is at risk
    assert S.evaluate(target(), series((2025, 145))).status == "on_track"
    assert S.evaluate(target(), series((2025, 144.9))).status == "at_risk"


def test_at_risk_between_half_and_ninety_percent():
    p = S.evaluate(target(), series((2025, 130)))  # progress 0.3, elapsed 0.5: 0.25 <= 0.3 < 0.45
    assert p.status == "at_risk"
    assert p.progress == pytest.approx(0.3)


def test_off_track_below_half_and_the_wrong_way():
    assert S.evaluate(target(), series((2025, 124.9))).status == "off_track"  # 0.249 < 0.25
    assert S.evaluate(target(), series((2025, 125))).status == "at_risk"       # 0.25 is not < 0.25
    wrong = S.evaluate(target(), series((2021, 95)))  # elapsed 0.1, progress -0.05
    assert wrong.status == "off_track" and wrong.progress == pytest.approx(-0.05)


def test_achieved_at_or_beyond_the_target():
    assert S.evaluate(target(), series((2024, 200))).status == "achieved"
    assert S.evaluate(target(), series((2024, 250))).status == "achieved"
    # achieved wins even early (progress 1.0 also exceeds 0.9 x elapsed)
    assert S.evaluate(target(), series((2021, 201))).progress == pytest.approx(1.01)


def test_no_data_when_nothing_after_the_baseline_year():
    p = S.evaluate(target(), series((2018, 90), (2020, 100)))  # the baseline year itself does not count
    assert p.status == "no_data" and p.latest is None and p.progress is None
    assert S.evaluate(target(), series()).status == "no_data"
    # a null value after the baseline is not a value
    assert S.evaluate(target(), series((2022, float("nan")))).status == "no_data"


def test_latest_is_the_latest_year_after_baseline_even_past_the_target_year():
    p = S.evaluate(target(target_year=2024), series((2022, 150), (2026, 160)))
    assert p.latest_year == 2026 and p.elapsed == 1.0  # clipped to [0, 1]
    assert p.progress == pytest.approx(0.6)
    assert p.status == "at_risk"  # 0.5 x 1.0 <= 0.6 < 0.9 x 1.0


def test_decreasing_target_unemployment():
    # unemployment share 8.0 % in 2018, target 5.0 % in 2028
    t = target(baseline_year=2018, baseline=8.0, target_year=2028, target=5.0)
    assert t.direction == -1
    down = S.evaluate(t, series((2019, 7.7), (2020, 6.8)))  # progress 1.2/3 = 0.4, elapsed 0.2
    assert down.status == "on_track" and down.progress == pytest.approx(0.4)
    up = S.evaluate(t, series((2020, 8.5)))  # the wrong way: progress < 0
    assert up.status == "off_track" and up.progress < 0
    assert S.evaluate(t, series((2024, 4.9))).status == "achieved"
    assert S.evaluate(t, series((2024, 5.0))).status == "achieved"
    assert S.evaluate(t, series((2024, 5.1))).status != "achieved"
    # own change is relative to |baseline|: 8.0 -> 6.8 = -15 %
    assert down.own_change == pytest.approx(-15.0)


def test_milestones_replace_the_straight_line():
    # slow start planned: 110 by 2025, then 200 by 2030
    t = target(milestones=(S.Milestone(2025, 110.0),))
    assert S.planned_value(t, 2025) == pytest.approx(110)
    assert S.planned_value(t, 2022) == pytest.approx(104)  # 100 + 2/5 * 10
    assert S.planned_value(t, 2028) == pytest.approx(164)  # 110 + 3/5 * 90
    assert S.planned_value(t, 2035) == pytest.approx(200)  # flat after the target year
    p = S.evaluate(t, series((2025, 112)))
    # straight line: progress 0.12 vs elapsed 0.5 would be off track; the milestone path expects 0.1
    assert p.elapsed == pytest.approx(0.5) and p.expected == pytest.approx(0.1)
    assert p.status == "on_track"
    straight = S.evaluate(target(), series((2025, 112)))
    assert straight.status == "off_track" and straight.expected == straight.elapsed


def test_milestones_ahead_of_the_line_make_it_harder():
    t = target(milestones=(S.Milestone(2022, 180.0),))  # a fast start planned
    p = S.evaluate(t, series((2022, 140)))  # progress 0.4; straight line expects 0.2 -> on track
    assert p.expected == pytest.approx(0.8)
    assert p.status == "at_risk"  # 0.4 is between 0.5*0.8 and 0.9*0.8
    assert S.evaluate(target(), series((2022, 140))).status == "on_track"


def test_milestones_on_a_decreasing_target():
    t = target(baseline=10.0, target=4.0, milestones=(S.Milestone(2024, 9.0), S.Milestone(2027, 6.0)))
    assert S.planned_path(t) == [(2020, 10.0), (2024, 9.0), (2027, 6.0), (2030, 4.0)]
    p = S.evaluate(t, series((2024, 9.2)))  # progress 0.8/6 = 0.133; expected 1/6 = 0.167
    assert p.expected == pytest.approx(1 / 6)
    assert p.status == "at_risk"  # 0.0833 <= 0.133 < 0.15


def test_checks_reject_bad_targets():
    with pytest.raises(S.PlanError) as e:
        S.check_target(target(target_year=2020))
    assert e.value.code == "target_year_not_after_baseline"
    with pytest.raises(S.PlanError) as e:
        S.check_target(target(target_year=2019))
    assert e.value.code == "target_year_not_after_baseline"
    with pytest.raises(S.PlanError) as e:
        S.check_target(target(target=100.0))
    assert e.value.code == "target_equals_baseline"
    with pytest.raises(S.PlanError) as e:
        S.check_target(target(milestones=(S.Milestone(2031, 1.0),)))
    assert e.value.code == "milestone_outside_period"


def test_duplicate_targets_rejected():
    plan = S.Plan("p", "1206072", (S.Goal("1", "a"),), (target(), target(target=300.0)))
    with pytest.raises(S.PlanError) as e:
        S.check_plan(plan)
    assert e.value.code == "duplicate_target"


def test_peer_change_is_the_median_of_relative_changes():
    wide = pd.DataFrame({2020: [100.0, 50.0, 10.0, 0.0, float("nan")], 2025: [110.0, 40.0, 13.0, 5.0, 7.0]},
                        index=list("abcde"))
    # a +10 %, b -20 %, c +30 %; d has 0 in the baseline year, e no baseline value: left out
    change, n = S.peer_change(wide, 2020, 2025)
    assert n == 3 and change == pytest.approx(10.0)
    path = S.peer_path(wide, target())
    assert path["year"].tolist() == [2020, 2025]
    assert path["value"].tolist() == pytest.approx([100.0, 110.0])  # the unit's baseline x (1 + median)
    assert S.peer_change(wide, 2019, 2025) == (None, 0)


def test_evaluate_reports_own_and_peer_change():
    wide = pd.DataFrame({2020: [100.0, 200.0], 2025: [105.0, 220.0]}, index=["a", "b"])
    p = S.evaluate(target(), series((2025, 150)), wide)
    assert p.own_change == pytest.approx(50.0)
    assert p.peer_change == pytest.approx(7.5) and p.peer_n == 2


def test_summary_counts_and_goal_status():
    res = [S.evaluate(target(), series((2025, v))) for v in (150, 130, 110, 210)]
    res.append(S.evaluate(target(), series()))
    counts = S.status_counts(res)
    assert counts == {"achieved": 1, "on_track": 1, "at_risk": 1, "off_track": 1, "no_data": 1}
    assert S.goal_status(res) == "off_track"
    assert S.goal_status([res[-1]]) == "no_data"


def test_document_round_trip_and_budgets():
    plan = S.Plan("Strategia", "1206072", (S.Goal("1", "Gospodarka"), S.Goal("1.1", "Firmy")),
                  (target(goal="1.1", milestones=(S.Milestone(2025, 150.0),)),),
                  (S.Project("Strefa", "1.1", 1_000_000.0, 2024, 2026, "in_progress", "UG"),
                   S.Project("Park", "1", 250_000.0), S.Project("Stare", "1.1", 99.0, status="dropped")))
    S.check_plan(plan)
    back = S.from_document(S.to_document(plan), name=plan.name, subject=plan.subject)
    assert back == plan
    assert S.budget_by_goal(plan) == {"1.1": 1_000_000.0, "1": 1_250_000.0}
    assert plan.period == (2020, 2030)
    assert not math.isnan(S.planned_value(back.targets[0], 2023))


def test_persons_after_a_number_take_the_polish_plural():
    from presentation.strategy_charts import unit_after

    got = {n: unit_after(n, "osoby", "pl") for n in (1, 2, 4, 5, 12, 14, 22, 25, 607, 1173, 16815, 18754, 2.5)}
    assert got == {1: "osoba", 2: "osoby", 4: "osoby", 5: "osób", 12: "osób", 14: "osób", 22: "osoby", 25: "osób",
                   607: "osób", 1173: "osoby", 16815: "osób", 18754: "osoby", 2.5: "osoby"}
    assert unit_after(5, "osoby", "en") == "osoby" and unit_after(5, "zł", "pl") == "zł"
