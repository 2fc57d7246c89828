package io.committed.internal;

import io.committed.internal.ingest.IngestSettings;
import io.committed.internal.sync.SyncSettings;
import java.time.Clock;
import java.time.Duration;
import java.util.function.UnaryOperator;

/** Everything the builder decided, for the log facade. */
public record LogSettings(
    String groupId,
    int nodeId,
    String engineName,
    int maxProposalBytes,
    long maxTransactionBytes,
    int maxInFlight,
    Duration operationTimeout,
    Clock clock,
    UnaryOperator<String> environment,
    Plugins plugins,
    SyncSettings sync,
    IngestSettings ingest,
    io.committed.LogObserver observer,
    java.nio.file.Path dataDir,
    int diskWarnPercent,
    int diskDataPercent,
    int diskConfigPercent) {}
