"""Colour-blind-safe palettes and the polarity rule ("better" always reads the same way).

Sequential and diverging ramps are ColorBrewer schemes marked colour-blind safe (Blues, PuBu,
YlGnBu; PuOr, BrBG, RdBu); categorical colours are Okabe–Ito. Colours are hex strings; functions
are pure so maps, charts and exports share them.
"""
from __future__ import annotations

# Okabe & Ito (2008), "Color Universal Design": distinguishable with all common colour-vision deficiencies.
OKABE_ITO = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")

# Roles used across charts, so the selected unit / peers / region / country look the same everywhere.
ROLE_COLOURS = {
    "unit": "#D55E00",      # vermillion: the selected unit
    "peers": "#0072B2",     # blue: the peer group (median line and band)
    "region": "#009E73",    # bluish green: województwo
    "country": "#000000",   # black: Poland
    "other": "#BBBBBB",     # grey: everything else
    "no_data": "#FFFFFF",   # map units without data (drawn with a hatch-like grey outline)
    # map outlines over the class colours (YlGnBu/PuOr fills): the subject is "unit" (vermillion)
    "peer_outline": "#CC79A7",  # reddish purple: the subject's peer group
    "area_outline": "#000000",  # black: a functional area that is not the page's subject
}
# Text in a role's colour (labels and annotations on white): the role hue darkened to >= 4.5:1
# (vermillion #D55E00 itself is only 3.9:1 on white — fine for lines and fills, not for text).
ROLE_TEXT = {"unit": "#B34700"}
NO_DATA_FILL = "#F0F0F0"
NO_DATA_LINE = "#8C8C8C"

# ColorBrewer sequential schemes, 3..9 classes (light -> dark).
_SEQUENTIAL = {
    "Blues": ["#f7fbff", "#deebf7", "#c6dbef", "#9ecae1", "#6baed6", "#4292c6", "#2171b5", "#08519c", "#08306b"],
    "PuBu": ["#fff7fb", "#ece7f2", "#d0d1e6", "#a6bddb", "#74a9cf", "#3690c0", "#0570b0", "#045a8d", "#023858"],
    "YlGnBu": ["#ffffd9", "#edf8b1", "#c7e9b4", "#7fcdbb", "#41b6c4", "#1d91c0", "#225ea8", "#253494", "#081d58"],
}
# ColorBrewer diverging schemes with an odd number of classes have a neutral middle class.
_DIVERGING = {
    "PuOr": ["#7f3b08", "#b35806", "#e08214", "#fdb863", "#fee0b6", "#f7f7f7", "#d8daeb", "#b2abd2", "#8073ac",
             "#542788", "#2d004b"],
    "BrBG": ["#543005", "#8c510a", "#bf812d", "#dfc27d", "#f6e8c3", "#f5f5f5", "#c7eae5", "#80cdc1", "#35978f",
             "#01665e", "#003c30"],
    "RdBu": ["#67001f", "#b2182b", "#d6604d", "#f4a582", "#fddbc7", "#f7f7f7", "#d1e5f0", "#92c5de", "#4393c3",
             "#2166ac", "#053061"],
}
SEQUENTIAL = tuple(_SEQUENTIAL)
DIVERGING = tuple(_DIVERGING)
DEFAULT_SEQUENTIAL = "YlGnBu"
DEFAULT_DIVERGING = "PuOr"


