package io.committed.raft;

import io.committed.api.ConfigException;
import io.committed.api.HostPort;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The raft engine's options, read from the builder's {@code engineOption(key, value)} pairs (the
 * server maps {@code COMMITTED_RAFT_*} variables to them). Unknown keys are refused, so a typo is
 * not silently ignored.
 *
 * @param electionTimeoutMs {@code electionTimeoutMs}: how long followers wait for the leader
 *     before electing a new one (default 1000)
 * @param snapshotIntervalSeconds {@code snapshotIntervalSeconds}: how often a snapshot is taken,
 *     letting the raft log be trimmed (default 300)
 * @param join {@code join}: true for a node started to join an existing group; it starts with no
 *     members and waits to be added (default false)
 * @param maxBatchCommands {@code maxBatchCommands}: the most proposals that share one raft entry
 *     (group commit; default 1024, 1 turns coalescing off)
 * @param maxBatchBytes {@code maxBatchBytes}: the largest raft entry that coalesces several
 *     proposals (default 4 MiB; one larger proposal still gets an entry of its own)
 * @param maxEntriesInFlight {@code maxEntriesInFlight}: raft entries proposed and not yet applied
 *     (default 256); more proposals wait and are coalesced into later entries
 * @param leaderWaitMs {@code leaderWaitMs}: how long a proposal waits for a leader to be known or to
 *     answer a forwarded proposal before it fails as retriable (default 10000)
 * @param segmentEntries {@code segmentEntries}: entries per event-log segment in snapshots
 *     (default 65536)
 * @param segmentBytes {@code segmentBytes}: bytes per event-log segment in snapshots (default 64 MiB)
 * @param listenAddress {@code listenAddress}: {@code host:port} the replication server binds when it
 *     differs from the address the peers use (behind NAT or a proxy); null binds the peers' address
 * @param tlsCertFile {@code tlsCertFile}: this node's PEM certificate chain for mutual TLS between
 *     nodes ({@link PeerTls}); set with {@code tlsKeyFile} and {@code tlsCaFile}, or none of them
 *     (plain TCP)
 * @param tlsKeyFile {@code tlsKeyFile}: the PEM private key of {@code tlsCertFile}
 * @param tlsCaFile {@code tlsCaFile}: the PEM certificates of the CAs whose certificates peers
 *     must present
 */
record RaftSettings(
    int electionTimeoutMs,
    int snapshotIntervalSeconds,
    boolean join,
    int maxBatchCommands,
    int maxBatchBytes,
    int maxEntriesInFlight,
    long leaderWaitMs,
    int segmentEntries,
    long segmentBytes,
    String listenAddress,
    String tlsCertFile,
    String tlsKeyFile,
    String tlsCaFile) {

  private static final Set<String> KEYS = Set.of("electionTimeoutMs", "snapshotIntervalSeconds", "join",
      "maxBatchCommands", "maxBatchBytes", "maxEntriesInFlight", "leaderWaitMs", "segmentEntries", "segmentBytes",
      "listenAddress", "tlsCertFile", "tlsKeyFile", "tlsCaFile");
  private static final List<String> TLS_KEYS = List.of("tlsCertFile", "tlsKeyFile", "tlsCaFile");

  static RaftSettings parse(Map<String, String> options) {
    for (String key : options.keySet()) {
      if (!KEYS.contains(key)) {
        throw new ConfigException("engineOption", "the raft engine has no option '" + key + "'; it knows "
            + new java.util.TreeSet<>(KEYS));
      }
    }
    return new RaftSettings(
        (int) number(options, "electionTimeoutMs", 1000, 100, 60_000),
        (int) number(options, "snapshotIntervalSeconds", 300, 1, 86_400),
        bool(options, "join"),
        (int) number(options, "maxBatchCommands", 1024, 1, 65_535),
        (int) number(options, "maxBatchBytes", 4 << 20, 1024, 256 << 20),
        (int) number(options, "maxEntriesInFlight", 256, 1, 16_384),
        number(options, "leaderWaitMs", 10_000, 100, 600_000),
        (int) number(options, "segmentEntries", 65_536, 16, 1 << 24),
        number(options, "segmentBytes", 64L << 20, 4096, 1L << 32),
        address(options, "listenAddress"),
        file(options, "tlsCertFile"),
        file(options, "tlsKeyFile"),
        file(options, "tlsCaFile"));
  }

  /** The TLS files: all three or none. */
  private static String file(Map<String, String> options, String key) {
    long set = TLS_KEYS.stream().filter(k -> options.get(k) != null && !options.get(k).isBlank()).count();
    if (set != 0 && set != TLS_KEYS.size()) {
      throw new ConfigException("engineOption", "raft options tlsCertFile, tlsKeyFile and tlsCaFile turn on TLS between"
          + " nodes together: set all three or none; got tlsCertFile=" + options.get("tlsCertFile") + " tlsKeyFile="
          + options.get("tlsKeyFile") + " tlsCaFile=" + options.get("tlsCaFile"));
    }
    return set == 0 ? null : options.get(key).trim();
  }

  private static long number(Map<String, String> options, String key, long dflt, long min, long max) {
    String v = options.get(key);
    if (v == null) {
      return dflt;
    }
    long n;
    try {
      n = Long.parseLong(v.trim());
    } catch (NumberFormatException e) {
      throw new ConfigException("engineOption", "raft option " + key + " must be a whole number, was '" + v + "'");
    }
    if (n < min || n > max) {
      throw new ConfigException("engineOption", "raft option " + key + " must be between " + min + " and " + max
          + ", was " + n);
    }
    return n;
  }

  private static String address(Map<String, String> options, String key) {
    String v = options.get(key);
    if (v == null) {
      return null;
    }
    HostPort address;
    try {
      address = HostPort.parse(v.trim());
    } catch (IllegalArgumentException e) {
      throw new ConfigException("engineOption", "raft option " + key + " must be host:port: " + e.getMessage());
    }
    if (address.port() == 0) {
      throw new ConfigException("engineOption", "raft option " + key + " needs a port (0 is not one): '" + v + "'");
    }
    return address.toString();
  }

  private static boolean bool(Map<String, String> options, String key) {
    String v = options.getOrDefault(key, "false").trim();
    if (!v.equals("true") && !v.equals("false")) {
      throw new ConfigException("engineOption", "raft option " + key + " must be true or false, was '" + v + "'");
    }
    return Boolean.parseBoolean(v);
  }
}
