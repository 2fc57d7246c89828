package io.committed.raft;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * The format of the raft entries this engine proposes (group commit): a count, then each command
 * with its length. Each command gets its own engine index, {@code raftIndex << 16 | position}, so
 * one entry holds at most 65,535 commands.
 */
final class RaftEntries {
  static final int POSITION_BITS = 16;
  /** The most commands one entry holds. */
  static final int MAX_COMMANDS = (1 << POSITION_BITS) - 1;

  /** What {@link #decode} hands each command of an entry to. */
  interface CommandVisitor {
    void command(int position, byte[] command);
  }

  private RaftEntries() {}

  static ByteBuffer encode(List<byte[]> commands) {
    if (commands.size() > MAX_COMMANDS) {
      throw new IllegalStateException("a raft entry holds at most " + MAX_COMMANDS + " commands");
    }
    int size = Integer.BYTES;
    for (byte[] c : commands) {
      size += Integer.BYTES + c.length;
    }
    ByteBuffer b = ByteBuffer.allocate(size);
    b.putInt(commands.size());
    for (byte[] c : commands) {
      b.putInt(c.length).put(c);
    }
    return b.flip();
  }

  /** An entry of no commands: the state machine applies it as nothing (see {@link CatchUpNudge}). */
  static ByteBuffer empty() {
    return encode(List.of());
  }

  /**
   * Hands each command of {@code entry} to {@code visitor}, in order. Reads a view of the buffer: the
   * entry's buffer is shared with the replicators that still send it to followers.
   */
  static void decode(ByteBuffer entry, CommandVisitor visitor) {
    ByteBuffer data = entry.slice();
    int count = data.getInt();
    for (int i = 0; i < count; i++) {
      byte[] command = new byte[data.getInt()];
      data.get(command);
      visitor.command(i, command);
    }
  }

  static long engineIndex(long raftIndex, int position) {
    return (raftIndex << POSITION_BITS) | position;
  }

  /** The raft index of the entry that holds engine index {@code engineIndex}. */
  static long raftIndex(long engineIndex) {
    return engineIndex >>> POSITION_BITS;
  }

  /** The highest engine index raft entry {@code raftIndex} can hold: applied once the entry is. */
  static long lastEngineIndex(long raftIndex) {
    return (raftIndex << POSITION_BITS) | MAX_COMMANDS;
  }
}
