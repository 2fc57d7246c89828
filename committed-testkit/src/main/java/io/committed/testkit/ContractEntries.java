package io.committed.testkit;

import io.committed.api.Entity;
import io.committed.api.LogEntry;
import io.committed.api.Proposal;
import java.time.Instant;
import java.util.Map;

/**
 * The entries the syncable contracts send: type {@value #TYPE}, UTF-8 string keys, and data
 * {@code {"id": <key>, "n": <number>, "name": <string>}}. Configure the syncable under test to
 * follow that type and map those fields.
 */
public final class ContractEntries {
  /** The type of the entries the suites send. */
  public static final String TYPE = "contract";
  private static final Instant EPOCH = Instant.parse("2026-01-01T00:00:00Z");

  private ContractEntries() {}

  /** An upsert entry at {@code index} for {@code key} with number {@code n}. */
  public static LogEntry upsert(long index, String key, long n) {
    String json = "{\"id\":\"" + key + "\",\"n\":" + n + ",\"name\":\"name-" + key + "-" + n + "\"}";
    return new LogEntry(index, EPOCH.plusSeconds(index), Proposal.of(Entity.upsert(TYPE, key, json)), Map.of(TYPE, 1));
  }

  /** A delete entry at {@code index} for {@code key}. */
  public static LogEntry delete(long index, String key) {
    return new LogEntry(index, EPOCH.plusSeconds(index), Proposal.of(Entity.delete(TYPE, key)), Map.of(TYPE, 1));
  }
}
