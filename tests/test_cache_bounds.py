"""Every Streamlit cache is bounded (issue 9, concurrency): each ``st.cache_data`` /
``st.cache_resource`` declares ``ttl`` or ``max_entries``, so memory cannot grow without limit
with the number of sessions, units or indicators asked for.

Two independent checks: the source of every project module (AST: any call or decorator named
``cache_data``/``cache_resource``, whatever it is imported as), and the live settings of every
cached function found by importing each ``services`` module."""
from __future__ import annotations

import ast
import importlib
import pkgutil

import pytest

from tests.astutil import parse as parse_source
from tests.conftest import ROOT

SKIP_DIRS = {"tests", "bench", ".venv", "test-artifacts", "data", "static"}
CACHE_NAMES = {"cache_data", "cache_resource"}


def project_files():
    for path in sorted(ROOT.rglob("*.py")):
        rel = path.relative_to(ROOT)
        if rel.parts[0] in SKIP_DIRS or any(p.startswith(".") for p in rel.parts):
            continue
        yield path


def cache_calls(tree: ast.AST):
    """(line, name, call) for every ``x.cache_data``/``cache_data`` used as a decorator or called
    with a function (``call`` is None for a bare decorator without arguments)."""
    def name_of(node):
        return node.attr if isinstance(node, ast.Attribute) else getattr(node, "id", None)

    seen = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for d in node.decorator_list:
                target = d.func if isinstance(d, ast.Call) else d
                if name_of(target) in CACHE_NAMES:
                    seen.add(id(d))
                    yield d.lineno, name_of(target), d if isinstance(d, ast.Call) else None
    for node in ast.walk(tree):
        # st.cache_data(fn, ...) used as a function (not "st.cache_data.clear()")
        if isinstance(node, ast.Call) and id(node) not in seen and name_of(node.func) in CACHE_NAMES:
            yield node.lineno, name_of(node.func), node


def unbounded_in_source() -> list[str]:
    bad = []
    for path in project_files():
        tree = parse_source(path.read_text(encoding="utf-8"), filename=str(path))
        for line, name, call in cache_calls(tree):
            kws = {k.arg for k in call.keywords} if call is not None else set()
            if not kws & {"ttl", "max_entries"}:
                bad.append(f"{path.relative_to(ROOT)}:{line} {name} without ttl/max_entries")
    return bad


def test_the_source_scan_finds_the_caches():
    n = sum(1 for p in project_files() for _ in cache_calls(parse_source(p.read_text(encoding="utf-8"))))
    assert n >= 40  # services/* hold ~55 caches


def test_caches_live_only_in_services():
    """Streamlit's guidance: caches in one place. Any cache outside services/ is named here."""
    outside = [f"{p.relative_to(ROOT)}:{line}" for p in project_files() if p.relative_to(ROOT).parts[0] != "services"
               for line, _, _ in cache_calls(parse_source(p.read_text(encoding="utf-8")))]
    assert outside == []


def test_an_unbounded_cache_would_be_caught():
    tree = parse_source("import streamlit as st\n@st.cache_resource(show_spinner=False)\ndef f(): pass\n"
                     "from streamlit import cache_data\n@cache_data\ndef g(): pass\n")
    found = [(name, call is not None and {k.arg for k in call.keywords}) for _, name, call in cache_calls(tree)]
    assert found == [("cache_resource", {"show_spinner"}), ("cache_data", False)]


def test_every_cache_in_the_source_is_bounded():
    assert unbounded_in_source() == []


def services_modules():
    import services

    yield services
    for info in pkgutil.iter_modules(services.__path__):
        yield importlib.import_module(f"services.{info.name}")


def cached_functions():
    from streamlit.runtime.caching.cache_utils import CachedFunc

    for mod in services_modules():
        for name, obj in vars(mod).items():
            if isinstance(obj, CachedFunc) and obj._info.func.__module__ == mod.__name__:  # noqa: SLF001
                yield f"{mod.__name__}.{name}", obj._info  # noqa: SLF001


def test_every_services_cache_has_ttl_or_max_entries_at_run_time():
    found = dict(cached_functions())
    assert len(found) >= 40 and "services.unit_values" in found and "services.store" in found
    bad = sorted(k for k, info in found.items() if info.ttl is None and info.max_entries is None)
    assert bad == []
