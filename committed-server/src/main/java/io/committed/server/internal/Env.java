package io.committed.server.internal;

import io.committed.api.ConfigException;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads typed values from environment variables. An unset or blank variable means "use the
 * default"; a value that does not parse throws a {@link ConfigException} whose field and message
 * name the variable, so a typo stops the node instead of being silently replaced by a default.
 * Values are trimmed: templated env files often carry a trailing space or newline.
 */
public final class Env {
  private static final Pattern DURATION_PART = Pattern.compile("(\\d+(?:\\.\\d*)?|\\.\\d+)(ns|us|µs|ms|s|m|h)");
  private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(B|KiB|MiB|GiB|KB|MB|GB|k|K|M|G)?");

  private final Map<String, String> vars;

  public Env(Map<String, String> vars) {
    this.vars = Map.copyOf(vars);
  }

  /** The trimmed value, or empty when the variable is unset or blank. */
  public Optional<String> string(String name) {
    String v = vars.get(name);
    if (v == null || v.isBlank()) {
      return Optional.empty();
    }
    return Optional.of(v.strip());
  }

  public String string(String name, String defaultValue) {
    return string(name).orElse(defaultValue);
  }

  /** An integer within {@code [min, max]}. */
  public int integer(String name, int defaultValue, int min, int max) {
    Optional<String> raw = string(name);
    if (raw.isEmpty()) {
      return defaultValue;
    }
    try {
      int v = Integer.parseInt(raw.get());
      if (v >= min && v <= max) {
        return v;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw invalid(name, raw.get(), "an integer from " + min + " to " + max);
  }

  /** {@code true/false}, {@code 1/0}, {@code yes/no}, {@code on/off} (case-insensitive). */
  public boolean bool(String name, boolean defaultValue) {
    Optional<String> raw = string(name);
    if (raw.isEmpty()) {
      return defaultValue;
    }
    return switch (raw.get().toLowerCase(Locale.ROOT)) {
      case "true", "1", "yes", "on", "t" -> true;
      case "false", "0", "no", "off", "f" -> false;
      default -> throw invalid(name, raw.get(), "true or false");
    };
  }

  /**
   * A positive duration in Go's syntax, as the original reads it: {@code 30s}, {@code 1m30s},
   * {@code 500ms}, {@code 1.5h} (units ns, us, ms, s, m, h).
   */
  public Duration duration(String name, Duration defaultValue) {
    Optional<String> raw = string(name);
    if (raw.isEmpty()) {
      return defaultValue;
    }
    Duration d = parseDuration(raw.get());
    if (d == null || d.isZero() || d.isNegative()) {
      throw invalid(name, raw.get(), "a positive duration such as 30s, 1m30s or 500ms");
    }
    return d;
  }

  /**
   * A size in bytes within {@code [min, max]}: a plain number of bytes (as the original reads it),
   * or a number with a unit ({@code 512KiB}, {@code 16MiB}, {@code 1GiB}; {@code KB/MB/GB} are
   * read as the binary units too).
   */
  public long bytes(String name, long defaultValue, long min, long max) {
    Optional<String> raw = string(name);
    if (raw.isEmpty()) {
      return defaultValue;
    }
    Matcher m = SIZE.matcher(raw.get());
    if (m.matches()) {
      try {
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "B" : m.group(2);
        long factor = switch (unit) {
          case "KiB", "KB", "k", "K" -> 1024L;
          case "MiB", "MB", "M" -> 1024L * 1024;
          case "GiB", "GB", "G" -> 1024L * 1024 * 1024;
          default -> 1L;
        };
        long v = Math.multiplyExact(n, factor);
        if (v >= min && v <= max) {
          return v;
        }
      } catch (NumberFormatException | ArithmeticException e) {
        // reported below
      }
    }
    throw invalid(name, raw.get(), "a size from " + min + " to " + max + " bytes (e.g. 16777216 or 16MiB)");
  }

  /** Parses a Go duration; null when the text is not one. */
  static Duration parseDuration(String text) {
    String s = text.strip();
    if (s.equals("0")) {
      return Duration.ZERO;
    }
    boolean negative = s.startsWith("-");
    if (negative || s.startsWith("+")) {
      s = s.substring(1);
    }
    if (s.isEmpty()) {
      return null;
    }
    Matcher m = DURATION_PART.matcher(s);
    int at = 0;
    BigDecimal nanos = BigDecimal.ZERO;
    while (at < s.length()) {
      if (!m.find(at) || m.start() != at) {
        return null;
      }
      BigDecimal n = new BigDecimal(m.group(1).endsWith(".") ? m.group(1) + "0" : m.group(1));
      long unit = switch (m.group(2)) {
        case "ns" -> 1L;
        case "us", "µs" -> 1_000L;
        case "ms" -> 1_000_000L;
        case "s" -> 1_000_000_000L;
        case "m" -> 60_000_000_000L;
        default -> 3_600_000_000_000L;
      };
      nanos = nanos.add(n.multiply(BigDecimal.valueOf(unit)));
      at = m.end();
    }
    if (nanos.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
      return null;
    }
    Duration d = Duration.ofNanos(nanos.longValue());
    return negative ? d.negated() : d;
  }

  /** The error for a variable whose value is not what it must be. */
  public static ConfigException invalid(String name, String value, String expected) {
    return new ConfigException(name, name + " must be " + expected + ", was '" + value + "'");
  }
}
