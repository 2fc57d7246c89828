package io.committed.ingest.postgres.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.committed.spi.SourcePosition;
import java.util.List;
import net.jqwik.api.Example;

/** The PostgreSQL ingest state reads positions written before the re-snapshot fields existed. */
class ResumeStateCompatibilityTest {

  @Example
  void aStateWithoutTheReSnapshotFieldsReadsAsNoReSnapshotAndWritesThemOnlyWhenSet() {
    String old = "{\"version\":1,\"systemId\":\"1\",\"database\":\"d\",\"slot\":\"s\",\"slotLsn\":5,\"generation\":1,"
        + "\"phase\":\"streaming\",\"lsn\":9,\"done\":[\"public.t\"],\"rows\":3}";
    ResumeState state = ResumeState.of(SourcePosition.of(9, old));
    assertThat(state.tombstones()).isZero();
    assertThat(state.resnapshot()).isFalse();
    assertThat(state.position(9).stateAsString()).doesNotContain("tombstones").doesNotContain("resnapshot")
        .doesNotContain("request").doesNotContain("reconcile");
    assertThat(state.request()).isZero();
    assertThat(state.reconcile()).isEmpty();
    ResumeState resnapshot = new ResumeState(1, "1", "d", "s", 5, 2, ResumeState.SNAPSHOT, 9, List.of(), null, null, 0,
        0, true, 0, List.of()).deleted(4);
    ResumeState read = ResumeState.of(resnapshot.position(0));
    assertThat(read).isEqualTo(resnapshot);
    assertThat(read.tombstones()).isEqualTo(4);
    assertThat(read.streamedTo(10).resnapshot()).as("streaming ends the re-snapshot").isFalse();
    assertThat(read.withPhase(ResumeState.SNAPSHOT, 10).resnapshot()).as("a copy of added tables is none").isFalse();

    ResumeState requested = state.withRequest(3, List.of("orders", "items")).withRequest(2, List.of("orders"));
    assertThat(requested.request()).isEqualTo(3);
    assertThat(requested.reconcile()).containsExactly("orders", "items");
    ResumeState back = ResumeState.of(requested.streamedTo(12).position(12));
    assertThat(back.reconcile()).as("kept while streaming").containsExactly("orders", "items");
    assertThat(back.reconciled("orders").reconcile()).containsExactly("items");
    assertThat(back.reconciled("orders").reconciled("items").position(12).stateAsString()).contains("\"request\":3")
        .doesNotContain("reconcile");
  }
}
