package io.committed.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.committed.server.support.ApiClient;
import io.committed.server.support.NodeProcess;
import io.committed.server.support.RaftNodes;
import io.committed.testkit.Await;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Write unavailability after a leader is SIGKILLed: three packaged nodes as child processes, a
 * writer posting through each node all along; the leader is killed twice (the first one started
 * again in between). For each surviving node, the time from the kill to its first acknowledged write
 * is printed; the test checks that writes resume through every survivor and that every acknowledged
 * write is in the log afterwards, once. The figures are reported, not asserted (a noisy machine).
 */
class FailoverIT {
  private static final int ELECTION_TIMEOUT_MS = 1000;

  @TempDir
  Path dir;

  /** A writer through one node: the times (nanoTime) of its acknowledged writes, and their keys by index. */
  private static final class Writer implements Runnable {
    final int node;
    final URI base;
    final AtomicBoolean stop;
    final ConcurrentLinkedQueue<Long> acks = new ConcurrentLinkedQueue<>();
    final Map<Long, String> written;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();

    Writer(int node, URI base, AtomicBoolean stop, Map<Long, String> written) {
      this.node = node;
      this.base = base;
      this.stop = stop;
      this.written = written;
    }

    @Override
    public void run() {
      for (long n = 0; !stop.get(); n++) {
        String key = "n" + node + "-" + n;
        HttpRequest r = HttpRequest.newBuilder(base.resolve("/v1/proposal")).timeout(Duration.ofSeconds(2))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString("{\"entities\":[{\"typeId\":\"event\",\"key\":\"" + key
                + "\",\"data\":{}}]}")).build();
        try {
          HttpResponse<String> resp = http.send(r, HttpResponse.BodyHandlers.ofString());
          if (resp.statusCode() == 200) {
            long index = Long.parseLong(resp.body().replaceAll("\\D+", ""));
            written.put(index, key);
            acks.add(System.nanoTime());
          }
        } catch (java.io.IOException e) {
          // the node is down, or cut off: the next try
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }

    /** Milliseconds from {@code since} to this writer's first acknowledged write after it, or -1. */
    long firstAckAfter(long since) {
      return acks.stream().filter(t -> t > since).min(Long::compare).map(t -> (t - since) / 1_000_000).orElse(-1L);
    }
  }

  private NodeProcess start(int id, Map<Integer, Integer> raftPorts) throws Exception {
    StringBuilder peers = new StringBuilder();
    raftPorts.forEach((n, p) -> peers.append(peers.length() == 0 ? "" : ",").append(n).append("=127.0.0.1:").append(p));
    return NodeProcess.start(Map.of(
        "COMMITTED_NODE_ID", Integer.toString(id),
        "COMMITTED_PEERS", peers.toString(),
        "COMMITTED_PEER_URL", "127.0.0.1:" + raftPorts.get(id),
        "COMMITTED_API_ADDR", "127.0.0.1:" + apiPorts.get(id),
        "COMMITTED_DATA_DIR", dir.resolve("node" + id).toString(),
        "COMMITTED_RAFT_ELECTION_TIMEOUT_MS", Integer.toString(ELECTION_TIMEOUT_MS)));
  }

  private final Map<Integer, Integer> apiPorts = new HashMap<>();

  private static int leaderOf(ApiClient api) {
    JsonNode s = api.get("/v1/cluster/status").json();
    return s.get("leaderId").asInt();
  }

