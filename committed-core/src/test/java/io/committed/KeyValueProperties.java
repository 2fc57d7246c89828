package io.committed;

import static org.assertj.core.api.Assertions.assertThat;

import io.committed.api.Entity;
import io.committed.api.Proposal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/** The key-value view against a sorted map model, for random upserts and deletes in random proposals. */
class KeyValueProperties {
  private static final AtomicInteger TYPES = new AtomicInteger();
  private static CommittedLog log;

  @BeforeContainer
  static void start() {
    log = Committed.inMemory();
  }

  @AfterContainer
  static void stop() {
    log.close();
  }

  /** One entity: a key from a small set (so keys repeat), deleted or upserted. */
  record Op(String key, String value) {}

  @Provide
  Arbitrary<List<List<Op>>> proposals() {
    Arbitrary<String> keys = Arbitraries.of("a", "ab", "abc", "b", "ba", "é", "z", "", "a b", "k1", "k10", "k2");
    Arbitrary<Op> op = Combinators.combine(keys, Arbitraries.strings().alpha().ofMaxLength(6),
        Arbitraries.integers().between(0, 3)).as((k, v, d) -> new Op(k, d == 0 ? null : "\"" + v + "\""));
    return op.list().ofMinSize(1).ofMaxSize(4).list().ofMinSize(1).ofMaxSize(60);
  }

  @Property(tries = 40)
  void theViewEqualsTheLatestWriteOfEachKey(@ForAll("proposals") List<List<Op>> proposals,
      @ForAll("prefixes") String prefix) {
    String type = "t" + TYPES.incrementAndGet();
    log.types().define(type, "[type]\nname = \"" + type + "\"\nkeyValue = true");
    TreeMap<String, String> model = new TreeMap<>();
    Map<String, Long> writtenAt = new TreeMap<>();
    for (List<Op> p : proposals) {
      List<Entity> entities = new ArrayList<>();
      for (Op o : p) {
        entities.add(o.value() == null ? Entity.delete(type, o.key()) : Entity.upsert(type, o.key(), o.value()));
      }
      long index = log.proposeAndWait(new Proposal(entities));
      for (Op o : p) { // later entities of one entry win, as in the log
        if (o.value() == null) {
          model.remove(o.key());
          writtenAt.remove(o.key());
        } else {
          model.put(o.key(), o.value());
          writtenAt.put(o.key(), index);
        }
      }
    }
    KeyValues kv = log.kv(type);
    for (String key : List.of("a", "ab", "abc", "b", "ba", "é", "z", "", "a b", "k1", "k10", "k2")) {
      var got = kv.get(key);
      assertThat(got.map(KeyValue::dataAsString)).as("key '%s'", key).isEqualTo(java.util.Optional.ofNullable(model.get(key)));
      got.ifPresent(v -> assertThat(v.index()).isEqualTo(writtenAt.get(key)));
    }
    List<String> expected = new ArrayList<>();
    model.forEach((k, v) -> {
      if (k.startsWith(prefix)) {
        expected.add(k);
      }
    });
    // unsigned UTF-8 byte order: for these keys the same as String order except for é (after z)
    expected.sort((x, y) -> java.util.Arrays.compareUnsigned(x.getBytes(StandardCharsets.UTF_8),
        y.getBytes(StandardCharsets.UTF_8)));
    assertThat(kv.scan(prefix, 100)).extracting(KeyValue::keyAsString).containsExactlyElementsOf(expected);
    assertThat(kv.size()).isEqualTo(model.size());
  }

  @Provide
  Arbitrary<String> prefixes() {
    return Arbitraries.of("", "a", "ab", "b", "k1", "é", "x");
  }
}
