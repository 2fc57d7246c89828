package io.committed.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.committed.server.support.ApiClient;
import io.committed.server.support.NodeProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The packaged node as a child process: start-up checks, and SIGTERM during a stream of writes. */
class NodeProcessIT {
  @TempDir
  Path dir;

  private Map<String, String> env(String... extra) {
    Map<String, String> env = new java.util.HashMap<>(Map.of(
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
      URI base = node.awaitListening(Duration.ofSeconds(60));
      ApiClient api = new ApiClient(base, null);
      api.get("/ready").expect(200);
      api.postToml("/v1/type/event", "[type]\nname = \"event\"\n").expect(200);

      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
      AtomicBoolean refused = new AtomicBoolean();
      AtomicInteger ok = new AtomicInteger();
      Set<Long> indexes = ConcurrentHashMap.newKeySet();
      List<String> unexpected = new CopyOnWriteArrayList<>();
      CountDownLatch enough = new CountDownLatch(200);
      ExecutorService writers = Executors.newFixedThreadPool(4);
      for (int w = 0; w < 4; w++) {
        int writer = w;
        writers.execute(() -> {
          for (int i = 0; !refused.get(); i++) {
            String body = "{\"entities\":[{\"typeId\":\"event\",\"key\":\"w" + writer + "-" + i + "\",\"data\":" + i + "}]}";
            HttpRequest req = HttpRequest.newBuilder(base.resolve("/v1/proposal")).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build();
            try {
              HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
              if (r.statusCode() == 200) {
                long index = Long.parseLong(r.body().replaceAll("\\D", ""));
                if (!indexes.add(index)) {
                  unexpected.add("index " + index + " acknowledged twice");
                }
                ok.incrementAndGet();
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
      assertThat(indexes).hasSize(ok.get());
      assertThat(node.stderr()).contains("shutdown: SIGTERM received", "shutdown: API drained", "shutdown: done");
      assertThat(node.stderr()).doesNotContain("deadline was missed");
    }
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
  void theDefaultRaftEngineNeedsCommittedRaft() throws Exception {
    Map<String, String> env = env();
    env.remove("COMMITTED_ENGINE");
    try (NodeProcess node = NodeProcess.start(env)) {
      assertThat(node.awaitExit(Duration.ofSeconds(60))).isEqualTo(2);
      assertThat(node.stderr()).contains("COMMITTED_ENGINE=raft", "committed-raft", "COMMITTED_ENGINE=memory");
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
