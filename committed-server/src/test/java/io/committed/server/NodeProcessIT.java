package io.committed.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.committed.server.support.ApiClient;
import io.committed.server.support.NodeProcess;
import io.committed.testkit.Await;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The packaged node as a child process: start-up checks, and SIGTERM during a stream of writes. */
class NodeProcessIT {
  @TempDir
  Path dir;

  private Map<String, String> env(String... extra) {
    Map<String, String> env = new HashMap<>(Map.of(
        "COMMITTED_ENGINE", "memory",
        "COMMITTED_API_ADDR", "127.0.0.1:0",
        "COMMITTED_DATA_DIR", dir.resolve("data").toString(),
        "COMMITTED_SHUTDOWN_TIMEOUT", "20s"));
    for (int i = 0; i < extra.length; i += 2) {
      env.put(extra[i], extra[i + 1]);
    }
    return env;
  }

  @Test
  void sigtermDuringAWriteStreamDrainsAndExitsZero() throws Exception {
    try (NodeProcess node = NodeProcess.start(env())) {
      Map<Long, String> acknowledged = writeUntilSigterm(node);
      assertThat(acknowledged).hasSizeGreaterThanOrEqualTo(200);
    }
  }

  /**
   * The replicated engine keeps what it acknowledged: every write answered 200 before and during
   * the shutdown is in the log after a restart, at the index it was given, with its data.
   */
  @Test
  void sigtermDuringAWriteStreamOnRaftKeepsEveryAcknowledgedWriteAcrossARestart() throws Exception {
    int raftPort = freePort();
    Map<String, String> env = env("COMMITTED_PEER_URL", "127.0.0.1:" + raftPort);
    env.remove("COMMITTED_ENGINE"); // the default: raft, bundled with the node
    Map<Long, String> acknowledged;
    try (NodeProcess node = NodeProcess.start(env)) {
      acknowledged = writeUntilSigterm(node);
    }
    try (NodeProcess node = NodeProcess.start(env)) {
      ApiClient api = new ApiClient(node.awaitListening(Duration.ofSeconds(60)), null);
      Await.until("the restarted node to be ready", Duration.ofSeconds(60), () -> api.get("/ready").status() == 200);
      assertThat(api.get("/version").expect(200).json().get("engine").asText()).isEqualTo("raft");
      Map<Long, String> found = new HashMap<>();
      long from = 1;
      long last;
      do {
        JsonNode page = api.get("/v1/proposal?type=event&from=" + from + "&limit=1000").expect(200).json();
        for (JsonNode e : page.get("entries")) {
          found.put(e.get("index").asLong(), e.get("entities").get(0).get("key").asText());
        }
        from = page.get("next").asLong();
        last = page.get("lastIndex").asLong();
      } while (from <= last);
      for (Map.Entry<Long, String> a : acknowledged.entrySet()) {
        assertThat(found.get(a.getKey())).as("acknowledged write at index %s after the restart", a.getKey())
            .isEqualTo(a.getValue());
      }
      assertThat(new HashSet<>(found.values())).as("no key twice").hasSize(found.size());
      node.terminate();
      assertThat(node.awaitExit(Duration.ofSeconds(40))).isZero();
    }
  }

  /**
   * Four writers post proposals until the node, sent SIGTERM after 200 acknowledgements, refuses
   * connections; returns the acknowledged writes by index (their keys) after checking the exit.
   */
  private static Map<Long, String> writeUntilSigterm(NodeProcess node) throws Exception {
    URI base = node.awaitListening(Duration.ofSeconds(60));
    ApiClient api = new ApiClient(base, null);
    Await.until("the node to be ready", Duration.ofSeconds(60), () -> api.get("/ready").status() == 200);
    api.postToml("/v1/type/event", "[type]\nname = \"event\"\n").expect(200);

    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    AtomicBoolean refused = new AtomicBoolean();
    Map<Long, String> acknowledged = new ConcurrentHashMap<>();
    List<String> unexpected = new CopyOnWriteArrayList<>();
    CountDownLatch enough = new CountDownLatch(200);
    ExecutorService writers = Executors.newFixedThreadPool(4);
    for (int w = 0; w < 4; w++) {
      int writer = w;
      writers.execute(() -> {
        for (int i = 0; !refused.get(); i++) {
          String key = "w" + writer + "-" + i;
          String body = "{\"entities\":[{\"typeId\":\"event\",\"key\":\"" + key + "\",\"data\":" + i + "}]}";
          HttpRequest req = HttpRequest.newBuilder(base.resolve("/v1/proposal")).timeout(Duration.ofSeconds(30))
              .header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build();
          try {
            HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 200) {
              long index = Long.parseLong(r.body().replaceAll("\\D", ""));
              if (acknowledged.putIfAbsent(index, key) != null) {
                unexpected.add("index " + index + " acknowledged twice");
              }
              enough.countDown();
            } else if (r.statusCode() != 503) {
              unexpected.add(r.statusCode() + " " + r.body());
            }
          } catch (java.io.IOException e) {
            refused.set(true); // the node stopped accepting connections
          } catch (InterruptedException e) {
            return;
          }
        }
      });
    }
    assertThat(enough.await(60, TimeUnit.SECONDS)).as("200 writes acknowledged before the signal").isTrue();
    node.terminate();
    int code = node.awaitExit(Duration.ofSeconds(40));
    refused.set(true);
    writers.shutdown();
    assertThat(writers.awaitTermination(60, TimeUnit.SECONDS)).isTrue();

    assertThat(code).as("exit code; stderr:\n%s", node.stderr()).isZero();
    assertThat(unexpected).as("answers other than 200 and 503").isEmpty();
    assertThat(node.stderr()).contains("shutdown: SIGTERM received", "shutdown: API drained", "shutdown: done");
    assertThat(node.stderr()).doesNotContain("deadline was missed");
    return new TreeMap<>(acknowledged);
  }

  private static int freePort() {
    return io.committed.testkit.Ports.free();
  }

  @Test
  void anInvalidVariableStopsTheStartNamingIt() throws Exception {
    try (NodeProcess node = NodeProcess.start(env("COMMITTED_NODE_ID", "one"))) {
      assertThat(node.awaitExit(Duration.ofSeconds(60))).isEqualTo(2);
      assertThat(node.stderr()).contains("COMMITTED_NODE_ID must be an integer", "'one'");
    }
    try (NodeProcess node = NodeProcess.start(env("COMMITTED_SHUTDOWN_TIMEOUT", "30"))) {
      assertThat(node.awaitExit(Duration.ofSeconds(60))).isEqualTo(2);
      assertThat(node.stderr()).contains("COMMITTED_SHUTDOWN_TIMEOUT must be a positive duration");
    }
  }

  @Test
  void helpListsTheVariables() throws Exception {
    try (NodeProcess node = NodeProcess.start(Map.of(), "--help")) {
      assertThat(node.awaitExit(Duration.ofSeconds(60))).isZero();
      List<String> missing = new ArrayList<>();
      for (Map.Entry<String, String> v : ServerSettings.VARIABLES) {
        if (!node.stdout().contains(v.getKey())) {
          missing.add(v.getKey());
        }
      }
      assertThat(missing).isEmpty();
    }
  }
}
