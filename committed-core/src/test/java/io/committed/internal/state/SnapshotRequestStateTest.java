package io.committed.internal.state;

import static org.assertj.core.api.Assertions.assertThat;

import io.committed.ConfigFormat;
import io.committed.ConfigKind;
import io.committed.engine.ApplyResult;
import io.committed.internal.memory.MemoryEventLog;
import io.committed.spi.IngestContext;
import io.committed.spi.SnapshotRequest;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Snapshot requests in the replicated state: numbered per ingestable, refused for an undefined
 * one, bounded, forgotten with the ingestable's definition, kept by a state snapshot (an optional
 * section after the consumers', so a state without requests keeps its bytes).
 */
class SnapshotRequestStateTest {
  private final MemoryEventLog events = new MemoryEventLog();
  private final StateMachine sm = new StateMachine(events, new StateMachine.Listener() {});
  private long engineIndex;

  private ApplyResult apply(Command c) {
    return sm.apply(++engineIndex, CommandCodec.encode(c));
  }

  private void defineIngestable(String id) {
    int current = sm.view().currentVersion(ConfigKind.INGESTABLE, id);
    assertThat(apply(new Command.PutConfig(ConfigKind.INGESTABLE, id, current, ConfigFormat.TOML,
        "[ingestable]\ntype = \"x\"\n".getBytes(StandardCharsets.UTF_8), 1)).accepted()).isTrue();
  }

  private byte[] snapshot(StateMachine machine) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    machine.snapshot(out);
    return out.toByteArray();
  }

  @Test
  void requestsAreNumberedPerIngestableAndRefusedForAnUndefinedOne() {
    ApplyResult undefined = apply(new Command.RequestIngestSnapshot("pg", List.of("t"), 5));
    assertThat(undefined.accepted()).isFalse();
    assertThat(undefined.message()).contains("ingestable 'pg' is not defined");
    defineIngestable("pg");
    defineIngestable("my");
    assertThat(apply(new Command.RequestIngestSnapshot("pg", List.of("a", "b"), 7)).value()).isEqualTo(1);
    assertThat(apply(new Command.RequestIngestSnapshot("my", List.of("c"), 8)).value()).isEqualTo(1);
    assertThat(apply(new Command.RequestIngestSnapshot("pg", List.of("c"), 9)).value()).isEqualTo(2);
    assertThat(sm.view().snapshotRequests("pg")).containsExactly(
        new SnapshotRequest(1, List.of("a", "b"), Instant.EPOCH.plusNanos(7_000)),
        new SnapshotRequest(2, List.of("c"), Instant.EPOCH.plusNanos(9_000)));
    assertThat(sm.view().snapshotRequests("nobody")).isEmpty();
  }

  @Test
  void onlyTheMostRecentAreKeptAndARemovedIngestableForgetsThem() {
    defineIngestable("pg");
    for (int i = 0; i < IngestContext.MAX_SNAPSHOT_REQUESTS + 5; i++) {
      apply(new Command.RequestIngestSnapshot("pg", List.of("t" + i), i));
    }
    List<SnapshotRequest> kept = sm.view().snapshotRequests("pg");
    assertThat(kept).hasSize(IngestContext.MAX_SNAPSHOT_REQUESTS);
    assertThat(kept.get(0).number()).isEqualTo(6);
    assertThat(kept.get(kept.size() - 1).number()).isEqualTo(IngestContext.MAX_SNAPSHOT_REQUESTS + 5);
    assertThat(apply(new Command.RemoveConfig(ConfigKind.INGESTABLE, "pg", 2)).accepted()).isTrue();
    assertThat(sm.view().snapshotRequests("pg")).isEmpty();
    defineIngestable("pg");
    assertThat(apply(new Command.RequestIngestSnapshot("pg", List.of("t"), 3)).value()).isEqualTo(1);
  }

  @Test
  void requestsSurviveASnapshotAfterConsumersAndAStateWithoutThemKeepsItsBytes() throws IOException {
    defineIngestable("pg");
    apply(new Command.OpenConsumer("c", List.of(), 0));
    byte[] before = snapshot(sm);
    apply(new Command.RequestIngestSnapshot("pg", List.of("public.a", "public.b"), 11));
    byte[] with = snapshot(sm);
    // bytes 0-10 hold the magic, format, last index and engine index: the rest only grows
    assertThat(java.util.Arrays.copyOfRange(with, 11, with.length))
        .startsWith(java.util.Arrays.copyOfRange(before, 11, before.length));

    StateMachine restored = new StateMachine(events, new StateMachine.Listener() {});
    restored.restore(new ByteArrayInputStream(with));
    assertThat(restored.view().snapshotRequests("pg")).containsExactly(
        new SnapshotRequest(1, List.of("public.a", "public.b"), Instant.EPOCH.plusNanos(11_000)));
    assertThat(restored.view().consumerNames()).containsExactly("c");
    assertThat(snapshot(restored)).isEqualTo(with);
    assertThat(restored.apply(restored.lastAppliedEngineIndex() + 1,
        CommandCodec.encode(new Command.RequestIngestSnapshot("pg", List.of("x"), 12))).value()).isEqualTo(2);
  }
}
