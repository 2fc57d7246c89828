package io.committed.ingest.mysql.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeMap;

/**
 * A MySQL GTID set, {@code uuid:1-5:7,uuid2:1-3} as {@code @@gtid_executed} writes it: per source
 * server (its UUID), the transaction numbers seen, as closed intervals. Immutable; intervals kept
 * sorted, disjoint and merged, so that {@link #toString} is canonical.
 */
public final class MySqlGtidSet {
  /** A closed interval of transaction numbers. */
  public record Interval(long start, long end) {}

  private static final MySqlGtidSet EMPTY = new MySqlGtidSet(new TreeMap<>());
  private final TreeMap<String, List<Interval>> sets;

  private MySqlGtidSet(TreeMap<String, List<Interval>> sets) {
    this.sets = sets;
  }

  public static MySqlGtidSet empty() {
    return EMPTY;
  }

  /**
   * Parses a GTID set; newlines and spaces (which MySQL writes after commas) are ignored, UUIDs
   * are compared in lower case.
   *
   * @throws IllegalArgumentException when malformed
   */
  public static MySqlGtidSet parse(String text) {
    TreeMap<String, List<Interval>> map = new TreeMap<>();
    for (String part : text.replaceAll("\\s", "").split(",")) {
      if (part.isEmpty()) {
        continue;
      }
      String[] f = part.split(":");
      String uuid = f[0].toLowerCase(Locale.ROOT);
      if (!uuid.matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}") || f.length < 2) {
        throw new IllegalArgumentException("not a MySQL GTID set (uuid:interval[:interval...]): '" + part + "'");
      }
      List<Interval> list = new ArrayList<>(map.getOrDefault(uuid, List.of()));
      for (int i = 1; i < f.length; i++) {
        String[] range = f[i].split("-");
        try {
          long start = Long.parseLong(range[0]);
          long end = range.length == 2 ? Long.parseLong(range[1]) : start;
          if (range.length > 2 || start < 1 || end < start) {
            throw new NumberFormatException();
          }
          list.add(new Interval(start, end));
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("not a GTID interval (n or n-m, 1 <= n <= m): '" + f[i] + "' in '"
              + part + "'");
        }
      }
      map.put(uuid, merge(list));
    }
    return map.isEmpty() ? EMPTY : new MySqlGtidSet(map);
  }

  /** This set with transaction {@code number} of {@code uuid} added. */
  public MySqlGtidSet with(String uuid, long number) {
    String u = uuid.toLowerCase(Locale.ROOT);
    TreeMap<String, List<Interval>> map = new TreeMap<>(sets);
    List<Interval> list = new ArrayList<>(map.getOrDefault(u, List.of()));
    list.add(new Interval(number, number));
    map.put(u, merge(list));
    return new MySqlGtidSet(map);
  }

  /** True when the set holds transaction {@code number} of {@code uuid}. */
  public boolean contains(String uuid, long number) {
    List<Interval> list = sets.get(uuid.toLowerCase(Locale.ROOT));
    if (list == null) {
      return false;
    }
    for (Interval i : list) {
      if (number >= i.start() && number <= i.end()) {
        return true;
      }
      if (number < i.start()) {
        return false;
      }
    }
    return false;
  }

  /** True when every transaction of this set is in {@code other}. */
  public boolean isSubsetOf(MySqlGtidSet other) {
    for (Map.Entry<String, List<Interval>> e : sets.entrySet()) {
      List<Interval> theirs = other.sets.get(e.getKey());
      for (Interval i : e.getValue()) {
        if (theirs == null || theirs.stream().noneMatch(t -> t.start() <= i.start() && i.end() <= t.end())) {
          return false;
        }
      }
    }
    return true;
  }

  public boolean isEmpty() {
    return sets.isEmpty();
  }

  /** The intervals per UUID. */
  public Map<String, List<Interval>> intervals() {
    return java.util.Collections.unmodifiableMap(sets);
  }

  private static List<Interval> merge(List<Interval> list) {
    list.sort((a, b) -> Long.compare(a.start(), b.start()));
    List<Interval> out = new ArrayList<>();
    for (Interval i : list) {
      Interval last = out.isEmpty() ? null : out.get(out.size() - 1);
      if (last != null && i.start() <= last.end() + 1) {
        out.set(out.size() - 1, new Interval(last.start(), Math.max(last.end(), i.end())));
      } else {
        out.add(i);
      }
    }
    return List.copyOf(out);
  }

  @Override
  public String toString() {
    StringJoiner all = new StringJoiner(",");
    for (Map.Entry<String, List<Interval>> e : sets.entrySet()) {
      StringBuilder b = new StringBuilder(e.getKey());
      for (Interval i : e.getValue()) {
        b.append(':').append(i.start());
        if (i.end() != i.start()) {
          b.append('-').append(i.end());
        }
      }
      all.add(b);
    }
    return all.toString();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof MySqlGtidSet m && m.sets.equals(sets);
  }

  @Override
  public int hashCode() {
    return sets.hashCode();
  }
}
