package io.committed.ingest.sql.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.committed.api.Entity;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

class StaleKeysTest {

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Example
  void liveKeysTheCopyDidNotWriteBecomeDeletesInBatches() {
    StaleKeys keys = new StaleKeys("t", 2);
    keys.copied(b("a"));
    keys.copied(b("c"));
    List<List<Entity>> full = new ArrayList<>();
    for (String k : List.of("a", "b", "c", "d", "e")) {
      keys.live(b(k), full::add); // a fresh array, equal by content to the copied one
    }
    assertThat(full).containsExactly(List.of(Entity.delete("t", "b"), Entity.delete("t", "d")));
    assertThat(keys.rest()).containsExactly(Entity.delete("t", "e"));
    assertThat(keys.rest()).isEmpty();
    assertThat(keys.stale()).isEqualTo(3);
    assertThat(keys.copiedCount()).isEqualTo(2);
  }

  @Property(tries = 200)
  void theDeletesAreExactlyTheLiveKeysMinusTheCopiedOnes(@ForAll @Size(max = 60) Set<@IntRange(max = 99) Integer> copied,
      @ForAll @Size(max = 60) Set<@IntRange(max = 99) Integer> live, @ForAll @IntRange(min = 1, max = 7) int batch) {
    StaleKeys keys = new StaleKeys("t", batch);
    copied.forEach(k -> keys.copied(b("k" + k)));
    List<Entity> deletes = new ArrayList<>();
    live.forEach(k -> keys.live(b("k" + k), full -> {
      assertThat(full).hasSize(batch);
      deletes.addAll(full);
    }));
    List<Entity> rest = keys.rest();
    assertThat(rest).hasSizeLessThan(batch);
    deletes.addAll(rest);
    Set<Entity> expected = new HashSet<>();
    live.stream().filter(k -> !copied.contains(k)).forEach(k -> expected.add(Entity.delete("t", "k" + k)));
    assertThat(deletes).containsExactlyInAnyOrderElementsOf(expected);
    assertThat(keys.stale()).isEqualTo(expected.size());
  }

  @Example
  void aBatchSizeBelowOneIsRefused() {
    assertThatThrownBy(() -> new StaleKeys("t", 0)).hasMessageContaining("batchSize");
  }
}
