#!/usr/bin/env bash
# install.sh's fetch step (fetch_odoo) on fake Odoo sources in a temporary cache: a source is
# known by its content, whatever the path it is reached by; a new source never touches the tree
# an Odoo is running from; the former cache layout keeps working and is left alone.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$T_TMP"
log=$T_TMP/fetch.log

# --- one tarball through two paths: unpacked once -----------------------------------------------
mkdir -p work elsewhere
t_fake_tarball work/odoo-a.tar.gz a
(cd work && ODOO_SRC=odoo-a.tar.gz t_setup fetch_odoo 2>"$log")
t_check "a tarball is unpacked on first use" grep -q "unpacking Odoo from odoo-a.tar.gz" "$log"
tree_a=$MS_CACHE/$(t_link)
t_check "odoo-current points at odoo-src/tar-<sha256>" \
    test "$(t_link)" = "odoo-src/tar-$(sha256sum <work/odoo-a.tar.gz | cut -c1-16)"
template_a=$(t_setup ms_template_name)
state_a=$(t_tree_state "$tree_a")
inode_a=$(stat -c %i "$tree_a")

cp work/odoo-a.tar.gz elsewhere/copy.tar.gz
ln -s "$T_TMP/work/odoo-a.tar.gz" elsewhere/link.tar.gz
for src in "$T_TMP/work/odoo-a.tar.gz" elsewhere/copy.tar.gz elsewhere/link.tar.gz; do
    ODOO_SRC=$src t_setup fetch_odoo 2>"$log"
    t_check "the same tarball as $src: not unpacked again" \
        test ! -s "$log" -a "$MS_CACHE/$(t_link)" = "$tree_a" -a "$(stat -c %i "$tree_a")" = "$inode_a"
    t_check "the same tarball as $src: same template database name" test "$(t_setup ms_template_name)" = "$template_a"
done
t_check "one tree in the cache" test "$(find "$MS_CACHE/odoo-src" -mindepth 1 -maxdepth 1 -type d | wc -l)" = 1

# --- a new source while an Odoo runs from the current tree ---------------------------------------
t_setup ms_write_config "$T_TMP/before.conf" 8069
# Stands for a server: its working directory and an open file are in the tree.
(cd "$tree_a/odoo" && exec sleep 300 3<"$tree_a/odoo-bin") &
server=$!
T_PIDS+=("$server")
stamp_a=$(t_setup venv_stamp)
t_fake_tarball work/odoo-b.tar.gz b  # same requirements.txt, other content
ODOO_SRC=work/odoo-b.tar.gz t_setup fetch_odoo 2>"$log"
tree_b=$MS_CACHE/$(t_link)
t_check "a new tarball becomes current" test "$tree_b" != "$tree_a" -a "$(cat "$tree_b/odoo/mark.txt")" = b
t_check "the former tree is still there, unchanged" test "$(t_tree_state "$tree_a")" = "$state_a"
t_check "the running process is alive, its cwd in the former tree" \
    test "$(readlink "/proc/$server/cwd")" = "$(readlink -f "$tree_a/odoo")"
t_check "the running process's open file is the former tree's" \
    test "$(readlink "/proc/$server/fd/3")" = "$(readlink -f "$tree_a/odoo-bin")"
t_check "a config written before still names the former tree" grep -q "addons_path = $tree_a/addons," "$T_TMP/before.conf"
t_setup ms_write_config "$T_TMP/after.conf" 8069
t_check "a config written now names the new tree, by its real path" grep -q "addons_path = $tree_b/addons," "$T_TMP/after.conf"
t_check "same requirements: same venv stamp (no new venv)" test "$(t_setup venv_stamp)" = "$stamp_a"
t_check "another source: another template database name" test "$(t_setup ms_template_name)" != "$template_a"
ODOO_SRC=work/odoo-a.tar.gz t_setup fetch_odoo 2>"$log"
t_check "back to the first tarball: its tree is reused, not unpacked" \
    test "$MS_CACHE/$(t_link)" = "$tree_a" -a "$(grep -c unpacking "$log")" = 0
kill "$server"

t_fake_tarball work/odoo-c.tar.gz c "requests
lxml"
ODOO_SRC=work/odoo-c.tar.gz t_setup fetch_odoo 2>/dev/null
t_check "other requirements: other venv stamp" test "$(t_setup venv_stamp)" != "$stamp_a"

# --- leftovers of an interrupted run, bad sources -------------------------------------------------
t_fake_tarball work/odoo-d.tar.gz d
id_d=tar-$(sha256sum <work/odoo-d.tar.gz | cut -c1-16)
mkdir -p "$MS_CACHE/odoo-src/.tmp-$id_d/half" && ln -sfn "odoo-src/gone" "$MS_CACHE/odoo-current.new"
ODOO_SRC=work/odoo-d.tar.gz t_setup fetch_odoo 2>"$log"
t_check "a half-unpacked tree and link left by an interrupted run do not matter" \
    test "$(t_link)" = "odoo-src/$id_d" -a ! -e "$MS_CACHE/odoo-src/.tmp-$id_d" -a ! -e "$MS_CACHE/odoo-src/$id_d/half"
mkdir -p work/odoo18/odoo-18.0/odoo && touch work/odoo18/odoo-18.0/odoo-bin \
    && echo 'version_info = (18, 0, 0, "final", 0)' >work/odoo18/odoo-18.0/odoo/release.py
