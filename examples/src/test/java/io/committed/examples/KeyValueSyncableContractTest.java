package io.committed.examples;

import io.committed.spi.Syncable;
import io.committed.testkit.SyncableContract;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The example syncable passes the testkit's contract, as users' syncables should. */
class KeyValueSyncableContractTest implements SyncableContract {
  private final Map<String, String> target = new ConcurrentHashMap<>();

  @Override
  public Syncable newSyncable() {
    return new KeyValueSyncable(target);
  }

  @Override
  public Map<String, String> targetState() {
    return Map.copyOf(target);
  }
}
