/**
 * The Kafka syncable: {@link io.committed.sync.kafka.KafkaSyncableFactory} (kind {@code kafka})
 * publishes the log to topics in log order per key, with an idempotent producer and, by default,
 * one transaction per batch that also records the position, so replays are invisible to
 * {@code read_committed} consumers.
 */
package io.committed.sync.kafka;
