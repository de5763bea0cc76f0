#!/usr/bin/env bash
# Runs CMD… with a private, throwaway PostgreSQL cluster: initdb in a temp dir, a server on
# 127.0.0.1 at a free port (its unix socket in the temp dir too), one database, and
# RAPPORT_TEST_POSTGRES_URL=postgres://… pointing at it. The cluster is stopped and the
# dir removed however CMD ends. Used by `make test` for the sync server's PostgreSQL tests.
#
#   scripts/with-postgres.sh cargo nextest run -p rapport-server --run-ignored all
#
# Needs the Debian `postgresql` package (`scripts/setup.sh` installs it).
set -euo pipefail

if [ "$#" -eq 0 ]; then
    echo "usage: $0 CMD [ARG…]" >&2
    exit 64
fi

pg_bin="${RAPPORT_PG_BIN:-}"
if [ -z "$pg_bin" ]; then
    for dir in /usr/lib/postgresql/*/bin; do
        [ -x "$dir/initdb" ] && pg_bin="$dir"
    done
fi
if [ -z "$pg_bin" ] || [ ! -x "$pg_bin/initdb" ]; then
    echo "with-postgres: initdb not found (set RAPPORT_PG_BIN); run scripts/setup.sh" >&2
    exit 69
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/rapport-pg.XXXXXXXX")"
# initdb and postgres refuse to run as root: as root, the cluster belongs to `postgres`.
as_owner=()
if [ "$(id -u)" -eq 0 ]; then
    chown postgres: "$work"
    as_owner=(runuser -u postgres --)
fi
data="$work/data"

# shellcheck disable=SC2317  # called by the EXIT trap
cleanup() {
    if [ -f "$data/postmaster.pid" ]; then
        "${as_owner[@]}" "$pg_bin/pg_ctl" -D "$data" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    case "$work" in
        "${TMPDIR:-/tmp}"/rapport-pg.*) rm -rf -- "$work" ;;
    esac
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# A free port: ask the kernel for one (a small race with other processes; fine for tests).
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"

"${as_owner[@]}" "$pg_bin/initdb" -D "$data" -U postgres --auth=trust --encoding=UTF8 \
    --no-sync >"$work/initdb.log" 2>&1 || {
    cat "$work/initdb.log" >&2
    exit 70
}
# Tests, not durability: no fsync; enough connections for parallel tests on two instances.
if ! "${as_owner[@]}" "$pg_bin/pg_ctl" -D "$data" -l "$work/server.log" -w -t 30 \
    -o "-h 127.0.0.1 -p $port -k $work -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" \
    start >/dev/null; then
    cat "$work/server.log" >&2
    exit 70
fi
"${as_owner[@]}" "$pg_bin/createdb" -h 127.0.0.1 -p "$port" -U postgres rapport_test

export RAPPORT_TEST_POSTGRES_URL="postgres://postgres@127.0.0.1:$port/rapport_test"
status=0
"$@" || status=$?
exit "$status"
