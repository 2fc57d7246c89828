package io.committed.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.committed.api.ProposalRejectedException.Reason;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EntityTest {

  @Test
  void entitiesAreImmutableValues() {
    byte[] key = {1, 2};
    byte[] data = {3};
    Entity e = Entity.upsert("t", key, data);
    key[0] = 9;
    data[0] = 9;
    assertThat(e.key()).containsExactly(1, 2);
    assertThat(e.data()).containsExactly(3);
    e.key()[0] = 7;
    assertThat(e.key()).containsExactly(1, 2);
    assertThat(e).isEqualTo(Entity.upsert("t", new byte[] {1, 2}, new byte[] {3}))
        .hasSameHashCodeAs(Entity.upsert("t", new byte[] {1, 2}, new byte[] {3}));
    assertThat(e).isNotEqualTo(Entity.delete("t", new byte[] {1, 2}));
    assertThat(Entity.delete("t", "k").data()).isEmpty();
    assertThat(Entity.upsert("t", "k", "{\"a\":\"é\"}").dataAsString()).isEqualTo("{\"a\":\"é\"}");
    assertThat(e.toString()).contains("upsert t").doesNotContain("3]");
  }

  @Test
  void invalidEntitiesAreRejectedWithAReason() {
    assertReason(() -> Entity.upsert(null, "k", "{}"), Reason.MISSING_TYPE);
    assertReason(() -> Entity.upsert(" ", "k", "{}"), Reason.MISSING_TYPE);
    assertReason(() -> Entity.upsert("has space", "k", "{}"), Reason.INVALID_TYPE);
    assertReason(() -> Entity.upsert("-x", "k", "{}"), Reason.INVALID_TYPE);
    assertReason(() -> Entity.upsert("t", (byte[]) null, new byte[0]), Reason.INVALID_ENTITY);
    assertReason(() -> Entity.upsert("t", new byte[0], null), Reason.INVALID_ENTITY);
    assertReason(() -> new Entity("t", new byte[0], new byte[] {1}, true), Reason.INVALID_ENTITY);
    assertReason(() -> Entity.upsert("t", (String) null, "x"), Reason.INVALID_ENTITY);
  }

  @Test
  void proposalsNeedEntities() {
    assertReason(() -> Proposal.of(), Reason.EMPTY_PROPOSAL);
    assertReason(() -> Proposal.of((Entity[]) null), Reason.EMPTY_PROPOSAL);
    assertReason(() -> new Proposal(null), Reason.EMPTY_PROPOSAL);
    List<Entity> withNull = new ArrayList<>();
    withNull.add(null);
    assertReason(() -> Proposal.of(withNull), Reason.INVALID_ENTITY);
    List<Entity> source = new ArrayList<>(List.of(Entity.upsert("t", "k", "v")));
    Proposal p = Proposal.of(source);
    source.clear();
    assertThat(p.entities()).hasSize(1);
    assertThatThrownBy(() -> p.entities().add(Entity.upsert("t", "k", "v")))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void logEntriesCheckTheirFields() {
    Proposal p = Proposal.of(Entity.upsert("t", "k", "v"));
    assertThatThrownBy(() -> new LogEntry(0, Instant.EPOCH, p, Map.of()))
        .isInstanceOf(IllegalArgumentException.class);
    LogEntry e = new LogEntry(3, Instant.EPOCH, p, Map.of("t", 2));
    assertThat(e.typeVersion("t")).isEqualTo(2);
    assertThat(e.typeVersion("other")).isZero();
    assertThat(Reason.TOO_LARGE.code()).isEqualTo("too_large");
  }

  private static void assertReason(Runnable r, Reason reason) {
    assertThatThrownBy(r::run).isInstanceOf(ProposalRejectedException.class)
        .extracting(e -> ((ProposalRejectedException) e).reason()).isEqualTo(reason);
  }
}
