#!/usr/bin/env bash
# Run every test, in three parts:
#   1. Odoo tests: a fresh database with our modules, then pytest-odoo with the HTTP server on
#      (HttpCase and browser tests) on the modules and tests/, except tests/demo;
#   2. the set-up scripts' tests (tests/setup/run.sh);
#   3. the demo: a throwaway database built by setup/run.sh --no-serve, exactly as the demo is,
#      then pytest-odoo on tests/demo against it; the database is dropped at the end.
# Fails on any failure, on any skipped test, when a part runs no test, and when Odoo or
# PostgreSQL cannot be found. With arguments, runs only part 1 and passes them to pytest
# (e.g. -k due_date).
#
#   MS_TEST_DB     database name (default monthly_settlement_test_<checkout>), rebuilt every run;
#                  the demo part's is <that>_demo
#   MS_TEST_PORT   HTTP port of the test server (default 8169, so a demo on 8069 may run); the
#                  demo part builds its database with MS_HTTP_PORT set to the next one
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
bash "$MS_REPO/setup/install.sh"
ms_use_odoo

TEST_DB=${MS_TEST_DB:-monthly_settlement_test_$MS_CHECKOUT_ID}
TEST_PORT=${MS_TEST_PORT:-8169}
TEST_CONF=$MS_CACHE/odoo-test-$MS_CHECKOUT_ID.conf
MODULES=$(ms_modules)
ms_write_config "$TEST_CONF" "$TEST_PORT"

ms_section() { printf '\n[monthly_settlement] ===== %s =====\n\n' "$*" >&2; }

# run_pytest REPORT PYTEST_ARGS...: pytest-odoo on TEST_CONF (import odoo from our tree, as the
# config's addons_path). A skipped test proves nothing, and neither does a run of no test.
run_pytest() {
    local report=$1 status
    shift
    set +e
    # The test server (--odoo-http) is a threaded Odoo server: queue_job would start its job
    # runner in it, which would run the jobs of committed data (the demo's, the fixtures that
    # commit) behind the tests' backs. Root capacity 0 keeps it off; the tests that want a job
    # runner start their own servers with their own channels.
    ODOO_QUEUE_JOB_CHANNELS=root:0 \
        ms_python -m pytest -p no:cacheprovider -rs --odoo-config="$TEST_CONF" --odoo-http "$@" 2>&1 | tee "$report"
    status=${PIPESTATUS[0]}
    set -e
    [ "$status" -eq 0 ] || ms_die "tests failed (pytest exit $status)"
    if grep -Eq '^=+ .*[0-9]+ skipped' "$report"; then
        ms_die "tests were skipped: a skipped test proves nothing (see SKIPPED lines above)"
    fi
    grep -Eq '^=+ .*[0-9]+ passed' "$report" || ms_die "no test ran"
}

cd "$MS_REPO"
ms_section "Odoo tests ($MODULES, tests)"
ms_fresh_db "$TEST_DB" "$TEST_CONF"
ms_odoo -c "$TEST_CONF" -d "$TEST_DB" -i "$MODULES" --stop-after-init --log-level=warn \
    || ms_die "installing $MODULES into $TEST_DB failed (Odoo's log above)"
ms_log "running the tests"
run_pytest "$MS_CACHE/pytest-report-$MS_CHECKOUT_ID.txt" --odoo-database="$TEST_DB" \
    ${MODULES//,/ } tests --ignore=tests/demo "$@"
if [ $# -gt 0 ]; then
    ms_log "the tests passed (with arguments: the set-up and demo parts were not run)"
    exit 0
fi

ms_section "set-up script tests (tests/setup)"
MS_SETUP_TEST_ODOO=$MS_ODOO_DIR MS_SETUP_TEST_VENV=$MS_VENV bash "$MS_REPO/tests/setup/run.sh" \
    || ms_die "set-up script tests failed"

ms_section "demo: a database built by setup/run.sh --no-serve, and tests/demo"
DEMO_DB=${TEST_DB}_demo
drop_demo_db() { PGOPTIONS=--client-min-messages=warning dropdb --if-exists --force "$DEMO_DB"; }
trap drop_demo_db EXIT
MS_DEMO_DB=$DEMO_DB MS_DEMO_RESET=1 MS_HTTP_PORT=$((TEST_PORT + 1)) bash "$MS_REPO/setup/run.sh" --no-serve \
    || ms_die "building the demo database $DEMO_DB failed"
[ -n "$(find tests/demo -name 'test_*.py' 2>/dev/null)" ] || ms_die "no test ran: tests/demo holds no test_*.py"
run_pytest "$MS_CACHE/pytest-report-demo-$MS_CHECKOUT_ID.txt" --odoo-database="$DEMO_DB" tests/demo
ms_log "all tests passed"
