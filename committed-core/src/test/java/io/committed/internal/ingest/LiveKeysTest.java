package io.committed.internal.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.committed.api.Entity;
import io.committed.api.LogEntry;
import io.committed.api.Proposal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

class LiveKeysTest {

  /** A log as pages of entries, each entry with the entities it was given. */
  private static LiveKeys.Source source(List<List<Entity>> entries) {
    return (from, max) -> {
      List<LogEntry> out = new ArrayList<>();
      for (long i = from; i < from + max && i <= entries.size(); i++) {
        out.add(new LogEntry(i, Instant.EPOCH, new Proposal(entries.get((int) i - 1)), Map.of()));
      }
      return out;
    };
  }

  private static Set<String> live(List<List<Entity>> entries, long upTo, String type) {
    Set<String> out = new LinkedHashSet<>();
    LiveKeys.forEach(source(entries), upTo, type, k -> out.add(new String(k, StandardCharsets.UTF_8)));
    return out;
  }

  @Example
  void theLastEntityOfAKeyDecidesWithinAnEntryAcrossEntriesAndTypes() {
    List<List<Entity>> log = List.of(
        List.of(Entity.upsert("t", "a", "1"), Entity.upsert("t", "b", "1"), Entity.upsert("u", "c", "1")),
        List.of(Entity.delete("t", "a"), Entity.upsert("t", "a", "2"), Entity.delete("t", "b")),
        List.of(Entity.upsert("t", "c", "1"), Entity.delete("u", "c")),
        List.of(Entity.delete("t", "c")));
    assertThat(live(log, 4, "t")).containsExactlyInAnyOrder("a");
    assertThat(live(log, 3, "t")).as("only entries up to the bound").containsExactlyInAnyOrder("a", "c");
    assertThat(live(log, 2, "u")).containsExactly("c");
    assertThat(live(log, 4, "u")).isEmpty();
    assertThat(live(log, 0, "t")).isEmpty();
    assertThat(live(log, 100, "t")).as("a bound past the end").containsExactly("a");
  }

  @Property(tries = 200)
  void matchesAModelOverManyPages(@ForAll("logs") List<List<Entity>> log, @ForAll @IntRange(min = 0, max = 3000) int upTo) {
    Set<String> model = new LinkedHashSet<>();
    for (int i = 0; i < Math.min(upTo, log.size()); i++) {
      for (Entity e : log.get(i)) {
        if (e.typeId().equals("t")) {
          if (e.delete()) {
            model.remove(e.keyAsString());
          } else {
            model.add(e.keyAsString());
          }
        }
      }
    }
    assertThat(live(log, upTo, "t")).containsExactlyInAnyOrderElementsOf(model);
  }

  @Provide
  Arbitrary<List<List<Entity>>> logs() {
    Arbitrary<Entity> entity = Combinators.combine(Arbitraries.of("t", "u"), Arbitraries.integers().between(0, 40),
        Arbitraries.of(true, false)).as((type, key, delete) -> delete
            ? Entity.delete(type, "k" + key) : Entity.upsert(type, "k" + key, "{}"));
    // up to about 2.5 pages of entries
    return entity.list().ofMinSize(1).ofMaxSize(4).list().ofMaxSize(LiveKeys.PAGE * 5 / 2);
  }
}
