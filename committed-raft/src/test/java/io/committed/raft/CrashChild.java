package io.committed.raft;

import io.committed.Committed;
import io.committed.CommittedLog;
import io.committed.api.Entity;
import io.committed.api.Proposal;
import io.committed.testkit.LogFixtures;
import java.nio.file.Path;
import java.util.concurrent.Semaphore;

/**
 * A child JVM for {@link RaftCrashIT}: a one-node raft log in {@code args[0]} on port
 * {@code args[1]}, writing keys {@code <prefix>-<n>} ({@code args[2]}) and printing
 * {@code ACK key index} for each acknowledged one. With {@code args[3] = N > 0} it halts the JVM
 * right after appending event N to the event log, before the state machine finishes applying it.
 * With {@code args[4] = P}, each entity's data carries {@code P} bytes of padding
 * ({@link #data}); a failed proposal prints {@code FAIL key message} (each message once).
 */
public final class CrashChild {
  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    int port = Integer.parseInt(args[1]);
    String prefix = args[2];
    long haltAfter = Long.parseLong(args[3]);
    int pad = args.length > 4 ? Integer.parseInt(args[4]) : 0;
    if (haltAfter > 0) {
      ChronicleEventLog.afterAppend = index -> {
        if (index == haltAfter) {
          System.out.flush();
          Runtime.getRuntime().halt(137);
        }
      };
    }
    watchParent();
    CommittedLog log = Committed.builder().nodeId(1).peers("1=127.0.0.1:" + port).dataDir(dir).start();
    if (log.types().get("t").isEmpty()) {
      LogFixtures.defineTypes(log, "t");
    }
    System.out.println("READY " + log.lastIndex());
    System.out.flush();
    Semaphore inFlight = new Semaphore(64);
    java.util.Set<String> failures = java.util.concurrent.ConcurrentHashMap.newKeySet();
    for (int n = 0; ; n++) {
      inFlight.acquire();
      String key = prefix + "-" + n;
      log.propose(Proposal.of(Entity.upsert("t", key, data(n, pad)))).whenComplete((index, e) -> {
        inFlight.release();
        synchronized (System.out) {
          if (e == null) {
            System.out.println("ACK " + key + " " + index);
          } else if (failures.size() < 10 && failures.add(String.valueOf(e.getMessage()))) {
            System.out.println("FAIL " + key + " " + String.valueOf(e.getMessage()).replace('\n', ' '));
          }
        }
      });
    }
  }

  /** Halts this JVM once the test's JVM is gone (killed before it could kill this one): no orphan keeps writing. */
  private static void watchParent() {
    java.util.Optional<ProcessHandle> parent = ProcessHandle.current().parent();
    Thread t = new Thread(() -> {
      while (parent.map(ProcessHandle::isAlive).orElse(false)) {
        java.util.concurrent.locks.LockSupport.parkNanos(1_000_000_000L);
      }
      Runtime.getRuntime().halt(3);
    }, "parent-watch");
    t.setDaemon(true);
    t.start();
  }

  /** The data of write {@code n}: {@code {"n":n}}, with {@code pad} bytes of padding when that is above 0. */
  static String data(int n, int pad) {
    return pad == 0 ? "{\"n\":" + n + "}" : "{\"n\":" + n + ",\"pad\":\"" + "p".repeat(pad) + "\"}";
  }
}
