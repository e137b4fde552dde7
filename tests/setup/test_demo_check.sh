#!/usr/bin/env bash
# run.sh's check of demo data (common.sh's ms_check_demo): Odoo installs a module whose demo data
# fails "without demo data" and goes on; the check turns that into a failure with Odoo's error.
# Runs on a small database holding just the two tables the check reads, as Odoo 19 has them.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
db=ms_setup_demo_check_$$
T_DBS+=("$db")
createdb "$db"
psql -q -d "$db" -c "CREATE TABLE ir_module_module (id serial PRIMARY KEY, name varchar, state varchar, demo boolean);
    CREATE TABLE ir_demo_failure (id serial PRIMARY KEY, module_id integer, error varchar);
    INSERT INTO ir_module_module (name, state, demo) VALUES
        ('base', 'installed', true), ('monthly_settlement', 'installed', true),
        ('monthly_settlement_reports', 'installed', true), ('sale', 'installed', false)"
modules=monthly_settlement,monthly_settlement_reports
log=$T_TMP/check.log

t_check "all demo data loaded: the check passes" t_setup ms_check_demo "$db" "$modules"
psql -q -d "$db" -c "UPDATE ir_module_module SET demo = false WHERE name = 'monthly_settlement';
    INSERT INTO ir_demo_failure (module_id, error) SELECT id, 'Traceback: ValueError: no invoice date'
    FROM ir_module_module WHERE name = 'monthly_settlement'"
if t_setup ms_check_demo "$db" "$modules" 2>"$log"; then t_fail "demo data that failed: the check fails"
else t_pass "demo data that failed: the check fails"; fi
t_check "... naming the module and giving the error" \
    grep -qz "ERROR: demo data failed to load in $db: Odoo installed monthly_settlement without it.*ValueError: no invoice date" "$log"
psql -q -d "$db" -c "DELETE FROM ir_demo_failure"  # transient records, vacuumed by Odoo after a while
if t_setup ms_check_demo "$db" "$modules" 2>"$log"; then t_fail "the failure record vacuumed: the check still fails"
else t_check "the failure record vacuumed: the check still fails" grep -q "Odoo installed monthly_settlement without it" "$log"; fi
psql -q -d "$db" -c "UPDATE ir_module_module SET demo = true; INSERT INTO ir_demo_failure (module_id, error)
    SELECT id, 'KeyError' FROM ir_module_module WHERE name = 'monthly_settlement_reports'"
if t_setup ms_check_demo "$db" "$modules" 2>"$log"; then t_fail "a failure record alone: the check fails"
else t_check "a failure record alone: the check fails" grep -q "monthly_settlement_reports: KeyError" "$log"; fi

if MS_CACHE=$T_TMP/unused bash "$T_REPO/setup/run.sh" --serve-please 2>"$log"; then t_fail "run.sh refuses an unknown argument"
else t_check "run.sh refuses an unknown argument, before any set-up" grep -q "unknown argument --serve-please" "$log"; fi
t_check "... and touched no cache" test ! -e "$T_TMP/unused"
t_done
