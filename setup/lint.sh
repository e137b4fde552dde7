#!/usr/bin/env bash
# ruff and pylint-odoo through pre-commit, from a tools venv in the cache (not Odoo's venv).
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
tools=$MS_CACHE/tools-venv
[ -x "$tools/bin/pre-commit" ] || { "$MS_PYTHON" -m venv "$tools" && "$tools/bin/pip" -q install pre-commit==4.7.0; }
cd "$MS_REPO"
exec "$tools/bin/pre-commit" run --all-files "$@"
