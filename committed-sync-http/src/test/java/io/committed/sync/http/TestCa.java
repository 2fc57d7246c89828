package io.committed.sync.http;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * A certificate authority made in the test with the JDK's keytool: a CA, and a server certificate
 * it signed for 127.0.0.1 and localhost.
 *
 * @param caPem the CA's certificate, PEM (what {@code ca_file} names)
 * @param server the server's TLS context
 */
record TestCa(Path caPem, SSLContext server) {
  private static final String PASSWORD = "changeit";

  static TestCa create(Path dir) throws Exception {
    Path ca = dir.resolve("ca.p12");
    Path srv = dir.resolve("server.p12");
    Path caPem = dir.resolve("ca.pem");
    Path csr = dir.resolve("server.csr");
    Path signed = dir.resolve("server.pem");
    keytool("-genkeypair", "-keystore", ca.toString(), "-alias", "ca", "-dname", "CN=Committed Test CA",
        "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2", "-ext", "bc:c");
    keytool("-exportcert", "-rfc", "-keystore", ca.toString(), "-alias", "ca", "-file", caPem.toString());
    keytool("-genkeypair", "-keystore", srv.toString(), "-alias", "server", "-dname", "CN=localhost",
        "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2");
    keytool("-certreq", "-keystore", srv.toString(), "-alias", "server", "-file", csr.toString());
    keytool("-gencert", "-keystore", ca.toString(), "-alias", "ca", "-infile", csr.toString(), "-outfile",
        signed.toString(), "-rfc", "-validity", "2", "-ext", "san=ip:127.0.0.1,dns:localhost", "-ext",
        "eku=serverAuth");
    keytool("-importcert", "-noprompt", "-keystore", srv.toString(), "-alias", "ca", "-file", caPem.toString());
    keytool("-importcert", "-keystore", srv.toString(), "-alias", "server", "-file", signed.toString());
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(srv)) {
      ks.load(in, PASSWORD.toCharArray());
    }
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, PASSWORD.toCharArray());
    SSLContext ssl = SSLContext.getInstance("TLS");
    ssl.init(kmf.getKeyManagers(), null, null);
    return new TestCa(caPem, ssl);
  }

  private static void keytool(String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    cmd.addAll(List.of(args));
    cmd.addAll(List.of("-storetype", "PKCS12", "-storepass", PASSWORD));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException("keytool " + String.join(" ", args) + " failed: " + out);
    }
  }
}
