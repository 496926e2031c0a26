"""Every user-facing string comes from the message catalogue: no literal text passed to Streamlit
display calls in pages/ or components/ (a literal would not switch language)."""
import ast

import pytest

from tests.astutil import parse as parse_source
from tests.conftest import ROOT

DISPLAY = {"title", "header", "subheader", "markdown", "write", "caption", "text", "info", "warning", "error",
           "success", "metric", "button", "selectbox", "multiselect", "radio", "checkbox", "toggle", "slider",
           "select_slider", "text_input", "number_input", "file_uploader", "download_button", "expander",
           "tabs", "page_link", "link_button", "form_submit_button", "segmented_control", "pills", "toast",
           "popover", "text_area", "date_input", "spinner", "status", "subheader", "divider_label"}
# Literals that are not language: code samples, single symbols.
ALLOWED = {"python cli.py ingest", "", " ", "—", "·", "%", "/", "|"}


def _files():
    return sorted(list((ROOT / "pages").glob("*.py")) + list((ROOT / "components").glob("*.py"))
                  + [ROOT / "app.py"])


def literal_texts(tree: ast.AST):
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        if name not in DISPLAY:
            continue
        args = list(node.args[:1]) + [kw.value for kw in node.keywords if kw.arg in ("label", "help", "placeholder",
                                                                                     "body", "caption")]
        for a in args:
            if isinstance(a, ast.Constant) and isinstance(a.value, str) and a.value.strip() not in ALLOWED \
                    and any(ch.isalpha() for ch in a.value) and not a.value.startswith(("<", "**", ":")):
                yield node.lineno, a.value
            if isinstance(a, ast.JoinedStr):  # f-strings: every literal part must be non-alphabetic
                for part in a.values:
                    if isinstance(part, ast.Constant) and any(ch.isalpha() for ch in part.value):
                        yield node.lineno, part.value


@pytest.mark.parametrize("path", _files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_literal_user_text(path):
    found = list(literal_texts(parse_source(path.read_text(encoding="utf-8"))))
    assert found == [], f"literal UI text in {path.name}: {found[:5]}"
