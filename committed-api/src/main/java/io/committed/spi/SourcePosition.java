package io.committed.spi;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * Where an {@link Ingestable} stands in its source, committed to the log in the same proposal as
 * the data it covers.
 *
 * <p>{@code sequence} orders source transactions: it must grow strictly with each transaction in
 * the source's commit order (PostgreSQL: the commit's end LSN; MySQL: the binlog file number and
 * offset, or the GTID's sequence number). Committed keeps, per ingestable, the highest sequence it
 * committed (the high-water mark) and drops a proposal whose sequence is not above it: that is how
 * a redelivered source transaction is written once. A sequence of 0 means "not ordered" (for
 * example rows of an initial snapshot): such proposals are never dropped and do not move the
 * high-water mark.
 *
 * <p>{@code state} is opaque to Committed: whatever the ingestable needs to resume (a slot LSN, a
 * binlog file and offset, a GTID set, a snapshot's last key), at most 64 KiB.
 *
 * @param sequence the transaction's order in the source, or 0 for "not ordered"; never negative
 * @param state the ingestable's resume state; never null, may be empty
 */
public record SourcePosition(long sequence, byte[] state) {

  /** The largest {@code state} accepted, in bytes. */
  public static final int MAX_STATE_BYTES = 64 * 1024;

  /**
   * @throws IllegalArgumentException when {@code sequence} is negative or {@code state} is null or
   *     larger than {@link #MAX_STATE_BYTES}
   */
  public SourcePosition {
    if (sequence < 0) {
      throw new IllegalArgumentException("source sequence must be >= 0, was " + sequence);
    }
    if (state == null) {
      throw new IllegalArgumentException("source position state is null (use an empty array)");
    }
    if (state.length > MAX_STATE_BYTES) {
      throw new IllegalArgumentException(
          "source position state is " + state.length + " bytes, more than " + MAX_STATE_BYTES);
    }
    state = state.clone();
  }

  /** A position whose state is the UTF-8 text {@code state}. */
  public static SourcePosition of(long sequence, String state) {
    return new SourcePosition(sequence, state.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  /** A copy of the state. */
  @Override
  public byte[] state() {
    return state.clone();
  }

  /** The state decoded as UTF-8. */
  public String stateAsString() {
    return new String(state, java.nio.charset.StandardCharsets.UTF_8);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SourcePosition p && sequence == p.sequence && Arrays.equals(state, p.state);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(sequence) * 31 + Arrays.hashCode(state);
  }

  @Override
  public String toString() {
    return "SourcePosition[sequence=" + sequence + ", state="
        + (state.length <= 64 ? HexFormat.of().formatHex(state) : state.length + " bytes") + "]";
  }
}
