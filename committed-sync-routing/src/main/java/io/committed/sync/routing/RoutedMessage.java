package io.committed.sync.routing;

import java.util.Arrays;
import java.util.List;

/**
 * The message one entity becomes.
 *
 * @param destination the subject or topic, valid under the router's {@link DestinationSyntax}
 * @param key the entity's key, as the broker's message key (Kafka), byte for byte
 * @param headers the standard {@code Committed-*} headers first, then the configured ones, in order
 * @param body the message body; empty for a tombstone
 * @param tombstone true for a delete sent as a tombstone (Kafka: a null value; NATS: an empty body
 *     with {@code Committed-Operation: delete})
 */
public record RoutedMessage(String destination, byte[] key, List<Header> headers, byte[] body, boolean tombstone) {

  /** One header; the value is US-ASCII without control characters (see {@link Escaping#HEADER_VALUE}). */
  public record Header(String name, String value) {}

  public RoutedMessage {
    headers = List.copyOf(headers);
  }

  /** The value of the first header named {@code name} (case-insensitive), or null. */
  public String header(String name) {
    for (Header h : headers) {
      if (h.name().equalsIgnoreCase(name)) {
        return h.value();
      }
    }
    return null;
  }

  /** The serialized size of the headers and body, as NATS counts it against its limits (an upper bound). */
  public int natsSize() {
    int size = "NATS/1.0\r\n\r\n".length() + body.length;
    for (Header h : headers) {
      size += h.name().length() + 2 + h.value().length() + 2;
    }
    return size;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RoutedMessage m && tombstone == m.tombstone && destination.equals(m.destination)
        && Arrays.equals(key, m.key) && headers.equals(m.headers) && Arrays.equals(body, m.body);
  }

  @Override
  public int hashCode() {
    return (destination.hashCode() * 31 + Arrays.hashCode(key)) * 31 + Arrays.hashCode(body);
  }

  /** Destination and sizes only: the body and key may hold personal data. */
  @Override
  public String toString() {
    return "RoutedMessage[" + destination + ", key " + key.length + " bytes, " + headers.size() + " headers, body "
        + (tombstone ? "tombstone" : body.length + " bytes") + "]";
  }
}
