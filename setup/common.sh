# shellcheck shell=bash
# Shared settings for install.sh, run.sh and test.sh. Everything big lives outside the
# repository, under MS_CACHE, so that a fresh clone finds Odoo and the venv again.
set -euo pipefail

MS_REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
MS_CACHE=${MS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/monthly_settlement}
# Each Odoo source is installed once into its own directory, named by its content:
# $MS_CACHE/odoo-src/<id>. The link odoo-current names the one set-up installed last; it moves
# by an atomic rename, and no tree is ever deleted by the scripts, so a server started from a tree
# keeps it. ($MS_CACHE/odoo, a directory in the former layout, is left alone.)
MS_ODOO_SRCS=$MS_CACHE/odoo-src
MS_ODOO_LINK=$MS_CACHE/odoo-current
MS_ODOO_DIR=  # the real tree this script uses, set once by ms_use_odoo
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

# Resolve odoo-current once, to the real tree: configs and odoo-bin use that path, so an Odoo
# started by this script keeps its own tree when set-up moves the link to another source.
ms_use_odoo() {
    [ -z "$MS_ODOO_DIR" ] || return 0
    MS_ODOO_DIR=$(readlink -f "$MS_ODOO_LINK" || true)
    [ -f "$MS_ODOO_DIR/odoo-bin" ] || ms_die "Odoo not found in $MS_ODOO_LINK: run setup/install.sh"
}

# Write an Odoo config from setup/odoo.conf.in: ms_write_config FILE HTTP_PORT
ms_write_config() {
    ms_use_odoo
    mkdir -p "$MS_CACHE/data"
    sed -e "s|@ODOO_DIR@|$MS_ODOO_DIR|g" -e "s|@REPO@|$MS_REPO|g" -e "s|@CACHE@|$MS_CACHE|g" \
        -e "s|@HTTP_PORT@|$2|g" "$MS_REPO/setup/odoo.conf.in" >"$1"
}

# odoo-bin from the cached source, run by the venv's python; callers pass -c CONFIG.
ms_odoo() {
    ms_use_odoo
    "$MS_VENV/bin/python" "$MS_ODOO_DIR/odoo-bin" "$@"
}

# The venv's python with `import odoo` pinned to the same tree (the venv itself follows the link).
ms_python() {
    ms_use_odoo
    PYTHONPATH=$MS_ODOO_DIR${PYTHONPATH:+:$PYTHONPATH} "$MS_VENV/bin/python" "$@"
}

# The modules of this repository, comma-separated (monthly_settlement, monthly_settlement_reports...).
ms_modules() {
    (cd "$MS_REPO" && ls -d monthly_settlement*/__manifest__.py | xargs -n1 dirname | paste -sd, -)
}

# Odoo modules ours stand on, installed once into a template database that test and
# benchmark databases are copied from (the set-up tests use just base).
MS_BASE_MODULES=${MS_BASE_MODULES:-account,portal,sale_management,l10n_cn,sale_stock,queue_job}

# The template's name, keyed on the Odoo tree (its directory is named by the source's content)
# and the module list, so that it is rebuilt when either changes.
ms_template_name() {
    ms_use_odoo
    printf 'ms_template_%s' "$(printf '%s %s' "${MS_ODOO_DIR##*/}" "$MS_BASE_MODULES" | sha256sum | cut -c1-12)"
}

ms_db_exists() {
    [ "$(psql -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$1'")" = 1 ]
}

# ms_fresh_db DB CONFIG: drop DB and copy it from the template (built on first use).
ms_fresh_db() {
    local db=$1 conf=$2 template
    ms_use_odoo
    pg_isready -q || ms_die "PostgreSQL is not accepting connections"
    template=$(ms_template_name)
    # One builder at a time when several checkouts work at once. The lock is taken in this shell,
    # not in a ( ... ) subshell, so that ms_die stops the script; it is released when fd 9 closes.
    exec 9>"$MS_CACHE/template.lock"
    flock 9
    if ! ms_db_exists "$template"; then
        ms_log "building template database $template ($MS_BASE_MODULES), once"
        # The template is built as $template.tmp and renamed when complete: a .tmp found here is
        # what an interrupted or failed build left, and is built again.
        dropdb --if-exists "$template.tmp"
        ms_odoo db -c "$conf" init "$template.tmp" --country CN --language zh_CN >"$MS_CACHE/template.log" 2>&1 \
            || ms_die "creating $template.tmp failed, see $MS_CACHE/template.log"
        ms_odoo -c "$conf" -d "$template.tmp" -i "$MS_BASE_MODULES" --stop-after-init --log-level=warn \
            || ms_die "installing $MS_BASE_MODULES into $template.tmp failed (Odoo's log above)"
        # Odoo ignores an unknown module name with a warning: check that every one is installed.
        [ "$(psql -d "$template.tmp" -tAc "SELECT count(*) FROM ir_module_module
                WHERE state = 'installed' AND name = ANY (string_to_array('$MS_BASE_MODULES', ','))")" \
            = "$(tr , '\n' <<<"$MS_BASE_MODULES" | sort -u | grep -c .)" ] \
            || ms_die "$template.tmp lacks some of $MS_BASE_MODULES after installing them (Odoo's log above)"
        psql -q -d postgres -c "ALTER DATABASE \"$template.tmp\" RENAME TO \"$template\""
    fi
    ms_log "building $db from $template"
    dropdb --if-exists "$db"
    createdb -T "$template" "$db"
    exec 9>&-
}

# ms_check_demo DB MODULES: Odoo installs a module "without demo data" when its demo data fails
# (only a warning in the log, a row in ir_demo_failure, demo = false on the module). A demo
# database must hold our demo records, so that is a failure here, with Odoo's error text.
ms_check_demo() {
    local db=$1 names="string_to_array('$2', ',')" missing errors
    missing=$(psql -d "$db" -tAc "SELECT string_agg(name, ', ' ORDER BY name) FROM ir_module_module
        WHERE name = ANY ($names) AND state = 'installed' AND demo IS NOT TRUE")
    errors=$(psql -d "$db" -tAc "SELECT m.name || ': ' || coalesce(f.error, '') FROM ir_demo_failure f
        JOIN ir_module_module m ON m.id = f.module_id WHERE m.name = ANY ($names) ORDER BY f.id")
    [ -n "$missing$errors" ] || return 0
    [ -n "$errors" ] || errors="(the error is no longer in ir_demo_failure: see the log of the run that built $db)"
    ms_die "demo data failed to load in $db: Odoo installed ${missing:-$2} without it \
(rebuild with MS_DEMO_RESET=1 once fixed):
$errors"
}
