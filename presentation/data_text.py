"""Escaping user-supplied text (file cells, names typed by users, API texts) before it reaches
Markdown or HTML: Streamlit renders Markdown, where ``[x](http://...)`` or ``![](...)`` would make a
link or load an image, and ``$`` starts LaTeX."""
from __future__ import annotations

import re

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>$~&])")


def md(text: object) -> str:
    """Text shown literally inside Markdown (every markup character backslash-escaped)."""
    return _MD_SPECIAL.sub(r"\\\1", str(text)).replace("\n", " ")
