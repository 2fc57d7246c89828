package io.committed.internal.state;

import static org.assertj.core.api.Assertions.assertThat;

import io.committed.ConfigFormat;
import io.committed.ConfigKind;
import io.committed.api.Entity;
import io.committed.api.LogEntry;
import io.committed.api.Proposal;
import io.committed.engine.ApplyResult;
import io.committed.internal.codec.BytesWriter;
import io.committed.internal.codec.EntryCodec;
import io.committed.internal.memory.MemoryEventLog;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A source transaction sent in parts is committed as one entry, or not at all. */
class LargeTransactionTest {
  private final MemoryEventLog events = new MemoryEventLog();
  private final StateMachine sm = new StateMachine(events, new StateMachine.Listener() {});
  private long engineIndex;

  private ApplyResult apply(Command c) {
    return sm.apply(++engineIndex, CommandCodec.encode(c));
  }

  @BeforeEach
  void configs() {
    apply(new Command.PutConfig(ConfigKind.TYPE, "t", 0, ConfigFormat.TOML, "[type]".getBytes(StandardCharsets.UTF_8), 1));
    apply(new Command.PutConfig(ConfigKind.INGESTABLE, "in", 0, ConfigFormat.TOML,
        "[ingestable]".getBytes(StandardCharsets.UTF_8), 1));
  }

  private static byte[] body(String... keys) {
    Entity[] es = new Entity[keys.length];
    for (int i = 0; i < keys.length; i++) {
      es[i] = Entity.upsert("t", keys[i], "{}");
    }
    BytesWriter out = new BytesWriter(64);
    EntryCodec.encode(out, 77, Proposal.of(es), t -> 1);
    return out.toByteArray();
  }

  private Command.WritePart part(long serial, int part, int parts, long seq, String... keys) {
    return new Command.WritePart("in", serial, part, parts, body(keys), part == parts ? seq : 0,
        part == parts ? ("pos" + seq).getBytes(StandardCharsets.UTF_8) : new byte[0]);
  }

  @Test
  void partsAreStagedAndTheLastCommitsThemAsOneEntry() throws Exception {
    assertThat(apply(part(1, 1, 3, 10, "a", "b")).value()).isZero();
    assertThat(apply(part(2, 2, 3, 10, "c")).value()).isZero();
    assertThat(events.lastIndex()).isZero();
    ByteArrayOutputStream snap = new ByteArrayOutputStream();
    sm.snapshot(snap); // staged parts survive a snapshot
    StateMachine restored = new StateMachine(events, new StateMachine.Listener() {});
    restored.restore(new ByteArrayInputStream(snap.toByteArray()));

    ApplyResult last = restored.apply(++engineIndex, CommandCodec.encode(part(3, 3, 3, 10, "d")));
    assertThat(last.value()).isEqualTo(1);
    LogEntry e = EntryCodec.decode(1, events.read(1));
    assertThat(e.entities()).extracting(Entity::keyAsString).containsExactly("a", "b", "c", "d");
    assertThat(EntryCodec.toMicros(e.timestamp())).isEqualTo(77);
    assertThat(restored.view().ingestPosition("in").highWaterMark()).isEqualTo(10);
  }

  @Test
  void aNewRunDropsTheUnfinishedPartsOfTheLastOne() {
    apply(part(1, 1, 3, 10, "stale-a"));
    apply(part(2, 2, 3, 10, "stale-b")); // the run crashed here
    assertThat(apply(part(3, 1, 2, 10, "a")).value()).isZero();
    assertThat(apply(part(4, 2, 2, 10, "b")).value()).isEqualTo(1);
    assertThat(EntryCodec.decode(1, events.read(1)).entities()).extracting(Entity::keyAsString)
        .containsExactly("a", "b");
  }

  @Test
  void aPartOutOfOrderIsRefusedAndFencesTheRun() {
    apply(part(1, 1, 3, 10, "a"));
    assertThat(apply(part(2, 3, 3, 10, "c")).accepted()).isFalse();
    assertThat(apply(part(3, 3, 3, 10, "c")).accepted()).as("serial 3 after a refused 2").isFalse();
    assertThat(events.lastIndex()).isZero();
  }

  @Test
  void aRedeliveredLargeTransactionIsDroppedWhole() {
    apply(part(1, 1, 2, 10, "a"));
    assertThat(apply(part(2, 2, 2, 10, "b")).value()).isEqualTo(1);
    apply(part(3, 1, 2, 10, "a"));
    assertThat(apply(part(4, 2, 2, 10, "b")).value()).as("sequence 10 again").isZero();
    assertThat(events.lastIndex()).isEqualTo(1);
  }
}
