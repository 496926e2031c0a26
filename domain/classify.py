"""Map classification and class colours (pure: numpy + mapclassify, no UI).

Methods (URL ``cls``): ``quantiles`` (default), ``fisher_jenks`` (natural breaks), ``equal_interval``,
``std_mean`` (classes one standard deviation wide around the mean) and ``user`` (breaks given by the
user). Classes are left-open intervals ``(lower, upper]`` like mapclassify's: a value equal to a
break belongs to the lower class. The first class starts at the minimum.

Quantiles, equal intervals, standard deviations and user breaks come from mapclassify 2.10. Its
Fisher–Jenks is pure Python without numba (≈ 5 s for 2,477 gminy), so natural breaks are computed
here by the same exact dynamic programme over the distinct values (weighted by their counts) in
numpy; the tests check that both give the same breaks on real data.
"""
from __future__ import annotations

import math
import re
import warnings
from dataclasses import dataclass

import mapclassify
import numpy as np

from domain import palettes

METHODS = ("quantiles", "fisher_jenks", "equal_interval", "std_mean", "user")
DEFAULT_METHOD = "quantiles"
DEFAULT_K = 5
MIN_K, MAX_K = 3, 9
MAX_USER_BREAKS = MAX_K - 1


class ClassifyError(ValueError):
    """Bad classification input (reason code in ``args[0]``: no_values, bad_breaks, ...)."""


@dataclass(frozen=True)
class Classification:
    method: str
    k_requested: int
    bins: tuple[float, ...]   # upper bound of each class, ascending (len = number of classes)
    lower: tuple[float, ...]  # lower bound of each class (first = minimum of the data)
    counts: tuple[int, ...]   # values per class
    n_missing: int            # values that are NaN (no data)
    classes: np.ndarray       # class index per input value, -1 = no data

    @property
    def k(self) -> int:
        return len(self.bins)

    @property
    def reduced(self) -> bool:
        """Fewer classes than asked for (too few distinct values)."""
        return self.method != "user" and self.k < self.k_requested

    def assign(self, values) -> np.ndarray:
        """Class index of other values under the same breaks (-1 for NaN)."""
        return _assign(np.asarray(values, dtype=float), np.asarray(self.bins))


def std_multiples(k: int) -> list[float]:
    """Breaks in standard deviations from the mean for k classes one standard deviation wide.

    Even k: the mean is a break (k=4: -1, 0, 1). Odd k: a middle class centred on the mean
    (k=3: -0.5, 0.5; k=5: -1.5, -0.5, 0.5, 1.5).
    """
    if k % 2 == 0:
        half = k // 2 - 1
        return [float(j) for j in range(-half, half + 1)]
    half = k // 2
    return [j - 0.5 for j in range(-half + 1, half + 1)]


def _assign(y: np.ndarray, bins: np.ndarray) -> np.ndarray:
    out = np.full(y.shape, -1, dtype=np.int64)
    ok = np.isfinite(y)
    idx = np.searchsorted(bins, y[ok], side="left")
    out[ok] = np.minimum(idx, len(bins) - 1)
    return out


