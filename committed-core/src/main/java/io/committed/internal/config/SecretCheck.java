package io.committed.internal.config;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds passwords written literally in connection strings, which would be stored in the log
 * forever and shown to anyone who can read configs. A password given as {@code ${VAR}} is fine.
 */
public final class SecretCheck {
  // password=..., pwd=..., passwd=... as a URL query parameter or a key=value; pair.
  private static final Pattern KEY_VALUE =
      Pattern.compile("(?i)(?:^|[?&;\\s])(password|passwd|pwd)\\s*=\\s*([^&;\\s]*)");
  // scheme://user:password@host
  private static final Pattern USER_INFO = Pattern.compile("^[A-Za-z][A-Za-z0-9+.\\-:]*://([^/@?#]*)@");
  // Go-style DSN user:password@tcp(host)
  private static final Pattern GO_DSN = Pattern.compile("^([^/@:?]+):([^@]*)@[a-z]+\\(");

  private SecretCheck() {}

  /** Which kind of literal password {@code connectionString} holds, if any. */
  public static Optional<String> literalPassword(String connectionString) {
    Matcher kv = KEY_VALUE.matcher(connectionString);
    while (kv.find()) {
      if (isLiteral(kv.group(2))) {
        return Optional.of("a literal '" + kv.group(1).toLowerCase(Locale.ROOT) + "=' value");
      }
    }
    Matcher ui = USER_INFO.matcher(connectionString);
    if (ui.find()) {
      String info = ui.group(1);
      int colon = info.indexOf(':');
      if (colon >= 0 && isLiteral(info.substring(colon + 1))) {
        return Optional.of("a literal password in 'user:password@'");
      }
    }
    Matcher dsn = GO_DSN.matcher(connectionString);
    if (dsn.find() && isLiteral(dsn.group(2))) {
      return Optional.of("a literal password in 'user:password@'");
    }
    return Optional.empty();
  }

  private static boolean isLiteral(String value) {
    return !value.isEmpty() && !EnvResolver.REFERENCE.matcher(value).matches();
  }
}
