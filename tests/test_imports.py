"""Leaf modules import light: reading archives must not load the engine or numpy."""
import subprocess
import sys

import pytest


@pytest.mark.parametrize("module", ["search.ingest", "search.ingest.dates", "search.errors"])
def test_leaf_module_does_not_load_whoosh_or_numpy(module):
    code = f"import sys, {module}; print(sorted(m for m in ('whoosh', 'numpy') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_public_names_resolve():
    import search

    for name in search.__all__:
        assert getattr(search, name).__name__ == name
    with pytest.raises(AttributeError):
        search.NoSuchThing  # noqa: B018