def _pick(ramp: list[str], k: int) -> list[str]:
    """k colours spread evenly over a ramp (ends included)."""
    if k < 1:
        raise ValueError("k must be >= 1")
    if k == 1:
        return [ramp[len(ramp) // 2]]
    step = (len(ramp) - 1) / (k - 1)
    return [ramp[round(i * step)] for i in range(k)]


# The lightest class of a map must stand apart from the white page: at least this WCAG contrast
# ratio against white (ColorBrewer's first steps are 1.02-1.22:1, "almost white on white").
MIN_FILL_CONTRAST = 1.3


def _mix(a: str, b: str, f: float) -> str:
    """The sRGB colour a fraction ``f`` of the way from ``a`` to ``b``."""
    ra, rb = parse_colour(a), parse_colour(b)
    return "#" + "".join(f"{round(x + (y - x) * f):02x}" for x, y in zip(ra[:3], rb[:3]))


def _visible_ramp(ramp: list[str]) -> list[str]:
    """The ramp from its first colour with >= MIN_FILL_CONTRAST against white on (light -> dark)."""
    first = next(i for i, c in enumerate(ramp) if contrast_ratio(c, "#ffffff") >= MIN_FILL_CONTRAST)
    return ramp[first:]


def _spread(ramp: list[str], k: int) -> list[str]:
    """k evenly spaced colours along a ramp, ends included: ColorBrewer's own steps where a
    point lands on one, else mixed between the two neighbouring steps (so the hue path and the
    monotone lightness that make the scheme colour-blind safe are kept)."""
    out = []
    for i in range(k):
        x = i * (len(ramp) - 1) / (k - 1)
        j = min(int(x), len(ramp) - 2)
        out.append(_mix(ramp[j], ramp[j + 1], x - j))
    return out


def sequential(k: int, name: str = DEFAULT_SEQUENTIAL) -> list[str]:
    """k classes light -> dark (3 <= k <= 9). The near-white first steps of the ColorBrewer ramp
    are left out, so the lightest class has >= MIN_FILL_CONTRAST against the white map background."""
    if not 3 <= k <= 9:
        raise ValueError("3..9 classes")
    return _spread(_visible_ramp(_SEQUENTIAL[name]), k)


def diverging(k: int, name: str = DEFAULT_DIVERGING) -> list[str]:
    """k classes from one end through a light neutral to the other (3 <= k <= 9)."""
    if not 3 <= k <= 9:
        raise ValueError("3..9 classes")
    ramp = _DIVERGING[name]
    if k % 2:  # odd: keep the neutral centre exactly
        half = _pick(ramp[:6], k // 2 + 1)
        return half + _pick(ramp[5:], k // 2 + 1)[1:]
    return _pick(ramp[:5], k // 2) + _pick(ramp[6:], k // 2)


def class_colours(k: int, *, polarity: str, diverging_scale: bool = False, name: str | None = None) -> list[str]:
    """Colours for classes ordered from LOWEST to HIGHEST value.

    Sequential: darker = "more". For lower_better indicators the ramp is reversed so that
    darker always means "better" (higher_better/neutral: darker = higher). Diverging: the
    "better" end is the blue/green side (PuOr: purple, BrBG: teal, RdBu: blue).
    """
    if diverging_scale:
        cols = diverging(k, name or DEFAULT_DIVERGING)  # index 0 = brown/red side
        # ramps run "bad" (warm) -> "good" (cool); flip when lower values are better
        return cols[::-1] if polarity == "lower_better" else cols
    cols = sequential(k, name or DEFAULT_SEQUENTIAL)
    return cols[::-1] if polarity == "lower_better" else cols


def parse_colour(colour: str) -> tuple[int, int, int, float]:
    """(r, g, b, alpha) of a CSS colour: ``#rgb``, ``#rrggbb``, ``#rrggbbaa``, ``rgb(r, g, b)``,
    ``rgba(r, g, b, a)`` or ``white``/``black``/``transparent``."""
    c = colour.strip().lower()
    named = {"white": "#ffffff", "black": "#000000", "transparent": "rgba(0, 0, 0, 0)"}
    c = named.get(c, c)
    if c.startswith("#"):
        h = c[1:]
        if len(h) in (3, 4):
            h = "".join(ch * 2 for ch in h)
        if len(h) not in (6, 8):
            raise ValueError(f"not a colour: {colour!r}")
        a = int(h[6:8], 16) / 255 if len(h) == 8 else 1.0
        return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16), a
    if c.startswith(("rgb(", "rgba(")) and c.endswith(")"):
        parts = [x.strip() for x in c[c.index("(") + 1:-1].replace("/", ",").split(",") if x.strip()]
        if len(parts) in (3, 4):
            r, g, b = (round(float(x)) for x in parts[:3])
            a = float(parts[3].rstrip("%")) / (100 if parts[3].endswith("%") else 1) if len(parts) == 4 else 1.0
            return r, g, b, a
    raise ValueError(f"not a colour: {colour!r}")


def composite(fg: str, bg: str) -> str:
    """The opaque colour seen when ``fg`` (possibly translucent) is drawn over opaque ``bg``."""
    r, g, b, a = parse_colour(fg)
    br, bgc, bb, _ = parse_colour(bg)
    mix = [round(a * x + (1 - a) * y) for x, y in ((r, br), (g, bgc), (b, bb))]
    return "#" + "".join(f"{v:02x}" for v in mix)


def relative_luminance(colour: str) -> float:
    """WCAG 2.x relative luminance of an (opaque) sRGB colour."""
    r, g, b, _ = parse_colour(colour)
    lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in (r / 255, g / 255, b / 255)]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast_ratio(a: str, b: str) -> float:
    """WCAG 2.x contrast ratio (1..21) of two colours; a translucent ``a`` is first composited on ``b``."""
    if parse_colour(a)[3] < 1:
        a = composite(a, b)
    la, lb = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def needs_outline(fill: str, background: str = "#ffffff") -> bool:
    """True if a fill is too close to the background to be seen without a drawn edge
    (< MIN_FILL_CONTRAST, e.g. a diverging scheme's near-white neutral class)."""
    return contrast_ratio(fill, background) < MIN_FILL_CONTRAST


def text_colour_on(fill: str) -> str:
    """Black or white text, whichever contrasts more with ``fill`` (for labels on classes)."""
    return "#000000" if contrast_ratio(fill, "#000000") >= contrast_ratio(fill, "#FFFFFF") else "#FFFFFF"
