package io.committed;

import java.util.Locale;

/**
 * A node's role in its replication group, as {@link LogStatus#role()} reports it. The in-memory
 * engine is always {@link #LEADER} while it runs.
 */
public enum NodeRole {
  /** Accepts proposals and runs the sync and ingest workers. */
  LEADER,
  /** A voter that follows the leader. */
  FOLLOWER,
  /** A voter asking to be elected (no leader is known). */
  CANDIDATE,
  /** A member that receives the log without voting (added, not yet promoted). */
  LEARNER,
  /** Not running: not started yet, shutting down, or closed. */
  STOPPED;

  /** The role as the REST API and metrics spell it: {@code leader}, {@code follower}, ... */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
