package io.committed.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.util.Arrays;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PemTest {
  @TempDir
  Path dir;

  private Path pem(String type, byte[] der) throws Exception {
    Path f = dir.resolve(type.replace(' ', '_') + ".pem");
    Files.writeString(f, "junk before\n-----BEGIN " + type + "-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
        + "\n-----END " + type + "-----\n");
    return f;
  }

  @Test
  void pkcs8KeysOfEachAlgorithmLoadAndMatchTheirPublicKey() throws Exception {
    for (String algorithm : new String[] {"RSA", "EC", "Ed25519"}) {
      KeyPair pair = KeyPairGenerator.getInstance(algorithm).generateKeyPair();
      PrivateKey key = Pem.privateKey(pem("PRIVATE KEY", pair.getPrivate().getEncoded()), "VAR");
      assertThat(key.getAlgorithm()).isIn(algorithm, "EdDSA");
      assertThat(Pem.matches(key, pair.getPublic())).as(algorithm).isTrue();
      assertThat(Pem.matches(key, KeyPairGenerator.getInstance(algorithm).generateKeyPair().getPublic()))
          .as("%s with another key's public key", algorithm).isFalse();
    }
  }

  @Test
  void pkcs1RsaKeysAreWrappedIntoPkcs8() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(2048);
    KeyPair pair = g.generateKeyPair();
    byte[] pkcs8 = pair.getPrivate().getEncoded();
    byte[] pkcs1 = innerPkcs1(pkcs8);
    assertThat(Pem.wrapPkcs1(pkcs1)).isEqualTo(pkcs8);
    PrivateKey key = Pem.privateKey(pem("RSA PRIVATE KEY", pkcs1), "VAR");
    assertThat(key.getEncoded()).isEqualTo(pkcs8);
  }

  /** The RSAPrivateKey inside a PrivateKeyInfo: the content of its OCTET STRING. */
  private static byte[] innerPkcs1(byte[] pkcs8) {
    int i = 1 + lengthBytes(pkcs8, 1); // SEQUENCE header
    i += 3; // INTEGER 0
    i += 2 + (pkcs8[i + 1] & 0xff); // AlgorithmIdentifier
    int len = length(pkcs8, i + 1);
    int start = i + 1 + lengthBytes(pkcs8, i + 1);
    return Arrays.copyOfRange(pkcs8, start, start + len);
  }

  private static int lengthBytes(byte[] der, int at) {
    return (der[at] & 0x80) == 0 ? 1 : 1 + (der[at] & 0x7f);
  }

  private static int length(byte[] der, int at) {
    if ((der[at] & 0x80) == 0) {
      return der[at];
    }
    int n = 0;
    for (int k = 1; k <= (der[at] & 0x7f); k++) {
      n = (n << 8) | (der[at + k] & 0xff);
    }
    return n;
  }

  @Test
  void unsupportedKeysSayHowToConvertThem() throws Exception {
    assertThatThrownBy(() -> Pem.privateKey(pem("ENCRYPTED PRIVATE KEY", new byte[] {1}), "COMMITTED_X"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("COMMITTED_X").hasMessageContaining("openssl pkcs8");
    assertThatThrownBy(() -> Pem.privateKey(pem("EC PRIVATE KEY", new byte[] {1}), "COMMITTED_X"))
        .hasMessageContaining("-topk8");
    assertThatThrownBy(() -> Pem.privateKey(pem("CERTIFICATE", new byte[] {1}), "COMMITTED_X"))
        .hasMessageContaining("holds no PEM private key");
    assertThatThrownBy(() -> Pem.privateKey(dir.resolve("absent.pem"), "COMMITTED_X"))
        .hasMessageContaining("cannot be read");
    assertThatThrownBy(() -> Pem.certificates(pem("CERTIFICATE", new byte[] {1, 2}), "COMMITTED_Y"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("COMMITTED_Y");
  }
}
