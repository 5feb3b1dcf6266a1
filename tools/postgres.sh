#!/usr/bin/env bash
# A throwaway PostgreSQL server for tests and benchmarks, from Debian's `postgresql`
# package (installed on first use when no initdb is found).
#
#   tools/postgres.sh start <datadir> <port>   # init if needed, start, wait; prints the admin URL
#   tools/postgres.sh stop <datadir>           # fast shutdown; no-op when not running
#
# Both are idempotent. The server listens on 127.0.0.1:<port> and on a unix socket in
# <datadir>. Auth: the superuser `postgres` is trusted (socket and loopback), every
# other role must give its password (scram-sha-256), so tests can exercise real
# password checks. Durability is off (fsync, full_page_writes): data is disposable.
# Postgres refuses to run as root: as root, the server runs as the `postgres` user
# (created by the Debian package) or a dedicated `tributary-pg` user.
set -euo pipefail

die() { echo "postgres.sh: $*" >&2; exit 1; }

find_bindir() {
  local dir
  for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    [ -x "$dir/initdb" ] && { echo "$dir"; return 0; }
  done
  local initdb
  initdb=$(command -v initdb 2>/dev/null) && { dirname "$initdb"; return 0; }
  return 1
}

ensure_installed() {
  find_bindir && return 0
  [ "$(id -u)" = 0 ] || die "PostgreSQL is not installed and installing it needs root: apt-get install -y postgresql"
  echo "postgres.sh: installing Debian's postgresql package" >&2
  DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
  find_bindir || die "postgresql installed but no initdb found under /usr/lib/postgresql"
}

# The user the server runs as: ourselves, or (as root) an unprivileged account.
server_user() {
  if [ "$(id -u)" != 0 ]; then id -un; return; fi
  if id postgres >/dev/null 2>&1; then echo postgres; return; fi
  id tributary-pg >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin tributary-pg
  echo tributary-pg
}

as_server_user() {
  local user=$1; shift
  if [ "$(id -un)" = "$user" ]; then "$@"; else runuser -u "$user" -- "$@"; fi
}

is_running() { # <bindir> <user> <datadir>
  [ -f "$3/postmaster.pid" ] && as_server_user "$2" "$1/pg_ctl" -D "$3" status >/dev/null 2>&1
}

start() {
  local datadir=$1 port=$2
  [[ "$port" =~ ^[0-9]+$ ]] || die "port must be a number, got '$port'"
  local bindir user
  bindir=$(ensure_installed)
  user=$(server_user)
  mkdir -p "$datadir"
  datadir=$(cd "$datadir" && pwd)
  [ "$(id -u)" = 0 ] && chown "$user" "$datadir"
  as_server_user "$user" test -w "$datadir" || die "$user cannot write $datadir (is a parent directory private?)"

  if is_running "$bindir" "$user" "$datadir"; then
    # already up: report the port it really listens on (line 4 of postmaster.pid)
    local running_port
    running_port=$(sed -n 4p "$datadir/postmaster.pid")
    [ "$running_port" = "$port" ] || echo "postgres.sh: already running on port $running_port, not $port" >&2
    echo "postgres://postgres@127.0.0.1:$running_port/postgres"
    return 0
  fi

  if [ ! -f "$datadir/PG_VERSION" ]; then
    local log
    log=$(mktemp)
    as_server_user "$user" "$bindir/initdb" -D "$datadir" -U postgres --encoding=UTF8 --locale=C.UTF-8 \
      --auth-local=trust --auth-host=scram-sha-256 --no-sync >"$log" 2>&1 \
      || { cat "$log" >&2; rm -f "$log"; die "initdb failed"; }
    rm -f "$log"
    # first match wins: trust the superuser on loopback, passwords for everyone else
    as_server_user "$user" bash -c "cat > '$datadir/pg_hba.conf'" <<'HBA'
local all all                    trust
host  all postgres 127.0.0.1/32  trust
host  all postgres ::1/128       trust
host  all all      127.0.0.1/32  scram-sha-256
host  all all      ::1/128       scram-sha-256
HBA
  fi

  # settings are passed on the command line so a restart on another port just works
  local opts="-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories='$datadir'"
  opts+=" -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300"
  opts+=" -c shared_buffers=128MB -c max_wal_size=2GB -c log_min_messages=warning"
  as_server_user "$user" "$bindir/pg_ctl" -D "$datadir" -l "$datadir/server.log" -o "$opts" -w -t 60 start >/dev/null \
    || { tail -n 30 "$datadir/server.log" >&2 || true; die "server did not start (log: $datadir/server.log)"; }
  local i
  for i in $(seq 1 100); do
    "$bindir/pg_isready" -q -h 127.0.0.1 -p "$port" && break
    sleep 0.1
  done
  "$bindir/pg_isready" -q -h 127.0.0.1 -p "$port" || die "server started but is not accepting connections on port $port"
  echo "postgres://postgres@127.0.0.1:$port/postgres"
}

stop() {
  local datadir=$1
  [ -f "$datadir/PG_VERSION" ] || return 0
  local bindir user
  bindir=$(find_bindir) || return 0
  user=$(server_user)
  is_running "$bindir" "$user" "$datadir" || return 0
  as_server_user "$user" "$bindir/pg_ctl" -D "$datadir" -m fast -w -t 60 stop >/dev/null
}

case "${1:-}" in
  start) [ $# -eq 3 ] || die "usage: $0 start <datadir> <port>"; start "$2" "$3" ;;
  stop) [ $# -eq 2 ] || die "usage: $0 stop <datadir>"; stop "$2" ;;
  *) die "usage: $0 start <datadir> <port> | stop <datadir>" ;;
esac
