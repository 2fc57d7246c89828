package io.committed.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.committed.server.support.ScriptRun;
import io.committed.testkit.Ports;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code scripts/demo.sh}: starts the packaged node, drives it with curl, prints, and stops it. */
class DemoScriptIT {

  @Test
  void theDemoRunsEndToEnd() throws Exception {
    ScriptRun run = ScriptRun.run(ScriptRun.script("demo.sh"), k -> k.startsWith("COMMITTED_"),
        Map.of("PORT", String.valueOf(Ports.free())), 120);
    String text = run.output();
    assertThat(run.exitCode()).as("exit code; output:%n%s", text).isZero();
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
  }
}
