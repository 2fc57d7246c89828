package io.committed.sync.jdbc.internal;

import java.util.regex.Pattern;

/**
 * Names of tables, columns and indexes taken from a config. They are checked against a strict
 * pattern (letters, digits, {@code _}; at most 63 characters, PostgreSQL's limit) and always
 * quoted when written into SQL, so no config can smuggle SQL in and reserved words still work.
 */
public final class Identifiers {
  /** What a name may look like. */
  public static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");

  private Identifiers() {}

  /** True when {@code name} is an acceptable identifier. */
  public static boolean valid(String name) {
    return name != null && NAME.matcher(name).matches();
  }

  /** Why {@code name} is not acceptable, for a config error. */
  public static String problem(String name) {
    return "'" + name + "' is not a valid SQL name: use 1 to 63 letters, digits and '_', not starting with a digit";
  }
}
