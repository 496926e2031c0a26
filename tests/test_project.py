"""Project-level rules: layers, settings documented, message catalogues complete, no data copied in."""
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.astutil import parse as parse_source
from tests.conftest import ROOT


def test_import_layers_hold():
    exe = Path(sys.executable).with_name("lint-imports")
    res = subprocess.run([str(exe)], cwd=ROOT, capture_output=True, text=True)
    assert res.returncode == 0, res.stdout[-3000:]


def _top_level_imports(path: Path) -> set[str]:
    """Every package a module imports, at any depth of the file (lazy imports in functions too)."""
    import ast

    found = set()
    for node in ast.walk(parse_source(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found


# import-linter takes packages only; the two entry modules get the same layer rule here.
ENTRY_RULES = {
    "app.py": {"forbidden": {"store", "loaders", "sqlalchemy", "reports", "cli"}},  # a router: UI + services
    "cli.py": {"forbidden": {"streamlit", "components", "pages", "services", "app"}},  # no UI, no caches
}


@pytest.mark.parametrize("entry", sorted(ENTRY_RULES))
def test_entry_points_respect_layers(entry):
    imported = _top_level_imports(ROOT / entry)
    assert imported & ENTRY_RULES[entry]["forbidden"] == set()


def test_every_setting_is_documented_in_the_readme():
    from settings import SETTINGS

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    missing = [s.name for s in SETTINGS if f"`{s.name}`" not in readme]
    assert missing == []


def test_readme_test_command_is_what_ci_runs():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "./run.sh test" in readme and ci.rstrip().endswith("./run.sh test")


def test_message_catalogues_have_the_same_keys_and_placeholders():
    from i18n import messages

    pl, en = messages("pl"), messages("en")
    assert sorted(pl) == sorted(en)
    for key in pl:
        assert set(re.findall(r"{(\w+)}", pl[key])) == set(re.findall(r"{(\w+)}", en[key])), key


def test_every_message_key_used_in_code_exists():
    from i18n import messages

    keys = set(messages("pl"))
    used = set()
    for path in list(ROOT.glob("*.py")) + list(ROOT.glob("pages/*.py")) + list(ROOT.glob("components/*.py")) \
            + list(ROOT.glob("presentation/*.py")) + list(ROOT.glob("reports/*.py")):
        used |= set(re.findall(r"""\bt\(\s*["']([a-z_]+\.[a-z0-9_.]+)["']""", path.read_text(encoding="utf-8")))
    assert sorted(used - keys) == []


def test_no_mirror_file_is_committed():
    files = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True).stdout.split()
    big = [f for f in files if (ROOT / f).exists() and (ROOT / f).stat().st_size > 1024 * 1024]
    assert big == []
    assert not [f for f in files if re.search(r"poland\.(municipalities|counties)|dane_koncowe|by_community", f)]


@pytest.mark.parametrize("module", ["domain.teryt", "domain.aggregation", "domain.rollup", "domain.permalink",
                                    "domain.catalogue", "domain.profile", "domain.peers", "domain.narrative",
                                    "presentation.profile_context", "presentation.profile_charts",
                                    "presentation.map_figures", "presentation.map_state", "reports.gather"])
def test_domain_modules_import_without_streamlit(module):
    code = f"import sys, {module}; assert 'streamlit' not in sys.modules"
    assert subprocess.run([sys.executable, "-c", code], cwd=ROOT).returncode == 0


def _registered_pages():
    from presentation.navigation import PAGES

    return [ROOT / p.path for p in PAGES]


def test_every_page_file_is_registered():
    assert sorted(p for p in (ROOT / "pages").glob("*.py") if p.name != "__init__.py") == sorted(_registered_pages())


@pytest.mark.parametrize("page", _registered_pages(), ids=lambda p: p.name)
def test_every_page_guards_deep_links_on_a_fresh_server(page):
    src = page.read_text(encoding="utf-8")
    assert "require_app()" in src.split("\nimport services", 1)[0], "call components.router.require_app() first"


def test_source_parse_survives_the_cpython_ast_depth_bug(monkeypatch):
    """tests.astutil.parse: the CPython 3.11 'recursion depth mismatch' SystemError is retried in a
    fresh interpreter (the same imports come back); any other SystemError is not hidden."""
    import ast

    from tests import astutil

    real = ast.parse

    def broken(source, filename="<unknown>", **kw):
        raise SystemError("AST constructor recursion depth mismatch (before=123, after=173)")
    monkeypatch.setattr(ast, "parse", broken)
    tree = astutil.parse("import streamlit\nfrom domain import teryt\n", "x.py")
    monkeypatch.setattr(ast, "parse", real)
    names = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    assert names == {"streamlit"} and any(isinstance(n, ast.ImportFrom) and n.module == "domain" for n in ast.walk(tree))

    def other(source, filename="<unknown>", **kw):
        raise SystemError("something else")
    monkeypatch.setattr(ast, "parse", other)
    with pytest.raises(SystemError, match="something else"):
        astutil.parse("x = 1\n")
