package io.committed.sync.routing;

/**
 * One entity cannot be routed: a template refers to a data field the entity does not have, a value
 * renders to nothing, the data is not JSON. Retrying cannot help, so a syncable reports it as a
 * permanent failure of the entry (a dead letter whose reason is this message).
 */
public final class RoutingException extends Exception {
  private static final long serialVersionUID = 1L;

  /** A failure whose message says which entity and what is wrong with it. */
  public RoutingException(String message) {
    super(message);
  }
}
