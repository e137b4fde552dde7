#!/usr/bin/env bash
# The demo: creates (first time) or updates a database with l10n_cn, CNY, our modules and their
# Chinese demo data, then serves Odoo on 127.0.0.1 and prints the URL and the logins.
# First run about a minute or two; later runs update our modules in seconds.
# With --no-serve it only builds or updates the database, and exits 0 when that worked (CI).
# Either way it fails when anything fails, demo data included (Odoo itself only logs a warning).
#
#   MS_DEMO_DB     demo database name (default monthly_settlement_demo)
#   MS_HTTP_PORT   port (default 8069)
#   MS_DEMO_RESET  set to 1 to drop the demo database and build it again (the demo's dates are
#                  relative to the day it was built)
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
SERVE=1
for arg in "$@"; do
    case $arg in
    --no-serve) SERVE= ;;
    *) ms_die "unknown argument $arg (usage: setup/run.sh [--no-serve])" ;;
    esac
done
bash "$MS_REPO/setup/install.sh"
ms_use_odoo

DB=${MS_DEMO_DB:-monthly_settlement_demo}
PORT=${MS_HTTP_PORT:-8069}
ms_write_config "$MS_CONF" "$PORT"
MODULES=$(ms_modules)

# Say it now rather than after building the database: Odoo would only log "Address already in use".
if [ -n "$SERVE" ] && (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then
    ms_die "port $PORT is already in use (another Odoo?): stop it or choose another port, e.g. MS_HTTP_PORT=8070"
fi

installed() {
    [ "$(psql -d "$DB" -tAc "SELECT state FROM ir_module_module WHERE name = 'monthly_settlement'" 2>/dev/null)" = installed ]
}

drop_db() { PGOPTIONS=--client-min-messages=warning dropdb --if-exists "$DB"; }  # no NOTICE when absent

[ "${MS_DEMO_RESET:-}" = 1 ] && drop_db
if installed && [ "$(psql -d "$DB" -tAc "SELECT state FROM ir_module_module WHERE name = 'sale_stock'")" != installed ]; then
    ms_die "$DB was built before the demo had Inventory (its demo company has no warehouse): rebuild it with MS_DEMO_RESET=1 bash setup/run.sh"
fi
if installed; then
    # -u updates the modules the database has; -i installs those added to the repository since.
    ms_log "updating $DB ($MODULES)"
    ms_odoo -c "$MS_CONF" -d "$DB" -i "$MODULES" -u "$MODULES" --stop-after-init --log-level=warn \
        || ms_die "updating $MODULES in $DB failed (Odoo's log above)"
else
    ms_log "creating $DB with demo data (first time, a minute or two)"
    drop_db  # a half-made database from an interrupted first run
    ms_odoo db -c "$MS_CONF" init "$DB" --with-demo --country CN --language zh_CN >"$MS_CACHE/demo-init-$DB.log" 2>&1 \
        || ms_die "creating $DB failed, see $MS_CACHE/demo-init-$DB.log"
    # Inventory before the Chinese demo company exists: Odoo gives a warehouse to the companies
    # created after it, and the demo's sale orders in that company need one.
    ms_odoo -c "$MS_CONF" -d "$DB" -i sale_stock --stop-after-init --log-level=warn \
        || ms_die "installing sale_stock into $DB failed (Odoo's log above)"
    ms_odoo -c "$MS_CONF" -d "$DB" -i "l10n_cn,$MODULES" --stop-after-init --log-level=warn \
        || ms_die "installing $MODULES into $DB failed (Odoo's log above)"
    installed || ms_die "installing $MODULES into $DB failed"
fi
ms_check_demo "$DB" "$MODULES"
if [ -z "$SERVE" ]; then
    ms_log "$DB is ready (--no-serve: not serving it)"
    exit 0
fi

cat >&2 <<BANNER

  monthly_settlement demo: http://127.0.0.1:$PORT/odoo   (database $DB)
  Company 上海明远贸易有限公司 (CNY), 9 monthly customers, statements in every state.

  login      password   role
  admin      admin      administrator, settlement manager (cancels, reopens, sets terms)
  sales      sales      salesperson: generates, prepares and submits statements
  finance    finance    finance reviewer: approves, rejects, sends, records answers
  finance2   finance2   second reviewer (four-eyes: approves what finance prepared)
  auditor    auditor    auditor: reads everything, changes nothing
  customer   customer   portal customer of 华东电子科技有限公司: http://127.0.0.1:$PORT/my

  Month-end jobs run in this server (queue_job's runner, channels in the [queue_job] section of
  $MS_CONF): Invoicing > Customers > Month-End Progress.

  Stop with Ctrl-C.
BANNER
# --load with queue_job starts its job runner (threaded server); -d keeps it on the demo database.
exec "$MS_VENV/bin/python" "$MS_ODOO_DIR/odoo-bin" -c "$MS_CONF" -d "$DB" --db-filter="^$DB\$" \
    --load=base,web,queue_job
