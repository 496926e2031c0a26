"""Human-readable labels for units, levels and gmina types, in the interface language."""
from __future__ import annotations

import pandas as pd

from domain.areas import plural_form
from i18n import fmt_num, t


def unit_type_label(row, lang: str) -> str:
    level = row["level"]
    if level == "country":
        return t("unit.country", lang)
    if level == "wojewodztwo":
        return t("unit.wojewodztwo", lang)
    if level == "powiat":
        return t("unit.city_powiat" if row["city_powiat"] else "unit.powiat", lang)
    if row["city_powiat"]:
        return t("unit.city_with_powiat_rights", lang)
    return t(f"gmina_type.{row['gmina_type']}", lang)


def unit_label(row, lang: str, parents: dict[str, str] | None = None) -> str:
    """E.g. "Bolesławiec — gmina wiejska, pow. bolesławiecki (0201022)"."""
    level, name, code = row["level"], row["name"], row["code"]
    if level == "country":
        return t("unit.poland", lang)
    if level == "wojewodztwo":
        return t("unit.label_woj", lang, name=name, code=code)
    if level == "powiat":
        key = "unit.label_city_powiat" if row["city_powiat"] else "unit.label_powiat"
        return t(key, lang, name=name, code=code)
    kind = unit_type_label(row, lang)
    if row["city_powiat"] or not parents:
        return t("unit.label_gmina_city", lang, name=name, kind=kind, code=code)
    return t("unit.label_gmina", lang, name=name, kind=kind, powiat=parents.get(row["parent_code"], ""),
             code=code)


def unit_labels(units: pd.DataFrame, lang: str) -> dict[str, str]:
    """Label for every unit code, for pickers."""
    parents = dict(zip(units.loc[units["level"] == "powiat", "code"],
                       units.loc[units["level"] == "powiat", "name"]))
    return {r["code"]: unit_label(r, lang, parents) for r in units.to_dict("records")}


def picker_order(units: pd.DataFrame) -> list[str]:
    """Country, województwa, then powiaty and gminy alphabetically (Polish collation-ish)."""
    rank = {"country": 0, "wojewodztwo": 1, "powiat": 2, "gmina": 2}
    df = units.assign(_r=units["level"].map(rank), _n=units["name"].str.casefold(),
                      _l=(units["level"] == "powiat").astype(int))
    return df.sort_values(["_r", "_n", "_l", "code"])["code"].tolist()


def short_names(units: pd.DataFrame, lang: str) -> dict[str, str]:
    """Chart-friendly names: the plain name where it is unique among gminy; a repeated gmina name
    gets its powiat ("Osiek (pow. brodnicki)") and, if that is not enough, also its type
    ("Bolesławiec (gmina wiejska, pow. bolesławiecki)"); "pow. X" for land powiaty."""
    powiat_names = dict(zip(units.loc[units["level"] == "powiat", "code"],
                            units.loc[units["level"] == "powiat", "name"]))
    g = units.loc[units["level"] == "gmina"]
    dup_name = set(g.loc[g["name"].duplicated(keep=False), "name"])
    pairs = g["name"] + "|" + g["parent_code"].fillna("")
    dup_pair = set(pairs[pairs.duplicated(keep=False)])
    out = {}
    for r in units.to_dict("records"):
        code, name = r["code"], r["name"]
        if r["level"] == "powiat" and not r["city_powiat"]:
            out[code] = t("profile.short_powiat", lang, name=name)
        elif r["level"] == "gmina" and name in dup_name:
            powiat = powiat_names.get(r["parent_code"], "")
            if f"{name}|{r['parent_code'] or ''}" in dup_pair:
                out[code] = t("profile.short_dup_kind", lang, name=name, kind=unit_type_label(r, lang), powiat=powiat)
            else:
                out[code] = t("profile.short_dup", lang, name=name, powiat=powiat)
        elif r["level"] == "country":
            out[code] = t("unit.poland", lang)
        else:
            out[code] = name
    return out


def gminy_word(n: int, lang: str, *, accusative: bool = False) -> str:
    """"4 gminy", "5 gmin"; ``accusative`` for "rozpoznano 1 gminę"."""
    case = "gminy_acc" if accusative else "gminy"
    return t(f"areas.{case}_{plural_form(n, lang)}", lang, n=fmt_num(n, 0, lang))


# -- sources ---------------------------------------------------------------------------------
def source_lookup(sources: pd.DataFrame, lang: str) -> dict[str, str]:
    """Source id -> "Publisher (vintage)"."""
    col = "publisher_" + lang
    return {r["id"]: f"{r[col]} ({r['vintage']})" for r in sources.to_dict("records")}


def source_label(row, lookup: dict[str, str], lang: str, *, members: str = "") -> str:
    """A value row's source in words: "Publisher (vintage)", saying when the value was computed
    and, for roll-ups and areas, from how many members ("dane z 14 z 15 jednostek"; an area's:
    ``members="gminy"`` -> "dane z 14 z 15 gmin")."""
    base = lookup.get(row["source"], row["source"])
    if row["method"] == "aggregated":
        cov = ""
        of = row.get("of")
        if of == of and of:
            key = "overview.coverage_gminy" if members == "gminy" else "overview.coverage"
            cov = t(key, lang, n=fmt_num(int(row["n"]), 0, lang), of=fmt_num(int(of), 0, lang))
        return t("overview.aggregated", lang, source=base, coverage=cov)
    if row["method"] == "derived":
        return t("overview.derived", lang, source=base)
    return base