tar -czf work/odoo-18.tar.gz -C work/odoo18 odoo-18.0
if ODOO_SRC=work/odoo-18.tar.gz t_setup fetch_odoo 2>"$log"; then t_fail "an Odoo 18 tarball is refused"
else t_pass "an Odoo 18 tarball is refused"; fi
t_check "... saying why, and the current tree stays" \
    test "$(grep -c 'is not Odoo 19.0' "$log")" = 1 -a "$(t_link)" = "odoo-src/$id_d"

# --- directories and git ----------------------------------------------------------------------------
t_fake_odoo work/plain p
ODOO_SRC=work/plain t_setup fetch_odoo 2>"$log"
id_plain=$(t_link)
t_check "a plain directory is copied into odoo-src/dir-<content hash>" \
    test "${id_plain#odoo-src/dir-}" != "$id_plain" -a "$(cat "$MS_CACHE/$id_plain/odoo/mark.txt")" = p
cp -r work/plain elsewhere/plain  # other path, other mtimes, same content
ODOO_SRC=elsewhere/plain t_setup fetch_odoo 2>"$log"
t_check "a copy of that directory elsewhere: same tree, not copied again" test "$(t_link)" = "$id_plain" -a ! -s "$log"
echo changed >work/plain/odoo/mark.txt
ODOO_SRC=work/plain t_setup fetch_odoo 2>"$log"
t_check "a changed file: a new tree" test "$(t_link)" != "$id_plain" -a "$(cat "$MS_CACHE/$(t_link)/odoo/mark.txt")" = changed

t_fake_odoo work/checkout g
git -C work/checkout init -q -b 19.0 && git -C work/checkout add -A \
    && git -C work/checkout -c user.name=t -c user.email=t@t commit -qm fake
commit=$(git -C work/checkout rev-parse HEAD)
ODOO_SRC=work/checkout t_setup fetch_odoo 2>"$log"
t_check "a clean checkout is odoo-src/git-<commit>, without .git" \
    test "$(t_link)" = "odoo-src/git-${commit:0:16}" -a ! -e "$MS_CACHE/odoo-src/git-${commit:0:16}/.git"
git clone -q --bare work/checkout work/odoo.git
ODOO_SRC=file://$T_TMP/work/odoo.git t_setup fetch_odoo 2>"$log"
t_check "a git URL at the same commit: the same tree, nothing cloned" \
    test "$(t_link)" = "odoo-src/git-${commit:0:16}" -a ! -s "$log"
echo local >>work/checkout/odoo/mark.txt
ODOO_SRC=work/checkout t_setup fetch_odoo 2>"$log"
t_check "a checkout with local changes is known by its content" t_like "$(t_link)" 'odoo-src/dir-*'
git -C work/checkout checkout -q -- . && echo second >work/checkout/odoo/mark.txt \
    && git -C work/checkout -c user.name=t -c user.email=t@t commit -qam second && git -C work/odoo.git fetch -q "$T_TMP/work/checkout" 19.0:19.0
commit2=$(git -C work/checkout rev-parse HEAD)
ODOO_SRC=file://$T_TMP/work/odoo.git t_setup fetch_odoo 2>"$log"
t_check "a git URL at a new commit is cloned into odoo-src/git-<commit>" \
    test "$(t_link)" = "odoo-src/git-${commit2:0:16}" -a "$(grep -c 'cloning Odoo 19.0' "$log")" = 1
mv work/odoo.git work/offline.git
ODOO_SRC=file://$T_TMP/work/odoo.git t_setup fetch_odoo 2>"$log"
t_check "that URL out of reach: the Odoo cloned from it is kept" \
    test "$(t_link)" = "odoo-src/git-${commit2:0:16}" -a "$(grep -c 'keeping the Odoo cloned from it' "$log")" = 1
if ODOO_SRC=file:///nonexistent/odoo.git t_setup fetch_odoo 2>"$log"; then t_fail "another URL out of reach: set-up stops"
else t_check "another URL out of reach: set-up stops, saying what to set" grep -q "set ODOO_SRC to" "$log"; fi
t_check "every tree is still there, and no half-made one" \
    test "$(find "$MS_CACHE/odoo-src" -mindepth 1 -maxdepth 1 -type d ! -name .tree-hashes | wc -l)" = 9

# --- the former layout: $MS_CACHE/odoo, a real directory ---------------------------------------------
export MS_CACHE=$T_TMP/legacy-cache
t_fake_odoo "$MS_CACHE/odoo" legacy
echo "file:/somewhere/odoo-19.0.tar.gz:93261277:1796179785" >"$MS_CACHE/odoo/.monthly_settlement_source"
legacy_state=$(t_tree_state "$MS_CACHE/odoo")
t_setup fetch_odoo 2>"$log"
t_check "former layout, no ODOO_SRC: its Odoo is copied and used" \
    test "$(cat "$MS_CACHE/$(t_link)/odoo/mark.txt")" = legacy
ODOO_SRC=$T_TMP/work/odoo-b.tar.gz t_setup fetch_odoo 2>"$log"
t_check "former layout, ODOO_SRC set: that source is used" test "$(cat "$MS_CACHE/$(t_link)/odoo/mark.txt")" = b
t_check "the former layout's directory is left as it was" \
    test -d "$MS_CACHE/odoo" -a ! -L "$MS_CACHE/odoo" -a "$(t_tree_state "$MS_CACHE/odoo")" = "$legacy_state"
t_done
