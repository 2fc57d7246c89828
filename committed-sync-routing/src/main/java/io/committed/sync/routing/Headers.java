package io.committed.sync.routing;

/** The names of the standard headers every routed message carries. */
public final class Headers {
  private Headers() {}

  /** The id of the syncable that published the message. */
  public static final String SYNCABLE = "Committed-Syncable";
  /** The log index of the entity's entry. */
  public static final String INDEX = "Committed-Index";
  /** The entity's 0-based position among the entry's entities that the syncable receives. */
  public static final String POSITION = "Committed-Position";
  /** How many entities of the entry the syncable receives: a consumer knows when it has a whole entry. */
  public static final String ENTITIES = "Committed-Entities";
  /** The entity's type id. */
  public static final String TYPE = "Committed-Type";
  /** The version of the type the entry was written with. */
  public static final String TYPE_VERSION = "Committed-Type-Version";
  /** {@code upsert} or {@code delete}. */
  public static final String OPERATION = "Committed-Operation";
  /** The entity key, escaped with {@link Escaping#HEADER_VALUE} (decode with {@code unescape}). */
  public static final String KEY = "Committed-Key";
  /** When the entry was proposed, ISO-8601 UTC. */
  public static final String TIMESTAMP = "Committed-Timestamp";

  /** Prefixes a configured header may not use. */
  static final String[] RESERVED_PREFIXES = {"Committed-", "Nats-"};
}
