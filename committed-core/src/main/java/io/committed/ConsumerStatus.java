package io.committed;

import java.util.List;

/**
 * A named consumer as this node sees it.
 *
 * @param name the consumer's name
 * @param types the type ids it follows, sorted; empty for every type
 * @param acknowledged the replicated acknowledged index; 0 when nothing was acknowledged
 * @param lastIndex the last entry applied on this node
 * @param lag entries after the acknowledged index up to {@code lastIndex}, of any type
 * @param readerOpen whether a reader of this consumer is open on this node
 */
public record ConsumerStatus(String name, List<String> types, long acknowledged, long lastIndex, long lag,
    boolean readerOpen) {

  public ConsumerStatus {
    types = List.copyOf(types);
  }
}
