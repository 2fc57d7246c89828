package io.committed.sync.kafka;

import io.committed.api.Entity;
import io.committed.api.LogEntry;
import io.committed.api.Proposal;
import io.committed.spi.Syncable;
import io.committed.testkit.BadDataSyncableContract;
import io.committed.testkit.ContractEntries;
import io.committed.testkit.Ports;
import io.committed.testkit.ResumableSyncableContract;
import io.committed.testkit.TestSyncableContext;
import io.committed.testkit.UnreachableTargetSyncableContract;
import java.time.Instant;
import java.util.Map;

/**
 * The testkit's syncable contracts against a real Kafka broker (transactional mode), one topic per
 * test, read back with {@code read_committed}. The bad entry is a record over the broker's
 * {@code message.max.bytes}.
 */
class KafkaSyncableContractIT
    implements ResumableSyncableContract, BadDataSyncableContract, UnreachableTargetSyncableContract {
  private final String bootstrap = KafkaTestBroker.shared();
  private final String topic = KafkaTopics.unique("contract");
  private final int unusedPort = Ports.free();
  private final KafkaSyncableFactory factory = new KafkaSyncableFactory();
  private boolean broken;

  @Override
  public Syncable newSyncable() {
    String servers = broken ? "127.0.0.1:" + unusedPort : bootstrap;
    return factory.create(TestSyncableContext.builder()
        .syncableId(topic)
        .document("""
            [syncable]
            type = "kafka"
            [kafka]
            topic = "contract"
            bootstrapServers = ["%s"]
            destination = "%s"
            connectTimeout = "2s"
            deliveryTimeout = "5s"
            """.formatted(servers, topic))
        .build());
  }

  @Override
  public Map<String, String> targetState() throws Exception {
    return KafkaTopics.fold(KafkaTopics.committedRecords(bootstrap, topic));
  }

  /** Twice the broker's message.max.bytes of data. */
  @Override
  public LogEntry permanentlyBadEntry(long index) {
    String json = "{\"id\":\"bad\",\"n\":1,\"name\":\"" + "x".repeat(2 * KafkaTestBroker.MESSAGE_MAX_BYTES) + "\"}";
    return new LogEntry(index, Instant.parse("2026-01-01T00:00:00Z"),
        Proposal.of(Entity.upsert(ContractEntries.TYPE, "bad", json)), Map.of(ContractEntries.TYPE, 1));
  }

  @Override
  public void breakTarget() {
    broken = true;
  }

  @Override
  public void repairTarget() {
    broken = false;
  }
}
