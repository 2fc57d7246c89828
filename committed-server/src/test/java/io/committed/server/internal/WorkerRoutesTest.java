package io.committed.server.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.committed.IngestableStatus;
import io.committed.SyncableStatus;
import io.committed.spi.IngestStatus;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The JSON of the worker statuses: absent values are omitted or -1, as the API documents. */
class WorkerRoutesTest {

  @Test
  void anIngestStatusWithoutFiguresShowsMinusOneAndItsUnit() {
    IngestableStatus s = new IngestableStatus("src", IngestableStatus.WorkerState.STARTING, Optional.empty(), 0,
        Optional.of(IngestStatus.phase("starting", "preflight")), 0, Optional.empty(), Optional.empty(),
        Optional.empty());
    Map<String, Object> json = WorkerRoutes.ingest(s);
    assertThat(json).containsOnlyKeys("id", "workerState", "highWaterMark", "reported", "consecutiveFailures");
    assertThat(json.get("workerState")).isEqualTo("starting");
    assertThat(json.get("reported")).isEqualTo(Map.of("phase", "starting", "rowsCopied", -1L, "rowsEstimated", -1L,
        "lag", -1L, "lagUnit", "", "detail", "preflight"));
  }

  @Test
  void presentFiguresAreShownAsNumbers() {
    IngestableStatus s = new IngestableStatus("src", IngestableStatus.WorkerState.RUNNING, Optional.empty(), 3,
        Optional.of(IngestStatus.snapshot(10, 100)), 0, Optional.empty(), Optional.empty(), Optional.empty());
    @SuppressWarnings("unchecked")
    Map<String, Object> reported = (Map<String, Object>) WorkerRoutes.ingest(s).get("reported");
    assertThat(reported).containsEntry("rowsCopied", 10L).containsEntry("rowsEstimated", 100L)
        .containsEntry("lag", -1L);
  }

  @Test
  void aSyncStatusOmitsWhatIsAbsent() {
    SyncableStatus idle = new SyncableStatus("s", SyncableStatus.WorkerState.NOT_RUNNING_HERE, 5, 5, 5, 0, true,
        Optional.empty(), 0, Optional.empty(), 0, 0);
    Map<String, Object> json = WorkerRoutes.sync(idle);
    assertThat(json).doesNotContainKeys("stuckSince", "lastError").containsEntry("stuck", false)
        .containsEntry("workerState", "not-running-here");
    SyncableStatus failing = new SyncableStatus("s", SyncableStatus.WorkerState.RETRYING, 5, 5, 6, 1, false,
        Optional.of(Instant.parse("2026-01-01T00:00:00Z")), 2, Optional.of("down"), 0, 0);
    assertThat(WorkerRoutes.sync(failing)).containsEntry("stuck", true)
        .containsEntry("stuckSince", "2026-01-01T00:00:00Z").containsEntry("lastError", "down");
  }
}
