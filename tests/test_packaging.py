"""The package installs what it imports: `pip install -e .` alone must give a working `warta`."""
from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib import metadata
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
OPTIONAL = {"ir_measures"}  # the `eval` extra; search/evaluate.py says how to install it when missing


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


# -- what a wheel install holds and serves ------------------------------------------------------

SHIPPED_FOLDERS = ("web/templates", "web/static", "search/lexicon", "search/samples")


def _shipped_files() -> list[str]:
    """Return every file of the folders that must ship, as paths inside the wheel (search/lexicon/x.txt)."""
    files = []
    for folder in SHIPPED_FOLDERS:
        for path in sorted(ROOT.joinpath(folder).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                files.append(path.relative_to(ROOT).as_posix())
    return files


def test_the_tests_import_the_installed_package():
    """Under scripts/test.sh the package is a wheel install, never this source tree."""
    import json
    import os

    import search
    import web

    # Every installed copy (the tree's own warta.egg-info shows up when the working directory is on sys.path).
    installs = [json.loads(d.read_text("direct_url.json") or "{}") for d in metadata.distributions(name="warta")]
    editable = any(install.get("dir_info", {}).get("editable") for install in installs)
    imported = [Path(module.__file__).resolve() for module in (search, web)]
    from_tree = [path for path in imported if path.parent in (ROOT / "search", ROOT / "web")]
    if os.environ.get("WARTA_TEST_WHEEL") == "1":
        assert not editable, "scripts/test.sh must test a wheel install, not an editable one"
    if editable:
        assert from_tree == imported, imported
    else:
        assert not from_tree, f"imported from the source tree: {from_tree}"
        installed = {str(f) for d in metadata.distributions(name="warta") for f in (d.files or ())}
        assert all(path.relative_to(path.parents[1]).as_posix() in installed for path in imported)


def test_an_installed_package_holds_every_shipped_file():
    """Every template, static file, lexicon and sample of the tree is in the installed package."""
    import search
    import web

    installed_root = Path(search.__file__).resolve().parent.parent
    assert Path(web.__file__).resolve().parent.parent == installed_root
    missing = [name for name in _shipped_files() if not installed_root.joinpath(name).is_file()]
    assert not missing, f"not installed (fix [tool.setuptools.package-data] in pyproject.toml): {missing}"


@pytest.mark.slow
def test_a_wheel_built_from_the_tree_holds_every_shipped_file(tmp_path):
    import subprocess
    import zipfile

    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir", str(tmp_path),
                            str(ROOT)], capture_output=True, text=True, cwd=tmp_path)
    assert built.returncode == 0, built.stderr
    (wheel,) = tmp_path.glob("warta-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    missing = [name for name in _shipped_files() if name not in names]
    assert not missing, f"not in the wheel (fix [tool.setuptools.package-data] in pyproject.toml): {missing}"


def test_the_installed_package_serves_every_static_file_and_template_route(built_index):
    import web
    from web import create_app

    client = create_app({"INDEX": str(built_index), "TESTING": True}).test_client()
    static = Path(web.__file__).resolve().parent / "static"
    for name in [p.name for p in ROOT.joinpath("web", "static").iterdir() if p.is_file()]:
        response = client.get(f"/static/{name}")
        assert response.status_code == 200 and response.data == static.joinpath(name).read_bytes(), name
    routes = ["/", "/search?q=banjir", "/search?q=date:xyz", "/search", "/articles/banjir-bekasi",
              "/articles/banjir-bekasi?q=banjir", "/opensearch.xml", "/api/search?q=banjir", "/api/articles/banjir-bekasi",
              "/api/suggest?q=ban", "/api/stats"]
    for route in routes:
        response = client.get(route)
        assert response.status_code in (200, 400), (route, response.status_code)
    assert client.get("/no-such-page").status_code == 404  # error.html
    templates = {p.name for p in ROOT.joinpath("web", "templates").iterdir()}
    assert templates <= set(create_app({"INDEX": str(built_index)}).jinja_env.list_templates())


def test_tests_import_each_other_as_top_level_modules():
    """Under scripts/test.sh the tree's root is not on sys.path (the installed package must not be
    shadowed by it): tests/ is, so a test imports `conftest` or `test_x`, never `tests.x`."""
    offenders = [f"{path.name}:{number}" for path in sorted(ROOT.joinpath("tests").glob("*.py"))
                 for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                 if re.match(r"\s*(from tests[. ]|import tests\b)", line)]
    assert not offenders, offenders
