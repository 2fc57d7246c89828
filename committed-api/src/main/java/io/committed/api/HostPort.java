package io.committed.api;

import java.util.Objects;

/**
 * A network address as {@code host:port}: a node's replication address, a listen address, a
 * leader's address. Immutable; {@link #toString()} gives the text {@link #parse} reads back.
 *
 * <p>The host is a DNS name ({@code n1}, {@code db-1.example.com}; letters, digits, {@code -} and
 * {@code _} in dot-separated labels), an IPv4 address, or an IPv6 address, which is written in
 * brackets ({@code [::1]:9021}) and kept without them in {@link #host()}. The port is 0 to 65535;
 * 0 means "any free port" where an address is bound, and is refused where others must reach it.
 *
 * @param host the host name or IP address, IPv6 without brackets; never empty
 * @param port the port, 0 to 65535
 */
public record HostPort(String host, int port) {

  private static final int MAX_HOST_LENGTH = 253;

  /**
   * Checks the parts.
   *
   * @throws IllegalArgumentException when the host is not a host name or IP address, or the port
   *     is out of range
   */
  public HostPort {
    Objects.requireNonNull(host, "host");
    String problem = hostProblem(host);
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("the port must be from 0 to 65535, was " + port);
    }
  }

  /**
   * Reads {@code host:port} or {@code [ipv6]:port}. Nothing else is accepted: no scheme, no path,
   * no spaces, no IPv6 address without brackets.
   *
   * @throws IllegalArgumentException with what is wrong, when {@code text} is not such an address
   */
  public static HostPort parse(String text) {
    if (text == null || text.isEmpty()) {
      throw new IllegalArgumentException("an address must be host:port, was " + (text == null ? "null" : "empty"));
    }
    String host;
    String port;
    if (text.startsWith("[")) {
      int close = text.indexOf(']');
      if (close < 0) {
        throw invalid(text, "the IPv6 address has no closing ']'");
      }
      if (close + 1 >= text.length() || text.charAt(close + 1) != ':') {
        throw invalid(text, "the port is missing after ']' (write [ipv6]:port)");
      }
      host = text.substring(1, close);
      if (host.indexOf(':') < 0) {
        throw invalid(text, "only an IPv6 address goes in brackets");
      }
      port = text.substring(close + 2);
    } else {
      int colon = text.lastIndexOf(':');
      if (colon < 0) {
        throw invalid(text, "the port is missing");
      }
      host = text.substring(0, colon);
      port = text.substring(colon + 1);
      if (host.indexOf(':') >= 0) {
        throw invalid(text, "an IPv6 address goes in brackets, e.g. [::1]:9021");
      }
    }
    if (host.isEmpty()) {
      throw invalid(text, "the host is missing");
    }
    int p;
    try {
      p = parsePort(port);
    } catch (IllegalArgumentException e) {
      throw invalid(text, e.getMessage());
    }
    String problem = hostProblem(host);
    if (problem != null) {
      throw invalid(text, problem);
    }
    return new HostPort(host, p);
  }

  /**
   * Reads a port number: decimal digits, 0 to 65535.
   *
   * @throws IllegalArgumentException when {@code text} is not such a number
   */
  public static int parsePort(String text) {
    if (text == null || text.isEmpty()) {
      throw new IllegalArgumentException("the port is missing");
    }
    if (text.length() > 5 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw new IllegalArgumentException("the port must be a number from 0 to 65535, was '" + text + "'");
    }
    int p = Integer.parseInt(text);
    if (p > 65535) {
      throw new IllegalArgumentException("the port must be a number from 0 to 65535, was " + p);
    }
    return p;
  }

  /** True when {@link #host()} is an IPv6 address (written in brackets). */
  public boolean isIpv6() {
    return host.indexOf(':') >= 0;
  }

  /** {@code host:port}, an IPv6 host in brackets: the text {@link #parse} reads. */
  @Override
  public String toString() {
    return (isIpv6() ? "[" + host + "]" : host) + ":" + port;
  }

  private static IllegalArgumentException invalid(String text, String why) {
    return new IllegalArgumentException("'" + text + "' is not host:port: " + why);
  }

  /** What is wrong with {@code host}, or null when it is a host name or IP address. */
  private static String hostProblem(String host) {
    if (host.isEmpty()) {
      return "the host is empty";
    }
    if (host.indexOf(':') >= 0) {
      return ipv6Problem(host);
    }
    if (host.length() > MAX_HOST_LENGTH) {
      return "the host name is longer than " + MAX_HOST_LENGTH + " characters";
    }
    String[] labels = host.split("\\.", -1);
    for (String label : labels) {
      if (label.isEmpty()) {
        return "the host '" + host + "' has an empty label (two dots, or a dot at an end)";
      }
      if (label.length() > 63) {
        return "the host '" + host + "' has a label longer than 63 characters";
      }
      for (int i = 0; i < label.length(); i++) {
        char c = label.charAt(i);
        if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_')) {
          return "the host '" + host + "' has the character '" + c + "'; a host name has letters, digits, '-' and"
              + " '_' in labels separated by '.'";
        }
      }
      if (label.startsWith("-") || label.endsWith("-")) {
        return "a label of the host '" + host + "' starts or ends with '-'";
      }
    }
    return null;
  }

  private static String ipv6Problem(String host) {
    int zone = host.indexOf('%');
    String address = zone < 0 ? host : host.substring(0, zone);
    if (zone >= 0 && (zone == host.length() - 1
        || !host.substring(zone + 1).chars().allMatch(c -> c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
            || c >= '0' && c <= '9' || c == '.' || c == '-' || c == '_'))) {
      return "the IPv6 address '" + host + "' has a malformed zone after '%'";
    }
    String notIpv6 = "'" + host + "' is not an IPv6 address";
    boolean compressed = address.contains("::");
    if (compressed && address.indexOf("::") != address.lastIndexOf("::") || address.contains(":::")
        || address.startsWith(":") && !address.startsWith("::") || address.endsWith(":") && !address.endsWith("::")) {
      return notIpv6 + " (':' misplaced)";
    }
    String[] parts = address.split(":", -1);
    int groups = 0;
    for (int i = 0; i < parts.length; i++) {
      String part = parts[i];
      if (part.isEmpty()) {
        continue; // part of "::"
      }
      if (part.indexOf('.') >= 0) { // an IPv4 address as the last 32 bits
        if (i != parts.length - 1 || !isIpv4(part)) {
          return notIpv6 + " (only its end may be an IPv4 address)";
        }
        groups += 2;
      } else if (part.length() > 4 || !part.chars().allMatch(HostPort::isHexDigit)) {
        return notIpv6 + " (each group is 1 to 4 hexadecimal digits)";
      } else {
        groups++;
      }
    }
    if (compressed ? groups > 7 : groups != 8) {
      return notIpv6 + " (it has " + groups + " groups of 16 bits; 8 are needed, or fewer with '::')";
    }
    return null;
  }

  private static boolean isHexDigit(int c) {
    return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F';
  }

  private static boolean isIpv4(String s) {
    String[] octets = s.split("\\.", -1);
    if (octets.length != 4) {
      return false;
    }
    for (String o : octets) {
      if (o.isEmpty() || o.length() > 3 || !o.chars().allMatch(c -> c >= '0' && c <= '9') || Integer.parseInt(o) > 255) {
        return false;
      }
    }
    return true;
  }
}
