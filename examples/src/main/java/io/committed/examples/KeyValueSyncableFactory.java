package io.committed.examples;

import io.committed.spi.Syncable;
import io.committed.spi.SyncableContext;
import io.committed.spi.SyncableFactory;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Kind {@code kv}: a {@link KeyValueSyncable} into the named in-process store,
 * {@code [kv] store = "..."}. Registered in {@code META-INF/services/io.committed.spi.SyncableFactory}.
 */
public final class KeyValueSyncableFactory implements SyncableFactory {
  private static final Map<String, Map<String, String>> STORES = new ConcurrentHashMap<>();

  /** The store of that name (created empty on first use). */
  public static Map<String, String> store(String name) {
    return STORES.computeIfAbsent(name, n -> new ConcurrentHashMap<>());
  }

  @Override
  public String kind() {
    return "kv";
  }

  @Override
  public void validate(SyncableContext context) {
    context.config().requireString("store");
  }

  @Override
  public Syncable create(SyncableContext context) {
    return new KeyValueSyncable(store(context.config().requireString("store")));
  }
}
