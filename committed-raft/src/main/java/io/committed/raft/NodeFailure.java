package io.committed.raft;

import java.util.concurrent.CompletableFuture;

/**
 * Why this node stopped serving proposals (its apply or dispatcher failed, or JRaft reported an
 * error), once it has. Proposals fail with the message from then on; the start-up replay stops
 * waiting on {@link #signal()}.
 */
final class NodeFailure {
  private final CompletableFuture<String> signal = new CompletableFuture<>();
  private volatile String message;

  void fail(String why) {
    message = why;
    signal.complete(why);
  }

  /** The latest failure's message, null while the node is healthy. */
  String message() {
    return message;
  }

  /** Completes with the first failure's message. */
  CompletableFuture<String> signal() {
    return signal;
  }
}
