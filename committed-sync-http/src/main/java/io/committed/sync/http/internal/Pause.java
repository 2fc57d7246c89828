package io.committed.sync.http.internal;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Where the syncable's backoff waits come from: a future that completes after a delay. Injected so
 * that tests record the delays and complete them at once instead of waiting.
 */
@FunctionalInterface
public interface Pause {

  /** Completes after {@code delay} on the JDK's shared delay scheduler. */
  Pause REAL = delay -> CompletableFuture.runAsync(() -> { },
      CompletableFuture.delayedExecutor(delay.toNanos(), TimeUnit.NANOSECONDS));

  /** A future that completes once {@code delay} has passed. */
  CompletableFuture<Void> after(Duration delay);
}
