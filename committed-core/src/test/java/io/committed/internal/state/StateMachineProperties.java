package io.committed.internal.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.committed.ConfigFormat;
import io.committed.ConfigKind;
import io.committed.ConfigVersion;
import io.committed.api.Entity;
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
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

class StateMachineProperties {
  private static final StateMachine.Listener QUIET = new StateMachine.Listener() {};

  /** An operation on the registry, or a data write, with the model's view of the outcome. */
  sealed interface Op {}

  record Put(ConfigKind kind, String id, int doc, boolean staleExpectation) implements Op {}

  record Rollback(ConfigKind kind, String id, int toVersion) implements Op {}

  record Remove(ConfigKind kind, String id) implements Op {}

  record Write(String type) implements Op {}

  @Provide
  Arbitrary<List<Op>> ops() {
    Arbitrary<ConfigKind> kinds = Arbitraries.of(ConfigKind.class);
    Arbitrary<String> ids = Arbitraries.of("x", "y", "z");
    Arbitrary<Op> op = Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(5, Combinators.combine(kinds, ids, Arbitraries.integers().between(0, 3),
            Arbitraries.integers().between(0, 9).map(i -> i == 0)).as(Put::new)),
        net.jqwik.api.Tuple.of(2, Combinators.combine(kinds, ids, Arbitraries.integers().between(0, 5))
            .as(Rollback::new)),
        net.jqwik.api.Tuple.of(2, Combinators.combine(kinds, ids).as(Remove::new)),
        net.jqwik.api.Tuple.of(3, ids.map(Write::new)));
    return op.list().ofMaxSize(60);
  }

  /** The registry as a simple model: versions are documents, current 0 means none. */
  static final class Model {
    final Map<String, List<Integer>> versions = new HashMap<>();
    final Map<String, Integer> current = new HashMap<>();
    long lastIndex;

    static String key(ConfigKind k, String id) {
      return k + "/" + id;
    }

    int current(ConfigKind k, String id) {
      return current.getOrDefault(key(k, id), 0);
    }

    /** Applies the op; returns whether it is accepted. */
    boolean apply(Op op) {
      if (op instanceof Put p) {
        if (p.staleExpectation()) {
          return false;
        }
        List<Integer> vs = versions.computeIfAbsent(key(p.kind(), p.id()), x -> new ArrayList<>());
        int cur = current(p.kind(), p.id());
        if (cur > 0 && vs.get(cur - 1) == p.doc()) {
          return true;
        }
        vs.add(p.doc());
        current.put(key(p.kind(), p.id()), vs.size());
        return true;
      }
      if (op instanceof Rollback r) {
        List<Integer> vs = versions.get(key(r.kind(), r.id()));
        if (vs == null || r.toVersion() < 1 || r.toVersion() > vs.size()) {
          return false;
        }
        int cur = current(r.kind(), r.id());
        int doc = vs.get(r.toVersion() - 1);
        if (cur > 0 && vs.get(cur - 1) == doc) {
          return true;
        }
        vs.add(doc);
        current.put(key(r.kind(), r.id()), vs.size());
        return true;
      }
      if (op instanceof Remove r) {
        if (r.kind() == ConfigKind.TYPE || current(r.kind(), r.id()) == 0) {
          return false;
        }
        current.put(key(r.kind(), r.id()), 0);
        return true;
      }
      Write w = (Write) op;
      if (current(ConfigKind.TYPE, w.type()) == 0) {
        return false;
      }
      lastIndex++;
      return true;
    }
  }

  static byte[] doc(int n) {
    return ("[x]\nn = " + n + "\n").getBytes(StandardCharsets.UTF_8);
  }

  static Command command(Op op, StateMachine sm) {
    if (op instanceof Put p) {
      int cur = sm.view().currentVersion(p.kind(), p.id());
      return new Command.PutConfig(p.kind(), p.id(), p.staleExpectation() ? cur + 7 : cur, ConfigFormat.TOML,
          doc(p.doc()), 1000);
    }
    if (op instanceof Rollback r) {
      return new Command.RollbackConfig(r.kind(), r.id(), sm.view().currentVersion(r.kind(), r.id()), r.toVersion(), 2000);
    }
    if (op instanceof Remove r) {
      return new Command.RemoveConfig(r.kind(), r.id(), 3000);
    }
    Write w = (Write) op;
    BytesWriter out = new BytesWriter(32);
    EntryCodec.encode(out, 5, Proposal.of(Entity.upsert(w.type(), "k", "{}")), t -> 1);
    return new Command.Write(out.toByteArray(), null);
  }

  static byte[] snapshot(StateMachine sm) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    sm.snapshot(out);
    return out.toByteArray();
  }

  @Property(tries = 300)
  void registryMatchesTheModelAndTwoMachinesAgreeByteForByte(@ForAll("ops") List<Op> ops) throws IOException {
    Model model = new Model();
    MemoryEventLog log1 = new MemoryEventLog();
    MemoryEventLog log2 = new MemoryEventLog();
    StateMachine a = new StateMachine(log1, QUIET);
    StateMachine b = new StateMachine(log2, QUIET);
    long engineIndex = 0;
    for (Op op : ops) {
      byte[] cmd = CommandCodec.encode(command(op, a));
      engineIndex += 1 + (engineIndex % 3); // engines may skip indexes of their own
      ApplyResult ra = a.apply(engineIndex, cmd);
      ApplyResult rb = b.apply(engineIndex, cmd);
      assertThat(ra).isEqualTo(rb);
      assertThat(ra.accepted()).as("%s", op).isEqualTo(model.apply(op));
    }
    for (ConfigKind k : ConfigKind.values()) {
      for (String id : List.of("x", "y", "z")) {
        List<Integer> docs = model.versions.getOrDefault(Model.key(k, id), List.of());
        List<ConfigVersion> vs = a.view().versions(k, id);
        assertThat(vs).hasSize(docs.size());
        for (ConfigVersion v : vs) {
          assertThat(a.view().version(k, id, v.version()).orElseThrow().content()).isEqualTo(doc(docs.get(v.version() - 1)));
          assertThat(v.current()).isEqualTo(v.version() == model.current(k, id));
        }
        assertThat(a.view().currentVersion(k, id)).isEqualTo(model.current(k, id));
      }
    }
    assertThat(a.view().lastIndex()).isEqualTo(model.lastIndex).isEqualTo(log1.lastIndex());
    assertThat(snapshot(a)).isEqualTo(snapshot(b));
  }

  @Property(tries = 200)
  void replayAfterARestartFromASnapshotSkipsEventsAlreadyLogged(@ForAll("ops") List<Op> ops,
      @ForAll @IntRange(min = 0, max = 60) int snapshotAt) throws IOException {
    MemoryEventLog events = new MemoryEventLog();
    StateMachine first = new StateMachine(events, QUIET);
    List<byte[]> commands = new ArrayList<>();
    byte[] snap = null;
    int cut = Math.min(snapshotAt, ops.size());
    for (int i = 0; i < ops.size(); i++) {
      if (i == cut) {
        snap = snapshot(first);
      }
      byte[] cmd = CommandCodec.encode(command(ops.get(i), first));
      commands.add(cmd);
      first.apply(i + 1, cmd);
    }
    if (snap == null) {
      snap = snapshot(first);
    }
    long logged = events.lastIndex();

    // crash: the event log kept everything, the state only what the snapshot had; replay the rest
    StateMachine restarted = new StateMachine(events, QUIET);
    restarted.restore(new ByteArrayInputStream(snap));
    for (int i = cut; i < commands.size(); i++) {
      restarted.apply(i + 1, commands.get(i));
    }
    assertThat(events.lastIndex()).isEqualTo(logged);
    assertThat(snapshot(restarted)).isEqualTo(snapshot(first));
  }

  @Example
  void aGapInTheEventLogStopsApplyWithAClearMessage() {
    MemoryEventLog events = new MemoryEventLog();
    StateMachine sm = new StateMachine(events, QUIET);
    sm.apply(1, CommandCodec.encode(new Command.PutConfig(ConfigKind.TYPE, "t", 0, ConfigFormat.TOML,
        "[type]\nname=\"t\"".getBytes(StandardCharsets.UTF_8), 1)));
    // another command's event sits at index 1: this log is not the state's
    events.append(1, 99, new byte[] {1});
    byte[] write = CommandCodec.encode(command(new Write("t"), sm));
    assertThatThrownBy(() -> sm.apply(2, write)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("event log entry 1 was written by engine entry 99");
  }

  @Example
  void aSnapshotAheadOfTheEventLogIsRefused() throws IOException {
    MemoryEventLog events = new MemoryEventLog();
    StateMachine sm = new StateMachine(events, QUIET);
    sm.apply(1, CommandCodec.encode(new Command.PutConfig(ConfigKind.TYPE, "t", 0, ConfigFormat.TOML,
        "[type]\nname=\"t\"".getBytes(StandardCharsets.UTF_8), 1)));
    sm.apply(2, CommandCodec.encode(command(new Write("t"), sm)));
    byte[] snap = snapshot(sm);
    StateMachine fresh = new StateMachine(new MemoryEventLog(), QUIET);
    assertThatThrownBy(() -> fresh.restore(new ByteArrayInputStream(snap)))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("event log ends at 0");
  }

  @Example
  void restoringACorruptSnapshotFailsLoudly() {
    StateMachine sm = new StateMachine(new MemoryEventLog(), QUIET);
    assertThatThrownBy(() -> sm.restore(new ByteArrayInputStream(Arrays.copyOf(new byte[] {1, 2, 3}, 3))))
        .isInstanceOf(IllegalStateException.class);
  }
}
