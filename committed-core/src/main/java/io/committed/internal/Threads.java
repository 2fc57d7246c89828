package io.committed.internal;

import java.util.concurrent.ThreadFactory;

/** Named daemon threads: the log's threads never keep a JVM alive on their own. */
public final class Threads {
  private Threads() {}

  public static Thread daemon(Runnable task, String name) {
    Thread t = new Thread(task, name);
    t.setDaemon(true);
    return t;
  }

  public static ThreadFactory daemonFactory(String name) {
    return task -> daemon(task, name);
  }
}
