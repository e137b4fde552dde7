#!/usr/bin/env bash
# The demo: creates (first time) or updates a database with l10n_cn, CNY, our modules and their
# Chinese demo data, then serves Odoo on 127.0.0.1 and prints the URL and the logins.
#
#   MS_DEMO_DB     demo database name (default monthly_settlement_demo)
#   MS_HTTP_PORT   port (default 8069)
#   MS_DEMO_RESET  set to 1 to drop the demo database and build it again
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
bash "$MS_REPO/setup/install.sh"

DB=${MS_DEMO_DB:-monthly_settlement_demo}
PORT=${MS_HTTP_PORT:-8069}
ms_write_config "$MS_CONF" "$PORT"
MODULES=$(ms_modules)

installed() {
    [ "$(psql -d "$DB" -tAc "SELECT state FROM ir_module_module WHERE name = 'monthly_settlement'" 2>/dev/null)" = installed ]
}

[ "${MS_DEMO_RESET:-}" = 1 ] && dropdb --if-exists "$DB"
if installed; then
    ms_log "updating $DB ($MODULES)"
    ms_odoo -c "$MS_CONF" -d "$DB" -u "$MODULES" --stop-after-init --log-level=warn
else
    ms_log "creating $DB with demo data (first time, a few minutes)"
    dropdb --if-exists "$DB"  # a half-made database from an interrupted first run
    ms_odoo db -c "$MS_CONF" init "$DB" --with-demo --country CN --language zh_CN >"$MS_CACHE/demo-init.log" 2>&1 \
        || ms_die "creating $DB failed, see $MS_CACHE/demo-init.log"
    ms_odoo -c "$MS_CONF" -d "$DB" -i "l10n_cn,$MODULES" --stop-after-init --log-level=warn
    installed || ms_die "installing $MODULES into $DB failed"
fi

cat >&2 <<BANNER

  monthly_settlement demo: http://127.0.0.1:$PORT/odoo   (database $DB)

  login      password   role
  admin      admin      administrator, settlement manager
  sales      sales      salesperson: prepares and submits statements
  finance    finance    finance reviewer: approves, rejects, sends
  finance2   finance2   second reviewer (four-eyes)
  auditor    auditor    auditor: reads everything, changes nothing
  customer   customer   portal customer of 华东电子科技有限公司: http://127.0.0.1:$PORT/my

  Stop with Ctrl-C.
BANNER
exec "$MS_VENV/bin/python" "$MS_ODOO_DIR/odoo-bin" -c "$MS_CONF" -d "$DB" --db-filter="^$DB\$"
