package io.committed.raft;

import java.io.Serializable;

/**
 * The leader's answer to a {@link ForwardRequest}, one slot per command. Wire format ({@link ForwardCodec}), not an API.
 */
public final class ForwardResponse implements Serializable {
  private static final long serialVersionUID = 1L;

  /** True when the receiver was not the leader: no command was proposed, send them again elsewhere. */
  public boolean notLeader;
  /** The engine index that applied each command, 0 when it failed. */
  public long[] engineIndexes;
  /** Each accepted command's result value. */
  public long[] values;
  /** Each refused command's rejection reason name, or null. */
  public String[] rejections;
  /** Each refused or failed command's message, or null. */
  public String[] messages;
  /** For a failed command: true when it may have been committed anyway. */
  public boolean[] outcomeUnknown;
}
