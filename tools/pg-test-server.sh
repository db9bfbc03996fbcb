#!/usr/bin/env bash
# Runs a command with a throwaway PostgreSQL server up, then stops the server and removes its files (on
# failure and on interrupt too). The server listens on 127.0.0.1 at a free port and on a Unix socket in its
# own temporary folder; nothing else. initdb refuses root: as root, the server runs as the `postgres` user
# (the Debian package creates it). The command gets:
#   FANGFAN_TEST_POSTGRES_URL  postgresql://fangfan:<password>@127.0.0.1:<port>/fangfan  (password login)
#   FANGFAN_TEST_POSTGRES_SOCKET  the socket folder (trust login for the same user)
# Usage: tools/pg-test-server.sh COMMAND [ARG…]   (PG_TEST_FSYNC=on keeps fsync, for the bench)
set -euo pipefail
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
  echo "pg-test-server: no PostgreSQL server programs (Debian package postgresql): make test installs them" >&2
  exit 69
fi
dir=$(mktemp -d /tmp/fangfan-pg.XXXXXX)
chmod 755 "$dir"
as_owner() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
[ "$(id -u)" = 0 ] && chown postgres: "$dir"
stop() {
  as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap stop EXIT
trap 'exit 130' INT TERM
password=$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')
printf '%s\n' "$password" >"$dir/pw"
[ "$(id -u)" = 0 ] && chown postgres: "$dir/pw"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null ||
  echo $((20000 + RANDOM % 40000)))
as_owner "$bin/initdb" -D "$dir/data" -U fangfan --pwfile="$dir/pw" --auth-local=trust --auth-host=scram-sha-256 \
  -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
rm -f "$dir/pw"
fsync=${PG_TEST_FSYNC:-off}
as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
  -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=$fsync -c synchronous_commit=$fsync -c full_page_writes=$fsync -c max_connections=200" \
  start >/dev/null || { cat "$dir/server.log" >&2; exit 1; }
as_owner "$bin/createdb" -h "$dir" -p "$port" -U fangfan fangfan
export FANGFAN_TEST_POSTGRES_URL="postgresql://fangfan:$password@127.0.0.1:$port/fangfan"
export FANGFAN_TEST_POSTGRES_SOCKET="$dir"
export FANGFAN_TEST_POSTGRES_PORT="$port"
echo "pg-test-server: PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port and $dir" >&2
set +e
"$@"
status=$?
exit $status
