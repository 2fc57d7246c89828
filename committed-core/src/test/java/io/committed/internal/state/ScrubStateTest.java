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
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Scrubs in the state machine: the matching upserts of every earlier entry become tombstones,
 * the other entities stay, an entry of deletes is appended and the scrub recorded; a replay
 * changes nothing more; a node whose log missed the scrub carries it out when it restores a
 * snapshot taken after it; the engine is told which commands to forget.
 */
class ScrubStateTest {
  private static final byte[] T1 = "{\"secret\":\"one\"}".getBytes(StandardCharsets.UTF_8);
  private static final byte[] T2 = "{\"secret\":\"two\"}".getBytes(StandardCharsets.UTF_8);

  private final List<Long> forgotten = new ArrayList<>();

  private final class Machine {
    final MemoryEventLog events = new MemoryEventLog();
    final StateMachine sm = new StateMachine(events, new StateMachine.Listener() {
      @Override
      public void scrubbed(long engineIndex) {
        forgotten.add(engineIndex);
      }
    });
    long engineIndex;

    ApplyResult apply(Command c) {
      return sm.apply(++engineIndex, CommandCodec.encode(c));
    }

    void define(String type) {
      assertThat(apply(new Command.PutConfig(ConfigKind.TYPE, type, 0, ConfigFormat.TOML,
          ("[type]\nname = \"" + type + "\"\n").getBytes(StandardCharsets.UTF_8), 1)).accepted()).isTrue();
    }

    long write(Entity... entities) {
      Proposal p = new Proposal(List.of(entities));
      BytesWriter out = new BytesWriter(64);
      EntryCodec.encode(out, 1_000, p, t -> 1);
      ApplyResult r = apply(new Command.Write(out.toByteArray(), null));
      assertThat(r.accepted()).as(r.message()).isTrue();
      return r.value();
    }

    LogEntry entry(long index) {
      return EntryCodec.decode(index, events.read(index));
    }

    byte[] snapshot() throws IOException {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      sm.snapshot(out);
      return out.toByteArray();
    }

    /** The same history without the scrub: types and writes. */
    void history() {
      define("customer");
      define("order");
      write(Entity.upsert("customer", key("42"), T1), Entity.upsert("customer", key("7"), T2));
      write(Entity.upsert("order", key("42"), T1), Entity.upsert("customer", key("42"), T2));
      write(Entity.delete("customer", key("7")));
    }
  }

  private static byte[] key(String k) {
    return k.getBytes(StandardCharsets.UTF_8);
  }

  private static Command.Scrub scrubOf(String type, String... keys) {
    List<byte[]> k = new ArrayList<>();
    for (String s : keys) {
      k.add(key(s));
    }
    return new Command.Scrub(type, k, 5_000_000, "erasure request 12");
  }

  @Test
  void aScrubTurnsTheKeysUpsertsIntoTombstonesAndAppendsTheirDeletes() {
    Machine m = new Machine();
    m.history();

    ApplyResult r = m.apply(scrubOf("customer", "42", "1000"));

    assertThat(r.accepted()).as(r.message()).isTrue();
    assertThat(r.value()).isEqualTo(4);
    assertThat(m.entry(1).proposal().entities()).containsExactly(Entity.delete("customer", key("42")),
        Entity.upsert("customer", key("7"), T2));
    assertThat(m.entry(2).proposal().entities()).containsExactly(Entity.upsert("order", key("42"), T1),
        Entity.delete("customer", key("42")));
    assertThat(m.entry(3).proposal().entities()).containsExactly(Entity.delete("customer", key("7")));
    assertThat(m.entry(4).proposal().entities()).containsExactly(Entity.delete("customer", key("42")),
        Entity.delete("customer", key("1000")));
    assertThat(m.entry(4).timestamp()).isEqualTo(EntryCodec.fromMicros(5_000_000));
    assertThat(m.entry(1).timestamp()).isEqualTo(EntryCodec.fromMicros(1_000)); // the entry's own time stays
    assertThat(EntryCodec.scrubbedEntities(m.events.read(1))).isEqualTo(1);
    assertThat(EntryCodec.scrubbedEntities(m.events.read(4))).isZero(); // real deletes, not scrubbed upserts
    assertThat(m.events.scrubbedThrough()).isEqualTo(1);
    assertThat(m.sm.view().scrubs()).singleElement().satisfies(s -> {
      assertThat(s.number()).isEqualTo(1);
      assertThat(s.type()).isEqualTo("customer");
      assertThat(s.keys()).containsExactly("42", "1000");
      assertThat(s.index()).isEqualTo(4);
      assertThat(s.reason()).isEqualTo("erasure request 12");
    });
    assertThat(forgotten).containsExactly(m.engineIndex);
  }

