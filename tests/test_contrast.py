"""WCAG 2.x contrast (domain.palettes) with hand-checked values, and every fixed colour pair the
app draws text with: the theme (.streamlit/config.toml over Streamlit's light defaults), the
ranking highlight, chart label colours, labels on class fills and the report deck."""
import tomllib

import pytest

from domain import palettes as P
from domain.palettes import composite, contrast_ratio, parse_colour, text_colour_on
from tests.conftest import ROOT

AA = 4.5
# Streamlit 1.67 light theme defaults as measured in the browser (getComputedStyle: text rgb(47, 45, 43))
STREAMLIT_LIGHT = {"backgroundColor": "#ffffff", "secondaryBackgroundColor": "#f8f8f7", "textColor": "#2f2d2b"}
CAPTION_OPACITY = 0.6  # st.caption: the text colour at 60 % opacity (measured: stCaptionContainer)


@pytest.mark.parametrize("a,b,expected", [
    ("#000000", "#ffffff", 21.0),   # the maximum
    ("#777777", "#ffffff", 4.48),   # the classic "just fails AA" grey
    ("#767676", "#ffffff", 4.54),   # the lightest grey that passes on white
    ("#ffffff", "#ffffff", 1.0),
    ("#0072B2", "#ffffff", 5.19),   # Okabe–Ito blue
    ("#D55E00", "#ffffff", 3.87),   # Okabe–Ito vermillion: not for text
    ("#fff", "#000", 21.0),          # short hex
    ("rgba(0, 0, 0, 0.5)", "#ffffff", 3.95),  # 50 % black on white = #808080
])
def test_contrast_ratio_hand_checked(a, b, expected):
    assert contrast_ratio(a, b) == pytest.approx(expected, abs=0.01)
    assert contrast_ratio(b, a) == pytest.approx(expected, abs=0.01) or parse_colour(a)[3] < 1


def test_parse_and_composite():
    assert parse_colour("#1f4e79") == (31, 78, 121, 1.0)
    assert parse_colour("rgb(49, 51, 63)") == (49, 51, 63, 1.0)
    assert parse_colour("rgba(49, 51, 63, 0.6)") == (49, 51, 63, 0.6)
    assert composite("rgba(0, 0, 0, 0.5)", "#ffffff") == "#808080"
    assert composite("rgba(255,255,255,0.8)", "#081d58") == "#ced2de"  # 0.8·255 + 0.2·(8, 29, 88)
    with pytest.raises(ValueError):
        parse_colour("blue-ish")


def theme() -> dict:
    cfg = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8")).get("theme", {})
    return {**STREAMLIT_LIGHT, **{k: v for k, v in cfg.items() if isinstance(v, str)}}


def pairs() -> list[tuple[str, str, str]]:
    th = theme()
    text, bg, bg2 = th["textColor"], th["backgroundColor"], th["secondaryBackgroundColor"]
    out = [
        ("body text", text, bg), ("sidebar text", text, bg2),
        ("primary button label", "#ffffff", th["primaryColor"]), ("primary colour as text", th["primaryColor"], bg),
        ("link", th.get("linkColor", th["primaryColor"]), bg),
        ("ranking highlight row", text, "#fde2cf"),  # components/map_view._ranking
        ("selected unit label (charts, map histogram)", P.ROLE_TEXT["unit"], "#ffffff"),
        ("chart labels", "#333333", "#ffffff"), ("chart median label", "#444444", "#ffffff"),
        ("chart quadrant labels", "#555555", "#ffffff"), ("plotly default text", "#2a3f5f", "#ffffff"),
        ("deck title/accent", "#0B3D66", "#ffffff"), ("deck muted text", "#595959", "#ffffff"),
        ("deck table header", "#ffffff", "#0B3D66"),
    ]
    r, g, b, _ = parse_colour(text)
    faded = f"rgba({r}, {g}, {b}, {CAPTION_OPACITY})"
    out += [("caption (sources, chart summaries)", faded, bg), ("sidebar caption", faded, bg2)]
    # map annotation: black on 80 % white over the darkest class fill
    for ramp in list(P._SEQUENTIAL.values()) + list(P._DIVERGING.values()):
        for fill in ramp:
            out.append((f"map label box on {fill}", "#000000", composite("rgba(255,255,255,0.8)", fill)))
            out.append((f"class label on {fill}", text_colour_on(fill), fill))
    for c in P.OKABE_ITO:
        out.append((f"bar label on {c}", text_colour_on(c), c))
    return out


@pytest.mark.parametrize("where,fg,bg", pairs(), ids=[p[0] for p in pairs()])
def test_every_text_colour_pair_is_aa(where, fg, bg):
    assert contrast_ratio(fg, bg) >= AA, f"{where}: {fg} on {bg} = {contrast_ratio(fg, bg):.2f}"


def test_role_text_keeps_the_role_hue():
    """The darker vermillion for text is the same hue family (red > green > blue)."""
    r, g, b, _ = parse_colour(P.ROLE_TEXT["unit"])
    assert r > g > b
    assert contrast_ratio(P.ROLE_COLOURS["unit"], "#ffffff") < AA <= contrast_ratio(P.ROLE_TEXT["unit"], "#ffffff")


def test_streamlit_chart_colours_are_okabe_ito():
    """Charts drawn with Streamlit's theme take their categorical colours from the config."""
    cfg = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))["theme"]
    assert [c.upper() for c in cfg["chartCategoricalColors"]] == [c.upper() for c in P.OKABE_ITO]


def test_default_theme_captions_would_fail_aa():
    """Why config.toml sets textColor: Streamlit's default text at caption opacity is below 4.5:1."""
    r, g, b, _ = parse_colour(STREAMLIT_LIGHT["textColor"])
    assert contrast_ratio(f"rgba({r}, {g}, {b}, {CAPTION_OPACITY})", "#ffffff") < AA
