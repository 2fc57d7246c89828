package io.committed.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A certificate authority for tests, made with the JDK's {@code keytool} (child processes), that
 * issues certificates as PEM files: what {@code Committed.builder().peerTls(...)} and the node's
 * {@code COMMITTED_TLS_*} and {@code COMMITTED_HTTP_TLS_*} variables take. EC P-256 keys, valid
 * for two days.
 *
 * <pre>{@code
 * TestCertificates ca = TestCertificates.authority(dir.resolve("ca"), "Test CA");
 * TestCertificates.Issued node1 = ca.issue("node-1", "ip:127.0.0.1", "dns:localhost");
 * builder.peerTls(node1.certFile(), node1.keyFile(), ca.caFile());
 * }</pre>
 */
public final class TestCertificates {
  private static final String PASSWORD = "changeit";

  private final Path dir;
  private final Path store;
  private final Path caFile;

  /**
   * A certificate of this authority.
   *
   * @param certFile the PEM certificate chain (the certificate, then the CA's)
   * @param keyFile its PEM private key (PKCS#8, {@code BEGIN PRIVATE KEY})
   */
  public record Issued(Path certFile, Path keyFile) {}

  private TestCertificates(Path dir, Path store, Path caFile) {
    this.dir = dir;
    this.store = store;
    this.caFile = caFile;
  }

  /** A new CA named {@code name}, its files in {@code dir} (created). */
  public static TestCertificates authority(Path dir, String name) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new IllegalStateException("cannot create " + dir + ": " + e, e);
    }
    Path store = dir.resolve("ca.p12");
    Path caFile = dir.resolve("ca.pem");
    keytool("-genkeypair", "-keystore", store.toString(), "-alias", "ca", "-dname", "CN=" + name, "-keyalg", "EC",
        "-groupname", "secp256r1", "-validity", "2", "-ext", "bc:c", "-ext", "ku:c=keyCertSign,cRLSign");
    keytool("-exportcert", "-rfc", "-keystore", store.toString(), "-alias", "ca", "-file", caFile.toString());
    return new TestCertificates(dir, store, caFile);
  }

  /** The CA's certificate, PEM. */
  public Path caFile() {
    return caFile;
  }

  /**
   * Issues a certificate for {@code alias} (its common name) usable by a TLS server and client,
   * naming {@code subjectAltNames} ({@code ip:127.0.0.1}, {@code dns:localhost}, ...).
   */
  public Issued issue(String alias, String... subjectAltNames) {
    Path keys = dir.resolve(alias + ".p12");
    Path csr = dir.resolve(alias + ".csr");
    Path signed = dir.resolve(alias + ".signed.pem");
    keytool("-genkeypair", "-keystore", keys.toString(), "-alias", alias, "-dname", "CN=" + alias, "-keyalg", "EC",
        "-groupname", "secp256r1", "-validity", "2");
    keytool("-certreq", "-keystore", keys.toString(), "-alias", alias, "-file", csr.toString());
    List<String> gencert = new ArrayList<>(List.of("-gencert", "-keystore", store.toString(), "-alias", "ca",
        "-infile", csr.toString(), "-outfile", signed.toString(), "-rfc", "-validity", "2", "-ext",
        "eku=serverAuth,clientAuth"));
    if (subjectAltNames.length > 0) {
      gencert.add("-ext");
      gencert.add("san=" + String.join(",", subjectAltNames));
    }
    keytool(gencert.toArray(String[]::new));
    Path certFile = dir.resolve(alias + ".crt.pem");
    Path keyFile = dir.resolve(alias + ".key.pem");
    try {
      Files.writeString(certFile, Files.readString(signed) + Files.readString(caFile));
      KeyStore ks = KeyStore.getInstance("PKCS12");
      try (InputStream in = Files.newInputStream(keys)) {
        ks.load(in, PASSWORD.toCharArray());
      }
      Key key = ks.getKey(alias, PASSWORD.toCharArray());
      Files.writeString(keyFile, "-----BEGIN PRIVATE KEY-----\n"
          + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(key.getEncoded())
          + "\n-----END PRIVATE KEY-----\n");
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot write the PEM files of " + alias + ": " + e, e);
    }
    return new Issued(certFile, keyFile);
  }

  private static void keytool(String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    cmd.addAll(List.of(args));
    cmd.addAll(List.of("-storetype", "PKCS12", "-storepass", PASSWORD, "-keypass", PASSWORD));
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IllegalStateException("keytool " + String.join(" ", args) + " failed: " + out);
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot run keytool: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running keytool", e);
    }
  }
}
