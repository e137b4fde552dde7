# shellcheck shell=bash
# Helpers of the set-up script tests (tests/setup/test_*.sh). Each test works in a temporary
# MS_CACHE, never the real one, and drops the databases it creates (all named ms_setup_*, and the
# templates they build, whose names are their own).
set -euo pipefail

T_REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# The cache the scripts would use: only read, for the real Odoo tree and venv of test_template.sh.
# shellcheck disable=SC2034
T_USER_CACHE=${MS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/monthly_settlement}
T_TMP=$(mktemp -d /tmp/ms_setup_test.XXXXXX)
export MS_CACHE=$T_TMP/cache
unset ODOO_SRC ODOO_BRANCH MS_BASE_MODULES MS_DEMO_DB MS_DEMO_RESET
mkdir -p "$MS_CACHE"
T_FAILED=0
T_DBS=()   # databases to drop at the end
T_PIDS=()  # processes to stop at the end

t_cleanup() {
    local pid db
    for pid in "${T_PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    for db in "${T_DBS[@]}"; do PGOPTIONS=--client-min-messages=warning dropdb --if-exists --force "$db" || true; done
    rm -rf "$T_TMP"
}
trap t_cleanup EXIT
# A command failing outside a check stops the test (set -e): say where.
trap 't_fail "unexpected error, line $LINENO of ${BASH_SOURCE[0]##*/}: $BASH_COMMAND"' ERR

t_pass() { printf 'PASS  %s\n' "$*"; }
t_fail() { printf 'FAIL  %s\n' "$*"; T_FAILED=1; }
# t_check DESCRIPTION COMMAND...: PASS when the command succeeds.
t_check() {
    local what=$1
    shift
    if "$@"; then t_pass "$what"; else t_fail "$what"; fi
}
t_not() { ! "$@"; }
# shellcheck disable=SC2053  # t_like STRING GLOB: a glob match, on purpose
t_like() { [[ $1 == $2 ]]; }
# The end of a test file: its exit status says whether every check passed.
t_done() { exit "$T_FAILED"; }

# t_setup FUNCTION ARGS...: call one step of the set-up scripts in a new bash (so that their
# set -e and ms_die behave as in the scripts), with install.sh sourced: it only defines its steps.
t_setup() {
    bash -c 'source "$0/setup/install.sh"; "$@"' "$T_REPO" "$@"
}

t_db_exists() {
    [ "$(psql -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$1'")" = 1 ]
}

# t_fake_odoo DIR [MARK] [REQUIREMENTS]: a tiny "Odoo 19 source" with what install.sh checks
# (odoo-bin, odoo/release.py) and a requirements.txt; MARK makes its content differ.
t_fake_odoo() {
    local dir=$1
    mkdir -p "$dir/odoo" "$dir/addons"
    printf 'import sys\nprint("fake odoo-bin", sys.argv[1:])\n' >"$dir/odoo-bin"
    printf 'version_info = (19, 0, 0, "final", 0)\n' >"$dir/odoo/release.py"
    printf '%s\n' "${2:-a}" >"$dir/odoo/mark.txt"
    printf '%s\n' "${3:-requests}" >"$dir/requirements.txt"
}

# t_fake_tarball FILE [MARK] [REQUIREMENTS]: the same, as a tarball unpacking to odoo-19.0/.
t_fake_tarball() {
    local src
    src=$(mktemp -d "$T_TMP/src.XXXXXX")
    t_fake_odoo "$src/odoo-19.0" "${2:-a}" "${3:-requests}"
    tar -czf "$1" -C "$src" odoo-19.0
}

# t_tree_state DIR: every file's path, size, mtime and content hash, to compare a tree over time.
t_tree_state() {
    (cd "$1" && find . -type f -printf '%P %s %T@\n' | LC_ALL=C sort && find . -type f -print0 \
        | LC_ALL=C sort -z | xargs -0 -r sha256sum)
}

t_link() { readlink "$MS_CACHE/odoo-current"; }
