#!/usr/bin/env bash
# Update the Indonesian catalogue after changing strings people read, then compile it:
#   1. extract every msgid (templates, web/*.py, and the library's Message(...) / N_(...) texts);
#   2. merge them into web/translations/id/LC_MESSAGES/messages.po (new ones come in untranslated);
#   3. translate the new entries in messages.po (tests/test_i18n.py lists any left), then run this again
#      to compile messages.mo, which is committed so that an installed wheel needs no build step.
set -euo pipefail
cd "$(dirname "$0")/.."
pybabel=.venv/bin/pybabel
pot=$(mktemp --suffix=.pot)
trap 'rm -f "$pot"' EXIT
"$pybabel" extract -F web/babel.cfg -k Message -k N_ --no-location --sort-output -o "$pot" . >/dev/null 2>&1
"$pybabel" update --no-fuzzy-matching --ignore-obsolete -i "$pot" -d web/translations -D messages -l id
"$pybabel" compile --statistics -d web/translations -D messages
