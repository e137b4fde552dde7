#!/usr/bin/env bash
# Run every test: a fresh database with both modules, then pytest-odoo with the HTTP server
# on (HttpCase and browser tests). Fails on any failure, on any skipped test, and when Odoo
# or PostgreSQL cannot be found. Extra arguments go to pytest (e.g. -k due_date).
#
#   MS_TEST_DB     database name (default monthly_settlement_test_<checkout>), rebuilt every run
#   MS_TEST_PORT   HTTP port of the test server (default 8169, so a demo on 8069 may run)
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
bash "$MS_REPO/setup/install.sh"

TEST_DB=${MS_TEST_DB:-monthly_settlement_test_$MS_CHECKOUT_ID}
TEST_CONF=$MS_CACHE/odoo-test-$MS_CHECKOUT_ID.conf
MODULES=monthly_settlement,monthly_settlement_reports,monthly_settlement_sale
# Odoo modules our modules and tests stand on: installed once into a template database.
BASE_MODULES=account,portal,sale_management,l10n_cn
ms_write_config "$TEST_CONF" "${MS_TEST_PORT:-8169}"

[ -f "$MS_ODOO_DIR/odoo-bin" ] || ms_die "Odoo not found in $MS_ODOO_DIR"
pg_isready -q || ms_die "PostgreSQL is not accepting connections"

# The template is keyed on the Odoo source and the module list, so it is rebuilt when either changes.
template=ms_template_$(printf '%s %s' "$(cat "$MS_ODOO_DIR/.monthly_settlement_source")" "$BASE_MODULES" | sha256sum | cut -c1-12)
ms_has_db() { psql -lqt | cut -d'|' -f1 | grep -qw "$1"; }
(
    flock 9  # one builder at a time when several checkouts test at once
    if ! ms_has_db "$template"; then
        ms_log "building template database $template ($BASE_MODULES), once"
        dropdb --if-exists "$template.tmp"
        ms_odoo db -c "$TEST_CONF" init "$template.tmp" --country CN --language zh_CN >"$MS_CACHE/template.log" 2>&1 \
            || ms_die "creating $template.tmp failed, see $MS_CACHE/template.log"
        ms_odoo -c "$TEST_CONF" -d "$template.tmp" -i "$BASE_MODULES" --stop-after-init --log-level=warn
        psql -q -d postgres -c "ALTER DATABASE \"$template.tmp\" RENAME TO \"$template\""
    fi
    ms_log "building $TEST_DB from $template with $MODULES"
    dropdb --if-exists "$TEST_DB"
    createdb -T "$template" "$TEST_DB"
) 9>"$MS_CACHE/template.lock"
ms_odoo -c "$TEST_CONF" -d "$TEST_DB" -i "$MODULES" --stop-after-init --log-level=warn

ms_log "running the tests"
cd "$MS_REPO"
test_paths=()
for path in ${MODULES//,/ } tests; do
    [ -d "$path" ] && test_paths+=("$path")
done
report=$MS_CACHE/pytest-report-$MS_CHECKOUT_ID.txt
set +e
"$MS_VENV/bin/python" -m pytest -p no:cacheprovider -rs \
    --odoo-config="$TEST_CONF" --odoo-database="$TEST_DB" --odoo-http \
    "${test_paths[@]}" "$@" 2>&1 | tee "$report"
status=${PIPESTATUS[0]}
set -e
[ "$status" -eq 0 ] || ms_die "tests failed (pytest exit $status)"
if grep -Eq '^=+ .*[0-9]+ skipped' "$report"; then
    ms_die "tests were skipped: a skipped test proves nothing (see SKIPPED lines above)"
fi
grep -Eq '^=+ .*[0-9]+ passed' "$report" || ms_die "no test ran"
ms_log "all tests passed"
