package io.committed.raft;

import io.committed.engine.ApplyResult;
import java.util.concurrent.CompletableFuture;

/** One submitted command and where its result goes. */
final class PendingCommand {
  /** A command's result and the engine index that applied it. */
  record Applied(ApplyResult result, long engineIndex) {}

  final byte[] command;
  final CompletableFuture<Applied> future = new CompletableFuture<>();
  /** When it fails if no leader took it (on {@link NodeContext#nanoClock}). */
  final long deadlineNanos;
  /** Forwarded to us by a follower: never forward it again. */
  final boolean forwarded;

  PendingCommand(byte[] command, long deadlineNanos, boolean forwarded) {
    this.command = command;
    this.deadlineNanos = deadlineNanos;
    this.forwarded = forwarded;
  }

  void fail(Throwable e) {
    future.completeExceptionally(e);
  }
}
