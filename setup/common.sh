# shellcheck shell=bash
# Shared settings for install.sh, run.sh and test.sh. Everything big lives outside the
# repository, under MS_CACHE, so that a fresh clone finds Odoo and the venv again.
set -euo pipefail

MS_REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
MS_CACHE=${MS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/monthly_settlement}
MS_ODOO_DIR=$MS_CACHE/odoo
MS_VENV=$MS_CACHE/venv
MS_PYTHON=${PYTHON:-python3}
# Several checkouts (worktrees) may share the cache: each gets its own config files.
MS_CHECKOUT_ID=$(printf '%s' "$MS_REPO" | sha256sum | cut -c1-8)
MS_CONF=$MS_CACHE/odoo-$MS_CHECKOUT_ID.conf
MS_DEFAULT_ODOO_SRC=https://github.com/odoo/odoo.git
MS_DEFAULT_ODOO_BRANCH=19.0

ms_log() { printf '[monthly_settlement] %s\n' "$*" >&2; }
ms_die() { printf '[monthly_settlement] ERROR: %s\n' "$*" >&2; exit 1; }

# Run a command as root (directly, or through sudo when we are not root).
ms_as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# Run a command as the postgres system user.
ms_as_postgres() {
    if [ "$(id -un)" = postgres ]; then "$@"
    elif [ "$(id -u)" -eq 0 ]; then su postgres -s /bin/sh -c "$(printf '%q ' "$@")"
    else sudo -u postgres "$@"; fi
}

# Write an Odoo config from setup/odoo.conf.in: ms_write_config FILE HTTP_PORT
ms_write_config() {
    mkdir -p "$MS_CACHE/data"
    sed -e "s|@ODOO_DIR@|$MS_ODOO_DIR|g" -e "s|@REPO@|$MS_REPO|g" -e "s|@CACHE@|$MS_CACHE|g" \
        -e "s|@HTTP_PORT@|$2|g" "$MS_REPO/setup/odoo.conf.in" >"$1"
}

# odoo-bin from the cached source, run by the venv's python; callers pass -c CONFIG.
ms_odoo() {
    "$MS_VENV/bin/python" "$MS_ODOO_DIR/odoo-bin" "$@"
}
