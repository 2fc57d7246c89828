package io.committed.server.support;

import io.committed.server.CommittedServer;
import io.committed.server.ServerSettings;
import io.committed.testkit.Await;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * In-process nodes of one raft group, each a {@link CommittedServer} configured through its
 * environment as {@code scripts/cluster.sh} configures the processes: on loopback, free ports,
 * one data directory per node under {@code root}, a short election timeout.
 */
public final class RaftNodes implements AutoCloseable {
  private final Path root;
  private final TreeMap<Integer, Integer> raftPorts = new TreeMap<>();
  private final TreeMap<Integer, CommittedServer> servers = new TreeMap<>();

  /** A group of nodes 1..size (not started). */
  public RaftNodes(Path root, int size) {
    this.root = root;
    for (int id = 1; id <= size; id++) {
      raftPorts.put(id, freePort());
    }
  }

  public static int freePort() {
    return io.committed.testkit.Ports.free();
  }

  /** The initial members, {@code COMMITTED_PEERS}. */
  public String peers() {
    return raftPorts.entrySet().stream().map(e -> e.getKey() + "=127.0.0.1:" + e.getValue())
        .collect(Collectors.joining(","));
  }

  /** Starts the initial members in parallel (each waits for a quorum to elect a leader). */
  public RaftNodes startAll() {
    raftPorts.keySet().parallelStream().forEach(id -> start(id, env(id)));
    return this;
  }

  /** The environment of initial member {@code id}. */
  public Map<String, String> env(int id) {
    Map<String, String> env = new HashMap<>();
    env.put("COMMITTED_ENGINE", "raft");
    env.put("COMMITTED_NODE_ID", String.valueOf(id));
    env.put("COMMITTED_API_ADDR", "127.0.0.1:0");
    env.put("COMMITTED_DATA_DIR", root.resolve("node" + id).toString());
    env.put("COMMITTED_PEERS", peers());
    env.put("COMMITTED_RAFT_ELECTION_TIMEOUT_MS", "600");
    env.put("COMMITTED_SHUTDOWN_TIMEOUT", "10s");
    return env;
  }

  /**
   * The environment of a node that joins the group later: {@code COMMITTED_JOIN=true}, and its own
   * replication address as {@code COMMITTED_PEER_URL}.
   */
  public Map<String, String> joinerEnv(int id, int raftPort) {
    Map<String, String> env = env(id);
    env.remove("COMMITTED_PEERS");
    env.put("COMMITTED_PEER_URL", "127.0.0.1:" + raftPort);
    env.put("COMMITTED_JOIN", "true");
    return env;
  }

  public CommittedServer start(int id, Map<String, String> env) {
    CommittedServer s = CommittedServer.start(ServerSettings.fromEnvironment(env));
    synchronized (servers) {
      servers.put(id, s);
    }
    return s;
  }

  public CommittedServer server(int id) {
    synchronized (servers) {
      return servers.get(id);
    }
  }

  public ApiClient client(int id) {
    return new ApiClient(server(id).uri(), null);
  }

  public void stop(int id) {
    CommittedServer s;
    synchronized (servers) {
      s = servers.remove(id);
    }
    if (s != null) {
      s.close();
    }
  }

  /** Waits until a running node leads and every running node knows it; returns its id. */
  public int awaitLeader() {
    int[] leader = {-1};
    Await.until("one leader, known to every node", Duration.ofSeconds(30), () -> {
      Map<Integer, CommittedServer> running;
      synchronized (servers) {
        running = new TreeMap<>(servers);
      }
      int found = -1;
      for (Map.Entry<Integer, CommittedServer> e : running.entrySet()) {
        int known = e.getValue().log().status().leaderId().orElse(-1);
        if (known < 0 || found != -1 && known != found) {
          return false;
        }
        found = known;
      }
      leader[0] = found;
      return found > 0 && running.containsKey(found) && running.get(found).log().status().role() == io.committed.NodeRole.LEADER;
    });
    return leader[0];
  }

  @Override
  public void close() {
    Map<Integer, CommittedServer> running;
    synchronized (servers) {
      running = new TreeMap<>(servers);
      servers.clear();
    }
    running.values().parallelStream().forEach(CommittedServer::close);
  }
}
