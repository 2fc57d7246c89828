package io.committed.raft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.committed.Committed;
import io.committed.CommittedLog;
import io.committed.api.CommittedException;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One node per data directory, and a directory only for the group and node it was made for. */
class DataDirectoryTest {
  @TempDir
  Path dir;

  @Test
  void aSecondLogInThisJvmOnTheSameDirectoryIsRefusedAndTheFirstKeepsItsLock() throws Exception {
    try (CommittedLog first = node(1, "committed").start()) {
      assertThatThrownBy(() -> node(1, "committed").start())
          .isInstanceOf(CommittedException.class)
          .hasMessageContaining("the data directory " + dir + " is in use by another log in this JVM")
          .hasMessageContaining(DataDirectory.LOCK_FILE);
      // the refusal did not open and close the lock file: the lock is still held at the OS level
      assertThat(lockedByAnotherProcess()).isTrue();
      assertThat(first.status().nodeId()).isEqualTo(1);
    }
    try (CommittedLog again = node(1, "committed").start()) {
      assertThat(again.status().nodeId()).isEqualTo(1);
    }
  }

  @Test
  void aDirectoryHeldByAnotherProcessIsRefusedNamingItsPidAndFreedWhenItIsKilled() throws Exception {
    Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
        System.getProperty("java.class.path"), LockHolderChild.class.getName(), dir.toString())
        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
      assertThat(out.readLine()).isEqualTo("LOCKED");
      assertThatThrownBy(() -> node(1, "committed").start())
          .isInstanceOf(CommittedException.class)
          .hasMessageContaining("is in use by another process (pid " + child.pid() + ")");
    } finally {
      child.destroyForcibly(); // SIGKILL: the OS releases the lock, no clean-up needed
      assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }
    try (CommittedLog log = node(1, "committed").start()) {
      assertThat(log.status().nodeId()).isEqualTo(1);
    }
  }

  @Test
  void aDirectoryOfAnotherGroupOrNodeIsRefused() {
    node(1, "orders").start().close();
    assertThatThrownBy(() -> node(1, "payments").start())
        .isInstanceOf(CommittedException.class)
        .hasMessageContaining("belongs to group 'orders' (node 1), not to group 'payments'");
    assertThatThrownBy(() -> node(2, "orders").start())
        .isInstanceOf(CommittedException.class)
        .hasMessageContaining("holds node 1 of group 'orders', not node 2");
    // and the refusals changed nothing
    node(1, "orders").start().close();
  }

  @Test
  void theIdentityFileIsWrittenOnceAndReadBack() throws Exception {
    DataDirectory.open(dir, "g", 7).close();
    String text = Files.readString(dir.resolve(DataDirectory.IDENTITY_FILE));
    assertThat(text).contains("groupId=g\n", "nodeId=7\n").containsPattern("crc32c=[0-9a-f]+\n$");
    DataDirectory.open(dir, "g", 7).close();
    assertThat(Files.readString(dir.resolve(DataDirectory.IDENTITY_FILE))).isEqualTo(text);
  }

  @Test
  void aDirectoryWithDataButNoIdentityFileIsAdopted() throws Exception {
    // as written by releases before the identity file existed
    Files.createDirectories(dir.resolve("raft/meta"));
    Files.write(dir.resolve("raft/meta/raft_meta"), new byte[] {1});
    DataDirectory.open(dir, "g", 2).close();
    assertThatThrownBy(() -> DataDirectory.open(dir, "g", 3)).hasMessageContaining("holds node 2");
  }

  @Test
  void aDamagedIdentityFileIsRefusedNamingIt() throws Exception {
    Path file = dir.resolve(DataDirectory.IDENTITY_FILE);
    DataDirectory.open(dir, "g", 1).close();
    byte[] good = Files.readAllBytes(file);
    for (byte[] bad : List.of(java.util.Arrays.copyOf(good, good.length / 2), flip(good, good.length - 15),
        flip(good, new String(good, StandardCharsets.UTF_8).indexOf("nodeId=1") + 7), new byte[0])) {
      Files.write(file, bad);
      assertThatThrownBy(() -> DataDirectory.open(dir, "g", 1))
          .isInstanceOf(CommittedException.class)
          .hasMessageContaining("identity file " + file + " is damaged");
    }
    // the way out the message gives: delete it, and the node writes it again
    Files.delete(file);
    DataDirectory.open(dir, "g", 1).close();
    assertThat(Files.readAllBytes(file)).isEqualTo(good);
  }

  private static byte[] flip(byte[] b, int at) {
    byte[] c = b.clone();
    c[at] ^= 0x01;
    return c;
  }

  private boolean lockedByAnotherProcess() throws Exception {
    // a child JVM tries the lock: in this JVM, opening the file again could release it (Linux fcntl locks)
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
        System.getProperty("java.class.path"), LockHolderChild.class.getName(), dir.toString())
        .redirectErrorStream(true).start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor(30, TimeUnit.SECONDS);
    return out.contains("is in use by another process");
  }

  private io.committed.CommittedBuilder node(int id, String group) {
    return Committed.builder().groupId(group).nodeId(id).peers(id + "=127.0.0.1:" + RaftCluster.freePort()).dataDir(dir)
        .engineOption("electionTimeoutMs", "300");
  }
}
