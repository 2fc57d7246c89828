package io.committed.raft;

import java.io.Serializable;

/**
 * Proposals a follower hands to the leader. Wire format between nodes of one release (encoded by
 * {@link ForwardCodec}); not an API.
 */
public final class ForwardRequest implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The replication group the commands belong to. */
  public String groupId;
  /** The encoded commands, in submission order. */
  public byte[][] commands;
}
