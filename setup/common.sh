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

# The modules of this repository, comma-separated (monthly_settlement, monthly_settlement_reports...).
ms_modules() {
    (cd "$MS_REPO" && ls -d monthly_settlement*/__manifest__.py | xargs -n1 dirname | paste -sd, -)
}

# Odoo modules ours stand on, installed once into a template database that test and
# benchmark databases are copied from.
MS_BASE_MODULES=account,portal,sale_management,l10n_cn

# ms_fresh_db DB CONFIG: drop DB and copy it from the template (built on first use, keyed on
# the Odoo source and the module list so that it is rebuilt when either changes).
ms_fresh_db() {
    local db=$1 conf=$2 template
    [ -f "$MS_ODOO_DIR/odoo-bin" ] || ms_die "Odoo not found in $MS_ODOO_DIR: run setup/install.sh"
    pg_isready -q || ms_die "PostgreSQL is not accepting connections"
    template=ms_template_$(printf '%s %s' "$(cat "$MS_ODOO_DIR/.monthly_settlement_source")" "$MS_BASE_MODULES" \
        | sha256sum | cut -c1-12)
    (
        flock 9  # one builder at a time when several checkouts work at once
        if ! psql -lqt | cut -d'|' -f1 | grep -qw "$template"; then
            ms_log "building template database $template ($MS_BASE_MODULES), once"
            dropdb --if-exists "$template.tmp"
            ms_odoo db -c "$conf" init "$template.tmp" --country CN --language zh_CN >"$MS_CACHE/template.log" 2>&1 \
                || ms_die "creating $template.tmp failed, see $MS_CACHE/template.log"
            ms_odoo -c "$conf" -d "$template.tmp" -i "$MS_BASE_MODULES" --stop-after-init --log-level=warn
            psql -q -d postgres -c "ALTER DATABASE \"$template.tmp\" RENAME TO \"$template\""
        fi
        ms_log "building $db from $template"
        dropdb --if-exists "$db"
        createdb -T "$template" "$db"
    ) 9>"$MS_CACHE/template.lock"
}
