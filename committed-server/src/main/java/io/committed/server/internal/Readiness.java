package io.committed.server.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Whether the node should get traffic ({@code /ready}), from what its log reports at each check.
 * Not ready while it shuts down, while no leader is known, until it has once applied everything it
 * knew to be committed after starting (its replay), and whenever applying stalls: entries are
 * committed but the applied index has not moved for {@code stallTimeout}. A node that applies
 * behind the commit index but moves is ready: under load it is always a few entries behind.
 *
 * <p>Progress is observed by {@link #sample}, which the node calls every second whether or not
 * anyone asks (so the first check after a long stall sees the stall), and at each check; time
 * comes from {@code nanoClock}, so tests advance a fake clock. Thread-safe.
 */
public final class Readiness {
  private final long stallNanos;
  private final LongSupplier nanoClock;
  private boolean caughtUp;
  private long lastApplied = -1;
  private long lastMoved;

  /**
   * @param stallTimeout how long the applied index may stand still behind the commit index
   * @param nanoClock {@link System#nanoTime()} but in tests
   */
  public Readiness(Duration stallTimeout, LongSupplier nanoClock) {
    if (stallTimeout.isNegative() || stallTimeout.isZero()) {
      throw new IllegalArgumentException("stallTimeout must be positive, was " + stallTimeout);
    }
    this.stallNanos = stallTimeout.toNanos();
    this.nanoClock = nanoClock;
  }

  /**
   * Notes where applying stands: the applied index moved, or nothing is left to apply (progress
   * too: an idle hour is not a stall when the next write comes).
   *
   * @return the time of the sample
   */
  public synchronized long sample(long applied, long committed) {
    long now = nanoClock.getAsLong();
    boolean behind = applied < committed;
    if (applied != lastApplied || !behind) {
      lastApplied = applied;
      lastMoved = now;
    }
    if (!behind) {
      caughtUp = true;
    }
    return now;
  }

  /**
   * The reasons this node is not ready, empty when it is.
   *
   * @param stopping the node shuts down
   * @param leaderKnown this node knows a leader
   * @param applied the engine index this node has applied
   * @param committed the engine index this node knows to be committed
   */
  public synchronized List<String> check(boolean stopping, boolean leaderKnown, long applied, long committed) {
    long now = sample(applied, committed);
    boolean behind = applied < committed;
    List<String> reasons = new ArrayList<>();
    if (stopping) {
      reasons.add("the node is shutting down");
      return reasons;
    }
    if (!leaderKnown) {
      reasons.add("no leader is known");
    }
    if (behind) {
      long still = now - lastMoved;
      if (still >= stallNanos) {
        reasons.add("applying has stalled: applied " + applied + " of " + committed + " committed, no progress for "
            + TimeUnit.NANOSECONDS.toSeconds(still) + " s");
      } else if (!caughtUp) {
        reasons.add("applying committed entries: " + applied + " of " + committed);
      }
    }
    return reasons;
  }
}
