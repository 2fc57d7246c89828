package io.committed.server.support;

import io.committed.api.Entity;
import io.committed.api.LogEntry;
import io.committed.spi.PermanentSyncException;
import io.committed.spi.Syncable;
import io.committed.spi.SyncableContext;
import io.committed.spi.SyncableFactory;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Kind {@code test}: keeps the latest data of each key in the named in-process store
 * ({@code [test] store = "..."}). Data containing {@code "poison"} is refused permanently unless
 * {@link #acceptPoison} is set (a dead letter, then a successful replay). With
 * {@code block = "<name>"}, validation waits until {@link #release} (a slow request, for the
 * shutdown drain).
 */
public final class TestSyncableFactory implements SyncableFactory {
  private static final Map<String, Map<String, String>> STORES = new ConcurrentHashMap<>();
  private static final Map<String, CountDownLatch> BLOCKS = new ConcurrentHashMap<>();
  private static final Map<String, CountDownLatch> ENTERED = new ConcurrentHashMap<>();
  public static volatile boolean acceptPoison;

  public static Map<String, String> store(String name) {
    return STORES.computeIfAbsent(name, n -> new ConcurrentHashMap<>());
  }

  /** A latch counted down once validation of {@code block = name} has started waiting. */
  public static CountDownLatch entered(String name) {
    return ENTERED.computeIfAbsent(name, n -> new CountDownLatch(1));
  }

  public static void release(String name) {
    BLOCKS.computeIfAbsent(name, n -> new CountDownLatch(1)).countDown();
  }

  @Override
  public String kind() {
    return "test";
  }

  @Override
  public void validate(SyncableContext context) {
    context.config().requireString("store");
    context.config().string("block").ifPresent(name -> {
      entered(name).countDown();
      try {
        BLOCKS.computeIfAbsent(name, n -> new CountDownLatch(1)).await(60, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
  }

  @Override
  public Syncable create(SyncableContext context) {
    Map<String, String> store = store(context.config().requireString("store"));
    return new Syncable() {
      @Override
      public void sync(List<LogEntry> batch) throws Exception {
        for (LogEntry entry : batch) {
          for (Entity e : entry.entities()) {
            if (!e.delete() && e.dataAsString().contains("poison") && !acceptPoison) {
              throw new PermanentSyncException("entry " + entry.index() + " is poisoned");
            }
          }
          for (Entity e : entry.entities()) {
            if (e.delete()) {
              store.remove(e.keyAsString());
            } else {
              store.put(e.keyAsString(), e.dataAsString());
            }
          }
        }
      }
    };
  }
}
