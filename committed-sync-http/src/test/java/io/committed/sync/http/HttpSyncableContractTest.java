package io.committed.sync.http;

import io.committed.api.Entity;
import io.committed.api.LogEntry;
import io.committed.api.Proposal;
import io.committed.spi.Syncable;
import io.committed.testkit.BadDataSyncableContract;
import io.committed.testkit.ContractEntries;
import io.committed.testkit.Ports;
import io.committed.testkit.TestSyncableContext;
import io.committed.testkit.UnreachableTargetSyncableContract;
import java.io.IOException;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

/**
 * The testkit's contracts against the HTTP syncable and a receiver on loopback that refuses (400)
 * entries whose key is {@code bad}. The syncable is found through ServiceLoader, as the log finds it.
 */
class HttpSyncableContractTest implements BadDataSyncableContract, UnreachableTargetSyncableContract {
  protected final Receiver receiver;
  private boolean broken;

  HttpSyncableContractTest() throws IOException {
    receiver = Receiver.plain();
    receiver.behaviour = r -> r.bodyText().contains("\"key\":\"bad\"") ? Receiver.Answer.status(400) : Receiver.Answer.OK;
  }

  @BeforeAll
  static void warmUp() throws IOException {
    BodySchema.valid("{}");
  }

  @AfterEach
  void stop() {
    receiver.close();
  }

  protected String extra() {
    return "";
  }

  @Override
  public Syncable newSyncable() throws Exception {
    String url = broken ? "http://127.0.0.1:" + Ports.free() + "/in" : receiver.url("/in");
    return java.util.ServiceLoader.load(io.committed.spi.SyncableFactory.class).stream()
        .map(java.util.ServiceLoader.Provider::get).filter(f -> f.kind().equals("http")).findFirst().orElseThrow()
        .create(TestSyncableContext.builder().syncableId("contract").document("""
            [syncable]
            type = "http"
            [http]
            topic = "contract"
            url = "%s"
            retry = { min = "1ms", max = "5ms", attempts = 3 }
            """.formatted(url) + extra()).build());
  }

  @Override
  public Map<String, String> targetState() {
    return receiver.state();
  }

  @Override
  public LogEntry permanentlyBadEntry(long index) {
    return new LogEntry(index, Instant.parse("2026-01-01T00:00:00Z"),
        Proposal.of(Entity.upsert(ContractEntries.TYPE, "bad", "{\"id\":\"bad\"}")), Map.of(ContractEntries.TYPE, 1));
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