  @Test
  void writesResumeThroughEverySurvivorAfterTheLeaderIsKilledAndNothingAcknowledgedIsLost() throws Exception {
    Map<Integer, Integer> raftPorts = new HashMap<>();
    Map<Integer, NodeProcess> nodes = new HashMap<>();
    Map<Integer, ApiClient> apis = new HashMap<>();
    for (int id = 1; id <= 3; id++) {
      raftPorts.put(id, RaftNodes.freePort());
      apiPorts.put(id, RaftNodes.freePort());
    }
    Map<Long, String> written = new ConcurrentHashMap<>();
    AtomicBoolean stop = new AtomicBoolean();
    List<Thread> threads = new ArrayList<>();
    List<String> figures = new ArrayList<>();
    try {
      for (int id = 1; id <= 3; id++) {
        nodes.put(id, start(id, raftPorts));
      }
      for (int id = 1; id <= 3; id++) {
        apis.put(id, new ApiClient(nodes.get(id).awaitListening(Duration.ofSeconds(90)), null));
      }
      for (ApiClient api : apis.values()) {
        Await.until("every node ready", Duration.ofSeconds(90), () -> api.get("/ready").status() == 200);
      }
      apis.get(1).postToml("/v1/type/event", "[type]\nname = \"event\"\n").expect(200);
      Map<Integer, Writer> writers = new HashMap<>();
      for (int id = 1; id <= 3; id++) {
        Writer w = new Writer(id, apis.get(id).base(), stop, written);
        writers.put(id, w);
        Thread t = new Thread(w, "failover-writer-" + id);
        t.start();
        threads.add(t);
      }
      for (int round = 1; round <= 2; round++) {
        Await.until("writes through every node", Duration.ofSeconds(60), () -> writers.values().stream()
            .allMatch(w -> w.firstAckAfter(System.nanoTime() - 2_000_000_000L) >= 0));
        int leader = leaderOf(apis.get(1));
        nodes.remove(leader).close(); // SIGKILL
        long killed = System.nanoTime();
        List<Integer> survivors = new ArrayList<>(nodes.keySet());
        for (int id : survivors) {
          Writer w = writers.get(id);
          Await.until("a write through node " + id + " after the leader died", Duration.ofSeconds(30),
              () -> w.firstAckAfter(killed) >= 0);
        }
        StringBuilder line = new StringBuilder("round " + round + ": leader " + leader + " SIGKILLed; first write after");
        for (int id : survivors) {
          line.append(" through node ").append(id).append(": ").append(writers.get(id).firstAckAfter(killed))
              .append(" ms;");
        }
        figures.add(line.append(" election timeout ").append(ELECTION_TIMEOUT_MS).append(" ms").toString());
        nodes.put(leader, start(leader, raftPorts)); // back, catching up
        ApiClient back = apis.get(leader);
        Await.until("node " + leader + " ready again", Duration.ofSeconds(90), () -> {
          try {
            return back.get("/ready").status() == 200;
          } catch (RuntimeException e) {
            return false;
          }
        });
      }
    } catch (Throwable t) {
      nodes.values().forEach(NodeProcess::close);
      throw t;
    } finally {
      stop.set(true);
      for (Thread t : threads) {
        t.join(10_000);
      }
      figures.forEach(f -> System.out.println("FailoverIT: " + f));
    }
    // every acknowledged write is in the log, at its index, once
    ApiClient api = apis.get(nodes.keySet().iterator().next());
    long last = written.keySet().stream().mapToLong(Long::longValue).max().orElseThrow();
    Await.until("the log to reach the last acknowledged write", Duration.ofSeconds(60),
        () -> api.get("/v1/proposal?type=event&from=" + last + "&limit=1").json().get("entries").size() == 1);
    Map<Long, String> found = new HashMap<>();
    for (long from = 1; from <= last; ) {
      JsonNode page = api.get("/v1/proposal?type=event&from=" + from + "&limit=1000").expect(200).json();
      for (JsonNode e : page.get("entries")) {
        found.put(e.get("index").asLong(), e.get("entities").get(0).get("key").asText());
      }
      from = page.get("next").asLong();
    }
    for (Map.Entry<Long, String> w : written.entrySet()) {
      assertThat(found.get(w.getKey())).as("acknowledged write at index %d", w.getKey()).isEqualTo(w.getValue());
    }
    try {
      assertThat(Set.copyOf(found.values())).as("no key twice").hasSize(found.size());
    } finally {
      nodes.values().forEach(NodeProcess::close);
    }
  }
}
