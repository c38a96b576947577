"""The package installs what it imports: `pip install -e .` alone must give a working `warta`."""
from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OPTIONAL = {"ir_measures"}  # the `eval` extra; search/evaluate.py says how to install it when missing
OPTIONAL |= {"opensearchpy"}  # the `opensearch` extra; search/opensearch/push.py says how to install it


def _name(requirement: str) -> str:
    return re.split(r"[\s<>=!~;\[(]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def _installable(declared: set[str]) -> set[str]:
    """Return the declared distributions and everything they require (what pip installs)."""
    seen, todo = set(), list(declared)
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        try:
            requires = metadata.requires(name) or []
        except metadata.PackageNotFoundError:
            continue
        todo.extend(_name(r) for r in requires if "extra ==" not in r)
    return seen


def _imported_modules() -> set[str]:
    modules = set()
    for path in [*ROOT.joinpath("search").rglob("*.py"), *ROOT.joinpath("web").rglob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                modules.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules.add(node.module.split(".")[0])
    return modules - set(sys.stdlib_module_names) - {"search", "web", "__future__"} - OPTIONAL


def test_every_imported_library_is_a_declared_dependency():
    project = tomllib.loads(ROOT.joinpath("pyproject.toml").read_text(encoding="utf-8"))["project"]
    installable = _installable({_name(r) for r in project["dependencies"]})
    owners = metadata.packages_distributions()
    missing = {module: owners.get(module, ["?"]) for module in _imported_modules()
               if not any(_name(dist) in installable for dist in owners.get(module, []))}
    assert not missing, f"imported but not installed by `pip install .`: {missing}; add them to pyproject.toml"
