package io.committed.raft;

import java.nio.file.Path;

/** A child JVM for {@link DataDirectoryTest}: holds {@code args[0]}'s lock until its stdin closes. */
public final class LockHolderChild {
  public static void main(String[] args) throws Exception {
    try (DataDirectory d = DataDirectory.open(Path.of(args[0]), "committed", 1)) {
      System.out.println("LOCKED");
      System.out.flush();
      while (System.in.read() >= 0) {
        // holds the lock
      }
    }
  }
}
