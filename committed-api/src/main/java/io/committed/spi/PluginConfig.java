package io.committed.spi;

import io.committed.api.ConfigException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * A read-only view of one section (table) of a parsed TOML or JSON config document, for example
 * the {@code [sql]} section of a syncable. Implemented by Committed; plug-ins only read it.
 *
 * <p>Field names are matched case-insensitively, as in the original's documents. String values may
 * refer to environment variables as {@code ${NAME}}; {@link #string} resolves them when the config
 * is used. While a document is only being validated, an unset variable is left as written.
 *
 * <p>Every accessor that finds a value of the wrong shape throws a {@link ConfigException} whose
 * {@link ConfigException#field()} is the full dotted path of the field (e.g. {@code sql.table}).
 * Instances are immutable and safe to share between threads.
 */
public interface PluginConfig {

  /** The dotted path of this section in its document, e.g. {@code sql} or {@code sql.mappings[2]}. */
  String path();

  /** The names of the fields in this section, as written in the document, in document order. */
  Set<String> names();

  /** True when the section has a field of that name (of any shape). */
  boolean has(String name);

  /**
   * A string field, with {@code ${VAR}} references resolved. Numbers and booleans are returned as
   * their text.
   *
   * @return empty when the field is absent
   * @throws ConfigException when the field is a table or an array, or refers to an unset variable
   *     while the config is being used
   */
  Optional<String> string(String name);

  /**
   * A string field as written, without resolving {@code ${VAR}} references: for fields that are
   * templates with placeholders of their own in the same syntax, such as a broker syncable's
   * {@code subject = "orders.${type}.${key}"}. Numbers and booleans are returned as their text.
   *
   * @return empty when the field is absent
   * @throws ConfigException when the field is a table or an array
   */
  Optional<String> rawString(String name);

  /** A required string field; see {@link #string}. */
  default String requireString(String name) {
    return string(name).orElseThrow(() -> error(name, "is required"));
  }

  /**
   * An integer field.
   *
   * @return empty when the field is absent
   * @throws ConfigException when the value is not an integer
   */
  OptionalLong integer(String name);

  /** An integer field with a default. */
  default long integer(String name, long defaultValue) {
    OptionalLong v = integer(name);
    return v.isPresent() ? v.getAsLong() : defaultValue;
  }

  /**
   * A boolean field; {@code true}/{@code false}, or {@code 1}/{@code 0} as the original's documents
   * write them.
   *
   * @return empty when the field is absent
   */
  Optional<Boolean> bool(String name);

  /** A boolean field with a default. */
  default boolean bool(String name, boolean defaultValue) {
    return bool(name).orElse(defaultValue);
  }

  /**
   * A duration: an integer number of milliseconds, or a string such as {@code 250ms}, {@code 30s},
   * {@code 5m}, {@code 1h}.
   *
   * @return empty when the field is absent
   */
  Optional<Duration> duration(String name);

  /**
   * A list of strings: an array of strings, or a single string read as a one-element list.
   *
   * @return an empty list when the field is absent
   */
  List<String> strings(String name);

  /** A nested table, e.g. {@code section("postgres")} of {@code [sql]} reads {@code [sql.postgres]}. */
  Optional<PluginConfig> section(String name);

  /** An array of tables ({@code [[sql.mappings]]}); empty when absent. */
  List<PluginConfig> sections(String name);

  /**
   * An exception that names the field {@code path() + "." + name}; for plug-ins' own checks.
   * Example: {@code throw config.error("table", "must not be empty")}.
   */
  ConfigException error(String name, String problem);
}
