/**
 * Routing shared by the broker syncables (NATS JetStream, Kafka): which subject or topic an entity
 * goes to ({@link io.committed.sync.routing.Template}, rendered under a
 * {@link io.committed.sync.routing.DestinationSyntax}), and the message it becomes
 * ({@link io.committed.sync.routing.Router} → {@link io.committed.sync.routing.RoutedMessage}): key,
 * headers, body, and what a delete turns into. Pure Java over committed-api; documented for users
 * in {@code docs/broker-sync.md}.
 */
package io.committed.sync.routing;
