package io.committed.testkit;

import io.committed.CommittedLog;
import io.committed.SyncableStatus;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/** Waiting on a log in tests, with a deadline, polling every few milliseconds (through Awaitility). */
public final class Await {
  private Await() {}

  /**
   * Waits until {@code condition} holds.
   *
   * @throws AssertionError naming {@code what} when {@code timeout} passes first
   */
  public static void until(String what, Duration timeout, BooleanSupplier condition) {
    try {
      Awaitility.await(what).atMost(timeout).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(5))
          .until(condition::getAsBoolean);
    } catch (ConditionTimeoutException e) {
      throw new AssertionError("timed out after " + timeout + " waiting for " + what, e);
    }
  }

  /**
   * Waits until the syncable has delivered and checkpointed every entry the log had when the call
   * was made, on this node.
   *
   * @return the syncable's status at that point
   */
  public static SyncableStatus synced(CommittedLog log, String syncableId, Duration timeout) {
    long target = log.lastIndex();
    SyncableStatus[] last = {null};
    until("syncable '" + syncableId + "' to reach entry " + target, timeout, () -> {
      last[0] = log.sync().status(syncableId);
      return last[0].checkpointIndex() >= target;
    });
    return last[0];
  }
}
