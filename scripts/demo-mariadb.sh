#!/usr/bin/env bash
# The change data capture demo: MariaDB rows arriving in the log. Starts a node (one raft node,
# files in a temporary directory), creates a table in a database of its own, defines a MariaDB
# ingestable over HTTP, changes rows, prints the entries they became, then copies the table again
# on request after a change the binary log never saw, and stops the node and drops the database.
#
#   eval "$(scripts/test-databases.sh)"    # a MariaDB set up for CDC, and its COMMITTED_TEST_MARIADB_*
#   scripts/demo-mariadb.sh                # PORT=8080 by default; builds the node first if needed
#
# Without COMMITTED_TEST_MARIADB_URL it runs scripts/test-databases.sh itself.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
port="${PORT:-8080}"
api="http://127.0.0.1:$port"
jar="$root/committed-server/target/committed-server.jar"

if [ -z "${COMMITTED_TEST_MARIADB_URL:-}" ]; then
  eval "$("$root/scripts/test-databases.sh")"
fi
url="$COMMITTED_TEST_MARIADB_URL"          # jdbc:mariadb://host:port/database
hostport="${url#jdbc:mariadb://}"; hostport="${hostport%%/*}"
host="${hostport%%:*}"; myport="${hostport##*:}"
user="$COMMITTED_TEST_MARIADB_USER"
db="committed_demo_$$"
sql() { MYSQL_PWD="${COMMITTED_TEST_MARIADB_PASSWORD:-}" mariadb --protocol=tcp -h "$host" -P "$myport" -u "$user" "$@"; }

if [ ! -f "$jar" ]; then
  echo "== building the node (once)"
  (cd "$root" && mvn -q -pl committed-server -am -DskipTests package)
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/committed-demo.XXXXXX")"
echo "== a table in MariaDB database $db, with two rows already there"
sql -e "create database $db; create table $db.orders (id int primary key, customer varchar(40) not null,
  total decimal(10,2) not null); insert into $db.orders values (1, 'ada', 24.50), (2, 'grace', 31.00)"

echo "== starting a node on $api (files in $work)"
COMMITTED_ENGINE=raft COMMITTED_API_ADDR="127.0.0.1:$port" COMMITTED_DATA_DIR="$work/data" \
  MYSQL_PASSWORD="${COMMITTED_TEST_MARIADB_PASSWORD:-}" \
  "$root/scripts/committed-node.sh" >"$work/node.out" 2>"$work/node.log" &
pid=$!
stop() {
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid"
    wait "$pid" 2>/dev/null || true
  fi
  sql -e "drop database if exists $db" || true
  rm -rf "$work"
}
trap stop EXIT
trap 'exit 143' INT TERM

for _ in $(seq 1 600); do
  if curl -sf "$api/ready" >/dev/null 2>&1; then break; fi
  if ! kill -0 "$pid" 2>/dev/null; then echo "the node exited:"; cat "$work/node.log"; exit 1; fi
  sleep 0.1
done
curl -sf "$api/ready" >/dev/null || { echo "the node did not get ready:"; cat "$work/node.log"; exit 1; }

show() { cat; echo; }
wait_for() { # a description, then a command that succeeds once it is so
  local what="$1"; shift
  for _ in $(seq 1 600); do
    if "$@"; then return 0; fi
    sleep 0.1
  done
  echo "timed out waiting for $what; the node's log:"; tail -50 "$work/node.log"; exit 1
}

echo "== the type 'order', and an ingestable reading the table's binary log"
curl -s -X POST "$api/v1/type/order" -H 'Content-Type: text/toml' -d $'[type]\nname = "order"' | show
curl -s -X POST "$api/v1/ingestable/shop" -H 'Content-Type: text/toml' --data-binary @- <<EOF | show
[ingestable]
name = "shop"
type = "sql"
[sql]
dialect = "mariadb"
connectionString = "$url?user=$user&password=\${MYSQL_PASSWORD}"
topic = "order"
tables = ["$db.orders"]
[sql.mysql]
status_interval = "1s"
watermark_table = "$db.committed_watermarks"
EOF
streaming() { curl -s "$api/v1/ingestable/shop/status" | grep -q '"phase":"streaming"'; }
wait_for "the initial copy" streaming

echo "== one transaction: a new order, a changed total, a deleted order"
sql -e "start transaction; insert into $db.orders values (3, 'linus', 9.99);
  update $db.orders set total = 27.00 where id = 1; delete from $db.orders where id = 2; commit"
has() { curl -s "$api/v1/proposal?type=order" | grep -q "$1"; }
wait_for "the transaction in the log" has '"key":"3"'

echo "== the entries: the copied rows, then the transaction as one entry"
curl -s "$api/v1/proposal?type=order" | show

echo "== a row deleted with the binary log off: the log still has it"
sql -e "set sql_log_bin = 0; delete from $db.orders where id = 3"
echo "== so copy the table again on request: the key the table no longer has is deleted"
curl -s -X POST "$api/v1/ingestable/shop/snapshot" -H 'Content-Type: application/json' \
  -d "{\"tables\": [\"$db.orders\"]}" | show
reconciled() { curl -s "$api/v1/ingestable/shop/status" | grep -q '1 keys deleted that the tables no longer have'; }
wait_for "the copy and the delete" reconciled
curl -s "$api/v1/proposal?type=order" | show
curl -s "$api/v1/ingestable/shop/status" | show

echo "== stopping the node (SIGTERM to process $pid) and dropping $db"
