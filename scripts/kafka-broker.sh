#!/usr/bin/env bash
# A single-node KRaft Kafka broker (controller and broker in one) on 127.0.0.1, run in the
# foreground from the Kafka server jars that Maven resolves for committed-sync-kafka's tests:
# for benchmarks and trying the Kafka syncable where no broker is installed. Data lives in DIR
# (default: a new temporary directory) and is formatted on first use.
#
#   scripts/kafka-broker.sh [PORT] [DIR]        # PORT defaults to 9092; the controller uses PORT+1
set -euo pipefail
cd "$(dirname "$0")/.."
port="${1:-9092}"
dir="${2:-$(mktemp -d -t committed-kafka-XXXXXX)}"
mkdir -p "$dir"
cp_file="$dir/classpath.txt"
if [ ! -s "$cp_file" ]; then
  mvn -B -ntp -q -pl committed-sync-kafka -am test-compile dependency:build-classpath \
    -Dmdep.outputFile="$cp_file" -Dmdep.includeScope=test >&2
fi
props="$dir/server.properties"
if [ ! -f "$props" ]; then
  cat > "$props" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$((port + 1))
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$((port + 1))
advertised.listeners=PLAINTEXT://127.0.0.1:$port
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$dir/data
num.partitions=1
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
group.initial.rebalance.delay.ms=0
PROPS
  cluster_id="$(java -cp "$(cat "$cp_file")" kafka.tools.StorageTool random-uuid)"
  java -cp "$(cat "$cp_file")" kafka.tools.StorageTool format -t "$cluster_id" -c "$props" >&2
fi
echo "Kafka broker on 127.0.0.1:$port, data in $dir" >&2
exec java -Xmx1g -cp "$(cat "$cp_file")" kafka.Kafka "$props"
