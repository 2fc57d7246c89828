package io.committed.internal;

import io.committed.LogObserver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Calls a user's {@link LogObserver}, so that its failures never break the log. */
public final class SafeObserver implements LogObserver {
  private static final Logger LOG = LoggerFactory.getLogger(SafeObserver.class);

  private final LogObserver delegate;

  private SafeObserver(LogObserver delegate) {
    this.delegate = delegate;
  }

  public static LogObserver wrap(LogObserver observer) {
    return observer == LogObserver.NONE || observer instanceof SafeObserver ? observer : new SafeObserver(observer);
  }

  private void failed(RuntimeException e) {
    LOG.warn("log observer {} failed", delegate.getClass().getName(), e);
  }

  @Override
  public void proposalCompleted(Outcome outcome, long nanos, int entities) {
    try {
      delegate.proposalCompleted(outcome, nanos, entities);
    } catch (RuntimeException e) {
      failed(e);
    }
  }

  @Override
  public void entryApplied(long index) {
    try {
      delegate.entryApplied(index);
    } catch (RuntimeException e) {
      failed(e);
    }
  }

  @Override
  public void leadershipChanged(boolean leader) {
    try {
      delegate.leadershipChanged(leader);
    } catch (RuntimeException e) {
      failed(e);
    }
  }

  @Override
  public void syncBatchWritten(String syncableId, int entries, long nanos) {
    try {
      delegate.syncBatchWritten(syncableId, entries, nanos);
    } catch (RuntimeException e) {
      failed(e);
    }
  }

  @Override
  public void syncFailed(String syncableId, boolean permanent) {
    try {
      delegate.syncFailed(syncableId, permanent);
    } catch (RuntimeException e) {
      failed(e);
    }
  }

  @Override
  public void deadLettered(String syncableId, long index) {
    try {
      delegate.deadLettered(syncableId, index);
    } catch (RuntimeException e) {
      failed(e);
    }
  }

  @Override
  public void ingestCommitted(String ingestableId, boolean duplicate) {
    try {
      delegate.ingestCommitted(ingestableId, duplicate);
    } catch (RuntimeException e) {
      failed(e);
    }
  }

  @Override
  public void ingestFailed(String ingestableId, boolean parked) {
    try {
      delegate.ingestFailed(ingestableId, parked);
    } catch (RuntimeException e) {
      failed(e);
    }
  }
}
