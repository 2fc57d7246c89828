package io.committed.raft;

import java.util.concurrent.ThreadFactory;

/** Named daemon threads for this package's executors: a raft node never keeps a JVM alive on its own. */
final class DaemonThreads {
  private DaemonThreads() {}

  static ThreadFactory named(String name) {
    return r -> thread(r, name);
  }

  static Thread thread(Runnable task, String name) {
    Thread t = new Thread(task, name);
    t.setDaemon(true);
    return t;
  }
}
