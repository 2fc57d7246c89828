package io.committed.server.support;

import io.committed.spi.IngestContext;
import io.committed.spi.IngestStatus;
import io.committed.spi.Ingestable;
import io.committed.spi.IngestableFactory;
import io.committed.spi.PluginConfig;
import io.committed.spi.SnapshotRequest;
import io.committed.spi.SnapshottingIngestableFactory;
import io.committed.spi.SourcePosition;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Kind {@code test}: commits one position ({@code sequence = 7}, state {@code "lsn/7"}), reports a
 * streaming status with a lag of 42 bytes, and idles until asked to stop. It takes snapshot
 * requests for the {@code tables} of its section, and its status detail lists the numbers of the
 * requests it has seen. Kind {@code plain} ({@link Plain}) is the same without snapshot requests.
 */
public final class TestIngestableFactory implements SnapshottingIngestableFactory {
  @Override
  public String kind() {
    return "test";
  }

  @Override
  public List<String> checkSnapshotRequest(PluginConfig document, PluginConfig section, List<String> tables) {
    List<String> known = section.has("tables") ? section.strings("tables") : List.of();
    for (String t : tables) {
      if (!known.contains(t)) {
        throw new IllegalArgumentException("table '" + t + "' is not captured by this ingestable");
      }
    }
    return tables;
  }

  @Override
  public Ingestable create(IngestContext context) {
    return ctx -> {
      if (ctx.position().isEmpty()) {
        ctx.commitPosition(SourcePosition.of(7, "lsn/7")).get(30, TimeUnit.SECONDS);
      }
      while (!ctx.stopRequested()) {
        List<Long> seen = ctx.snapshotRequests().stream().map(SnapshotRequest::number).toList();
        ctx.reportStatus(new IngestStatus("streaming", OptionalLong.empty(), OptionalLong.empty(),
            OptionalLong.of(42), "bytes", seen.isEmpty() ? "" : "snapshot requests seen: " + seen));
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20)); // an idle source
      }
    };
  }

  /** Kind {@code plain}: the same ingestable, from a factory that takes no snapshot requests. */
  public static final class Plain implements IngestableFactory {
    @Override
    public String kind() {
      return "plain";
    }

    @Override
    public Ingestable create(IngestContext context) {
      return new TestIngestableFactory().create(context);
    }
  }
}
