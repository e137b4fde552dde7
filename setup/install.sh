#!/usr/bin/env bash
# Idempotent set-up: Debian packages, PostgreSQL, Odoo 19 source and a venv, all outside
# the repository (MS_CACHE, default ~/.cache/monthly_settlement). A second run takes seconds.
#
#   ODOO_SRC     where Odoo 19 comes from: a source tarball (.tar.gz), a local checkout or git
#                directory, or a git URL. Default: the Odoo already in the cache, else the
#                official repository's 19.0 branch.
#   ODOO_BRANCH  the branch cloned from a git URL (default 19.0).
#   MS_CACHE     where Odoo, the venv, the config and the data directory live.
#   PYTHON       the interpreter for the venv (default python3, 3.11 is what Odoo 19 pins for).
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

DEBIAN_PACKAGES=(
    postgresql libpq-dev libldap2-dev libsasl2-dev libmagic1
    wkhtmltopdf fonts-wqy-zenhei poppler-utils chromium
)

install_debian_packages() {
    local missing=() pkg
    for pkg in "${DEBIAN_PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'ok installed' || missing+=("$pkg")
    done
    [ ${#missing[@]} -eq 0 ] && return
    ms_log "installing Debian packages: ${missing[*]}"
    ms_as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive ms_as_root apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

start_postgresql() {
    local version cluster status
    if ! pg_isready -q 2>/dev/null; then
        read -r version cluster status < <(pg_lsclusters --no-header | head -n 1 | awk '{print $1, $2, $4}')
        [ -n "${version:-}" ] || ms_die "no PostgreSQL cluster found (pg_lsclusters is empty)"
        ms_log "starting PostgreSQL $version/$cluster"
        ms_as_root pg_ctlcluster --skip-systemctl-redirect "$version" "$cluster" start
        for _ in $(seq 1 30); do pg_isready -q && break; sleep 1; done
        pg_isready -q || ms_die "PostgreSQL $version/$cluster did not start"
    fi
    local role
    role=$(id -un)
    if [ "$(ms_as_postgres psql -tAc "SELECT 1 FROM pg_roles WHERE rolname = '$role'")" != 1 ]; then
        ms_log "creating PostgreSQL role $role"
        ms_as_postgres createuser --superuser "$role"
    fi
}

# What a plain directory's id covers: not git's data, bytecode or the egg-info pip writes.
ODOO_TREE_SKIP=(-name .git -o -name __pycache__ -o -name '*.egg-info')

# Content hash of a plain tree: path and content of every file. Reading ~300 MB takes seconds,
# so the result is remembered under a hash of the cheap listing (the tree's path, then path, size
# and mtime of every file): a later run with an unchanged tree only lists it.
odoo_tree_hash() {
    local dir=$1 listing memo
    listing=$( (readlink -f "$dir" && cd "$dir" && find . \( "${ODOO_TREE_SKIP[@]}" \) -prune -o -type f \
        -printf '%P %s %T@\n' | LC_ALL=C sort) | sha256sum | cut -c1-16)
    memo=$MS_ODOO_SRCS/.tree-hashes/$listing
    if [ ! -s "$memo" ]; then
        mkdir -p "${memo%/*}"
        (cd "$dir" && find . \( "${ODOO_TREE_SKIP[@]}" \) -prune -o -type f -print0 | LC_ALL=C sort -z \
            | xargs -0 -r sha256sum) | sha256sum | cut -c1-16 >"$memo.$$"
        mv "$memo.$$" "$memo"
    fi
    cat "$memo"
}

# The id of a local ODOO_SRC, from its content, so that the same source reached through another
# path (relative, absolute, a copy) is the same tree: tar-<sha256 of the file> for a tarball,
# git-<commit> for a clean checkout (the top of its repository), dir-<content hash> otherwise.
odoo_source_id() {
    local src=$1
    if [ -f "$src" ]; then
        echo "tar-$(sha256sum <"$src" | cut -c1-16)"
    elif [ "$(git -C "$src" rev-parse --show-toplevel 2>/dev/null)" = "$(cd "$src" && pwd -P)" ] \
        && [ -z "$(git -C "$src" status --porcelain 2>/dev/null)" ]; then
        echo "git-$(git -C "$src" rev-parse HEAD | cut -c1-16)"
    else
        echo "dir-$(odoo_tree_hash "$src")"
    fi
}

# Unpack or copy a local ODOO_SRC (tarball or directory) into DIR, with odoo-bin at its top.
unpack_odoo() {
    local src=$1 dir=$2 top
    mkdir -p "$dir"
    if [ -f "$src" ]; then
        ms_log "unpacking Odoo from $src"
        tar -xzf "$src" -C "$dir"
        top=$(find "$dir" -mindepth 1 -maxdepth 2 -name odoo-bin -printf '%h\n' | head -n 1)
        [ -n "$top" ] || { rm -rf "$dir"; ms_die "$src holds no odoo-bin: not an Odoo source tarball"; }
        [ "$top" = "$dir" ] || { mv "$top" "$dir.src" && rm -rf "$dir" && mv "$dir.src" "$dir"; }
    else
        ms_log "copying Odoo from $src"
        (cd "$src" && tar --exclude=.git --exclude=__pycache__ --exclude='*.egg-info' -cf - .) | tar -xf - -C "$dir"
    fi
}

# Install ODOO_SRC into $MS_ODOO_SRCS/<id> unless there already, then point odoo-current at it.
# A tree is never replaced or deleted here: a running Odoo (server, test run) may be using it.
# Trees of former sources stay until removed by hand (README: "The cache").
fetch_odoo() {
    local src=${ODOO_SRC:-} branch=${ODOO_BRANCH:-$MS_DEFAULT_ODOO_BRANCH} id origin tmp
    if [ -z "$src" ]; then
        if [ -f "$MS_ODOO_LINK/odoo-bin" ]; then return; fi
        if [ -f "$MS_CACHE/odoo/odoo-bin" ]; then
            src=$MS_CACHE/odoo  # the former layout's tree: copied, and left as it is
        else
            src=$MS_DEFAULT_ODOO_SRC
        fi
    fi
    mkdir -p "$MS_ODOO_SRCS"
    if [ -f "$src" ] || [ -f "$src/odoo-bin" ]; then
        id=$(odoo_source_id "$src")
        origin=$(readlink -f "$src")
        tmp=$MS_ODOO_SRCS/.tmp-$id
        if [ ! -f "$MS_ODOO_SRCS/$id/odoo-bin" ]; then
            rm -rf "$tmp"
            unpack_odoo "$src" "$tmp"
        fi
    else
        # A git URL, or a git directory without a work tree: the id is the branch's commit.
        origin="$src $branch"
        tmp=$MS_ODOO_SRCS/.tmp-clone
        local commit
        if commit=$(git ls-remote "$src" "refs/heads/$branch" 2>"$MS_CACHE/clone.log" | cut -c1-16) \
            && [ -n "$commit" ]; then
            id=git-$commit
        elif grep -qxF "$origin" "$(readlink -f "$MS_ODOO_LINK").origin" 2>/dev/null; then
            ms_log "cannot reach $src (no network?): keeping the Odoo cloned from it before"
            return
        else
            ms_die "cannot download Odoo from $src (no network?): set ODOO_SRC to an Odoo 19 source tarball or checkout, e.g. ODOO_SRC=../shared/odoo/odoo-19.0.tar.gz"
        fi
        if [ ! -f "$MS_ODOO_SRCS/$id/odoo-bin" ]; then
            ms_log "cloning Odoo $branch from $src"
            rm -rf "$tmp"
            git clone -q --depth 1 --branch "$branch" "$src" "$tmp" 2>"$MS_CACHE/clone.log" \
                || { rm -rf "$tmp"; ms_die "cannot clone Odoo from $src, see $MS_CACHE/clone.log"; }
            id=git-$(git -C "$tmp" rev-parse HEAD | cut -c1-16)  # the branch may have moved since
        fi
    fi
    local dir=$MS_ODOO_SRCS/$id
    if [ ! -f "$dir/odoo-bin" ]; then
        [ -f "$tmp/odoo/release.py" ] && grep -q "version_info = (19, 0" "$tmp/odoo/release.py" \
            || { rm -rf "$tmp"; ms_die "$src is not Odoo 19.0 (odoo/release.py says otherwise)"; }
        [ ! -e "$dir" ] || ms_die "$dir has no odoo-bin (partly deleted?): remove it, then run set-up again"
        mv -T "$tmp" "$dir"
    fi
    rm -rf "$tmp"  # a clone of a tree we already had
    grep -qxF "$origin" "$dir.origin" 2>/dev/null || echo "$origin" >>"$dir.origin"  # for humans
    if [ "$(readlink "$MS_ODOO_LINK" 2>/dev/null)" != "odoo-src/$id" ]; then
        ms_log "Odoo in use from now on: $dir (from $src)"
        # Atomic: a script resolving the link meanwhile sees the old tree or the new one.
        ln -sfn "odoo-src/$id" "$MS_ODOO_LINK.new"
        mv -T "$MS_ODOO_LINK.new" "$MS_ODOO_LINK"
    fi
}

# The venv's stamp: the requirement files, and where Odoo is installed from. Odoo is installed
# editable through the link, so a new source needs a new venv only when its requirements differ.
venv_stamp() {
    { cat "$MS_ODOO_LINK/requirements.txt" "$MS_REPO/setup/requirements.txt" \
        "$MS_REPO/setup/build-constraints.txt"; echo "editable: $MS_ODOO_LINK"; } | sha256sum | cut -c1-16
}

create_venv() {
    local stamp=$MS_VENV/.monthly_settlement_requirements wanted
    wanted=$(venv_stamp)
    if [ -x "$MS_VENV/bin/python" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$wanted" ]; then return; fi
    ms_log "creating the Python environment in $MS_VENV"
    [ -x "$MS_VENV/bin/python" ] || "$MS_PYTHON" -m venv "$MS_VENV"
    local pip=("$MS_VENV/bin/python" -m pip --quiet --disable-pip-version-check) site
    "${pip[@]}" install --upgrade pip
    "${pip[@]}" install --build-constraint "$MS_REPO/setup/build-constraints.txt" -r "$MS_ODOO_LINK/requirements.txt"
    "${pip[@]}" install --no-deps -e "$MS_ODOO_LINK"
    # setuptools resolves the link when it writes its editable finder, which would tie the venv to
    # today's tree. A path entry for the link itself, in a .pth read before the finder's (they are
    # read in name order), makes `import odoo` follow the link.
    site=$("$MS_VENV/bin/python" -c 'import sysconfig; print(sysconfig.get_path("purelib"))')
    echo "$MS_ODOO_LINK" >"$site/00-monthly_settlement-odoo.pth"
    "${pip[@]}" install --build-constraint "$MS_REPO/setup/build-constraints.txt" -r "$MS_REPO/setup/requirements.txt"
    echo "$wanted" >"$stamp"
}

main() {
    mkdir -p "$MS_CACHE"
    install_debian_packages
    start_postgresql
    # One installer at a time: two checkouts sharing the cache may start at once.
    exec 8>"$MS_CACHE/install.lock"
    flock 8
    fetch_odoo
    create_venv
    exec 8>&-
    ms_write_config "$MS_CONF" "${MS_HTTP_PORT:-8069}"
    ms_log "ready: Odoo in $MS_ODOO_DIR (through $MS_ODOO_LINK), venv in $MS_VENV, config $MS_CONF"
}

# Sourced (by the set-up tests), it only defines the steps.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    main "$@"
fi
