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
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Random writes, opens, acks and removes of consumers against a map model: the acknowledged index
 * is the highest accepted ack, never past the last entry; a snapshot taken anywhere restores the
 * same positions.
 */
class ConsumerPositionsProperties {

  /** {@code kind} 0 = write, 1 = open, 2 = ack, 3 = remove, 4 = snapshot and restore. */
  record Op(int kind, String name, long index) {}

  @Provide
  Arbitrary<List<Op>> ops() {
    Arbitrary<Op> op = Combinators.combine(Arbitraries.integers().between(0, 4), Arbitraries.of("a", "b", "c"),
        Arbitraries.longs().between(0, 30)).as(Op::new);
    return op.list().ofMaxSize(60);
  }

  private static byte[] entry(long n) {
    BytesWriter out = new BytesWriter(64);
    EntryCodec.encode(out, 1L, Proposal.of(Entity.upsert("t", "k" + n, "{}")), t -> 1);
    return out.toByteArray();
  }

  @Property(tries = 300)
  void acknowledgedPositionsFollowTheModel(@ForAll("ops") List<Op> ops) throws Exception {
    MemoryEventLog events = new MemoryEventLog();
    StateMachine sm = new StateMachine(events, new StateMachine.Listener() {});
    long engine = 0;
    sm.apply(++engine, CommandCodec.encode(new Command.PutConfig(ConfigKind.TYPE, "t", 0, ConfigFormat.TOML,
        "[type]\nname = \"t\"\n".getBytes(StandardCharsets.UTF_8), 1)));
    long last = 0;
    Map<String, Long> model = new TreeMap<>();
    for (Op o : ops) {
      switch (o.kind()) {
        case 0 -> {
          sm.apply(++engine, CommandCodec.encode(new Command.Write(entry(last), null)));
          last++;
        }
        case 1 -> {
          ApplyResult r = sm.apply(++engine, CommandCodec.encode(new Command.OpenConsumer(o.name(), List.of("t"),
              o.index())));
          model.putIfAbsent(o.name(), Math.min(o.index(), last));
          assertThat(r.value()).isEqualTo(model.get(o.name()));
        }
        case 2 -> {
          ApplyResult r = sm.apply(++engine, CommandCodec.encode(new Command.AckConsumer(o.name(), o.index())));
          boolean ok = model.containsKey(o.name()) && o.index() <= last;
          assertThat(r.accepted()).isEqualTo(ok);
          if (ok) {
            model.put(o.name(), Math.max(model.get(o.name()), o.index()));
          }
        }
        case 3 -> {
          ApplyResult r = sm.apply(++engine, CommandCodec.encode(new Command.RemoveConsumer(o.name())));
          assertThat(r.accepted()).isEqualTo(model.remove(o.name()) != null);
        }
        default -> {
          ByteArrayOutputStream out = new ByteArrayOutputStream();
          sm.snapshot(out);
          StateMachine restored = new StateMachine(events, new StateMachine.Listener() {});
          restored.restore(new ByteArrayInputStream(out.toByteArray()));
          sm = restored;
        }
      }
      assertThat(sm.view().consumerNames()).containsExactlyElementsOf(model.keySet());
      for (Map.Entry<String, Long> e : model.entrySet()) {
        assertThat(sm.view().consumer(e.getKey()).orElseThrow().acknowledged()).isEqualTo(e.getValue());
      }
    }
  }
}
