"""Append or update messages in both .po catalogues: python -m i18n.tools.add_messages file.yaml

The YAML maps key -> {pl: ..., en: ...}. Existing keys are updated in place; the .po files stay
the source of truth (this is only a convenience for adding many keys at once).
"""
from __future__ import annotations

import sys
from pathlib import Path

import yaml
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

DIR = Path(__file__).resolve().parent.parent / "locales"


def update(new: dict[str, dict[str, str]]) -> None:
    for lang in ("pl", "en"):
        path = DIR / lang / "LC_MESSAGES" / "messages.po"
        if path.exists():
            with path.open("rb") as fh:
                cat = read_po(fh, locale=lang)
        else:
            cat = Catalog(locale=lang, project="Monitor Rozwoju Lokalnego", charset="utf-8")
        for key, texts in new.items():
            if key in cat:
                cat[key].string = texts[lang]
            else:
                cat.add(key, texts[lang])
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as fh:
            write_po(fh, cat, width=0, sort_output=True, omit_header=False)


if __name__ == "__main__":
    update(yaml.safe_load(Path(sys.argv[1]).read_text(encoding="utf-8")))
