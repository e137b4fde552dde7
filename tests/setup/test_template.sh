#!/usr/bin/env bash
# common.sh's ms_fresh_db: a template build that failed or was interrupted (leaving
# ms_template_<key>.tmp) is built again by the next run instead of breaking every later run, and
# a failure inside the build stops the calling script with its message.
# Uses the real Odoo tree and venv read-only (MS_SETUP_TEST_ODOO and MS_SETUP_TEST_VENV, default:
# those of the cache the scripts use) with a template of just `base` (~20 s).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
export PYTHONDONTWRITEBYTECODE=1  # nothing written into the real Odoo tree
odoo=${MS_SETUP_TEST_ODOO:-$(readlink -f "$T_USER_CACHE/odoo-current" || true)}
[ -f "$odoo/odoo-bin" ] || odoo=$T_USER_CACHE/odoo  # the former cache layout
venv=${MS_SETUP_TEST_VENV:-$T_USER_CACHE/venv}
if [ ! -f "$odoo/odoo-bin" ] || [ ! -x "$venv/bin/python" ]; then
    t_fail "no Odoo and venv to build a template with: run setup/install.sh first"
    t_done
fi
# The template's name is keyed on the tree's directory name: a directory of links to the real
# tree's files, with a name of its own, gives this run a template no one else uses.
shadow=$T_TMP/ms_setup_odoo_$$
mkdir "$shadow"
ln -s "$odoo"/* "$shadow/"
ln -s "$shadow" "$MS_CACHE/odoo-current"
ln -s "$venv" "$MS_CACHE/venv"
export MS_BASE_MODULES=base
conf=$T_TMP/odoo.conf
t_setup ms_write_config "$conf" 8199
log=$T_TMP/fresh_db.log
db=ms_setup_fresh_$$
template=$(t_setup ms_template_name)
T_DBS+=("$db" "$template" "$template.tmp")

# --- a stale .tmp from an interrupted build ----------------------------------------------------------
createdb "$template.tmp"
# shellcheck disable=SC2016  # $1 is the inner bash's
t_check "the former check (psql -l | grep -w) takes $template.tmp for $template: the bug" \
    bash -c 'psql -lqt | cut -d"|" -f1 | grep -qw "$1"' _ "$template"
t_check "ms_fresh_db with a stale $template.tmp succeeds" t_setup ms_fresh_db "$db" "$conf" 2>"$log"
t_check "... by building the template again" grep -q "building template database $template (base), once" "$log"
t_check "... which now exists" t_db_exists "$template"
t_check "... and the .tmp does not" t_not t_db_exists "$template.tmp"
t_check "... and $db is a copy of it, base installed" \
    test "$(psql -d "$db" -tAc "SELECT state FROM ir_module_module WHERE name = 'base'")" = installed
t_check "a second ms_fresh_db reuses the template" t_setup ms_fresh_db "$db" "$conf" 2>"$log"
t_check "... without building it" test "$(grep -c 'building template' "$log")" = 0

# --- a failure inside the build stops the caller --------------------------------------------------------
# A fake Odoo whose `db init` creates the database and whose module installation fails.
fake=$T_TMP/fake-odoo
mkdir -p "$fake" "$T_TMP/fake-venv/bin"
cat >"$fake/odoo-bin" <<'PY'
import subprocess, sys
if "init" in sys.argv:
    subprocess.run(["createdb", sys.argv[sys.argv.index("init") + 1]], check=True)
    sys.exit(0)
print("fake Odoo: module installation failed", file=sys.stderr)
sys.exit(3)
PY
ln -s "$(command -v python3)" "$T_TMP/fake-venv/bin/python"
export MS_CACHE=$T_TMP/fake-cache
mkdir -p "$MS_CACHE"
ln -s "$fake" "$MS_CACHE/odoo-current"
ln -s "$T_TMP/fake-venv" "$MS_CACHE/venv"
fake_template=$(t_setup ms_template_name)
T_DBS+=("$fake_template.tmp" "$fake_template" "${db}_fake")
if bash -c 'source "$0/setup/common.sh"; ms_fresh_db "$1" "$2"; echo "the script went on"' \
    "$T_REPO" "${db}_fake" "$conf" >"$log" 2>&1; then
    t_fail "a failing template build fails the caller"
else
    t_pass "a failing template build fails the caller"
fi
t_check "... with the error" grep -q "ERROR: installing base into $fake_template.tmp failed" "$log"
t_check "... and stops it" test "$(grep -c 'the script went on' "$log")" = 0
t_check "... leaving no template behind" t_not t_db_exists "$fake_template"
t_done