  @Test
  void invalidScrubsAreRefusedAndChangeNothing() {
    Machine m = new Machine();
    m.history();

    assertThat(m.apply(scrubOf("nobody", "42")).message()).contains("type 'nobody' is not defined");
    assertThat(m.apply(scrubOf("_system", "42")).message()).contains("reserved");
    assertThat(m.apply(scrubOf("customer")).message()).contains("1 to 1000 keys");

    assertThat(m.events.lastIndex()).isEqualTo(3);
    assertThat(m.entry(1).proposal().entities().get(0)).isEqualTo(Entity.upsert("customer", key("42"), T1));
    assertThat(m.sm.view().scrubs()).isEmpty();
    assertThat(m.events.scrubbedThrough()).isZero();
    assertThat(forgotten).isEmpty();
  }

  @Test
  void aReplayedScrubFindsItsEntryWrittenAndRecordsItOnce() throws IOException {
    Machine first = new Machine();
    first.history();
    byte[] before = first.snapshot();
    Command.Scrub scrub = scrubOf("customer", "42");
    first.apply(scrub);

    // a restart: the state from before the scrub, the event log as the scrub left it, the command again
    StateMachine again = new StateMachine(first.events, new StateMachine.Listener() {});
    again.restore(new ByteArrayInputStream(before));
    ApplyResult r = again.apply(first.engineIndex, CommandCodec.encode(scrub));

    assertThat(r.value()).isEqualTo(4);
    assertThat(first.events.lastIndex()).isEqualTo(4);
    assertThat(again.view().scrubs()).hasSize(1);
    assertThat(first.snapshot()).isEqualTo(snapshotOf(again));
  }

  @Test
  void aNodeRestoringASnapshotTakenAfterAScrubCarriesItOutOnItsOwnEntries() throws IOException {
    Machine leader = new Machine();
    leader.history();
    leader.apply(scrubOf("customer", "42"));
    leader.write(Entity.upsert("customer", key("42"), T1)); // written after the scrub: kept
    forgotten.clear();

    Machine behind = new Machine(); // applied the entries before the scrub, then installs the leader's snapshot
    behind.history();
    for (long i = 4; i <= leader.events.lastIndex(); i++) {
      behind.events.append(i, leader.events.engineIndexOf(i), leader.events.read(i)); // what the snapshot installs
    }
    behind.sm.restore(new ByteArrayInputStream(leader.snapshot()));

    for (long i = 1; i <= 5; i++) {
      assertThat(behind.events.read(i)).as("entry %d", i).isEqualTo(leader.events.read(i));
    }
    assertThat(behind.entry(5).proposal().entities()).containsExactly(Entity.upsert("customer", key("42"), T1));
    assertThat(behind.events.scrubbedThrough()).isEqualTo(1);
    assertThat(forgotten).containsExactly(6L); // the scrub's engine index: 2 types, 3 writes, then the scrub
  }

  @Test
  void scrubsSurviveASnapshotAndAStateWithoutThemKeepsItsBytes() throws IOException {
    Machine m = new Machine();
    m.history();
    byte[] without = m.snapshot();
    StateMachine other = new StateMachine(m.events, new StateMachine.Listener() {});
    other.restore(new ByteArrayInputStream(without));
    assertThat(snapshotOf(other)).isEqualTo(without);

    m.apply(scrubOf("customer", "42"));
    m.apply(scrubOf("order", "42", "43"));
    byte[] with = m.snapshot();
    StateMachine restored = new StateMachine(m.events, new StateMachine.Listener() {});
    restored.restore(new ByteArrayInputStream(with));
    assertThat(restored.view().scrubs()).isEqualTo(m.sm.view().scrubs());
    assertThat(snapshotOf(restored)).isEqualTo(with);
  }

  private static byte[] snapshotOf(StateMachine sm) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    sm.snapshot(out);
    return out.toByteArray();
  }
}
