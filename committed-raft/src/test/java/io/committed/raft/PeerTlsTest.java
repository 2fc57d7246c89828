package io.committed.raft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.committed.api.ConfigException;
import io.committed.testkit.TestCertificates;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading and reloading the TLS files; the handshakes themselves are in {@code RaftTlsIT}. */
class PeerTlsTest {
  @TempDir
  static Path dir;

  private static TestCertificates ca;
  private static TestCertificates.Issued one;
  private static TestCertificates.Issued two;

  @BeforeAll
  static void certificates() {
    ca = TestCertificates.authority(dir.resolve("ca"), "Test CA");
    one = ca.issue("one", "ip:127.0.0.1");
    two = ca.issue("two", "ip:127.0.0.1");
  }

  @Test
  void anUnusableFileAtStartNamesItsOption() {
    assertThatThrownBy(() -> new PeerTls(dir.resolve("absent.pem"), one.keyFile(), ca.caFile(), "n"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("tlsCertFile").hasMessageContaining("absent.pem");
    assertThatThrownBy(() -> new PeerTls(one.certFile(), two.keyFile(), ca.caFile(), "n"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("tlsKeyFile").hasMessageContaining("does not match");
    assertThatThrownBy(() -> new PeerTls(one.certFile(), one.keyFile(), one.keyFile(), "n"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("tlsCaFile");
  }

  @Test
  void aChangeIsUsedWhenItCanBeAndTheOldFilesStayInUseWhenItCannot() throws Exception {
    Path d = Files.createDirectories(dir.resolve("reload"));
    Path cert = Files.copy(one.certFile(), d.resolve("cert.pem"));
    Path key = Files.copy(one.keyFile(), d.resolve("key.pem"));
    PeerTls tls = new PeerTls(cert, key, ca.caFile(), "n");
    assertThat(tls.contextsInUse()).isSameAs(tls.contextsInUse());
    Object before = tls.contextsInUse();

    replace(two.certFile(), cert); // the key is still one's: unusable, the old pair stays
    assertThat(tls.serverHandler()).isNotNull();
    assertThat(tls.contextsInUse()).isSameAs(before);
    Files.writeString(key, "half a key"); // gone bad: still the old pair
    assertThat(tls.clientHandler("127.0.0.1", 1)).isNotNull();
    assertThat(tls.contextsInUse()).isSameAs(before);

    replace(two.keyFile(), key); // now a matching pair: used for the next connection
    tls.serverHandler();
    assertThat(tls.contextsInUse()).isNotSameAs(before);
  }

  private static void replace(Path from, Path to) throws Exception {
    Path tmp = to.resolveSibling(to.getFileName() + ".tmp");
    Files.copy(from, tmp, StandardCopyOption.REPLACE_EXISTING);
    Files.move(tmp, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
