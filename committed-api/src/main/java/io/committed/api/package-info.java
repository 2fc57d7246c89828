/**
 * Values that travel through the log ({@link io.committed.api.Entity}, {@link io.committed.api.Proposal},
 * {@link io.committed.api.LogEntry}) and the exceptions the library throws, all under
 * {@link io.committed.api.CommittedException}.
 *
 * <p>This package has no dependencies beyond the JDK: plug-ins and applications can depend on it
 * without pulling in the engine.
 */
package io.committed.api;
