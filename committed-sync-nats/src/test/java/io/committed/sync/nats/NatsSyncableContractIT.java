package io.committed.sync.nats;

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
import io.nats.client.Connection;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;

/**
 * The testkit's syncable contracts against the real NATS server, one stream per test (created by
 * the syncable from its config, deleted afterwards). The bad entry is a message over the stream's
 * {@code max_msg_size}.
 */
class NatsSyncableContractIT
    implements ResumableSyncableContract, BadDataSyncableContract, UnreachableTargetSyncableContract {
  private final Connection admin = NatsTestServer.connect();
  private final String stream = NatsTestServer.uniqueStream("CONTRACT");
  private final String subjectRoot = stream.toLowerCase(java.util.Locale.ROOT);
  private final int unusedPort = Ports.free();
  private final NatsSyncableFactory factory = new NatsSyncableFactory();
  private boolean broken;

  @AfterEach
  void deleteStream() throws Exception {
    NatsTestServer.deleteStream(admin, stream);
    admin.close();
  }

  @Override
  public Syncable newSyncable() {
    String url = broken ? "nats://127.0.0.1:" + unusedPort : NatsTestServer.URL;
    return factory.create(TestSyncableContext.builder()
        .syncableId("contract-" + stream)
        .document("""
            [syncable]
            type = "nats"
            [nats]
            topic = "contract"
            servers = ["%s"]
            stream = "%s"
            subject = "%s.${type}.${key}"
            connectTimeout = "1s"
            [nats.createStream]
            storage = "memory"
            maxMsgSize = 4096
            """.formatted(url, stream, subjectRoot))
        .build());
  }

  @Override
  public Map<String, String> targetState() throws Exception {
    return NatsTestServer.fold(NatsTestServer.messages(admin, stream));
  }

  /** 8 KiB of data: over the stream's 4 KiB max_msg_size. */
  @Override
  public LogEntry permanentlyBadEntry(long index) {
    String json = "{\"id\":\"bad\",\"n\":1,\"name\":\"" + "x".repeat(8192) + "\"}";
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
