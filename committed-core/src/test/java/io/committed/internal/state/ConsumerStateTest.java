package io.committed.internal.state;

import static org.assertj.core.api.Assertions.assertThat;

import io.committed.ConfigFormat;
import io.committed.ConfigKind;
import io.committed.api.Entity;
import io.committed.api.Proposal;
import io.committed.engine.ApplyResult;
import io.committed.internal.codec.BytesWriter;
import io.committed.internal.codec.EntryCodec;
import io.committed.internal.memory.MemoryEventLog;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Consumers' replicated positions: acks only move forward and never past the last entry, and the
 * consumers section of a snapshot is optional, so that the v2 fixture (written before consumers
 * existed) still restores and a state without consumers keeps its old bytes.
 */
class ConsumerStateTest {
  private final MemoryEventLog events = new MemoryEventLog();
  private final StateMachine sm = new StateMachine(events, new StateMachine.Listener() {});
  private long engineIndex;

  private ApplyResult apply(Command c) {
    return sm.apply(++engineIndex, CommandCodec.encode(c));
  }

  private void writeEntries(int n) {
    apply(new Command.PutConfig(ConfigKind.TYPE, "order", 0, ConfigFormat.TOML,
        "[type]\nname = \"order\"\n".getBytes(StandardCharsets.UTF_8), 1));
    for (int i = 0; i < n; i++) {
      BytesWriter out = new BytesWriter(64);
      EntryCodec.encode(out, 1_700_000_000_000_000L, Proposal.of(Entity.upsert("order", "k" + i, "{}")), t -> 1);
      assertThat(apply(new Command.Write(out.toByteArray(), null)).accepted()).isTrue();
    }
  }

  private byte[] snapshot(StateMachine machine) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    machine.snapshot(out);
    return out.toByteArray();
  }

  @Test
  void acksOnlyMoveForwardAndNeverPastTheLastEntry() {
    writeEntries(5);
    assertThat(apply(new Command.OpenConsumer("c", List.of("order"), 0)).value()).isZero();
    assertThat(apply(new Command.AckConsumer("c", 3)).value()).isEqualTo(3);
    assertThat(apply(new Command.AckConsumer("c", 2)).value()).isEqualTo(3); // backwards: unchanged
    ApplyResult past = apply(new Command.AckConsumer("c", 6));
    assertThat(past.accepted()).isFalse();
    assertThat(past.message()).contains("past the last entry 5");
    assertThat(sm.view().consumer("c")).contains(new StateView.ConsumerPosition(List.of("order"), 3));
    assertThat(apply(new Command.AckConsumer("nobody", 1)).accepted()).isFalse();
  }

  @Test
  void openingAgainResumesAndOtherTypesAreRefused() {
    writeEntries(4);
    apply(new Command.OpenConsumer("c", List.of("order"), 2));
    assertThat(apply(new Command.OpenConsumer("c", List.of("order"), 0)).value()).isEqualTo(2);
    ApplyResult other = apply(new Command.OpenConsumer("c", List.of("invoice"), 0));
    assertThat(other.accepted()).isFalse();
    assertThat(other.message()).contains("delete it first");
    assertThat(apply(new Command.OpenConsumer("late", List.of(), 99)).value()).isEqualTo(4); // capped
    assertThat(sm.view().consumerNames()).containsExactly("c", "late");
    assertThat(apply(new Command.RemoveConsumer("c")).accepted()).isTrue();
    assertThat(sm.view().consumer("c")).isEmpty();
    assertThat(apply(new Command.RemoveConsumer("c")).accepted()).isFalse();
  }

  @Test
  void consumersSurviveASnapshotAndAStateWithoutThemKeepsItsBytes() throws IOException {
    writeEntries(3);
    byte[] before = snapshot(sm);
    apply(new Command.OpenConsumer("b", List.of("order", "a"), 0));
    apply(new Command.OpenConsumer("a", List.of(), 1));
    apply(new Command.AckConsumer("b", 2));
    byte[] with = snapshot(sm);
    // bytes 0-10 hold the magic, format, last index and engine index (which moved): compare the rest
    assertThat(java.util.Arrays.copyOfRange(with, 11, with.length)).startsWith(afterHeader(before))
        .hasSizeGreaterThan(before.length - 11);

    StateMachine restored = new StateMachine(events, new StateMachine.Listener() {});
    restored.restore(new ByteArrayInputStream(with));
    assertThat(restored.view().consumer("b")).contains(new StateView.ConsumerPosition(List.of("a", "order"), 2));
    assertThat(restored.view().consumer("a")).contains(new StateView.ConsumerPosition(List.of(), 1));
    assertThat(snapshot(restored)).isEqualTo(with);

    apply(new Command.RemoveConsumer("a"));
    apply(new Command.RemoveConsumer("b"));
    assertThat(afterHeader(snapshot(sm))).isEqualTo(afterHeader(before));
  }

  private static byte[] afterHeader(byte[] snapshot) {
    return java.util.Arrays.copyOfRange(snapshot, 11, snapshot.length);
  }

  @Test
  void theV2FixtureRestoresWithNoConsumersAndTakesNewOnes() throws IOException {
    MemoryEventLog fixtureEvents = new MemoryEventLog();
    StateMachine writer = new StateMachine(fixtureEvents, new StateMachine.Listener() {});
    long i = 0;
    for (Command c : SnapshotCompatibilityTest.script()) {
      writer.apply(i += 2, CommandCodec.encode(c));
    }
    StateMachine machine = new StateMachine(fixtureEvents, new StateMachine.Listener() {});
    try (InputStream in = getClass().getResourceAsStream("state-snapshot-v2.bin")) {
      machine.restore(in);
    }
    assertThat(machine.view().consumerNames()).isEmpty();
    ApplyResult open = machine.apply(machine.lastAppliedEngineIndex() + 1,
        CommandCodec.encode(new Command.OpenConsumer("c", List.of(), 1)));
    assertThat(open.value()).isEqualTo(1);
    assertThat(machine.view().consumer("c").map(StateView.ConsumerPosition::acknowledged)).isEqualTo(Optional.of(1L));
  }
}
