/**
 * The SPI between Committed's core and a log engine: the in-memory engine in core, and the
 * replicated engine in {@code committed-raft}. Applications never use it directly.
 *
 * <p>An engine orders and replicates opaque commands; core's deterministic state machine
 * ({@link io.committed.engine.ReplicatedStateMachine}) applies them in that order on every node and
 * decides which become entries of the permanent {@link io.committed.engine.EventLog}.
 */
package io.committed.engine;
