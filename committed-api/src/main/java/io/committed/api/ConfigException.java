package io.committed.api;

import java.util.Optional;

/**
 * A config document, a builder setting or a plug-in's configuration is invalid; nothing was
 * changed. {@link #field()} names the offending field (for example {@code sql.table}) when one
 * field is to blame.
 */
public class ConfigException extends CommittedException {
  private static final long serialVersionUID = 1L;

  private final String field;

  /** A config error not tied to one field. */
  public ConfigException(String message) {
    this(null, message, null);
  }

  /**
   * A config error in {@code field}.
   *
   * @param field the dotted path of the offending field, or null when no single field is to blame
   */
  public ConfigException(String field, String message) {
    this(field, message, null);
  }

  /** A config error in {@code field} (may be null) with its cause. */
  public ConfigException(String field, String message, Throwable cause) {
    super(message, cause);
    this.field = field;
  }

  /** The dotted path of the offending field, if one field is to blame. */
  public Optional<String> field() {
    return Optional.ofNullable(field);
  }
}
