package io.committed.api;

import java.util.Optional;

/**
 * This node is not the leader and could not forward the request; nothing was written. Retry on
 * the leader, whose address is given when this node knows it.
 */
public class NotLeaderException extends RetriableException {
  private static final long serialVersionUID = 1L;

  private final String leaderAddress;

  /**
   * @param leaderAddress the leader's address ({@code host:port}), or null when no leader is known
   */
  public NotLeaderException(String message, String leaderAddress) {
    super(message, false);
    this.leaderAddress = leaderAddress;
  }

  /** The leader's address, if this node knows it. */
  public Optional<String> leaderAddress() {
    return Optional.ofNullable(leaderAddress);
  }
}
