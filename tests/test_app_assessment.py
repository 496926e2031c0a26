"""AppTests of /ocena (the synthetic assessment) against the real store, in Polish and English:
the headline equals `cli.py assess`'s numbers, the charts, the group table, the way to a weak
sub-area's indicator card on /profil, and a functional area."""
import pytest

from domain import assessment as AS
from reports.assessment_context import gather
from reports.source import StoreSource

pytestmark = pytest.mark.slow

_CLEARED = []


@pytest.fixture
def app(app_env, monkeypatch):
    from tests.conftest import make_app

    at = make_app(app_env, monkeypatch, clear_caches=not _CLEARED)
    _CLEARED.append(True)
    return at


def texts(at) -> str:
    parts = [m.value for m in at.markdown] + [h.value for h in at.header] + [t.value for t in at.title]
    parts += [s.value for s in at.subheader] + [c.value for c in at.caption] + [i.value for i in at.info]
    return "\n".join(str(p) for p in parts)


def open_page(app, **query):
    for k, v in query.items():
        app.query_params[k] = v
    app.run()
    app.switch_page("pages/ocena.py").run()
    assert not app.exception, app.exception
    assert not app.error, [e.value for e in app.error]
    return app


@pytest.fixture(scope="module")
def krakow(sqlite_store):
    return gather(StoreSource(sqlite_store), "1261011", None, "pl")


def test_ocena_in_polish_shows_the_cli_numbers(app, krakow):
    at = open_page(app, unit="1261011")
    over = krakow.row("overall")
    m = {x.label: x.value for x in at.metric}
    score = f"{over['score']:.1f}".replace(".", ",")
    assert m["Ocena ogólna (0–100)"] == f"{score} / 100"
    assert m["Miejsce w grupie"] == f"{over['rank']}. na {over['group_size']}"
    assert m["Przedział miejsca (90 %)"] == f"{over['rank_low']}–{over['rank_high']}"
    body = texts(at)
    assert "Ocena syntetyczna" in body and "Wymiary i obszary" in body and "Grupa porównawcza" in body
    assert f"zajmuje {over['rank']}. miejsce w grupie {over['group_size']} gmin" in body
    assert "Podobszary ciągnące w dół" in body
    figs = at.get("plotly_chart")
    assert len(figs) >= 1
    # the group table: the unit + its 33 peers (cities with powiat rights of 100,000 and more)
    table = at.dataframe[0].value
    assert len(table) == 34 and "Kraków" in set(table["Jednostka"])
    assert " / " not in at.title[0].value


def test_ocena_in_english(app, krakow):
    at = open_page(app, unit="1261011", lang="en")
    m = {x.label: x.value for x in at.metric}
    over = krakow.row("overall")
    assert m["Overall score (0–100)"] == f"{over['score']:.1f} / 100"
    assert m["Rank in the group"] == f"{over['rank']} of {over['group_size']}"
    body = texts(at)
    assert "Synthetic assessment" in body and "Dimensions and areas" in body
    assert f"ranks {over['rank']} in a group of {over['group_size']} gminy" in body
    for word in ("Ocena ogólna", "miejsce", "Wymiar gospodarczy"):
        assert word not in body


def test_weak_subarea_leads_to_its_indicator_card_on_the_profile(app, krakow):
    at = open_page(app, unit="1261011")
    up, down = AS.pulls(krakow.result)
    assert down, "Kraków has sub-areas below its group's middle"
    weakest = down[0]
    leaf = krakow.tree.nodes[krakow.tree.nodes[weakest].children[0]]
    button = next(b for b in at.button if b.key == f"assess_down_{leaf.indicator}")
    button.click().run()
    assert not at.exception
    body = texts(at)
    assert f"Wskaźnik z oceny syntetycznej: {leaf.name_pl}" in body


def test_ocena_for_a_functional_area_and_bad_peers(app, app_env, monkeypatch):
    at = open_page(app, area="1206022,1206032,1206042")
    body = texts(at)
    assert "Ocena syntetyczna" in body and "3 gminy" in body
    # fewer than 5 gminy: compared by default with the 10 most similar powiaty (as the profile)
    assert at.dataframe[0].value.shape[0] == 11  # the area + 10 powiaty
    from tests.conftest import make_app

    members = open_page(make_app(app_env, monkeypatch), area="1206022,1206032,1206042", peers="members")
    assert members.dataframe[0].value.shape[0] == 4  # the area + its 3 gminy
    at2 = open_page(app, unit="1261011", peers="knn:k=0")  # out of range: the default group, a notice
    assert "Miejsce w grupie" in {x.label for x in at2.metric}


def test_ocena_without_a_unit_says_what_to_do(app):
    at = open_page(app)
    assert "wybierz gminę" in texts(at)


@pytest.mark.parametrize("lang, title, col", [("pl", "Ocena syntetyczna — metoda", "Dlaczego pominięty"),
                                              ("en", "Synthetic assessment — method", "Why left out")])
def test_method_on_o_danych(app, lang, title, col):
    app.query_params["lang"] = lang
    app.run()
    app.switch_page("pages/o_danych.py").run()
    assert not app.exception
    assert title in [h.value for h in app.header]
    frames = [d.value for d in app.dataframe]
    tree = AS.load_tree()
    assert any(len(f) == len(tree.nodes) for f in frames)  # the tree, one row per node
    left = next(f for f in frames if col in f.columns)
    assert len(left) == len(tree.left_out) and "population_density" in set(left.iloc[:, 1])
