package io.committed.ingest.sql.internal;

import io.committed.spi.IngestContext;
import io.committed.spi.SnapshotRequest;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The snapshot requests an ingestable has not taken yet ({@link IngestContext#snapshotRequests}
 * above the number it last took): the newest one's number, the table names they give, and the
 * captured tables and topics among them, in config order.
 */
public record OpenRequests(long number, Set<String> named, List<TableName> tables, List<String> topics) {

  /** The requests above {@code taken}; empty when there are none. */
  public static Optional<OpenRequests> above(IngestContext ctx, List<TopicSpec> topics, long taken) {
    List<SnapshotRequest> open = ctx.snapshotRequests().stream().filter(r -> r.number() > taken).toList();
    if (open.isEmpty()) {
      return Optional.empty();
    }
    Set<String> named = new HashSet<>();
    open.forEach(r -> named.addAll(r.tables()));
    List<TableName> tables = TopicSpec.tablesOf(topics).stream().filter(t -> named.contains(t.toString())).toList();
    List<String> names = topics.stream().filter(t -> t.tables().stream().anyMatch(tables::contains))
        .map(TopicSpec::topic).toList();
    return Optional.of(new OpenRequests(open.get(open.size() - 1).number(), Set.copyOf(named), tables, names));
  }

  /** Whether the requests name tables the config does not capture (any more). */
  public boolean namesUncaptured() {
    return tables.size() < named.size();
  }
}
