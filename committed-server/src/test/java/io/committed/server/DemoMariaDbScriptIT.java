package io.committed.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code scripts/demo-mariadb.sh}: the packaged node ingests a MariaDB table (the server of
 * {@code scripts/test.sh}), and a copy on request deletes a row the binary log never showed.
 */
class DemoMariaDbScriptIT {

  @Test
  void theMariaDbDemoRunsEndToEnd() throws Exception {
    Path script = Path.of(System.getProperty("committed.repo.root", ".."), "scripts", "demo-mariadb.sh");
    ProcessBuilder pb = new ProcessBuilder("bash", script.toString()).redirectErrorStream(true);
    pb.environment().keySet().removeIf(k -> k.startsWith("COMMITTED_") && !k.startsWith("COMMITTED_TEST_"));
    pb.environment().put("PORT", String.valueOf(io.committed.testkit.Ports.free()));
    Process demo = pb.start();
    try {
      CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> {
        try (var in = demo.getInputStream()) {
          return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      });
      assertThat(demo.waitFor(180, TimeUnit.SECONDS)).as("the demo finished").isTrue();
      String text = out.get(30, TimeUnit.SECONDS);
      assertThat(demo.exitValue()).as("exit code; output:%n%s", text).isZero();
      assertThat(text)
          .contains("{\"typeId\":\"order\",\"key\":\"2\",\"data\":{\"id\":2,\"customer\":\"grace\",\"total\":31.00}")
          .as("the transaction as one entry").contains("\"entities\":[{\"typeId\":\"order\",\"key\":\"3\",\"data\":{\"id\":3,"
              + "\"customer\":\"linus\",\"total\":9.99},\"delete\":false},{\"typeId\":\"order\",\"key\":\"1\",\"data\":"
              + "{\"id\":1,\"customer\":\"ada\",\"total\":27.00},\"delete\":false},{\"typeId\":\"order\",\"key\":\"2\","
              + "\"delete\":true}]")
          .contains("\"number\":1")
          .as("the copy on request deletes key 3").contains("{\"typeId\":\"order\",\"key\":\"3\",\"delete\":true}]}")
          .contains("1 keys deleted that the tables no longer have")
          .contains("stopping the node");
    } finally {
      demo.descendants().forEach(ProcessHandle::destroy);
      demo.toHandle().destroy();
      demo.waitFor(30, TimeUnit.SECONDS);
    }
  }
}
