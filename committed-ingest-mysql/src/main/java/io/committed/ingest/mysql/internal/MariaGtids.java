package io.committed.ingest.mysql.internal;

import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeMap;

/**
 * A MariaDB GTID position: per replication domain, the last transaction's GTID
 * ({@code domain-server-sequence}), as {@code @@gtid_binlog_pos} and {@code BINLOG_GTID_POS()}
 * write it ({@code 0-1-12,1-2-5}). Immutable. Within a domain, sequence numbers grow in commit
 * order, on the primary and on every replica alike, which is what makes a GTID position valid
 * after a failover.
 */
public final class MariaGtids {
  /** One GTID. */
  public record Gtid(long domain, long server, long sequence) {
    @Override
    public String toString() {
      return domain + "-" + server + "-" + sequence;
    }
  }

  private static final MariaGtids EMPTY = new MariaGtids(new TreeMap<>());
  private final TreeMap<Long, Gtid> byDomain;

  private MariaGtids(TreeMap<Long, Gtid> byDomain) {
    this.byDomain = byDomain;
  }

  public static MariaGtids empty() {
    return EMPTY;
  }

  /**
   * Parses {@code 0-1-12,1-2-5} (spaces and an empty text allowed).
   *
   * @throws IllegalArgumentException when malformed or a domain appears twice
   */
  public static MariaGtids parse(String text) {
    TreeMap<Long, Gtid> map = new TreeMap<>();
    for (String part : text.split(",")) {
      String p = part.trim();
      if (p.isEmpty()) {
        continue;
      }
      String[] f = p.split("-");
      if (f.length != 3) {
        throw new IllegalArgumentException("not a MariaDB GTID (domain-server-sequence): '" + p + "'");
      }
      Gtid g;
      try {
        g = new Gtid(Long.parseUnsignedLong(f[0]), Long.parseUnsignedLong(f[1]), Long.parseUnsignedLong(f[2]));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("not a MariaDB GTID (domain-server-sequence): '" + p + "'");
      }
      if (map.put(g.domain(), g) != null) {
        throw new IllegalArgumentException("MariaDB GTID position names domain " + g.domain() + " twice: '" + text + "'");
      }
    }
    return map.isEmpty() ? EMPTY : new MariaGtids(map);
  }

  /** The position after {@code gtid}: its domain's entry replaced. */
  public MariaGtids with(Gtid gtid) {
    TreeMap<Long, Gtid> map = new TreeMap<>(byDomain);
    map.put(gtid.domain(), gtid);
    return new MariaGtids(map);
  }

  /** True when {@code gtid} is at or before this position in its domain: already seen. */
  public boolean contains(Gtid gtid) {
    Gtid last = byDomain.get(gtid.domain());
    return last != null && Long.compareUnsigned(gtid.sequence(), last.sequence()) <= 0;
  }

  public boolean isEmpty() {
    return byDomain.isEmpty();
  }

  /** The domains and their last GTIDs. */
  public Map<Long, Gtid> domains() {
    return java.util.Collections.unmodifiableMap(byDomain);
  }

  @Override
  public String toString() {
    StringJoiner j = new StringJoiner(",");
    byDomain.values().forEach(g -> j.add(g.toString()));
    return j.toString();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof MariaGtids m && m.byDomain.equals(byDomain);
  }

  @Override
  public int hashCode() {
    return byDomain.hashCode();
  }
}
