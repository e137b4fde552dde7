#!/usr/bin/env bash
# Benchmarks on a throwaway database (dropped at the end): statement generation against OCA
# partner_statement (tests/benchmarks/bench_generation.py). Arguments go to the script, e.g.
#   bash setup/benchmark.sh --customers 200 --scale 1
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
bash "$MS_REPO/setup/install.sh"

BENCH_DB=${MS_BENCH_DB:-monthly_settlement_bench}
BENCH_CONF=$MS_CACHE/odoo-bench-$MS_CHECKOUT_ID.conf
ms_write_config "$BENCH_CONF" "${MS_BENCH_PORT:-8179}"
trap 'dropdb --if-exists "$BENCH_DB"' EXIT

ms_fresh_db "$BENCH_DB" "$BENCH_CONF"
ms_odoo -c "$BENCH_CONF" -d "$BENCH_DB" -i "monthly_settlement,partner_statement" --stop-after-init --log-level=warn
"$MS_VENV/bin/python" "$MS_REPO/tests/benchmarks/bench_generation.py" -c "$BENCH_CONF" -d "$BENCH_DB" "$@"
