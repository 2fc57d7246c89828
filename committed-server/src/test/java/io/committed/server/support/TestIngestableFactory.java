package io.committed.server.support;

import io.committed.spi.IngestContext;
import io.committed.spi.IngestStatus;
import io.committed.spi.Ingestable;
import io.committed.spi.IngestableFactory;
import io.committed.spi.SourcePosition;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Kind {@code test}: commits one position ({@code sequence = 7}, state {@code "lsn/7"}), reports a
 * streaming status with a lag of 42 bytes, and idles until asked to stop.
 */
public final class TestIngestableFactory implements IngestableFactory {
  @Override
  public String kind() {
    return "test";
  }

  @Override
  public Ingestable create(IngestContext context) {
    return ctx -> {
      if (ctx.position().isEmpty()) {
        ctx.commitPosition(SourcePosition.of(7, "lsn/7")).get(30, TimeUnit.SECONDS);
      }
      ctx.reportStatus(IngestStatus.streaming(42, "bytes"));
      while (!ctx.stopRequested()) {
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20)); // an idle source
      }
    };
  }
}
