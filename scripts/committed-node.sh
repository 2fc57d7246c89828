#!/usr/bin/env bash
# Runs a Committed node (committed-server/target/committed-server.jar, with target/lib/ beside it),
# adding the JVM flags the replicated engine's event log (Chronicle Queue) needs on JDK 17+.
# The node is configured by COMMITTED_* environment variables: run it with --help for the list.
#
#   COMMITTED_ENGINE=memory scripts/committed-node.sh        # a single in-memory node on :8080
#
# JAVA_OPTS adds JVM options (e.g. -Xmx2g). COMMITTED_PLUGIN_PATH adds your plug-in jars to the class
# path (e.g. "plugins/*"): their Syncable/Ingestable factories are found through ServiceLoader.
# COMMITTED_JAR points at another build of the node. The script execs java, so the node's process id
# is the script's: SIGTERM to it shuts the node down gracefully.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
jar="${COMMITTED_JAR:-$root/committed-server/target/committed-server.jar}"
if [ ! -f "$jar" ]; then
  echo "committed-node: $jar is missing: build it with 'mvn -q -pl committed-server -am -DskipTests package'" >&2
  exit 1
fi
# Keep in step with the Add-Exports/Add-Opens entries of the jar's manifest (committed-server/pom.xml).
flags=(
  --add-exports=java.base/sun.nio.ch=ALL-UNNAMED
  --add-opens=java.base/java.lang.reflect=ALL-UNNAMED
  --add-exports=java.base/jdk.internal.ref=ALL-UNNAMED
)
# shellcheck disable=SC2086 # JAVA_OPTS is a list of options
if [ -n "${COMMITTED_PLUGIN_PATH:-}" ]; then
  exec java "${flags[@]}" ${JAVA_OPTS:-} -cp "$jar:$COMMITTED_PLUGIN_PATH" io.committed.server.Main "$@"
fi
exec java "${flags[@]}" ${JAVA_OPTS:-} -jar "$jar" "$@"
