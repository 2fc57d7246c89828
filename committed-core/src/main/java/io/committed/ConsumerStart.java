package io.committed;

/**
 * Where a new consumer starts: {@link #earliest()} (entry 1), {@link #latest()} (after the last
 * entry this node has applied) or {@link #at(long)} an index. Only used when the consumer is
 * created; an existing one resumes after its acknowledged index.
 *
 * @param firstIndex the first index delivered; 0 means "after the last entry" (latest)
 */
public record ConsumerStart(long firstIndex) {

  public ConsumerStart {
    if (firstIndex < 0) {
      throw new IllegalArgumentException("start index must be >= 1, was " + firstIndex);
    }
  }

  /** From entry 1. */
  public static ConsumerStart earliest() {
    return new ConsumerStart(1);
  }

  /** After the last entry applied on this node when the consumer is created. */
  public static ConsumerStart latest() {
    return new ConsumerStart(0);
  }

  /** From {@code index} (1 or more); entries before it count as acknowledged. */
  public static ConsumerStart at(long index) {
    if (index < 1) {
      throw new IllegalArgumentException("start index must be >= 1, was " + index);
    }
    return new ConsumerStart(index);
  }

  /** Whether this is {@link #latest()}. */
  public boolean isLatest() {
    return firstIndex == 0;
  }
}