def fisher_jenks_bins(y, k: int) -> np.ndarray:
    """Exact Fisher–Jenks natural breaks: upper bounds of the k classes that minimise the total
    within-class sum of squared deviations (same optimum as ``mapclassify.FisherJenks``).

    Dynamic programme over the sorted distinct values u (weighted by their counts):
    best_m[j] = min over i of best_{m-1}[i-1] + SSD(u[i..j]). The optimal start i of the last class
    never decreases with j (1-D k-means), so each layer is solved by divide and conquer, one
    vectorised round per recursion depth: O(k · n log n) instead of O(k · n²).
    """
    y = np.asarray(y, dtype=float)
    y = y[np.isfinite(y)]
    u, w = np.unique(y, return_counts=True)
    n = len(u)
    if n <= k:
        return u.copy()
    # Standardise before the prefix sums so large values (zł, persons) keep their precision.
    scale = u.std() or 1.0
    z = (u - u.mean()) / scale
    cw = np.concatenate([[0.0], np.cumsum(w)])
    c1 = np.concatenate([[0.0], np.cumsum(w * z)])
    c2 = np.concatenate([[0.0], np.cumsum(w * z * z)])

    def ssd(i, j):  # classes u[i..j], arrays of equal shape
        s1 = c1[j + 1] - c1[i]
        return np.maximum((c2[j + 1] - c2[i]) - s1 * s1 / (cw[j + 1] - cw[i]), 0.0)

    best = ssd(np.zeros(n, dtype=np.int64), np.arange(n))  # one class u[0..j]
    starts = np.zeros((k, n), dtype=np.int64)
    for m in range(1, k):
        prev = np.concatenate([[np.inf], best[:-1]])  # prev[i] = best_{m-1}[i-1]
        new_best = np.full(n, np.inf)
        opt = np.zeros(n, dtype=np.int64)
        # tasks: j in [jlo, jhi], optimal i in [ilo, ihi]
        jlo, jhi = np.array([m]), np.array([n - 1])
        ilo, ihi = np.array([m]), np.array([n - 1])
        while jlo.size:
            mid = (jlo + jhi) // 2
            top = np.minimum(ihi, mid)
            lens = top - ilo + 1
            seg = np.repeat(np.arange(mid.size), lens)
            offs = np.arange(lens.sum()) - np.repeat(np.cumsum(lens) - lens, lens)
            ii = ilo[seg] + offs
            jj = mid[seg]
            f = prev[ii] + ssd(ii, jj)
            seg_start = np.cumsum(lens) - lens
            fmin = np.minimum.reduceat(f, seg_start)
            hit = np.flatnonzero(f <= fmin[seg])
            first = hit[np.unique(seg[hit], return_index=True)[1]]
            arg = ii[first]
            new_best[mid] = f[first]
            opt[mid] = arg
            left = jlo <= mid - 1
            right = mid + 1 <= jhi
            jlo, jhi, ilo, ihi = (np.concatenate([jlo[left], (mid + 1)[right]]),
                                  np.concatenate([(mid - 1)[left], jhi[right]]),
                                  np.concatenate([ilo[left], arg[right]]),
                                  np.concatenate([arg[left], ihi[right]]))
        best = new_best
        starts[m] = opt
    uppers = []
    end = n - 1
    for m in range(k - 1, -1, -1):
        uppers.append(u[end])
        end = starts[m][end] - 1
    return np.array(uppers[::-1])


def parse_breaks(text: str) -> tuple[float, ...]:
    """User breaks from text: ``50; 100; 250,5`` (Polish decimal comma) or ``50,100,250.5`` (URL).

    Returns sorted distinct values; raises ClassifyError("bad_breaks") for anything else or for
    more than 8 breaks.
    """
    s = (text or "").strip()
    if not s or len(s) > 300:
        raise ClassifyError("bad_breaks")
    if ";" in s:
        parts = [p.strip().replace("\u00a0", "").replace(" ", "").replace(",", ".") for p in s.split(";")]
    else:
        parts = [p.strip() for p in re.split(r"[,\s]+", s)]
    parts = [p for p in parts if p]
    try:
        vals = sorted({float(p) for p in parts})
    except ValueError:
        raise ClassifyError("bad_breaks") from None
    if not vals or len(vals) > MAX_USER_BREAKS or not all(math.isfinite(v) for v in vals):
        raise ClassifyError("bad_breaks")
    return tuple(vals)


def format_breaks_for_url(breaks) -> str:
    return ",".join(f"{b:g}" for b in breaks)


def classify(values, *, method: str = DEFAULT_METHOD, k: int = DEFAULT_K,
             breaks=None) -> Classification:
    """Classify values (NaN = no data) into k classes by ``method``.

    ``breaks`` (method ``user``): inner breaks b1 < ... < bm giving m + 1 classes
    (..., b1], (b1, b2], ..., (bm, ...]. Classes may be empty (e.g. a user break beyond the data).
    """
    if method not in METHODS:
        raise ClassifyError("bad_method")
    if method != "user" and not MIN_K <= int(k) <= MAX_K:
        raise ClassifyError("bad_k")
    y_all = np.asarray(values, dtype=float)
    ok = np.isfinite(y_all)
    y = y_all[ok]
    if y.size == 0:
        raise ClassifyError("no_values")
    ymin, ymax = float(y.min()), float(y.max())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if method == "quantiles":
            bins = np.asarray(mapclassify.Quantiles(y, k=k).bins, dtype=float)
        elif method == "equal_interval":
            bins = (np.asarray(mapclassify.EqualInterval(y, k=k).bins, dtype=float)
                    if ymax > ymin else np.array([ymax]))
        elif method == "fisher_jenks":
            bins = fisher_jenks_bins(y, k)
        elif method == "std_mean":
            if y.size < 2 or ymax == ymin:
                bins = np.array([ymax])
            else:
                cuts = mapclassify.StdMean(y, multiples=std_multiples(k)).bins[: k - 1]
                bins = np.append(np.asarray(cuts, dtype=float), max(ymax, float(cuts[-1])))
        else:
            if not breaks:
                raise ClassifyError("bad_breaks")
            inner = np.array(sorted({float(b) for b in breaks}), dtype=float)
            if len(inner) > MAX_USER_BREAKS:
                raise ClassifyError("bad_breaks")
            bins = np.append(inner, max(ymax, float(inner[-1])))
            k = len(bins)
    classes = _assign(y_all, bins)
    counts = np.bincount(classes[classes >= 0], minlength=len(bins))
    lower = [min(ymin, float(bins[0]))] + [float(b) for b in bins[:-1]]
    return Classification(method=method, k_requested=int(k), bins=tuple(float(b) for b in bins),
                          lower=tuple(lower), counts=tuple(int(c) for c in counts),
                          n_missing=int((~ok).sum()), classes=classes)


