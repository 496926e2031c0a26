"""AppTests of the synthetic assessment's scores on /mapa and /porownania (issue 13, item 4) against
the real store, in Polish and English: the numbers are /ocena's (cli.py assess), the score is
marked as derived with the method link, the permalink keeps ``indicator=ocena_*``, and unknown
ids still warn."""
import json

import pytest

from domain import assessment as AS
from i18n import fmt_num
from presentation import assessment_scores as SCORES
from reports import assessment_context as AC
from reports.source import StoreSource
from tests.conftest import texts

pytestmark = pytest.mark.slow

_CLEARED = []
KIETRZ = "1602043"


@pytest.fixture
def app(app_env, monkeypatch):
    from tests.conftest import make_app

    at = make_app(app_env, monkeypatch, clear_caches=not _CLEARED)  # keep the level scores between tests
    _CLEARED.append(True)
    return at


@pytest.fixture(scope="module")
def kietrz(sqlite_store):
    """/ocena's numbers for Kietrz with its default (typology) group — what the map must show."""
    return AC.gather(StoreSource(sqlite_store), KIETRZ, None, "pl", interval=False)


@pytest.fixture(scope="module")
def gminy_scored(sqlite_store):
    tree = AC.tree_for(sqlite_store.indicators())
    inputs, pop, units = AC.read_level(sqlite_store, "gmina", tree)
    return AS.assess_all(tree, inputs, AS.typology_groups(units, pop))


def open_page(app, page, **query):
    for k, v in query.items():
        app.query_params[k] = v
    app.switch_page(page).run()
    assert not app.exception, app.exception
    assert not app.error, [e.value for e in app.error]
    return app


def qp(app) -> dict:
    return {k: (v[0] if isinstance(v, list) else v) for k, v in app.query_params.items()}


def map_spec(app) -> dict:
    specs = [json.loads(c.proto.spec) for c in app.get("plotly_chart")]
    return next(s for s in specs if s["layout"].get("meta", {}).get("indicator"))


def legend_names(spec) -> list[str]:
    return [d["name"] for d in spec["data"] if d.get("showlegend")]


# -- /mapa ------------------------------------------------------------------------------------------
def test_map_of_the_overall_score_in_polish(app, kietrz, gminy_scored):
    at = open_page(app, "pages/mapa.py", indicator="ocena_overall", unit=KIETRZ)
    year = SCORES.score_year(kietrz.result.ref_years)
    over = kietrz.row("overall")
    body = texts(at)
    assert f"Ocena syntetyczna: ocena ogólna — gminy, {year}" in body
    assert qp(at) == {"indicator": "ocena_overall", "year": str(year), "level": "gmina", "unit": KIETRZ}
    # the selected unit: /ocena's score, and its rank in its own group
    score = fmt_num(float(over["score"]), 1, "pl")
    assert f"**Kietrz**: {score} pkt — miejsce" in body
    assert (f"We własnej grupie porównawczej: miejsce **{int(over['rank'])}** z "
            f"{fmt_num(int(over['group_size']), 0, 'pl')} gmin.") in body
    # derived, each gmina against its own group, the method and the unit's /ocena page
    assert "Wartość wyliczona w aplikacji, nie statystyka publiczna" in body
    assert "(/o-danych#ocena)" in body and f"(/ocena?unit={KIETRZ})" in body
    assert "Lata odniesienia wskaźników składowych" in body
    spec = map_spec(app)
    n_scored = int(gminy_scored[("score", "overall")].notna().sum())
    n_none = len(gminy_scored) - n_scored
    names = legend_names(spec)
    classes = [n for n in names if "–" in n and "(" in n and "brak" not in n]
    assert sum(int(n.rsplit("(", 1)[1].rstrip(")").replace("\u00a0", "")) for n in classes) == n_scored
    assert f"brak danych ({n_none})" in names  # Szczawa and Grabówka (2025)
    assert spec["layout"]["legend"]["title"]["text"].startswith("<b>pkt</b>")
    hover = next(d["hovertemplate"] for d in spec["data"] if d.get("legendgroup", "").startswith("class"))
    assert "pkt" in hover and "we własnej grupie: miejsce %{customdata[2]} z %{customdata[3]}" in hover
    # the ranking table: the best gmina first, with the highest score
    table = at.dataframe[0].value
    best = gminy_scored[("score", "overall")].max()
    assert float(table.iloc[0, 2]) == pytest.approx(best)
    # the selector offers the overall score and the three dimensions in their own category
    ind_box = next(s for s in at.selectbox if s.key == "map_indicator")
    assert ind_box.value == "ocena_overall"
    assert [o for o in ind_box.options if o.startswith("Ocena syntetyczna › ")] == [
        "Ocena syntetyczna › Ocena ogólna", "Ocena syntetyczna › Wymiar gospodarczy",
        "Ocena syntetyczna › Wymiar społeczny", "Ocena syntetyczna › Wymiar środowiskowo-przestrzenny"]


def test_map_of_a_dimension_in_english(app, kietrz):
    at = open_page(app, "pages/mapa.py", indicator="ocena_gospodarczy", unit=KIETRZ, lang="en")
    year = SCORES.score_year(kietrz.result.ref_years)
    body = texts(at)
    assert f"Synthetic assessment: economic dimension — gminy (municipalities), {year}" in body
    score = fmt_num(float(kietrz.row("gospodarczy")["score"]), 1, "en")
    assert f"**Kietrz**: {score} points — rank" in body
    assert "Computed by the app, not an official statistic" in body
    assert f"(/ocena?unit={KIETRZ}&lang=en)" in body
    for word in ("wyliczona", "pkt", "miejsce", "Ocena syntetyczna", "wskaźnik"):
        assert word not in body, word


