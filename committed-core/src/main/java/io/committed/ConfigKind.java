package io.committed;

import java.util.Locale;

/** The kinds of config documents the log keeps, each in its own {@link ConfigRegistry}. */
public enum ConfigKind {
  /** A topic of entities: name, optional JSON Schema, migrations. Versioned only, never removed. */
  TYPE,
  /** Connection settings of an external SQL system that syncables refer to. */
  DATABASE,
  /** A source of changes (change data capture) feeding the log. */
  INGESTABLE,
  /** A target the log is projected into. */
  SYNCABLE;

  /** The kind's name in documents and URLs: {@code type}, {@code database}, ... */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The kind named {@code id} (case-insensitive), e.g. {@code syncable}. */
  public static ConfigKind fromId(String id) {
    for (ConfigKind k : values()) {
      if (k.id().equalsIgnoreCase(id)) {
        return k;
      }
    }
    throw new IllegalArgumentException("unknown config kind '" + id + "': one of type, database, ingestable, syncable");
  }
}
