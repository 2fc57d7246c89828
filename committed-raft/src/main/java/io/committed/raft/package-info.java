/**
 * The replicated log engine: one SOFAJRaft group per log, its committed entries applied through
 * core's state machine into a permanent Chronicle Queue event log. Applications never use it
 * directly: having {@code committed-raft} on the class path is enough, core finds
 * {@link io.committed.raft.RaftEngineFactory} (the package's only public type) through
 * {@code META-INF/services}. JRaft, SOFABolt and Chronicle types stay inside the package.
 */
package io.committed.raft;
