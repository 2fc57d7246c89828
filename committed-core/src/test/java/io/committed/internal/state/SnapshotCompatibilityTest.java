package io.committed.internal.state;

import static org.assertj.core.api.Assertions.assertThat;

import io.committed.ConfigFormat;
import io.committed.ConfigKind;
import io.committed.DeadLetter;
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
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Snapshots stay readable across releases. The fixture {@code state-snapshot-v2.bin} (and the
 * results beside it) were written by the state machine as it was before its appliers were split
 * (commit fb78348), from {@link #script()}: every kind of state a snapshot holds, including a
 * removed config, a rolled-back one, acknowledged dead letters, a parked ingestable and an
 * unfinished large transaction. The fixture must never be regenerated: a snapshot a node wrote
 * yesterday has to restore today.
 */
class SnapshotCompatibilityTest {
  private static final String FIXTURE = "state-snapshot-v2.bin";
  private static final String RESULTS = "state-snapshot-v2-results.txt";

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] body(String key) {
    return body("order", key);
  }

  private static byte[] body(String type, String key) {
    BytesWriter out = new BytesWriter(64);
    EntryCodec.encode(out, 1_700_000_000_000_000L, Proposal.of(Entity.upsert(type, key, "{\"n\":1}")), t -> 2);
    return out.toByteArray();
  }

  private static Command.IngestMark mark(String id, long serial, long sequence) {
    return new Command.IngestMark(id, serial, sequence, utf8("lsn-" + sequence));
  }

  /** Commands that leave every part of the state non-empty; a few are refused on purpose. */
  static List<Command> script() {
    List<Command> c = new ArrayList<>();
    c.add(new Command.PutConfig(ConfigKind.TYPE, "order", 0, ConfigFormat.TOML, utf8("[type]\nname = \"order\"\n"), 10));
    c.add(new Command.PutConfig(ConfigKind.TYPE, "order", 1, ConfigFormat.JSON, utf8("{\"type\":{\"v\":2}}"), 20));
    c.add(new Command.PutConfig(ConfigKind.DATABASE, "db", 0, ConfigFormat.TOML, utf8("[database]\nurl = \"a\"\n"), 30));
    c.add(new Command.PutConfig(ConfigKind.DATABASE, "db", 1, ConfigFormat.TOML, utf8("[database]\nurl = \"b\"\n"), 40));
    c.add(new Command.RollbackConfig(ConfigKind.DATABASE, "db", 2, 1, 50));
    for (String s : List.of("s1", "s2", "s3")) {
      c.add(new Command.PutConfig(ConfigKind.SYNCABLE, s, 0, ConfigFormat.TOML, utf8("[syncable]\nid = \"" + s + "\"\n"), 60));
    }
    for (String i : List.of("in1", "in2", "in3", "in4")) {
      c.add(new Command.PutConfig(ConfigKind.INGESTABLE, i, 0, ConfigFormat.JSON, utf8("{\"id\":\"" + i + "\"}"), 70));
    }
    c.add(new Command.Write(body("a"), null));
    c.add(new Command.Write(body("b"), null));
    c.add(new Command.Write(body("_reserved", "x"), null)); // refused, as is the next
    c.add(new Command.Write(body("nope", "x"), null));
    c.add(new Command.Write(body("c"), mark("in1", 1, 5)));
    c.add(new Command.Write(body("c"), mark("in1", 2, 5))); // a redelivery: dropped
    c.add(new Command.IngestPosition(mark("in1", 3, 7)));
    c.add(new Command.IngestPosition(mark("in1", 9, 8))); // fenced
    c.add(new Command.WritePart("in2", 1, 1, 3, body("p1"), 0, new byte[0]));
    c.add(new Command.WritePart("in2", 2, 2, 3, body("p2"), 0, new byte[0]));
    c.add(new Command.SetIngestParked("in3", true, "failed 5 times: source unreachable"));
    c.add(new Command.Write(body("d"), mark("in4", 1, 3)));
    c.add(new Command.RemoveConfig(ConfigKind.INGESTABLE, "in4", 80));
    c.add(new Command.Checkpoint("s1", 0, 2));
    c.add(new Command.Checkpoint("s1", 0, 99)); // capped at the last index
    c.add(new Command.ResetSyncable("s2"));
    c.add(new Command.Checkpoint("s2", 0, 3)); // a stale epoch: ignored
    c.add(new Command.Checkpoint("s2", 1, 3));
    c.add(new Command.AddDeadLetter("s1", 1, 90, "bad row"));
    c.add(new Command.AddDeadLetter("s1", 3, 91, "bad row again"));
    c.add(new Command.AddDeadLetter("s1", 42, 92, "no such entry"));
    c.add(new Command.SettleDeadLetter("s1", 1, false));
    c.add(new Command.AddDeadLetter("s2", 2, 93, "gone"));
    c.add(new Command.SettleDeadLetter("s2", 2, true));
    c.add(new Command.RemoveConfig(ConfigKind.SYNCABLE, "s3", 100));
    c.add(new Command.RemoveConfig(ConfigKind.TYPE, "order", 110));
    c.add(new Command.Barrier());
    return c;
  }

  private static String describe(ApplyResult r) {
    return r.accepted() ? "ok " + r.value() : "rejected " + r.rejection() + " " + r.message();
  }

  /** Applies the script; returns one line per command describing its result. */
  private static List<String> run(StateMachine sm) {
    List<String> results = new ArrayList<>();
    long engineIndex = 0;
    for (Command c : script()) {
      engineIndex += 2; // engines may skip indexes of their own
      results.add(describe(sm.apply(engineIndex, CommandCodec.encode(c))));
    }
    return results;
  }

  private static byte[] snapshot(StateMachine sm) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    sm.snapshot(out);
    return out.toByteArray();
  }

  private static byte[] resource(String name) throws IOException {
    try (InputStream in = SnapshotCompatibilityTest.class.getResourceAsStream(name)) {
      assertThat(in).as("test resource %s", name).isNotNull();
      return in.readAllBytes();
    }
  }

  @Test
  void theScriptGivesTheSameResultsAndTheSameSnapshotAsBefore() throws IOException {
    StateMachine sm = new StateMachine(new MemoryEventLog(), new StateMachine.Listener() {});
    List<String> results = run(sm);
    assertThat(String.join("\n", results) + "\n").isEqualTo(new String(resource(RESULTS), StandardCharsets.UTF_8));
    assertThat(snapshot(sm)).isEqualTo(resource(FIXTURE));
  }

  @Test
  void aSnapshotWrittenBeforeRestoresAndCarriesOn() throws IOException {
    MemoryEventLog events = new MemoryEventLog();
    run(new StateMachine(events, new StateMachine.Listener() {})); // the events the snapshot covers
    StateMachine sm = new StateMachine(events, new StateMachine.Listener() {});
    sm.restore(new ByteArrayInputStream(resource(FIXTURE)));
    StateView view = sm.view();

    assertThat(snapshot(sm)).isEqualTo(resource(FIXTURE));
    assertThat(sm.lastAppliedEngineIndex()).isEqualTo(2L * script().size());
    assertThat(view.lastIndex()).isEqualTo(4).isEqualTo(events.lastIndex());
    assertThat(view.currentVersion(ConfigKind.TYPE, "order")).isEqualTo(2);
    assertThat(view.typeVersions()).containsExactlyEntriesOf(java.util.Map.of("order", 2));
    assertThat(view.currentVersion(ConfigKind.DATABASE, "db")).isEqualTo(3);
    assertThat(view.versions(ConfigKind.DATABASE, "db")).extracting(v -> v.version() + "/" + v.restoredFrom())
        .containsExactly("3/1", "2/0", "1/0");
    assertThat(view.version(ConfigKind.DATABASE, "db", 3).orElseThrow().content())
        .isEqualTo(utf8("[database]\nurl = \"a\"\n"));
    assertThat(view.currentConfig(ConfigKind.TYPE, "order").orElseThrow().format()).isEqualTo(ConfigFormat.JSON);
    assertThat(view.currentConfigs(ConfigKind.SYNCABLE)).extracting(d -> d.id()).containsExactly("s1", "s2");
    assertThat(view.currentVersion(ConfigKind.SYNCABLE, "s3")).isZero();
    assertThat(view.versions(ConfigKind.SYNCABLE, "s3")).hasSize(1);
    assertThat(view.currentConfigs(ConfigKind.INGESTABLE)).extracting(d -> d.id()).containsExactly("in1", "in2", "in3");

    assertThat(view.syncPosition("s1")).isEqualTo(new StateView.SyncPosition(0, 4));
    assertThat(view.syncPosition("s2")).isEqualTo(new StateView.SyncPosition(1, 3));
    assertThat(view.deadLetters("s1")).extracting(DeadLetter::index, DeadLetter::acknowledged, DeadLetter::message)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(1L, true, "bad row"),
            org.assertj.core.groups.Tuple.tuple(3L, false, "bad row again"));
    assertThat(view.deadLetters("s2")).isEmpty();

    StateView.IngestPosition in1 = view.ingestPosition("in1");
    assertThat(in1.serial()).isEqualTo(3);
    assertThat(in1.highWaterMark()).isEqualTo(7);
    assertThat(in1.position().orElseThrow().sequence()).isEqualTo(7);
    assertThat(in1.position().orElseThrow().state()).isEqualTo(utf8("lsn-7"));
    assertThat(view.ingestPosition("in3").parked()).isTrue();
    assertThat(view.ingestPosition("in3").parkedReason()).isEqualTo("failed 5 times: source unreachable");
    assertThat(view.ingestPosition("in4").serial()).isEqualTo(1); // removed: serial kept, position forgotten
    assertThat(view.ingestPosition("in4").position()).isEmpty();

    // the staged parts came back: the last part commits all three as one entry
    long next = sm.lastAppliedEngineIndex() + 1;
    ApplyResult last = sm.apply(next, CommandCodec.encode(new Command.WritePart("in2", 3, 3, 3, body("p3"), 12,
        utf8("lsn-12"))));
    assertThat(describe(last)).isEqualTo("ok 5");
    assertThat(EntryCodec.decode(5, events.read(5)).entities()).extracting(Entity::keyAsString)
        .containsExactly("p1", "p2", "p3");
    assertThat(view.ingestPosition("in2").highWaterMark()).isEqualTo(12);
  }
}
