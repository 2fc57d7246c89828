#!/usr/bin/env bash
# The one-minute demo of the node: starts it on embedded defaults (no external server), drives it
# over HTTP with curl, prints what comes back, and stops it by its own process id.
#
#   scripts/demo.sh                 # PORT=8080 by default; builds the node first if needed
#
# What it shows: a type with a JSON Schema, proposals written over HTTP (one atomic entry each,
# numbers exact), a refused write (schema violation, nothing written), the entries read back, the
# type's versions and the node's status; then an H2 database and a JDBC syncable, which project
# the proposals into an embedded H2 table, printed back with H2's shell.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
port="${PORT:-8080}"
api="http://127.0.0.1:$port"
jar="$root/committed-server/target/committed-server.jar"

if [ ! -f "$jar" ]; then
  echo "== building the node (once)"
  (cd "$root" && mvn -q -pl committed-server -am -DskipTests package)
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/committed-demo.XXXXXX")"
echo "== starting a node on $api (engine ${COMMITTED_ENGINE:-raft}, files in $work)"
COMMITTED_ENGINE="${COMMITTED_ENGINE:-raft}" COMMITTED_API_ADDR="127.0.0.1:$port" \
  COMMITTED_DATA_DIR="$work/data" "$root/scripts/committed-node.sh" >"$work/node.out" 2>"$work/node.log" &
pid=$!
stop() {
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid"           # graceful: drains requests, closes the log
    wait "$pid" 2>/dev/null || true
  fi
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

show() { # prints an answer as it came (jq would turn 24.50 into 24.5: the log keeps numbers exact)
  cat
  echo
}

echo "== define the type 'product' (TOML, with a JSON Schema)"
curl -s -X POST "$api/v1/type/product" -H 'Content-Type: text/toml' --data-binary @- <<'EOF' | show
[type]
name = "product"
schema = '{"type":"object","required":["sku","name","price"]}'
EOF

echo "== write two proposals (each is one atomic log entry)"
curl -s -X POST "$api/v1/proposal" -H 'Content-Type: application/json' -d '{"entities":[
  {"typeId":"product","key":"sku-1","data":{"sku":"sku-1","name":"kettle","price":24.50}},
  {"typeId":"product","key":"sku-2","data":{"sku":"sku-2","name":"teapot","price":31.00}}]}' | show
curl -s -X POST "$api/v1/proposal" -H 'Content-Type: application/json' -d '{"entities":[
  {"typeId":"product","key":"sku-2","data":{"sku":"sku-2","name":"teapot","price":29.90}}]}' | show

echo "== a write that breaks the schema is refused, and nothing is written"
curl -s -X POST "$api/v1/proposal" -H 'Content-Type: application/json' \
  -d '{"entities":[{"typeId":"product","key":"sku-3","data":{"name":"cup"}}]}' | show

echo "== the committed entries, read back"
curl -s "$api/v1/proposal?type=product" | show

echo "== the type's versions, and the node"
curl -s "$api/v1/type/product/versions" | show
curl -s "$api/v1/cluster/status" | show

echo "== project the log into an embedded H2 table (the JDBC syncable)"
h2="$work/products"
curl -s -X POST "$api/v1/database/demo" -H 'Content-Type: text/toml' --data-binary @- >"$work/db.json" <<EOF
[database]
name = "demo"
type = "sql"
[sql]
dialect = "h2"
connectionString = "jdbc:h2:file:$h2;AUTO_SERVER=TRUE"
EOF
curl -s -X POST "$api/v1/syncable/products" -H 'Content-Type: text/toml' --data-binary @- >"$work/sync.json" <<'EOF'
[syncable]
name = "products"
type = "sql"
[sql]
topic = "product"
db = "demo"
table = "products"
primaryKey = "sku"
[[sql.mappings]]
jsonPath = "$.sku"
column = "sku"
type = "VARCHAR(64)"
[[sql.mappings]]
jsonPath = "$.name"
column = "name"
type = "VARCHAR(256)"
[[sql.mappings]]
jsonPath = "$.price"
column = "price"
type = "DECIMAL(10,2)"
EOF
if grep -q '"code"' "$work/sync.json" || grep -q '"code"' "$work/db.json"; then
  echo "the node refused the database or the syncable:"
  show <"$work/db.json"
  show <"$work/sync.json"
  exit 1
else
  for _ in $(seq 1 300); do
    if curl -s "$api/v1/syncable/products/status" | grep -q '"caughtUp":true'; then break; fi
    sleep 0.1
  done
  curl -s "$api/v1/syncable/products/status" | show
  java -cp "$root/committed-server/target/lib/*" org.h2.tools.Shell \
    -url "jdbc:h2:file:$h2;AUTO_SERVER=TRUE" -user "" -sql "SELECT * FROM products ORDER BY sku"
fi

echo "== stopping the node (SIGTERM to process $pid)"