def fresh(app_env, monkeypatch):
    from tests.conftest import make_app

    return make_app(app_env, monkeypatch, clear_caches=False)


def test_map_social_dimension_is_for_gminy_only_and_unknown_scores_warn(app, app_env, monkeypatch):
    at = open_page(app, "pages/mapa.py", indicator="ocena_spoleczny", level="powiat")
    body = texts(at)
    assert "Ocena syntetyczna: wymiar społeczny — gminy" in body
    assert any("Ocena syntetyczna: wymiar społeczny" in i.value and "powiaty" in i.value for i in at.info)
    assert qp(at)["level"] == "gmina" and qp(at)["indicator"] == "ocena_spoleczny"
    # the overall score exists for powiaty (their own typology groups)
    at = open_page(fresh(app_env, monkeypatch), "pages/mapa.py", indicator="ocena_overall", level="powiat")
    assert qp(at)["level"] == "powiat" and "Ocena syntetyczna: ocena ogólna — powiaty" in texts(at)
    # an id with the prefix that is no score is an unknown indicator, as ever
    at = open_page(fresh(app_env, monkeypatch), "pages/mapa.py", indicator="ocena_bogus")
    assert any("Nie ma wskaźnika „ocena\\_bogus”" in w.value for w in at.warning)
    assert qp(at)["indicator"] == "population_density"


def test_other_pages_keep_a_score_in_the_url_without_a_warning(app):
    at = open_page(app, "pages/profil.py", indicator="ocena_overall", unit=KIETRZ)
    assert not at.warning or all("ocena_overall" not in w.value for w in at.warning)
    assert qp(at).get("indicator") == "ocena_overall"


# -- /porownania -----------------------------------------------------------------------------------
@pytest.mark.parametrize("lang", ["pl", "en"])
def test_comparisons_rank_the_score_within_the_group_as_ocena(app, kietrz, lang):
    at = open_page(app, "pages/porownania.py", indicator="ocena_overall", unit=KIETRZ,
                   **({"lang": "en"} if lang == "en" else {}))
    over = kietrz.row("overall")
    body = texts(at)
    box = next(s for s in at.selectbox if s.key == "cmp_indicator")
    assert box.value == "ocena_overall"
    prefix = "Ocena syntetyczna: " if lang == "pl" else "Synthetic assessment: "
    assert sum(o.startswith(prefix) for o in box.options) == 4
    score = fmt_num(float(over["score"]), 1, lang)
    if lang == "pl":
        assert f"{score} pkt" in body and f"{int(over['rank'])}. miejsce na {int(over['group_size'])}" in body
        assert "wyliczone w aplikacji" in body and "(/o-danych#ocena)" in body
        assert "Wartość wyliczona w aplikacji, nie statystyka publiczna" in body
    else:
        assert f"{score} points" in body and "computed by the app" in body and "(/o-danych#ocena)" in body
        for word in ("wyliczone", "pkt", "miejsce", "grupa porównawcza"):
            assert word not in body, word
    assert len(at.get("plotly_chart")) >= 1  # opens on the ranking: one reference year, no time series


def test_comparisons_series_tab_says_one_year_and_quadrant_uses_dynamics(app, app_env, monkeypatch, kietrz):
    at = open_page(app, "pages/porownania.py", indicator="ocena_gospodarczy", unit=KIETRZ, tab="series")
    year = SCORES.score_year(kietrz.result.ref_years)
    assert any(f"jeden rok odniesienia ({year}" in i.value for i in at.info)
    at = open_page(fresh(app_env, monkeypatch), "pages/porownania.py", indicator="ocena_gospodarczy", unit=KIETRZ,
                   tab="quadrant")
    body = texts(at)
    assert "Dynamika = ta sama ocena 0–100" in body
    # the overall score has no dynamics in this group (under 2/3 of the weight): said, with who has
    at = open_page(fresh(app_env, monkeypatch), "pages/porownania.py", indicator="ocena_overall", unit=KIETRZ,
                   tab="quadrant")
    said = any("brak oceny dynamiki w tej grupie" in i.value and "Wymiar gospodarczy" in i.value for i in at.info)
    assert said == bool(kietrz.result.dynamics["overall"].isna().all())
    assert said, "Kietrz's group: 2024 vital statistics and hazards have one year, so no overall dynamics"
    dyn = fmt_num(float(kietrz.row("gospodarczy")["dynamics"]), 1, "pl")
    assert f"dynamika {dyn} pkt" in body


# -- embeds of a score (the "Osadź na stronie" control on both pages) --------------------------------
def test_embeds_of_a_score_say_it_is_derived(app, app_env, monkeypatch, kietrz):
    at = open_page(app, "pages/mapa.py", view="embed", el="map", eh="600", indicator="ocena_overall", unit=KIETRZ)
    body = texts(at)
    assert "Ocena syntetyczna: ocena ogólna — gminy" in body
    assert "ocena syntetyczna wyliczona w aplikacji względem grup porównawczych" in body
    at = open_page(fresh(app_env, monkeypatch), "pages/porownania.py", view="embed", el="chart:ranking:ocena_overall",
                   eh="500", unit=KIETRZ, lang="en")
    body = texts(at)
    assert "synthetic assessment computed by the app" in body and "](/o-danych" not in body
    [spec] = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    labels = [str(y) for d in spec["data"] for y in (d.get("y") or [])]
    assert any(f"{int(kietrz.row('overall')['rank'])}. Kietrz" in y for y in labels)
