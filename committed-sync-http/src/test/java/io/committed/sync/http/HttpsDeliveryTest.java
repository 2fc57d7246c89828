package io.committed.sync.http;

import static io.committed.testkit.ContractEntries.upsert;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.committed.spi.PermanentSyncException;
import io.committed.spi.Syncable;
import io.committed.testkit.TestSyncableContext;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Over TLS, to a receiver whose certificate a CA made in the test signed. */
class HttpsDeliveryTest {
  @TempDir
  static Path dir;
  private static TestCa ca;
  private static Receiver receiver;

  @BeforeAll
  static void start() throws Exception {
    BodySchema.valid("{}");
    ca = TestCa.create(dir);
    receiver = Receiver.https(ca.server());
  }

  @AfterAll
  static void stop() {
    receiver.close();
  }

  private static Syncable syncable(String extra) {
    return new HttpSyncableFactory().create(TestSyncableContext.builder().syncableId("tls").document("""
        [syncable]
        type = "http"
        [http]
        topic = "contract"
        url = "%s"
        retry = { min = "1ms", attempts = 2 }
        """.formatted(receiver.url("/in")) + extra).build());
  }

  @Test
  void entriesArriveInOrderOverTlsWhenTheCaIsTrusted() throws Exception {
    try (Syncable s = syncable("ca_file = \"" + ca.caPem() + "\"\n")) {
      s.sync(List.of(upsert(1, "a", 1), upsert(2, "b", 1), upsert(3, "a", 2)));
    }
    assertThat(receiver.applied()).containsExactly(1L, 2L, 3L);
    assertThat(receiver.state()).containsOnlyKeys("a", "b");
  }

  @Test
  void anUntrustedCertificateIsATransientFailureNotADeadLetter() {
    try (Syncable s = syncable("")) {
      assertThatThrownBy(() -> s.sync(List.of(upsert(1, "x", 1)))).isInstanceOf(IOException.class)
          .isNotInstanceOf(PermanentSyncException.class)
          .hasMessageContaining("https://127.0.0.1:" + receiver.port() + "/in failed");
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    assertThat(receiver.state()).doesNotContainKey("x");
  }
}
