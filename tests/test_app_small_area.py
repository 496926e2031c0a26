"""Issue 18 item 13 (AppTest, real store): a functional area of fewer than 5 gminy opens with a
usable peer group (kNN powiaty, said so), not "za mało"; 5+ gminy keep their own gminy."""
import pytest

from tests.test_app_profile import texts, url

SMALL = "1206172,1219053,1261011"  # Zielonki, Wieliczka, Kraków
FIVE = "1206113,1206172,1219053,1261011,1206022"  # + Skawina, + Igołomia-Wawrzeńczyce


def open_profile(app, **query):
    for k, v in query.items():
        app.query_params[k] = v
    app.switch_page("pages/profil.py").run()
    assert not app.exception
    assert not app.error, [e.value for e in app.error]
    return app


@pytest.mark.parametrize("lang,note,strengths", [
    ("pl", "Obszar ma 3 gminy — za mało, by porównywać go z jego własnymi gminami (potrzeba co najmniej 5). "
           "Dlatego grupą porównawczą są powiaty najbardziej podobne do obszaru (najbliżsi sąsiedzi, n = 10)",
     "Mocne strony"),
    ("en", "The area has 3 gminy — too few to compare it with its own gminy (at least 5 are needed). So its peer "
           "group is the powiaty most similar to the area (nearest neighbours, n = 10)", "Strengths"),
])
def test_small_area_gets_knn_powiaty_and_strengths(app, lang, note, strengths):
    at = open_profile(app, area=SMALL, lang=lang)
    infos = "\n".join(i.value for i in at.info)
    assert note in infos
    assert at.segmented_control(key="peers_method").value == "knn"
    assert "potrzeba co najmniej" not in texts(at).replace(note, "")  # no "za mało" summary
    assert any(m.value == f"**{strengths}**" for m in at.markdown)
    assert "peers" not in url(at)  # the default for this area is not written


def test_small_area_members_choice_is_kept_in_the_url(app):
    at = open_profile(app, area=SMALL)
    at.segmented_control(key="peers_method").set_value("members").run()
    assert url(at)["peers"] == "members"
    assert at.segmented_control(key="peers_method").value == "members"
    assert "Obszar ma 3 gminy" not in "\n".join(i.value for i in at.info)


def test_five_gminy_area_keeps_its_own_gminy(app):
    at = open_profile(app, area=FIVE)
    assert at.segmented_control(key="peers_method").value == "members"
    assert "Obszar ma" not in "\n".join(i.value for i in at.info)
