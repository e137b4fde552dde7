#!/usr/bin/env bash
# Idempotent set-up: Debian packages, PostgreSQL, Odoo 19 source and a venv, all outside
# the repository (MS_CACHE, default ~/.cache/monthly_settlement). A second run takes seconds.
#
#   ODOO_SRC   where Odoo 19 comes from: a source tarball (.tar.gz), a local checkout or git
#              directory, or a git URL. Default: the official repository's 19.0 branch.
#   MS_CACHE   where Odoo, the venv, the config and the data directory live.
#   PYTHON     the interpreter for the venv (default python3, 3.11 is what Odoo 19 pins for).
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

# A stable identity of ODOO_SRC, so a second run with the same source skips the copy.
odoo_source_identity() {
    local src=$1
    if [ -f "$src" ]; then
        echo "file:$(readlink -f "$src"):$(stat -c '%s:%Y' "$src")"
    elif [ -d "$src/.git" ] || git -C "$src" rev-parse --git-dir >/dev/null 2>&1 && [ -d "$src" ]; then
        echo "git:$(readlink -f "$src"):$(git -C "$src" rev-parse HEAD 2>/dev/null || echo unknown)"
    elif [ -d "$src" ]; then
        echo "dir:$(readlink -f "$src")"
    else
        echo "url:$src"
    fi
}

fetch_odoo() {
    local src=${ODOO_SRC:-} stamp=$MS_ODOO_DIR/.monthly_settlement_source identity
    if [ -z "$src" ]; then
        if [ -f "$MS_ODOO_DIR/odoo-bin" ]; then return; fi
        src=$MS_DEFAULT_ODOO_SRC
    fi
    identity=$(odoo_source_identity "$src")
    if [ -f "$MS_ODOO_DIR/odoo-bin" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$identity" ]; then return; fi

    local tmp=$MS_CACHE/odoo.tmp
    rm -rf "$tmp" && mkdir -p "$tmp"
    if [ -f "$src" ]; then
        ms_log "unpacking Odoo from $src"
        tar -xzf "$src" -C "$tmp"
        local top
        top=$(find "$tmp" -mindepth 1 -maxdepth 2 -name odoo-bin -printf '%h\n' | head -n 1)
        [ -n "$top" ] || ms_die "$src holds no odoo-bin: not an Odoo source tarball"
        [ "$top" = "$tmp" ] || { mv "$top" "$tmp.src" && rm -rf "$tmp" && mv "$tmp.src" "$tmp"; }
    elif [ -d "$src" ]; then
        [ -f "$src/odoo-bin" ] || ms_die "$src holds no odoo-bin: not an Odoo checkout"
        ms_log "copying Odoo from $src"
        rm -rf "$tmp" && mkdir -p "$tmp"
        (cd "$src" && tar --exclude=.git -cf - .) | tar -xf - -C "$tmp"
    else
        ms_log "cloning Odoo $MS_DEFAULT_ODOO_BRANCH from $src"
        if ! git clone -q --depth 1 --branch "${ODOO_BRANCH:-$MS_DEFAULT_ODOO_BRANCH}" "$src" "$tmp" 2>"$MS_CACHE/clone.log"; then
            rm -rf "$tmp"
            ms_die "cannot download Odoo from $src (no network?): set ODOO_SRC to an Odoo 19 source tarball or checkout, e.g. ODOO_SRC=../shared/odoo/odoo-19.0.tar.gz"
        fi
    fi
    [ -f "$tmp/odoo/release.py" ] && grep -q "version_info = (19, 0" "$tmp/odoo/release.py" \
        || ms_die "$src is not Odoo 19.0 (odoo/release.py says otherwise)"
    rm -rf "$MS_ODOO_DIR" && mv "$tmp" "$MS_ODOO_DIR"
    echo "$identity" >"$MS_ODOO_DIR/.monthly_settlement_source"
}

create_venv() {
    local stamp=$MS_VENV/.monthly_settlement_requirements wanted
    wanted=$(cat "$MS_ODOO_DIR/requirements.txt" "$MS_REPO/setup/requirements.txt" \
        "$MS_REPO/setup/build-constraints.txt" "$MS_ODOO_DIR/.monthly_settlement_source" | sha256sum | cut -c1-16)
    if [ -x "$MS_VENV/bin/python" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$wanted" ]; then return; fi
    ms_log "creating the Python environment in $MS_VENV"
    [ -x "$MS_VENV/bin/python" ] || "$MS_PYTHON" -m venv "$MS_VENV"
    local pip=("$MS_VENV/bin/python" -m pip --quiet --disable-pip-version-check)
    "${pip[@]}" install --upgrade pip
    "${pip[@]}" install --build-constraint "$MS_REPO/setup/build-constraints.txt" -r "$MS_ODOO_DIR/requirements.txt"
    "${pip[@]}" install --no-deps -e "$MS_ODOO_DIR"
    "${pip[@]}" install --build-constraint "$MS_REPO/setup/build-constraints.txt" -r "$MS_REPO/setup/requirements.txt"
    echo "$wanted" >"$stamp"
}

mkdir -p "$MS_CACHE"
install_debian_packages
start_postgresql
fetch_odoo
create_venv
ms_write_config "$MS_CONF" "${MS_HTTP_PORT:-8069}"
ms_log "ready: Odoo in $MS_ODOO_DIR, venv in $MS_VENV, config $MS_CONF"
