package io.committed.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@code scripts/demo.sh}: starts the packaged node, drives it with curl, prints, and stops it. */
class DemoScriptIT {

  @Test
  void theDemoRunsEndToEnd() throws Exception {
    Path script = Path.of(System.getProperty("committed.repo.root", ".."), "scripts", "demo.sh");
    int port = io.committed.testkit.Ports.free();
    ProcessBuilder pb = new ProcessBuilder("bash", script.toString()).redirectErrorStream(true);
    pb.environment().keySet().removeIf(k -> k.startsWith("COMMITTED_"));
    pb.environment().put("PORT", String.valueOf(port));
    Process demo = pb.start();
    try {
      CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> {
        try (var in = demo.getInputStream()) {
          return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      });
      assertThat(demo.waitFor(120, TimeUnit.SECONDS)).as("the demo finished").isTrue();
      String text = out.get(30, TimeUnit.SECONDS);
      assertThat(demo.exitValue()).as("exit code; output:%n%s", text).isZero();
      assertThat(text)
          .contains("{\"index\":1}", "{\"index\":2}", "\"code\":\"schema_violation\"")
          .contains("\"data\":{\"sku\":\"sku-2\",\"name\":\"teapot\",\"price\":29.90}")
          .contains("\"next\":3,\"lastIndex\":2")
          .contains("stopping the node");
      // the node bundles the JDBC syncable: the proposals end up in the embedded H2 table
      assertThat(text).contains("\"caughtUp\":true")
          .containsPattern("sku-1 +\\| kettle +\\| 24\\.50")
          .containsPattern("sku-2 +\\| teapot +\\| 29\\.90")
          .contains("(2 rows");
    } finally {
      demo.descendants().forEach(ProcessHandle::destroy);
      demo.toHandle().destroy();
      demo.waitFor(30, TimeUnit.SECONDS);
    }
  }
}
