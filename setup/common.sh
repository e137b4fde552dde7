# shellcheck shell=bash
# Shared settings for install.sh, run.sh and test.sh. Everything big lives outside the
# repository, under MS_CACHE, so that a fresh clone finds Odoo and the venv again.
set -euo pipefail

MS_REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
MS_CACHE=${MS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/monthly_settlement}
MS_ODOO_DIR=$MS_CACHE/odoo
MS_VENV=$MS_CACHE/venv
MS_PYTHON=${PYTHON:-python3}
MS_CONF=$MS_CACHE/odoo.conf
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

# odoo-bin from the cached source, run by the venv's python with our config.
ms_odoo() {
    "$MS_VENV/bin/python" "$MS_ODOO_DIR/odoo-bin" -c "$MS_CONF" "$@"
}
