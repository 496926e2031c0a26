import pytest

from domain.palettes import (OKABE_ITO, class_colours, contrast_ratio, diverging, sequential, text_colour_on)


@pytest.mark.parametrize("k", range(3, 10))
def test_sequential_runs_light_to_dark(k):
    from domain.palettes import relative_luminance as L

    cols = sequential(k)
    assert len(cols) == k == len(set(cols))
    assert all(L(a) > L(b) for a, b in zip(cols, cols[1:]))


@pytest.mark.parametrize("k", [3, 5, 7, 9])
def test_odd_diverging_has_a_neutral_middle(k):
    assert diverging(k)[k // 2] == "#f7f7f7"


@pytest.mark.parametrize("k", range(3, 10))
def test_diverging_sizes(k):
    cols = diverging(k)
    assert len(cols) == k == len(set(cols))


def test_lower_better_reverses_so_darker_means_better():
    assert class_colours(5, polarity="lower_better") == class_colours(5, polarity="higher_better")[::-1]
    assert class_colours(5, polarity="neutral") == class_colours(5, polarity="higher_better")


def test_diverging_polarity():
    hb = class_colours(5, polarity="higher_better", diverging_scale=True)
    assert hb[0] == "#b35806" or hb[0].startswith("#")  # warm (worse) end first for low values
    assert class_colours(5, polarity="lower_better", diverging_scale=True) == hb[::-1]


@pytest.mark.parametrize("a,b,expected", [("#000000", "#FFFFFF", 21.0), ("#FFFFFF", "#FFFFFF", 1.0),
                                          ("#767676", "#FFFFFF", 4.54)])
def test_contrast_ratio_matches_wcag(a, b, expected):
    assert contrast_ratio(a, b) == pytest.approx(expected, abs=0.01)


def test_label_text_contrast_is_aa_on_every_class_colour():
    for k in range(3, 10):
        for c in sequential(k) + diverging(k):
            assert contrast_ratio(c, text_colour_on(c)) >= 4.5, c


def test_okabe_ito_is_eight_distinct_colours():
    assert len(set(OKABE_ITO)) == 8


# -- issue 18 item 4: the lightest map class stands apart from the white page ------------------
@pytest.mark.parametrize("name", ["Blues", "PuBu", "YlGnBu"])
@pytest.mark.parametrize("k", range(3, 10))
def test_lightest_sequential_class_is_visible_on_white(name, k):
    from domain.palettes import MIN_FILL_CONTRAST, relative_luminance as L

    cols = sequential(k, name)
    assert contrast_ratio(cols[0], "#ffffff") >= MIN_FILL_CONTRAST == 1.3
    assert len(set(cols)) == k and all(L(a) > L(b) for a, b in zip(cols, cols[1:]))
    assert cols[-1] == {"Blues": "#08306b", "PuBu": "#023858", "YlGnBu": "#081d58"}[name]  # ColorBrewer's darkest


def test_near_white_fills_need_an_outline():
    from domain.palettes import needs_outline

    assert needs_outline("#f7f7f7") and needs_outline("#ffffd9")  # diverging neutral, YlGnBu's first step
    assert not needs_outline("#c7e9b4") and not needs_outline("#081d58")
