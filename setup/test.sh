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
MODULES=$(ms_modules)
ms_write_config "$TEST_CONF" "${MS_TEST_PORT:-8169}"

ms_fresh_db "$TEST_DB" "$TEST_CONF"
ms_odoo -c "$TEST_CONF" -d "$TEST_DB" -i "$MODULES" --stop-after-init --log-level=warn

ms_log "running the tests"
cd "$MS_REPO"
report=$MS_CACHE/pytest-report-$MS_CHECKOUT_ID.txt
set +e
"$MS_VENV/bin/python" -m pytest -p no:cacheprovider -rs \
    --odoo-config="$TEST_CONF" --odoo-database="$TEST_DB" --odoo-http \
    ${MODULES//,/ } tests "$@" 2>&1 | tee "$report"
status=${PIPESTATUS[0]}
set -e
[ "$status" -eq 0 ] || ms_die "tests failed (pytest exit $status)"
if grep -Eq '^=+ .*[0-9]+ skipped' "$report"; then
    ms_die "tests were skipped: a skipped test proves nothing (see SKIPPED lines above)"
fi
grep -Eq '^=+ .*[0-9]+ passed' "$report" || ms_die "no test ran"
ms_log "all tests passed"
