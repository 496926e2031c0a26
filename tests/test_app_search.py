"""Issue 18 item 7 (AppTest, real store): pickers accept typed text (searched on the server) and
list a city with powiat rights as its gmina first; its profile switches to the powiat in one click.
Typing + Enter itself is a browser test (tests/e2e/test_search_browser.py)."""
import pytest

from components.sidebar import SEARCH


def url(at) -> dict:
    return {k: (v[0] if isinstance(v, list) else v) for k, v in at.query_params.items()}


def test_pickers_search_on_the_server_and_list_the_city_gmina_first(app):
    app.run()
    assert not app.exception
    box = app.sidebar.selectbox(key="sb_unit")
    assert SEARCH == {"accept_new_options": True, "filter_mode": "prefix"}
    assert box.proto.accept_new_options
    assert "filter_mode: FILTER_MODE_PREFIX" in str(box.proto)
    labels = box.options
    lodz = [lb for lb in labels if lb.startswith("Łódź —")]
    assert "(1061011)" in lodz[0] and "(1061)" in lodz[1]
    start = app.selectbox(key="start_unit")
    assert start.proto.accept_new_options


@pytest.mark.parametrize("lang,label", [("pl", "Pokaż Łódź jako powiat grodzki (1061) →"),
                                        ("en", "Show Łódź as a city county (powiat, 1061) →")])
def test_city_profile_switches_to_its_powiat_and_back(app, lang, label):
    app.query_params["unit"] = "1061011"
    app.query_params["lang"] = lang
    app.switch_page("pages/profil.py").run()
    assert not app.exception
    btn = app.button(key="city_switch")
    assert btn.label == label
    btn.click().run()
    assert url(app)["unit"] == "1061"
    back = app.button(key="city_switch")
    assert "(1061011)" in back.label
    back.click().run()
    assert url(app)["unit"] == "1061011"


def test_area_builder_enter_never_selects_all_matches(app):
    app.switch_page("pages/obszary.py").run()
    assert not app.exception
    ms = app.multiselect(key="ar_members")
    assert ms.proto.select_all == 0 and ms.proto.accept_new_options
