package io.committed.engine;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What the builder hands to a {@link LogEngineFactory}. Validated by the builder: node ids are
 * positive, {@code peers} contains {@code nodeId} when it is not empty.
 *
 * @param groupId the replication group's id; one log per group
 * @param nodeId this node's id, 1 or more
 * @param peers the initial members by node id, as {@code host:port} of their replication address;
 *     empty for a single node whose address is unknown
 * @param dataDir where the engine keeps its files, or null for an engine that keeps none
 * @param options engine-specific settings (documented by each engine), never null
 * @param clock the clock the engine reads for timeouts and metrics (never for applied state)
 */
public record EngineConfig(
    String groupId,
    int nodeId,
    SortedMap<Integer, String> peers,
    Path dataDir,
    Map<String, String> options,
    Clock clock) {

  public EngineConfig {
    Objects.requireNonNull(groupId, "groupId");
    peers = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(peers));
    options = Map.copyOf(options);
    Objects.requireNonNull(clock, "clock");
  }

  /** This node's replication address, or null when {@code peers} does not list it. */
  public String selfAddress() {
    return peers.get(nodeId);
  }
}
