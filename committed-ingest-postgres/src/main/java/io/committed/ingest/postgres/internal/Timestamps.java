package io.committed.ingest.postgres.internal;

import java.time.LocalDateTime;

/**
 * Converts PostgreSQL's ISO timestamp text ({@code 2024-05-01 12:15:30.123456+02}) to ISO-8601.
 * timestamptz becomes UTC, so the text does not depend on the session's time zone (every node of
 * a cluster writes the same bytes); the fraction keeps its digits. Values without an ISO-8601
 * form (infinity, BC dates, years past 9999) are kept as PostgreSQL wrote them.
 */
final class Timestamps {
  private Timestamps() {}

  /** A timestamptz text as an ISO-8601 instant in UTC. */
  static String utc(String text) {
    int space = text.indexOf(' ');
    if (space != 10 || text.endsWith(" BC")) {
      return text; // infinity, -infinity, BC, or a year with more than 4 digits
    }
    int sign = -1;
    for (int i = text.length() - 1; i > space; i--) {
      char c = text.charAt(i);
      if (c == '+' || c == '-') {
        sign = i;
        break;
      }
    }
    if (sign < 0) {
      return text;
    }
    int offsetSeconds = offsetSeconds(text, sign);
    // yyyy-MM-dd HH:mm:ss[.f...] parsed by hand: java.time's formatter parser dominates a profile
    if (sign < 19 || text.charAt(4) != '-' || text.charAt(7) != '-' || text.charAt(13) != ':'
        || text.charAt(16) != ':') {
      return text;
    }
    LocalDateTime local = LocalDateTime.of(digits(text, 0, 4), digits(text, 5, 7), digits(text, 8, 10),
        digits(text, 11, 13), digits(text, 14, 16), digits(text, 17, 19));
    LocalDateTime utc = local.minusSeconds(offsetSeconds);
    if (utc.getYear() > 9999 || utc.getYear() < 1) {
      return text;
    }
    String fraction = sign > 19 && text.charAt(19) == '.' ? text.substring(19, sign) : "";
    return format(utc) + fraction + "Z";
  }

  private static int digits(String s, int from, int to) {
    int v = 0;
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        throw new IllegalArgumentException("not a timestamp: " + s);
      }
      v = v * 10 + (c - '0');
    }
    return v;
  }

  /** A timestamp (without zone) text as an ISO-8601 local date-time. */
  static String local(String text) {
    if (text.indexOf(' ') != 10 || text.endsWith(" BC")) {
      return text;
    }
    return text.substring(0, 10) + 'T' + text.substring(11);
  }

  /** {@code +hh}, {@code +hh:mm} or {@code +hh:mm:ss} at {@code sign}, in seconds. */
  private static int offsetSeconds(String text, int sign) {
    int n = text.length() - sign - 1;
    if (n != 2 && n != 5 && n != 8) {
      throw new IllegalArgumentException("not a time zone offset: " + text.substring(sign));
    }
    int seconds = digits(text, sign + 1, sign + 3) * 3600;
    if (n >= 5) {
      seconds += digits(text, sign + 4, sign + 6) * 60;
    }
    if (n == 8) {
      seconds += digits(text, sign + 7, sign + 9);
    }
    return text.charAt(sign) == '-' ? -seconds : seconds;
  }

  private static String format(LocalDateTime t) {
    char[] c = new char[19];
    put(c, 0, t.getYear(), 4);
    c[4] = '-';
    put(c, 5, t.getMonthValue(), 2);
    c[7] = '-';
    put(c, 8, t.getDayOfMonth(), 2);
    c[10] = 'T';
    put(c, 11, t.getHour(), 2);
    c[13] = ':';
    put(c, 14, t.getMinute(), 2);
    c[16] = ':';
    put(c, 17, t.getSecond(), 2);
    return new String(c);
  }

  private static void put(char[] c, int at, int value, int width) {
    for (int i = at + width - 1; i >= at; i--) {
      c[i] = (char) ('0' + value % 10);
      value /= 10;
    }
  }
}
