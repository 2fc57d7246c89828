package io.committed.ingest.mysql.internal;

import com.github.shyiko.mysql.binlog.io.ByteArrayInputStream;
import java.io.IOException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * Date and time values decoded from the binary log's storage formats straight into MySQL's own
 * text ({@code 2024-05-01 10:15:30.123456}, {@code -838:59:59.5}), with no time zone or calendar
 * in between: the connector's own decoders lose negative {@code TIME}s, zero dates and
 * microseconds. Formats as in MySQL's {@code my_time.cc} ({@code TIME2}, {@code DATETIME2},
 * {@code TIMESTAMP2}, and the old ones before 5.6.4).
 */
final class Temporals {
  private Temporals() {}

  /** {@code DATE}: 3 bytes little-endian, day 5 bits, month 4 bits, year the rest. */
  static String date(ByteArrayInputStream in) throws IOException {
    int v = in.readInteger(3);
    return ymd(v >> 9, (v >> 5) & 15, v & 31);
  }

  /** Old {@code TIME}: 3 bytes little-endian, signed {@code HHMMSS}. */
  static String timeV1(ByteArrayInputStream in) throws IOException {
    int v = (in.readInteger(3) << 8) >> 8;
    boolean negative = v < 0;
    v = Math.abs(v);
    return (negative ? "-" : "") + two(v / 10000) + ":" + two(v / 100 % 100) + ":" + two(v % 100);
  }

  /** {@code TIME2}: 3 bytes big-endian with an offset, then the fraction, signed together. */
  static String timeV2(int fsp, ByteArrayInputStream in) throws IOException {
    long packed;
    if (fsp >= 5) {
      packed = bigEndian(in.read(6)) - 0x800000000000L;
    } else {
      long intPart = bigEndian(in.read(3)) - 0x800000L;
      long frac = 0;
      if (fsp >= 3) {
        frac = (short) bigEndian(in.read(2));
        if (intPart < 0 && frac != 0) {
          intPart++;
          frac -= 0x10000;
        }
        frac *= 100;
      } else if (fsp >= 1) {
        frac = (byte) bigEndian(in.read(1));
        if (intPart < 0 && frac != 0) {
          intPart++;
          frac -= 0x100;
        }
        frac *= 10000;
      }
      packed = (intPart << 24) + frac;
    }
    boolean negative = packed < 0;
    long abs = Math.abs(packed);
    long hms = abs >> 24;
    int micros = (int) (abs & 0xFFFFFF);
    return (negative ? "-" : "") + two((int) ((hms >> 12) & 0x3FF)) + ":" + two((int) ((hms >> 6) & 0x3F)) + ":"
        + two((int) (hms & 0x3F)) + fraction(micros, fsp);
  }

  /** Old {@code DATETIME}: 8 bytes little-endian {@code YYYYMMDDHHMMSS}. */
  static String datetimeV1(ByteArrayInputStream in) throws IOException {
    long v = in.readLong(8);
    long date = v / 1_000_000;
    long time = v % 1_000_000;
    return ymd((int) (date / 10000), (int) (date / 100 % 100), (int) (date % 100)) + " " + two((int) (time / 10000))
        + ":" + two((int) (time / 100 % 100)) + ":" + two((int) (time % 100));
  }

  /** {@code DATETIME2}: 5 bytes big-endian with an offset (year*13+month, day, h, m, s), then the fraction. */
  static String datetimeV2(int fsp, ByteArrayInputStream in) throws IOException {
    long v = bigEndian(in.read(5)) - 0x8000000000L;
    int micros = fractionUnsigned(fsp, in);
    long ymd = v >> 17;
    long ym = ymd >> 5;
    long hms = v % (1 << 17);
    return ymd((int) (ym / 13), (int) (ym % 13), (int) (ymd & 31)) + " " + two((int) (hms >> 12)) + ":"
        + two((int) ((hms >> 6) & 63)) + ":" + two((int) (hms & 63)) + fraction(micros, fsp);
  }

  /** Old {@code TIMESTAMP}: 4 bytes little-endian seconds since the epoch; in UTC. */
  static String timestampV1(ByteArrayInputStream in) throws IOException {
    return utc(in.readLong(4), 0, 0);
  }

  /** {@code TIMESTAMP2}: 4 bytes big-endian seconds since the epoch, then the fraction; in UTC. */
  static String timestampV2(int fsp, ByteArrayInputStream in) throws IOException {
    long seconds = bigEndian(in.read(4));
    return utc(seconds, fractionUnsigned(fsp, in), fsp);
  }

  /**
   * MySQL's text of a {@code DATETIME} or {@code TIMESTAMP} ({@code 2024-05-01 10:15:30.5}) as the
   * JSON text: a {@code T} between date and time, and {@code Z} after a (UTC) timestamp. Zero dates
   * ({@code 0000-00-00 00:00:00}) get the {@code T} but no zone.
   */
  static String iso(String mysqlText, boolean utc) {
    String t = mysqlText.replace(' ', 'T');
    return utc && !t.startsWith("0000-00-00") ? t + "Z" : t;
  }

  private static String utc(long seconds, int micros, int fsp) {
    if (seconds == 0 && micros == 0) {
      return "0000-00-00 00:00:00" + fraction(0, fsp); // the zero timestamp
    }
    LocalDateTime t = LocalDateTime.ofInstant(Instant.ofEpochSecond(seconds), ZoneOffset.UTC);
    return ymd(t.getYear(), t.getMonthValue(), t.getDayOfMonth()) + " " + two(t.getHour()) + ":" + two(t.getMinute())
        + ":" + two(t.getSecond()) + fraction(micros, fsp);
  }

  private static int fractionUnsigned(int fsp, ByteArrayInputStream in) throws IOException {
    return switch (fsp) {
      case 1, 2 -> (int) bigEndian(in.read(1)) * 10000;
      case 3, 4 -> (int) bigEndian(in.read(2)) * 100;
      case 5, 6 -> (int) bigEndian(in.read(3));
      default -> 0;
    };
  }

  /** The fraction with exactly {@code fsp} digits (none for 0), as MySQL writes it. */
  static String fraction(int micros, int fsp) {
    if (fsp <= 0) {
      return "";
    }
    return "." + padded(micros, 6).substring(0, Math.min(fsp, 6));
  }

  private static String ymd(int year, int month, int day) {
    return padded(year, 4) + "-" + two(month) + "-" + two(day);
  }

  /**
   * {@code v} (not negative) in at least {@code width} digits, zeros in front. Not
   * {@code String.format}: that was a quarter of the binlog reader thread's time.
   */
  static String padded(int v, int width) {
    String digits = Integer.toString(v);
    return digits.length() >= width ? digits : "0".repeat(width - digits.length()) + digits;
  }

  private static String two(int v) {
    return v < 10 ? "0" + v : Integer.toString(v);
  }

  private static long bigEndian(byte[] b) {
    long v = 0;
    for (byte x : b) {
      v = (v << 8) | (x & 0xFF);
    }
    return v;
  }
}
