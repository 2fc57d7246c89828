package io.committed.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.committed.server.support.ScriptRun;
import io.committed.testkit.Ports;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code scripts/demo-mariadb.sh}: the packaged node ingests a MariaDB table (the server of
 * {@code scripts/test.sh}), and a copy on request deletes a row the binary log never showed.
 */
class DemoMariaDbScriptIT {

  @Test
  void theMariaDbDemoRunsEndToEnd() throws Exception {
    ScriptRun run = ScriptRun.run(ScriptRun.script("demo-mariadb.sh"),
        k -> k.startsWith("COMMITTED_") && !k.startsWith("COMMITTED_TEST_"),
        Map.of("PORT", String.valueOf(Ports.free())), 180);
    String text = run.output();
    assertThat(run.exitCode()).as("exit code; output:%n%s", text).isZero();
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
  }
}
