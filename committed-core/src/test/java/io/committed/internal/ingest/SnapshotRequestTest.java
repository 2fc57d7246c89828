package io.committed.internal.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.committed.Committed;
import io.committed.CommittedLog;
import io.committed.api.NotFoundException;
import io.committed.spi.IngestContext;
import io.committed.spi.Ingestable;
import io.committed.spi.IngestableFactory;
import io.committed.spi.PluginConfig;
import io.committed.spi.SnapshotRequest;
import io.committed.spi.SnapshottingIngestableFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * {@code ingest().requestSnapshot}: the factory checks (and may widen) the request, the log records
 * it, and the running ingestable sees it through its context, as does a later run.
 */
class SnapshotRequestTest {
  private static final String CONFIG = "[ingestable]\ntype = \"fake\"\n[fake]\ntables = [\"a\", \"b\", \"c\"]\n";

  /** Takes requests for its configured tables; "b" always comes with "c" (as tables of one topic would). */
  private static final class Taker implements SnapshottingIngestableFactory {
    final List<List<Long>> seenPerRun = new CopyOnWriteArrayList<>();

    @Override
    public String kind() {
      return "fake";
    }

    @Override
    public List<String> checkSnapshotRequest(PluginConfig document, PluginConfig section, List<String> tables) {
      List<String> known = section.strings("tables");
      List<String> out = new ArrayList<>();
      for (String t : tables) {
        if (!known.contains(t)) {
          throw new IllegalArgumentException("table '" + t + "' is not captured (tables: " + known + ")");
        }
        out.add(t);
        if (t.equals("b")) {
          out.add("c");
        }
      }
      return out;
    }

    @Override
    public Ingestable create(IngestContext context) {
      List<Long> seen = new CopyOnWriteArrayList<>();
      seenPerRun.add(seen);
      return ctx -> {
        while (!ctx.stopRequested()) {
          for (SnapshotRequest r : ctx.snapshotRequests()) {
            if (!seen.contains(r.number())) {
              seen.add(r.number());
            }
          }
          LockSupport.parkNanos(1_000_000);
        }
      };
    }
  }

  @Test
  void aRequestIsCheckedRecordedAndSeenByTheRunningIngestableAndByTheNextRun() {
    Taker factory = new Taker();
    try (CommittedLog log = Committed.builder().inMemory().ingestableFactory(factory).start()) {
      assertThatThrownBy(() -> log.ingest().requestSnapshot("src", List.of("a")))
          .isInstanceOf(NotFoundException.class).hasMessageContaining("ingestable 'src' is not defined");
      log.ingestables().define("src", CONFIG);
      assertThatThrownBy(() -> log.ingest().requestSnapshot("src", List.of()))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least one table");
      assertThatThrownBy(() -> log.ingest().requestSnapshot("src", List.of("a", "zz")))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("table 'zz' is not captured");

      SnapshotRequest first = log.ingest().requestSnapshot("src", List.of("a", " a "));
      assertThat(first.number()).isEqualTo(1);
      assertThat(first.tables()).containsExactly("a");
      SnapshotRequest second = log.ingest().requestSnapshot("src", List.of("b"));
      assertThat(second.number()).isEqualTo(2);
      assertThat(second.tables()).as("widened by the factory").containsExactly("b", "c");
      await().atMost(Duration.ofSeconds(10)).until(() -> !factory.seenPerRun.isEmpty()
          && factory.seenPerRun.get(0).equals(List.of(1L, 2L)));

      log.ingestables().define("src", CONFIG + "# a new version: a new run\n");
      await().atMost(Duration.ofSeconds(10)).until(() -> factory.seenPerRun.size() >= 2
          && factory.seenPerRun.get(factory.seenPerRun.size() - 1).equals(List.of(1L, 2L)));
    }
  }

  @Test
  void anIngestableKindThatTakesNoRequestsRefusesThem() {
    IngestableFactory plain = new IngestableFactory() {
      @Override
      public String kind() {
        return "fake";
      }

      @Override
      public Ingestable create(IngestContext context) {
        return ctx -> { };
      }
    };
    try (CommittedLog log = Committed.builder().inMemory().ingestableFactory(plain).start()) {
      log.ingestables().define("src", CONFIG);
      assertThatThrownBy(() -> log.ingest().requestSnapshot("src", List.of("a")))
          .isInstanceOf(UnsupportedOperationException.class)
          .hasMessage("ingestables of kind fake cannot copy tables again on request");
    }
  }
}
