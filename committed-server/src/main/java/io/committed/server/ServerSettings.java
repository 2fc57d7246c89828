package io.committed.server;

import io.committed.CommittedBuilder;
import io.committed.api.ConfigException;
import io.committed.api.HostPort;
import io.committed.api.Pem;
import io.committed.server.internal.Env;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The node's settings, read from environment variables with the Go original's names and defaults
 * (see {@link #VARIABLES}). Every value is checked when it is read: an invalid one throws a
 * {@link ConfigException} whose {@code field()} and message name the variable.
 *
 * <pre>{@code
 * ServerSettings settings = ServerSettings.fromEnvironment(System.getenv());
 * }</pre>
 */
public final class ServerSettings {

  /** {@code COMMITTED_ENGINE}'s values. */
  public enum Engine {
    /** The replicated SOFAJRaft engine (needs {@code committed-raft} on the class path). */
    RAFT,
    /** A single node that keeps everything in memory: for tests, demos and trying the API. */
    MEMORY
  }

  /**
   * Every variable the node reads, with its default (empty when it has none) and meaning, in the
   * order docs/node.md lists them.
   */
  public static final List<Map.Entry<String, String>> VARIABLES = List.of(
      Map.entry("COMMITTED_NODE_ID", "1"),
      Map.entry("COMMITTED_API_ADDR", ":8080"),
      Map.entry("COMMITTED_DATA_DIR", "./data"),
      Map.entry("COMMITTED_PEER_URL", "http://127.0.0.1:9022"),
      Map.entry("COMMITTED_PEERS", ""),
      Map.entry("COMMITTED_ENGINE", "raft"),
      Map.entry("COMMITTED_JOIN", "false"),
      Map.entry("COMMITTED_RAFT_ELECTION_TIMEOUT_MS", "1000"),
      Map.entry("COMMITTED_RAFT_SNAPSHOT_INTERVAL_SECONDS", "300"),
      Map.entry("COMMITTED_RAFT_LISTEN_ADDR", ""),
      Map.entry("COMMITTED_API_TOKEN", ""),
      Map.entry("COMMITTED_HTTP_TLS_CERT_FILE", ""),
      Map.entry("COMMITTED_HTTP_TLS_KEY_FILE", ""),
      Map.entry("COMMITTED_HTTP_TLS_CLIENT_CA_FILE", ""),
      Map.entry("COMMITTED_TLS_CERT_FILE", ""),
      Map.entry("COMMITTED_TLS_KEY_FILE", ""),
      Map.entry("COMMITTED_TLS_CA_FILE", ""),
      Map.entry("COMMITTED_MAX_PROPOSAL_BYTES", "16777216"),
      Map.entry("COMMITTED_MAX_BATCH_PROPOSALS", "1000"),
      Map.entry("COMMITTED_HTTP_READ_TIMEOUT", "30s"),
      Map.entry("COMMITTED_HTTP_WRITE_TIMEOUT", "30s"),
      Map.entry("COMMITTED_HTTP_IDLE_TIMEOUT", "120s"),
      Map.entry("COMMITTED_SHUTDOWN_TIMEOUT", "30s"),
      Map.entry("COMMITTED_READY_APPLY_STALL_TIMEOUT", "30s"),
      Map.entry("COMMITTED_DISK_WARN_PERCENT", "20"),
      Map.entry("COMMITTED_DISK_REFUSE_DATA_PERCENT", "10"),
      Map.entry("COMMITTED_DISK_REFUSE_CONFIG_PERCENT", "3"),
      Map.entry("COMMITTED_METRICS_ENABLED", "true"),
      Map.entry("COMMITTED_LOG_LEVEL", "info"));

  private static final Pattern PEER_URL = Pattern.compile("(?:https?://)?([^/\\s]+?)/?");
  /** Read by scripts/committed-node.sh, not by the node. */
  private static final List<String> LAUNCHER_VARIABLES = List.of("COMMITTED_JAR", "COMMITTED_PLUGIN_PATH");
  private static final List<String> LOG_LEVELS = List.of("trace", "debug", "info", "warn", "error", "off");

  private final int nodeId;
  private final String apiHost;
  private final int apiPort;
  private final Path dataDir;
  private final SortedMap<Integer, String> peers;
  private final Engine engine;
  private final boolean join;
  private final int electionTimeoutMs;
  private final int snapshotIntervalSeconds;
  private final String apiToken;
  private final Path tlsCertFile;
  private final Path tlsKeyFile;
  private final Path tlsClientCaFile;
  private final Path peerTlsCertFile;
  private final Path peerTlsKeyFile;
  private final Path peerTlsCaFile;
  private final String raftListenAddress;
  private final int maxProposalBytes;
  private final int maxBatchProposals;
  private final Duration readTimeout;
  private final Duration writeTimeout;
  private final Duration idleTimeout;
  private final Duration shutdownTimeout;
  private final Duration readyApplyStallTimeout;
  private final int diskWarnPercent;
  private final int diskRefuseDataPercent;
  private final int diskRefuseConfigPercent;
  private final boolean metricsEnabled;
  private final String logLevel;
  private final List<String> warnings;

  private ServerSettings(Env env, Map<String, String> raw) {
    nodeId = env.integer("COMMITTED_NODE_ID", 1, 1, Integer.MAX_VALUE);
    String addr = env.string("COMMITTED_API_ADDR", ":8080");
    HostPort api;
    try { // ":port" binds every interface
      api = addr.startsWith(":") ? null : HostPort.parse(addr);
      apiPort = api == null ? HostPort.parsePort(addr.substring(1)) : api.port();
    } catch (IllegalArgumentException e) {
      throw new ConfigException("COMMITTED_API_ADDR", "COMMITTED_API_ADDR must be host:port or :port (port 0 picks"
          + " a free one), e.g. :8080, was '" + addr + "': " + e.getMessage());
    }
    apiHost = api == null ? null : api.host();
    dataDir = Path.of(env.string("COMMITTED_DATA_DIR", "./data"));
    peers = readPeers(env, nodeId);
    String engineName = env.string("COMMITTED_ENGINE", "raft").toLowerCase(Locale.ROOT);
    engine = switch (engineName) {
      case "raft" -> Engine.RAFT;
      case "memory", "in-memory" -> Engine.MEMORY;
      default -> throw Env.invalid("COMMITTED_ENGINE", engineName, "raft or memory");
    };
    join = env.bool("COMMITTED_JOIN", false);
    // the ranges of the raft engine's own options, checked here so that the error names the variable
    electionTimeoutMs = env.integer("COMMITTED_RAFT_ELECTION_TIMEOUT_MS", 1000, 100, 60_000);
    snapshotIntervalSeconds = env.integer("COMMITTED_RAFT_SNAPSHOT_INTERVAL_SECONDS", 300, 1, 86_400);
    apiToken = env.string("COMMITTED_API_TOKEN").orElse(null);
    raftListenAddress = env.string("COMMITTED_RAFT_LISTEN_ADDR").map(a -> {
      try {
        HostPort.parse(a);
        return a;
      } catch (IllegalArgumentException e) {
        throw new ConfigException("COMMITTED_RAFT_LISTEN_ADDR", "COMMITTED_RAFT_LISTEN_ADDR must be host:port (the"
            + " address the replication server binds when the peers reach it at another one), was '" + a + "': "
            + e.getMessage());
      }
    }).orElse(null);
    tlsCertFile = env.string("COMMITTED_HTTP_TLS_CERT_FILE").map(Path::of).orElse(null);
    tlsKeyFile = env.string("COMMITTED_HTTP_TLS_KEY_FILE").map(Path::of).orElse(null);
    tlsClientCaFile = env.string("COMMITTED_HTTP_TLS_CLIENT_CA_FILE").map(Path::of).orElse(null);
    if ((tlsCertFile == null) != (tlsKeyFile == null) || tlsClientCaFile != null && tlsCertFile == null) {
      throw new ConfigException("COMMITTED_HTTP_TLS_CERT_FILE", "COMMITTED_HTTP_TLS_CERT_FILE and "
          + "COMMITTED_HTTP_TLS_KEY_FILE must be set together (COMMITTED_HTTP_TLS_CLIENT_CA_FILE needs both); got CERT="
          + tlsCertFile + " KEY=" + tlsKeyFile + " CLIENT_CA=" + tlsClientCaFile);
    }
    peerTlsCertFile = env.string("COMMITTED_TLS_CERT_FILE").map(Path::of).orElse(null);
    peerTlsKeyFile = env.string("COMMITTED_TLS_KEY_FILE").map(Path::of).orElse(null);
    peerTlsCaFile = env.string("COMMITTED_TLS_CA_FILE").map(Path::of).orElse(null);
    if ((peerTlsCertFile == null) != (peerTlsKeyFile == null) || (peerTlsCertFile == null) != (peerTlsCaFile == null)) {
      throw new ConfigException("COMMITTED_TLS_CERT_FILE", "COMMITTED_TLS_CERT_FILE, COMMITTED_TLS_KEY_FILE and"
          + " COMMITTED_TLS_CA_FILE turn on mutual TLS between nodes together: set all three or none; got CERT="
          + peerTlsCertFile + " KEY=" + peerTlsKeyFile + " CA=" + peerTlsCaFile);
    }
    if (peerTlsCertFile != null && engine == Engine.RAFT) {
      // read here so that an error names the variable; the engine reads them again (and on every change)
      Pem.keyStore(peerTlsCertFile, "COMMITTED_TLS_CERT_FILE", peerTlsKeyFile, "COMMITTED_TLS_KEY_FILE");
      Pem.trustStore(peerTlsCaFile, "COMMITTED_TLS_CA_FILE");
    }
    maxProposalBytes = (int) env.bytes("COMMITTED_MAX_PROPOSAL_BYTES", 16L * 1024 * 1024, 1024, 512L * 1024 * 1024);
    maxBatchProposals = env.integer("COMMITTED_MAX_BATCH_PROPOSALS", 1000, 1, 100_000);
    readTimeout = env.duration("COMMITTED_HTTP_READ_TIMEOUT", Duration.ofSeconds(30));
    writeTimeout = env.duration("COMMITTED_HTTP_WRITE_TIMEOUT", Duration.ofSeconds(30));
    idleTimeout = env.duration("COMMITTED_HTTP_IDLE_TIMEOUT", Duration.ofSeconds(120));
    shutdownTimeout = env.duration("COMMITTED_SHUTDOWN_TIMEOUT", Duration.ofSeconds(30));
    readyApplyStallTimeout = env.duration("COMMITTED_READY_APPLY_STALL_TIMEOUT", Duration.ofSeconds(30));
    diskWarnPercent = env.integer("COMMITTED_DISK_WARN_PERCENT", 20, 0, 100);
    diskRefuseDataPercent = env.integer("COMMITTED_DISK_REFUSE_DATA_PERCENT", 10, 0, 100);
    diskRefuseConfigPercent = env.integer("COMMITTED_DISK_REFUSE_CONFIG_PERCENT", 3, 0, 100);
    if (diskRefuseConfigPercent > diskRefuseDataPercent || diskRefuseDataPercent > diskWarnPercent) {
      throw new ConfigException("COMMITTED_DISK_REFUSE_DATA_PERCENT", "disk admission needs"
          + " COMMITTED_DISK_REFUSE_CONFIG_PERCENT <= COMMITTED_DISK_REFUSE_DATA_PERCENT <= COMMITTED_DISK_WARN_PERCENT,"
          + " were " + diskRefuseConfigPercent + ", " + diskRefuseDataPercent + ", " + diskWarnPercent);
    }
    metricsEnabled = env.bool("COMMITTED_METRICS_ENABLED", true);
    logLevel = env.string("COMMITTED_LOG_LEVEL", "info").toLowerCase(Locale.ROOT);
    if (!LOG_LEVELS.contains(logLevel)) {
      throw Env.invalid("COMMITTED_LOG_LEVEL", logLevel, "one of " + String.join(", ", LOG_LEVELS));
    }
    List<String> w = new ArrayList<>();
    if (engine == Engine.MEMORY) {
      for (String name : List.of("COMMITTED_JOIN", "COMMITTED_RAFT_ELECTION_TIMEOUT_MS",
          "COMMITTED_RAFT_SNAPSHOT_INTERVAL_SECONDS", "COMMITTED_RAFT_LISTEN_ADDR", "COMMITTED_TLS_CERT_FILE", "COMMITTED_TLS_KEY_FILE",
          "COMMITTED_TLS_CA_FILE")) {
        if (env.string(name).isPresent()) {
          w.add(name + " is ignored: it applies to COMMITTED_ENGINE=raft only");
        }
      }
    }
    for (String name : new TreeMap<>(raw).keySet()) {
      if (name.startsWith("COMMITTED_") && VARIABLES.stream().noneMatch(v -> v.getKey().equals(name))
          && !name.startsWith("COMMITTED_TEST_") && !LAUNCHER_VARIABLES.contains(name)) {
        w.add(name + " is not a setting of this node and is ignored" + hint(name));
      }
    }
    warnings = Collections.unmodifiableList(w);
  }

  private static String hint(String name) {
    return switch (name) {
      case "COMMITTED_HTTP_READ_HEADER_TIMEOUT" ->
          " (Jetty has no separate header timeout: COMMITTED_HTTP_IDLE_TIMEOUT bounds a stalled connection)";
      default -> "";
    };
  }

  private static SortedMap<Integer, String> readPeers(Env env, int nodeId) {
    CommittedBuilder check = io.committed.Committed.builder();
    String peers = env.string("COMMITTED_PEERS").orElse(null);
    if (peers != null) {
      try {
        check.peers(peers);
      } catch (ConfigException e) {
        throw new ConfigException("COMMITTED_PEERS", "COMMITTED_PEERS: " + e.getMessage()
            + " (expected id=host:port pairs, e.g. 1=n1:9022,2=n2:9022,3=n3:9022)");
      }
      SortedMap<Integer, String> parsed = new TreeMap<>();
      for (String part : peers.split(",")) {
        String[] kv = part.trim().split("=", 2);
        parsed.put(Integer.parseInt(kv[0].trim()), HostPort.parse(strip(kv[1].trim())).toString()); // checked above
      }
      if (!parsed.containsKey(nodeId)) {
        throw new ConfigException("COMMITTED_PEERS", "COMMITTED_PEERS must include this node's own "
            + "COMMITTED_NODE_ID (" + nodeId + "), was '" + peers + "'");
      }
      return Collections.unmodifiableSortedMap(parsed);
    }
    String url = env.string("COMMITTED_PEER_URL", "http://127.0.0.1:9022");
    Matcher m = PEER_URL.matcher(url);
    String address = m.matches() ? m.group(1) : url;
    try {
      check.peers(Map.of(nodeId, address));
    } catch (ConfigException e) {
      throw Env.invalid("COMMITTED_PEER_URL", url, "this node's replication address, host:port or http://host:port");
    }
    return Collections.unmodifiableSortedMap(new TreeMap<>(Map.of(nodeId, address)));
  }

  private static String strip(String address) {
    String a = address.startsWith("http://") ? address.substring(7) : address;
    return a.endsWith("/") ? a.substring(0, a.length() - 1) : a;
  }

  /**
   * Reads the settings from {@code environment} (normally {@code System.getenv()}).
   *
   * @throws ConfigException naming the first variable whose value is invalid
   */
  public static ServerSettings fromEnvironment(Map<String, String> environment) {
    return new ServerSettings(new Env(environment), environment);
  }

  /** {@code COMMITTED_NODE_ID}: this node's id, 1 or more (default 1). */
  public int nodeId() {
    return nodeId;
  }

  /** {@code COMMITTED_API_ADDR}'s host, or empty to listen on every interface (the default {@code :8080}). */
  public Optional<String> apiHost() {
    return Optional.ofNullable(apiHost);
  }

  /** {@code COMMITTED_API_ADDR}'s port; 0 picks a free port (see {@link CommittedServer#port()}). */
  public int apiPort() {
    return apiPort;
  }

  /** {@code COMMITTED_DATA_DIR}: where the replicated engine keeps its files (default {@code ./data}). */
  public Path dataDir() {
    return dataDir;
  }

  /**
   * The group's initial members by node id: {@code COMMITTED_PEERS}, or this node alone at
   * {@code COMMITTED_PEER_URL}. Read on first start only; afterwards membership comes from the log.
   */
  public SortedMap<Integer, String> peers() {
    return peers;
  }

  /** {@code COMMITTED_ENGINE}: {@code raft} (default) or {@code memory}. */
  public Engine engine() {
    return engine;
  }

  /**
   * {@code COMMITTED_JOIN}: true for a node started to join an existing group (default false). It
   * starts with no members and waits until a member adds it ({@code POST /v1/membership}); its
   * {@code COMMITTED_PEERS} (or {@code COMMITTED_PEER_URL}) only gives its own replication address.
   */
  public boolean join() {
    return join;
  }

  /**
   * {@code COMMITTED_RAFT_ELECTION_TIMEOUT_MS}: how long followers wait for the leader before electing
   * another, 100 to 60000 (default 1000).
   */
  public int electionTimeoutMs() {
    return electionTimeoutMs;
  }

  /**
   * {@code COMMITTED_RAFT_SNAPSHOT_INTERVAL_SECONDS}: how often the replicated engine takes a snapshot
   * (letting its raft log be trimmed), 1 to 86400 (default 300).
   */
  public int snapshotIntervalSeconds() {
    return snapshotIntervalSeconds;
  }

  /** {@code COMMITTED_API_TOKEN}: when set, every {@code /v1} request needs {@code Authorization: Bearer <token>}. */
  public Optional<String> apiToken() {
    return Optional.ofNullable(apiToken);
  }

  /** {@code COMMITTED_HTTP_TLS_CERT_FILE}: the API's PEM certificate chain; with the key, the API serves HTTPS only. */
  public Optional<Path> tlsCertFile() {
    return Optional.ofNullable(tlsCertFile);
  }

  /** {@code COMMITTED_HTTP_TLS_KEY_FILE}: the PEM private key of {@link #tlsCertFile()} (PKCS#8 or PKCS#1 RSA). */
  public Optional<Path> tlsKeyFile() {
    return Optional.ofNullable(tlsKeyFile);
  }

  /** {@code COMMITTED_HTTP_TLS_CLIENT_CA_FILE}: PEM CA certificates; when set, clients must present a certificate they signed. */
  public Optional<Path> tlsClientCaFile() {
    return Optional.ofNullable(tlsClientCaFile);
  }

  /**
   * {@code COMMITTED_TLS_CERT_FILE}: this node's PEM certificate chain for mutual TLS between nodes
   * (with {@code COMMITTED_TLS_KEY_FILE} and {@code COMMITTED_TLS_CA_FILE}); it must name the host
   * of this node's address in {@code COMMITTED_PEERS}.
   */
  public Optional<Path> peerTlsCertFile() {
    return Optional.ofNullable(peerTlsCertFile);
  }

  /** {@code COMMITTED_TLS_KEY_FILE}: the PEM private key of {@link #peerTlsCertFile()}. */
  public Optional<Path> peerTlsKeyFile() {
    return Optional.ofNullable(peerTlsKeyFile);
  }

  /** {@code COMMITTED_TLS_CA_FILE}: the PEM CA certificates the other nodes' certificates must chain to. */
  public Optional<Path> peerTlsCaFile() {
    return Optional.ofNullable(peerTlsCaFile);
  }

  /**
   * {@code COMMITTED_RAFT_LISTEN_ADDR}: the {@code host:port} the replication server binds when the
   * peers reach this node at another address (its entry in {@code COMMITTED_PEERS}): behind NAT, a
   * port mapping or a proxy. Empty: it binds its own peer address.
   */
  public Optional<String> raftListenAddress() {
    return Optional.ofNullable(raftListenAddress);
  }

  /** {@code COMMITTED_MAX_PROPOSAL_BYTES}: the largest encoded proposal (default 16 MiB). */
  public int maxProposalBytes() {
    return maxProposalBytes;
  }

  /**
   * {@code COMMITTED_MAX_BATCH_PROPOSALS}: the most proposals one {@code POST /v1/proposals} may
   * carry (default 1000, at most 100,000); more gets 413 {@code batch_too_large}. The body is
   * capped by {@link #maxRequestBytes()} as well.
   */
  public int maxBatchProposals() {
    return maxBatchProposals;
  }

  /** The largest request body accepted, twice {@link #maxProposalBytes()} (as in the original); larger gets 413. */
  public long maxRequestBytes() {
    return 2L * maxProposalBytes;
  }

  /** {@code COMMITTED_HTTP_READ_TIMEOUT}: how long a request body may take to arrive (default 30 s); then 408. */
  public Duration readTimeout() {
    return readTimeout;
  }

  /**
   * {@code COMMITTED_HTTP_WRITE_TIMEOUT}: how long a write (proposal, config change) may wait to be
   * committed before the node answers 503 with an unknown outcome (default 30 s).
   */
  public Duration writeTimeout() {
    return writeTimeout;
  }

  /** {@code COMMITTED_HTTP_IDLE_TIMEOUT}: how long a connection may carry no bytes before it is closed (default 120 s). */
  public Duration idleTimeout() {
    return idleTimeout;
  }

  /** {@code COMMITTED_SHUTDOWN_TIMEOUT}: the whole graceful shutdown's deadline (default 30 s). */
  public Duration shutdownTimeout() {
    return shutdownTimeout;
  }

  /**
   * {@code COMMITTED_READY_APPLY_STALL_TIMEOUT}: how long the applied index may stand still while
   * committed entries wait before {@code /ready} answers 503.
   */
  public Duration readyApplyStallTimeout() {
    return readyApplyStallTimeout;
  }

  /** {@code COMMITTED_DISK_WARN_PERCENT}, {@code _REFUSE_DATA_PERCENT}, {@code _REFUSE_CONFIG_PERCENT}. */
  public int[] diskAdmission() {
    return new int[] {diskWarnPercent, diskRefuseDataPercent, diskRefuseConfigPercent};
  }

  /** {@code COMMITTED_METRICS_ENABLED}: serve Prometheus metrics at {@code /metrics} (default true). */
  public boolean metricsEnabled() {
    return metricsEnabled;
  }

  /** {@code COMMITTED_LOG_LEVEL}: trace, debug, info (default), warn, error or off. */
  public String logLevel() {
    return logLevel;
  }

  /** Problems that do not stop the node, such as unknown {@code COMMITTED_*} variables (typos). */
  public List<String> warnings() {
    return warnings;
  }

  /** True when the API serves HTTPS. */
  public boolean tls() {
    return tlsCertFile != null;
  }

  /** A summary for the start-up log; the token is never shown. */
  @Override
  public String toString() {
    return "node " + nodeId + ", api " + (apiHost == null ? "" : apiHost) + ":" + apiPort + (tls() ? " (TLS)" : "")
        + ", engine " + engine.name().toLowerCase(Locale.ROOT) + (engine == Engine.RAFT ? ", data " + dataDir
        + ", peers " + peers + (join ? " (joining)" : "") + ", election timeout " + electionTimeoutMs
        + " ms, snapshots every " + snapshotIntervalSeconds + " s, peer TLS " + (peerTlsCertFile == null ? "off" : "on")
        : "") + ", auth " + (apiToken == null ? "off" : "bearer token")
        + ", max proposal " + maxProposalBytes + " bytes";
  }
}
