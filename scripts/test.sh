#!/usr/bin/env bash
# Install Warta with its test dependencies into .venv, make sure Chromium is there for the browser
# tests, and run the whole test suite (slow browser and load tests included).
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e '.[test,eval]'
if ! command -v chromium >/dev/null 2>&1 && [ "$(id -u)" = "0" ]; then
    (apt-get update -qq && apt-get install -y -qq chromium >/dev/null) || echo "could not install chromium; browser tests will be skipped" >&2
fi
# axe-core for the browser tests' accessibility checks (tests/package.json; npm is a Debian package).
if ! command -v npm >/dev/null 2>&1 && [ "$(id -u)" = "0" ]; then
    (apt-get update -qq && apt-get install -y -qq npm >/dev/null) || echo "could not install npm" >&2
fi
(cd tests && npm ci --no-audit --no-fund --silent)
exec .venv/bin/python -m pytest "$@"
