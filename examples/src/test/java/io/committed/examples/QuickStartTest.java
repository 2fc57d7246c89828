package io.committed.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.committed.Committed;
import io.committed.CommittedLog;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class QuickStartTest {
  @Test
  void theQuickStartProjectsTheLogIntoTheStore() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (CommittedLog log = Committed.inMemory()) {
      Map<String, String> store = QuickStart.run(log, new PrintStream(out, true, StandardCharsets.UTF_8));
      assertThat(store).containsExactly(Map.entry("sku-2", "{\"name\":\"teapot\",\"stock\":2}"));
    }
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("syncable 'stock' is at entry 3 of 3 (caught up)");
  }
}
