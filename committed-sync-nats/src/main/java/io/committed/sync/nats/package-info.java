/**
 * The NATS JetStream syncable: {@link io.committed.sync.nats.NatsSyncableFactory} (kind
 * {@code nats}) publishes the log to a stream in log order, deduplicated by {@code Nats-Msg-Id},
 * resuming after the stream's last message.
 */
package io.committed.sync.nats;
