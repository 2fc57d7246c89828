package io.committed;

import io.committed.api.ConfigException;
import io.committed.api.HostPort;
import io.committed.engine.EngineConfig;
import io.committed.engine.LogEngine;
import io.committed.engine.LogEngineFactory;
import io.committed.internal.DefaultCommittedLog;
import io.committed.internal.LogSettings;
import io.committed.internal.Plugins;
import io.committed.internal.ingest.IngestSettings;
import io.committed.internal.memory.InMemoryEngine;
import io.committed.internal.sync.Backoff;
import io.committed.internal.sync.SyncSettings;
import io.committed.spi.IngestableFactory;
import io.committed.spi.SyncableFactory;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceLoader;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * Configures and starts a {@link CommittedLog}. Each setter checks its value at once and throws
 * {@link ConfigException} naming the setting; settings that depend on each other are checked by
 * {@link #start()}. {@code start()} does not change the builder, so one builder can start several
 * logs (with different data directories).
 */
public final class CommittedBuilder {
  private static final Pattern GROUP_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.\\-]{0,63}");

  private String groupId = "committed";
  private int nodeId = 1;
  private final SortedMap<Integer, String> peers = new TreeMap<>();
  private Path dataDir;
  private int diskWarnPercent = 20;
  private int diskDataPercent = 10;
  private int diskConfigPercent = 3;
  private boolean inMemory;
  private String engine;
  private final Map<String, String> engineOptions = new HashMap<>();
  /** The setting that set each engine option, for error messages: {@code join} or {@code engineOption(join)}. */
  private final Map<String, String> engineOptionSetters = new TreeMap<>();
  private int maxProposalBytes = 16 * 1024 * 1024;
  private long maxTransactionBytes = 256L * 1024 * 1024;
  private int maxInFlight = 4096;
  private Duration operationTimeout = Duration.ofSeconds(30);
  private Clock clock = Clock.systemUTC();
  private UnaryOperator<String> environment = System::getenv;
  private ClassLoader classLoader;
  private final List<SyncableFactory> syncableFactories = new ArrayList<>();
  private final List<IngestableFactory> ingestableFactories = new ArrayList<>();
  private int syncBatchSize = 500;
  private Duration syncBatchDelay = Duration.ZERO;
  private int checkpointEvery = 1000;
  private Duration checkpointMaxAge = Duration.ofSeconds(1);
  private Duration syncRetryMin = Duration.ofMillis(10);
  private Duration syncRetryMax = Duration.ofSeconds(5);
  private Duration ingestRetryMin = Duration.ofMillis(100);
  private Duration ingestRetryMax = Duration.ofSeconds(30);
  private int ingestMaxFailures = 20;
  private LogObserver observer = LogObserver.NONE;

  CommittedBuilder() {}

  /** The replication group's id (default {@code committed}); one log per group. */
  public CommittedBuilder groupId(String groupId) {
    if (groupId == null || !GROUP_ID.matcher(groupId).matches()) {
      throw new ConfigException("groupId", "groupId must be 1 to 64 letters, digits, '_', '.' or '-', was '"
          + groupId + "'");
    }
    this.groupId = groupId;
    return this;
  }

  /** This node's id, 1 or more (default 1). */
  public CommittedBuilder nodeId(int nodeId) {
    if (nodeId < 1) {
      throw new ConfigException("nodeId", "nodeId must be >= 1, was " + nodeId);
    }
    this.nodeId = nodeId;
    return this;
  }

  /**
   * The group's initial members as {@code id=host:port} pairs separated by commas, e.g.
   * {@code 1=10.0.0.1:9021,2=10.0.0.2:9021,3=10.0.0.3:9021}. A leading {@code http://} on an
   * address is accepted and ignored. Used on first start only; afterwards membership comes from
   * the log.
   */
  public CommittedBuilder peers(String peers) {
    if (peers == null || peers.isBlank()) {
      throw new ConfigException("peers", "peers must be 'id=host:port,...', was '" + peers + "'");
    }
    SortedMap<Integer, String> parsed = new TreeMap<>();
    for (String part : peers.split(",")) {
      String p = part.trim();
      int eq = p.indexOf('=');
      if (eq <= 0) {
        throw new ConfigException("peers", "peers entry '" + p + "' is not id=host:port");
      }
      int id;
      try {
        id = Integer.parseInt(p.substring(0, eq).trim());
      } catch (NumberFormatException e) {
        throw new ConfigException("peers", "peers entry '" + p + "' has a non-numeric node id");
      }
      if (parsed.put(id, p.substring(eq + 1).trim()) != null) {
        throw new ConfigException("peers", "peers lists node " + id + " twice");
      }
    }
    return peers(parsed);
  }

  /** The group's initial members by node id; see {@link #peers(String)}. */
  public CommittedBuilder peers(Map<Integer, String> peers) {
    if (peers == null || peers.isEmpty()) {
      throw new ConfigException("peers", "peers must list at least one node");
    }
    SortedMap<Integer, String> checked = new TreeMap<>();
    for (Map.Entry<Integer, String> e : peers.entrySet()) {
      if (e.getKey() == null || e.getKey() < 1) {
        throw new ConfigException("peers", "peers has node id " + e.getKey() + "; node ids are >= 1");
      }
      String address = e.getValue() == null ? "" : e.getValue().trim();
      if (address.startsWith("http://")) {
        address = address.substring("http://".length());
      }
      if (address.endsWith("/")) {
        address = address.substring(0, address.length() - 1);
      }
      HostPort parsed;
      try {
        parsed = HostPort.parse(address);
      } catch (IllegalArgumentException bad) {
        throw new ConfigException("peers", "peers address of node " + e.getKey() + " must be host:port: "
            + bad.getMessage());
      }
      if (parsed.port() == 0) {
        throw new ConfigException("peers", "peers address of node " + e.getKey() + " has port 0, which peers cannot"
            + " reach: '" + e.getValue() + "'");
      }
      checked.put(e.getKey(), parsed.toString());
    }
    this.peers.clear();
    this.peers.putAll(checked);
    return this;
  }

  /** Where the engine keeps its files (raft log, event log, snapshots). Required by durable engines. */
  public CommittedBuilder dataDir(Path dataDir) {
    if (dataDir == null) {
      throw new ConfigException("dataDir", "dataDir must not be null");
    }
    this.dataDir = dataDir;
    return this;
  }

  /**
   * Use the in-memory single-node engine instead of one found on the class path. It keeps no
   * files, has no peers and reads no engine options: {@link #start()} refuses it together with
   * {@link #dataDir}, {@link #peers}, {@link #engine} or an engine option (the raft settings
   * included) rather than ignore them.
   */
  public CommittedBuilder inMemory() {
    this.inMemory = true;
    return this;
  }

  /**
   * The name of the engine to use when several are on the class path (e.g. {@code raft}). By
   * default the only one found is used.
   */
  public CommittedBuilder engine(String name) {
    if (name == null || name.isBlank()) {
      throw new ConfigException("engine", "engine name must not be blank");
    }
    this.engine = name;
    return this;
  }

  /**
   * An engine-specific setting; each engine documents the ones it reads. The raft settings that
   * users commonly set have typed setters ({@link #join}, {@link #electionTimeout},
   * {@link #snapshotInterval}, {@link #listenAddress}) that set the same options; the last call
   * for a key wins.
   */
  public CommittedBuilder engineOption(String key, String value) {
    if (key == null || key.isBlank() || value == null) {
      throw new ConfigException("engineOption", "engineOption needs a key and a value, got " + key + "=" + value);
    }
    return option(key, value, "engineOption(" + key + ")");
  }

  private CommittedBuilder option(String key, String value, String setter) {
    engineOptions.put(key, value);
    engineOptionSetters.put(key, setter);
    return this;
  }

  /**
   * Raft: true for a node started to join an existing group (default false). It starts with no
   * members and waits to be added with {@link ClusterControl#addLearner}; {@link #peers} still
   * gives its own address. Sets the raft engine's {@code join} option.
   */
  public CommittedBuilder join(boolean join) {
    return option("join", String.valueOf(join), "join");
  }

  /**
   * Raft: how long followers wait for the leader before electing a new one, 100 ms to 1 minute in
   * whole milliseconds (default 1 s). Sets the raft engine's {@code electionTimeoutMs} option.
   */
  public CommittedBuilder electionTimeout(Duration timeout) {
    if (timeout == null || timeout.compareTo(Duration.ofMillis(100)) < 0 || timeout.compareTo(Duration.ofMinutes(1)) > 0
        || timeout.toNanos() % 1_000_000 != 0) {
      throw new ConfigException("electionTimeout", "electionTimeout must be whole milliseconds from 100 ms to 1 minute,"
          + " was " + timeout);
    }
    return option("electionTimeoutMs", String.valueOf(timeout.toMillis()), "electionTimeout");
  }

  /**
   * Raft: how often a snapshot is taken, letting the raft log be trimmed; 1 second to 1 day in
   * whole seconds (default 5 minutes). Sets the raft engine's {@code snapshotIntervalSeconds} option.
   */
  public CommittedBuilder snapshotInterval(Duration interval) {
    if (interval == null || interval.compareTo(Duration.ofSeconds(1)) < 0 || interval.compareTo(Duration.ofDays(1)) > 0
        || interval.getNano() != 0) {
      throw new ConfigException("snapshotInterval", "snapshotInterval must be whole seconds from 1 second to 1 day,"
          + " was " + interval);
    }
    return option("snapshotIntervalSeconds", String.valueOf(interval.getSeconds()), "snapshotInterval");
  }

  /**
   * Raft: the address the replication server binds when it differs from the one its peers use
   * (behind NAT or a proxy); by default it binds this node's address in {@link #peers}. Sets the
   * raft engine's {@code listenAddress} option.
   */
  public CommittedBuilder listenAddress(HostPort address) {
    if (address == null || address.port() == 0) {
      throw new ConfigException("listenAddress", "listenAddress must be host:port with a port from 1 to 65535, was "
          + address);
    }
    return option("listenAddress", address.toString(), "listenAddress");
  }

  /** {@link #listenAddress(HostPort)} from its text, {@code host:port} or {@code [ipv6]:port}. */
  public CommittedBuilder listenAddress(String address) {
    HostPort parsed;
    try {
      parsed = HostPort.parse(address);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("listenAddress", "listenAddress must be host:port: " + e.getMessage());
    }
    return listenAddress(parsed);
  }

  /**
   * Raft: mutual TLS between nodes, for raft messages, forwarded proposals and membership calls,
   * from PEM files: this node's certificate chain, its private key (PKCS#8 or PKCS#1 RSA), and the
   * CA certificates peers' certificates must chain to. Each node's certificate must name, as a
   * subject alternative name, the host its peers reach it by (its address in {@link #peers}).
   * Every node of a group needs TLS on, or none. The files are read again, for new connections,
   * when they change. Sets the raft engine's {@code tlsCertFile}, {@code tlsKeyFile} and
   * {@code tlsCaFile} options; docs/operations.md has the details.
   */
  public CommittedBuilder peerTls(Path certFile, Path keyFile, Path caFile) {
    if (certFile == null || keyFile == null || caFile == null) {
      throw new ConfigException("peerTls", "peerTls needs the certificate, key and CA files, got " + certFile + ", "
          + keyFile + ", " + caFile);
    }
    option("tlsCertFile", certFile.toString(), "peerTls");
    option("tlsKeyFile", keyFile.toString(), "peerTls");
    return option("tlsCaFile", caFile.toString(), "peerTls");
  }

  /** The largest encoded proposal accepted, in bytes (default 16 MiB). */
  public CommittedBuilder maxProposalBytes(int bytes) {
    if (bytes < 1024) {
      throw new ConfigException("maxProposalBytes", "maxProposalBytes must be >= 1024, was " + bytes);
    }
    this.maxProposalBytes = bytes;
    return this;
  }

  /**
   * The largest source transaction an ingestable may commit as one entry, in bytes (default 256
   * MiB). Transactions larger than {@link #maxProposalBytes} are replicated in parts and committed
   * together as one entry; ingesting a larger one fails with a message naming this setting.
   */
  public CommittedBuilder maxTransactionBytes(long bytes) {
    if (bytes < 1024) {
      throw new ConfigException("maxTransactionBytes", "maxTransactionBytes must be >= 1024, was " + bytes);
    }
    this.maxTransactionBytes = bytes;
    return this;
  }

  /**
   * How many proposals may be in flight (submitted, not yet applied) at once (default 4096);
   * {@code propose} blocks beyond it, up to the operation timeout.
   */
  public CommittedBuilder maxInFlight(int proposals) {
    if (proposals < 1) {
      throw new ConfigException("maxInFlight", "maxInFlight must be >= 1, was " + proposals);
    }
    this.maxInFlight = proposals;
    return this;
  }

  /**
   * Disk admission for the data directory (the original's defaults: 20, 10, 3): a warning is logged
   * when at most {@code warnPercent} of its disk is free; proposals and ingested data are refused
   * with {@link io.committed.api.InsufficientStorageException} at {@code refuseDataPercent} or less,
   * config changes at {@code refuseConfigPercent} or less. The log's own bookkeeping is never
   * refused. 0 turns a level off; without a data directory (in memory) nothing is checked.
   *
   * @throws ConfigException unless {@code 0 <= refuseConfigPercent <= refuseDataPercent <= warnPercent <= 100}
   */
  public CommittedBuilder diskAdmission(int warnPercent, int refuseDataPercent, int refuseConfigPercent) {
    if (refuseConfigPercent < 0 || refuseConfigPercent > refuseDataPercent || refuseDataPercent > warnPercent
        || warnPercent > 100) {
      throw new ConfigException("diskAdmission", "diskAdmission needs 0 <= refuseConfigPercent <= refuseDataPercent"
          + " <= warnPercent <= 100, was " + warnPercent + ", " + refuseDataPercent + ", " + refuseConfigPercent);
    }
    this.diskWarnPercent = warnPercent;
    this.diskDataPercent = refuseDataPercent;
    this.diskConfigPercent = refuseConfigPercent;
    return this;
  }

  /** How long config changes and other blocking operations wait to be committed (default 30 s). */
  public CommittedBuilder operationTimeout(Duration timeout) {
    this.operationTimeout = positive("operationTimeout", timeout);
    return this;
  }

  /** The clock that stamps proposals and configs (default the system UTC clock). */
  public CommittedBuilder clock(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
    return this;
  }

  /**
   * Where {@code ${VAR}} references in configs are looked up (default the process environment).
   * The function returns null for an unset variable.
   */
  public CommittedBuilder environment(UnaryOperator<String> environment) {
    this.environment = Objects.requireNonNull(environment, "environment");
    return this;
  }

  /** The class loader plug-ins and engines are looked up in (default this class's). */
  public CommittedBuilder classLoader(ClassLoader loader) {
    this.classLoader = Objects.requireNonNull(loader, "classLoader");
    return this;
  }

  /** Registers a syncable factory directly, in addition to those found through ServiceLoader. */
  public CommittedBuilder syncableFactory(SyncableFactory factory) {
    syncableFactories.add(Objects.requireNonNull(factory, "syncableFactory"));
    return this;
  }

  /** Registers an ingestable factory directly, in addition to those found through ServiceLoader. */
  public CommittedBuilder ingestableFactory(IngestableFactory factory) {
    ingestableFactories.add(Objects.requireNonNull(factory, "ingestableFactory"));
    return this;
  }

  /** The most entries per {@code Syncable.sync} call (default 500); a syncable config may override it. */
  public CommittedBuilder syncBatchSize(int entries) {
    if (entries < 1 || entries > 100_000) {
      throw new ConfigException("syncBatchSize", "syncBatchSize must be between 1 and 100000, was " + entries);
    }
    this.syncBatchSize = entries;
    return this;
  }

  /**
   * How long a caught-up sync worker lets a partial batch wait for more entries before delivering
   * it (default zero: at once). A few milliseconds fill batch targets' transactions under a
   * trickle of writes; a syncable config may override it ({@code batchDelay}).
   */
  public CommittedBuilder syncBatchDelay(Duration delay) {
    if (delay == null || delay.isNegative() || delay.compareTo(Duration.ofMinutes(1)) > 0) {
      throw new ConfigException("syncBatchDelay", "syncBatchDelay must be between 0 and 1 minute, was " + delay);
    }
    this.syncBatchDelay = delay;
    return this;
  }

  /**
   * Sync checkpoints: after {@code everyEntries} delivered entries or {@code maxAge}, whichever
   * first, and whenever a worker catches up (defaults 1000 and 1 s). A syncable config may
   * override both. After a leader change at most that many entries are delivered again.
   */
  public CommittedBuilder syncCheckpoint(int everyEntries, Duration maxAge) {
    if (everyEntries < 1) {
      throw new ConfigException("syncCheckpoint", "syncCheckpoint entries must be >= 1, was " + everyEntries);
    }
    this.checkpointEvery = everyEntries;
    this.checkpointMaxAge = positive("syncCheckpoint", maxAge);
    return this;
  }

  /** Backoff between sync retries after transient failures (default 10 ms doubling to 5 s). */
  public CommittedBuilder syncRetry(Duration min, Duration max) {
    this.syncRetryMin = positive("syncRetry", min);
    this.syncRetryMax = positive("syncRetry", max);
    if (max.compareTo(min) < 0) {
      throw new ConfigException("syncRetry", "syncRetry max " + max + " is below min " + min);
    }
    return this;
  }

  /**
   * Ingest restarts: backoff between restarts after failures (default 100 ms doubling to 30 s),
   * and how many consecutive failures park the ingestable (default 20).
   */
  public CommittedBuilder ingestRetry(Duration min, Duration max, int maxConsecutiveFailures) {
    this.ingestRetryMin = positive("ingestRetry", min);
    this.ingestRetryMax = positive("ingestRetry", max);
    if (max.compareTo(min) < 0) {
      throw new ConfigException("ingestRetry", "ingestRetry max " + max + " is below min " + min);
    }
    if (maxConsecutiveFailures < 1) {
      throw new ConfigException("ingestRetry", "ingestRetry failures must be >= 1, was " + maxConsecutiveFailures);
    }
    this.ingestMaxFailures = maxConsecutiveFailures;
    return this;
  }

  /** Hooks for metrics and tracing (default none); see {@link LogObserver}. */
  public CommittedBuilder observer(LogObserver observer) {
    this.observer = Objects.requireNonNull(observer, "observer");
    return this;
  }

  private static Duration positive(String setting, Duration d) {
    if (d == null || d.isNegative() || d.isZero()) {
      throw new ConfigException(setting, setting + " must be a positive duration, was " + d);
    }
    return d;
  }

  /**
   * Starts the log: checks the settings together, finds the engine, and starts it.
   *
   * @throws ConfigException when the settings do not fit together or no engine is available
   * @throws io.committed.api.CommittedException when the engine cannot start
   */
  public CommittedLog start() {
    if (inMemory) {
      List<String> conflicting = new ArrayList<>();
      if (dataDir != null) {
        conflicting.add("dataDir");
      }
      if (!peers.isEmpty()) {
        conflicting.add("peers");
      }
      if (engine != null) {
        conflicting.add("engine");
      }
      new java.util.LinkedHashSet<>(engineOptionSetters.values()).forEach(conflicting::add);
      if (!conflicting.isEmpty()) {
        throw new ConfigException("inMemory", "inMemory() cannot be combined with " + String.join(", ", conflicting)
            + ": the in-memory engine keeps no files, has a single node and reads no engine options; remove "
            + (conflicting.size() == 1 ? "it" : "them") + " or drop inMemory()");
      }
    }
    if (!peers.isEmpty() && !peers.containsKey(nodeId)) {
      throw new ConfigException("peers", "peers " + peers + " does not list this node (nodeId " + nodeId + ")");
    }
    ClassLoader loader = classLoader != null ? classLoader : CommittedBuilder.class.getClassLoader();
    EngineConfig engineConfig = new EngineConfig(groupId, nodeId, peers, dataDir, engineOptions, clock);
    LogEngine logEngine;
    String engineName;
    if (inMemory) {
      logEngine = new InMemoryEngine(engineConfig);
      engineName = "in-memory";
    } else {
      LogEngineFactory factory = findEngine(loader);
      logEngine = factory.create(engineConfig);
      engineName = factory.name();
    }
    Plugins plugins = new Plugins(loader, syncableFactories, ingestableFactories);
    SyncSettings sync = new SyncSettings(syncBatchSize, syncBatchDelay, Math.max(10_000, syncBatchSize), checkpointEvery,
        checkpointMaxAge, new Backoff(syncRetryMin, syncRetryMax), Duration.ofSeconds(10));
    IngestSettings ingest = new IngestSettings(new Backoff(ingestRetryMin, ingestRetryMax), ingestMaxFailures,
        Duration.ofSeconds(10));
    LogSettings settings = new LogSettings(groupId, nodeId, engineName, maxProposalBytes,
        Math.max(maxTransactionBytes, maxProposalBytes), maxInFlight,
        operationTimeout, clock, environment, plugins, sync, ingest,
        io.committed.internal.SafeObserver.wrap(observer), inMemory ? null : dataDir, diskWarnPercent, diskDataPercent,
        diskConfigPercent);
    return new DefaultCommittedLog(settings, logEngine).start();
  }

  private LogEngineFactory findEngine(ClassLoader loader) {
    List<LogEngineFactory> found = new ArrayList<>();
    ServiceLoader.load(LogEngineFactory.class, loader).forEach(found::add);
    List<String> names = found.stream().map(LogEngineFactory::name).sorted().toList();
    if (engine != null) {
      return found.stream().filter(f -> f.name().equalsIgnoreCase(engine)).findFirst().orElseThrow(() ->
          new ConfigException("engine", "no log engine named '" + engine + "' on the class path; found: "
              + (names.isEmpty() ? "none" : String.join(", ", names))));
    }
    if (found.isEmpty()) {
      throw new ConfigException("engine", "no log engine on the class path: add the io.committed:committed-raft"
          + " dependency for a replicated log, or use Committed.inMemory() for a single in-memory node");
    }
    if (found.size() > 1) {
      throw new ConfigException("engine", "several log engines on the class path (" + String.join(", ", names)
          + "): choose one with engine(name)");
    }
    return found.get(0);
  }
}
