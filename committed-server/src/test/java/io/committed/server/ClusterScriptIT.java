package io.committed.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.committed.server.support.ApiClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code scripts/cluster.sh}: three packaged nodes on loopback take writes on any node; a fourth
 * joins through the membership routes, catches up and is promoted; it is removed; all stop.
 */
class ClusterScriptIT {
  @TempDir
  Path dir;

  private int apiBase;
  private int raftBase;

  @Test
  @Timeout(300)
  void threeNodesStartTakeWritesAcceptAFourthAndStop() throws Exception {
    apiBase = freeRange();
    do {
      raftBase = freeRange();
    } while (raftBase == apiBase);
    try {
      String started = run("start");
      assertThat(started).contains("node 1: ready", "node 2: ready", "node 3: ready");
      ApiClient node3 = new ApiClient(URI.create("http://127.0.0.1:" + (apiBase + 3)), null);
      node3.postToml("/v1/type/event", "[type]\nname = \"event\"\n").expect(200);
      for (int i = 0; i < 5; i++) {
        node3.postJson("/v1/proposal", "{\"entities\":[{\"typeId\":\"event\",\"key\":\"k" + i + "\",\"data\":" + i + "}]}")
            .expect(200);
      }

      String joined = run("join", "4");
      assertThat(joined).contains("node 4: caught up to index 5", "{\"id\":4,\"address\":\"127.0.0.1:" + (raftBase + 4) + "\"}");
      ApiClient node4 = new ApiClient(URI.create("http://127.0.0.1:" + (apiBase + 4)), null);
      assertThat(node4.get("/v1/proposal?type=event").expect(200).json().get("entries")).hasSize(5);
      assertThat(node4.get("/v1/cluster/status").expect(200).json().get("role").asText()).isEqualTo("follower");
      assertThat(run("status")).contains("node 4: pid");

      assertThat(run("remove", "4")).contains("node 4: removed from the group", "node 4: stopped");
      assertThat(node3.get("/v1/membership").expect(200).json().get("voters")).hasSize(3);
      assertThat(run("stop")).contains("stopped");
      assertThat(run("status")).contains("node 1: not running", "node 2: not running", "node 3: not running");
    } finally {
      run(List.of("stop"), false);
    }
  }

  private String run(String... args) throws Exception {
    return run(List.of(args), true);
  }

  private String run(List<String> args, boolean check) throws Exception {
    Path script = Path.of(System.getProperty("committed.repo.root", ".."), "scripts", "cluster.sh");
    List<String> cmd = new java.util.ArrayList<>(List.of("bash", script.toString()));
    cmd.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().keySet().removeIf(k -> k.startsWith("COMMITTED_") || k.startsWith("CLUSTER_"));
    pb.environment().put("CLUSTER_DIR", dir.toString());
    pb.environment().put("CLUSTER_API_BASE", String.valueOf(apiBase));
    pb.environment().put("CLUSTER_RAFT_BASE", String.valueOf(raftBase));
    pb.environment().put("COMMITTED_RAFT_ELECTION_TIMEOUT_MS", "600");
    pb.environment().put("JAVA_OPTS", "-Xmx192m");
    pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    Process p = pb.start();
    CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> {
      try (var in = p.getInputStream()) {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
    assertThat(p.waitFor(150, TimeUnit.SECONDS)).as("cluster.sh %s finished", args).isTrue();
    String text = out.get(30, TimeUnit.SECONDS);
    if (check) {
      assertThat(p.exitValue()).as("exit code of cluster.sh %s; output:%n%s", args, text).isZero();
    }
    return text;
  }

  /** A base port b such that b+1..b+9 are free now. */
  private static int freeRange() {
    for (int attempt = 0; attempt < 100; attempt++) {
      int base = 20_000 + 10 * ThreadLocalRandom.current().nextInt(1000);
      boolean free = true;
      for (int n = 1; n <= 9 && free; n++) {
        try (ServerSocket s = new ServerSocket(base + n)) {
          s.setReuseAddress(true);
        } catch (IOException e) {
          free = false;
        }
      }
      if (free) {
        return base;
      }
    }
    throw new IllegalStateException("no free range of 9 ports found");
  }
}
