#!/usr/bin/env bash
# Run the whole test suite (slow browser and load tests included) against Warta as users install it:
# a wheel built from this tree, installed (not editable) into .venv-wheel, with the tests' dependencies.
# .venv keeps the editable install of the README's first command, for development and focused runs
# (.venv/bin/python -m pytest tests/test_x.py). Make sure Chromium is there for the browser tests.
set -euo pipefail
cd "$(dirname "$0")/.."

python3 -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e '.[test,eval,opensearch]'

# The wheel: built from a clean build folder (setuptools keeps files deleted from the tree in build/lib
# and would ship them), installed over whatever the test venv held before.
wheels="$(mktemp -d)"
rm -rf build
.venv/bin/python -m pip wheel --quiet --no-deps --wheel-dir "$wheels" .
rm -rf build
wheel="$(ls "$wheels"/warta-*.whl)"
python3 -m venv .venv-wheel
.venv-wheel/bin/python -m pip install --quiet --upgrade pip
.venv-wheel/bin/python -m pip uninstall --quiet --yes warta >/dev/null 2>&1 || true
.venv-wheel/bin/python -m pip install --quiet --force-reinstall --no-deps "$wheel"
.venv-wheel/bin/python -m pip install --quiet "${wheel}[test,eval,opensearch]"
rm -rf "$wheels"

if ! command -v chromium >/dev/null 2>&1 && [ "$(id -u)" = "0" ]; then
    # Another apt may hold the dpkg lock: wait for it (up to 5 minutes a try), and try three times.
    for attempt in 1 2 3; do
        if apt-get -o DPkg::Lock::Timeout=300 update -qq \
            && apt-get -o DPkg::Lock::Timeout=300 install -y -qq chromium >/dev/null; then
            break
        fi
        echo "installing chromium failed (attempt $attempt of 3)" >&2
        sleep $((attempt * 10))
    done
fi
# axe-core for the browser tests' accessibility checks (tests/package.json; npm is a Debian package).
if ! command -v npm >/dev/null 2>&1 && [ "$(id -u)" = "0" ]; then
    (apt-get update -qq && apt-get install -y -qq npm >/dev/null) || echo "could not install npm" >&2
fi
(cd tests && npm ci --no-audit --no-fund --silent)
if ! command -v chromium >/dev/null 2>&1; then
    if [ "${CI:-}" = "true" ]; then
        echo "chromium is not installed: the browser tests will fail (CI=true)" >&2
    else
        echo "chromium is not installed: the browser tests will be skipped (they fail when CI=true)" >&2
    fi
fi

# PYTHONSAFEPATH: neither pytest nor the servers the tests start (python -m search) may put the
# working directory (this source tree) ahead of the installed package on sys.path.
export PYTHONSAFEPATH=1 WARTA_TEST_WHEEL=1
exec .venv-wheel/bin/python -m pytest "$@"
