#!/usr/bin/env bash
# Benchmarks on a throwaway database (dropped at the end), printing figures:
#   generation  statement generation against OCA partner_statement (tests/benchmarks/bench_generation.py)
#   ledger_matching  a customer ledger matched against a statement (tests/benchmarks/bench_ledger_matching.py)
#   archive     archiving statements and verifying the archive chain (tests/benchmarks/bench_archive.py)
#   reports     statement PDF and XLSX rendering (tests/benchmarks/bench_reports.py); runs the Odoo
#               server of the database meanwhile, since wkhtmltopdf fetches the report CSS from it
#   portal_load the customer portal under load: 20 logged-in portal clients on /my/statements and a
#               500-line statement page, the server in prefork mode (tests/benchmarks/bench_portal_load.py
#               starts and stops it, on free loopback ports)
#   month_end   a whole month-end on OCA queue_job (tests/benchmarks/bench_month_end.py): generate, approve
#               (bulk, in place of the human review), render, send to a local SMTP sink, delivery states;
#               the script starts the servers with the job runner (--load=base,web,queue_job, the
#               channels of setup/odoo.conf.in) behind a load balancer of its own: --servers 1,2 runs a
#               month-end on one server then one on two; --kill render kills a server halfway
# MS_BENCHMARKS picks them (default "generation"); arguments go to the scripts, e.g.
#   bash setup/benchmark.sh --customers 200 --scale 1
#   MS_BENCHMARKS=reports bash setup/benchmark.sh --statements 100
#   MS_BENCHMARKS=archive bash setup/benchmark.sh --scale 0.1 --files xlsx
#   MS_BENCHMARKS=portal_load bash setup/benchmark.sh --seconds 10
#   MS_BENCHMARKS=month_end bash setup/benchmark.sh --customers 1000 --docs 50
#   MS_BENCHMARKS=month_end bash setup/benchmark.sh --customers 500 --servers 1,2,2 --kill render
#   bash setup/benchmark.sh --customers 300 --docs 25 --scale 1 --no-oca --bound
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
bash "$MS_REPO/setup/install.sh"
ms_use_odoo

BENCH_DB=${MS_BENCH_DB:-monthly_settlement_bench}
BENCH_PORT=${MS_BENCH_PORT:-8179}
BENCH_CONF=$MS_CACHE/odoo-bench-$MS_CHECKOUT_ID.conf
ms_write_config "$BENCH_CONF" "$BENCH_PORT"
server_pid=
cleanup() {
    [ -z "$server_pid" ] || kill "$server_pid" 2>/dev/null || true
    wait 2>/dev/null || true
    dropdb --if-exists "$BENCH_DB"
}
trap cleanup EXIT

ms_fresh_db "$BENCH_DB" "$BENCH_CONF"
ms_odoo -c "$BENCH_CONF" -d "$BENCH_DB" -i "$(ms_modules),partner_statement" --stop-after-init --log-level=warn

for benchmark in ${MS_BENCHMARKS:-generation}; do
    case $benchmark in
    generation | ledger_matching | archive | portal_load | month_end) ;;
    reports)
        "$MS_VENV/bin/python" "$MS_ODOO_DIR/odoo-bin" -c "$BENCH_CONF" -d "$BENCH_DB" --db-filter="^$BENCH_DB\$" \
            --log-level=warn --max-cron-threads=0 &
        server_pid=$!
        for _ in $(seq 60); do
            curl -fs -o /dev/null "http://127.0.0.1:$BENCH_PORT/web/login" && break
            sleep 1
        done
        ;;
    *) ms_die "unknown benchmark $benchmark (generation, ledger_matching, archive, reports, portal_load, month_end)" ;;
    esac
    ms_python "$MS_REPO/tests/benchmarks/bench_$benchmark.py" -c "$BENCH_CONF" -d "$BENCH_DB" "$@"
done
