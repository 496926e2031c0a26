"""``ast.parse`` for the tests that read the project's source.

CPython 3.11's AST constructor keeps a recursion-depth counter in interpreter state; an error path
that forgets to restore it (python/cpython gh-106905, fixed in later versions) makes a later
``ast.parse`` in the same process fail with "SystemError: AST constructor recursion depth mismatch"
although the source is fine. It happened once in CI (``test_entry_points_respect_layers[cli.py]``,
2,179 other tests passed). Then the file is parsed again in a fresh interpreter, whose state is
clean; a real syntax error still fails there.
"""
from __future__ import annotations

import ast
import pickle
import subprocess
import sys

_CHILD = "import ast, pickle, sys; sys.stdout.buffer.write(pickle.dumps(ast.parse(sys.stdin.read(), sys.argv[1])))"


def parse(source: str, filename: str = "<unknown>") -> ast.Module:
    try:
        return ast.parse(source, filename=filename)
    except SystemError as exc:
        if "recursion depth mismatch" not in str(exc):
            raise
        res = subprocess.run([sys.executable, "-c", _CHILD, filename], input=source.encode("utf-8"),
                             capture_output=True, check=True, timeout=60)
        return pickle.loads(res.stdout)