# -- colours ----------------------------------------------------------------------------------

def _hex_to_rgb(h: str) -> tuple[int, int, int]:
    h = h.lstrip("#")
    return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)


def _interpolate(ramp: list[str], m: int) -> list[str]:
    """m colours evenly along a piecewise-linear RGB ramp (ends included; m <= len(ramp) returns
    picks of the ramp itself)."""
    if m <= 0:
        return []
    if m == 1:
        return [ramp[-1]]
    out = []
    for t in np.linspace(0, len(ramp) - 1, m):
        a = int(math.floor(t))
        b = min(a + 1, len(ramp) - 1)
        f = t - a
        ca, cb = _hex_to_rgb(ramp[a]), _hex_to_rgb(ramp[b])
        rgb = [round(x + (y - x) * f) for x, y in zip(ca, cb)]
        out.append("#{:02x}{:02x}{:02x}".format(*rgb))
    return out


def _side(ramp_from_centre: list[str], m: int) -> list[str]:
    """m shades of one side of a diverging scale, light (next to the centre) to dark."""
    if m <= 0:
        return []
    if m <= len(ramp_from_centre):
        step = len(ramp_from_centre) / m
        return [ramp_from_centre[min(len(ramp_from_centre) - 1, round((i + 1) * step) - 1)] for i in range(m)]
    return _interpolate(ramp_from_centre, m)


def class_colours(c: Classification, *, polarity: str, center: float | None = None,
                  palette: str | None = None) -> list[str]:
    """A colour per class (lowest class first) following the polarity rule of domain.palettes.

    Sequential (no ``center``): light -> dark with rising values; reversed for lower_better so
    darker always means better. Diverging (``center`` set, e.g. 0 for net migration): classes
    entirely below the centre take one side, classes above the other, a class containing the
    centre the light neutral; on each side shades deepen away from the centre and the outermost
    class is the darkest (so both extremes stand out even when quantiles put most classes on one
    side). The "better" side is the cool one (for neutral indicators: values above the centre).
    """
    k = c.k
    if center is None:
        if k >= 3:
            return palettes.class_colours(k, polarity=polarity, name=palette)
        base = palettes.class_colours(3, polarity=polarity, name=palette)
        return [base[1]] if k == 1 else [base[0], base[2]]
    name = palette or palettes.DEFAULT_DIVERGING
    ramp9 = palettes.diverging(9, name)           # warm (bad) ... neutral ... cool (good)
    neutral = ramp9[4]
    warm = ramp9[:4][::-1]                         # light -> dark
    cool = ramp9[5:]                               # light -> dark
    lo, hi = np.asarray(c.lower), np.asarray(c.bins)
    below = [i for i in range(k) if hi[i] <= center and not (i == 0 and lo[i] == hi[i] == center)]
    above = [i for i in range(k) if lo[i] >= center and i not in below]
    low_side, high_side = (warm, cool) if polarity != "lower_better" else (cool, warm)
    out = [neutral] * k
    for shades, idx in ((_side(low_side, len(below)), list(reversed(below))), (_side(high_side, len(above)), above)):
        for d, i in enumerate(idx):  # d = 0 next to the centre; the outermost class is the darkest
            out[i] = shades[d]
    return out


def legend_decimals(c: Classification, decimals: int, max_extra: int = 3) -> int:
    """Decimals for class bounds: the indicator's, or more until distinct bounds look distinct."""
    bounds = sorted(set(c.lower) | set(c.bins))
    for d in range(max(0, decimals), max(0, decimals) + max_extra + 1):
        shown = [round(b, d) for b in bounds]
        if len(set(shown)) == len(bounds):
            return d
    return max(0, decimals) + max_extra
