/**
 * Implementation of the Kafka syncable: config parsing, the producer and its transactions, the
 * position topic and error classification. Not API.
 */
package io.committed.sync.kafka.internal;
