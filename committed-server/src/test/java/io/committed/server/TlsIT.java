package io.committed.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.committed.api.ConfigException;
import io.committed.server.support.ApiClient;
import io.committed.server.support.TestNode;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The API over TLS, with and without client certificates, from PEM files made by the JDK's keytool. */
class TlsIT {
  private static final char[] PASS = "changeit".toCharArray();

  @TempDir
  static Path dir;
  private static KeyStore server;
  private static KeyStore client;

  @BeforeAll
  static void certificates() throws Exception {
    server = keytool("server", "CN=localhost", "SAN=dns:localhost,ip:127.0.0.1");
    client = keytool("client", "CN=committed-test-client", null);
    pem(server, "server");
    pem(client, "client");
  }

  @Test
  void theApiServesHttpsFromPemFiles() throws Exception {
    try (TestNode node = TestNode.start(Map.of(
        "COMMITTED_HTTP_TLS_CERT_FILE", dir.resolve("server.crt").toString(),
        "COMMITTED_HTTP_TLS_KEY_FILE", dir.resolve("server.key").toString()))) {
      assertThat(node.server().uri().getScheme()).isEqualTo("https");
      ApiClient api = new ApiClient(node.server().uri(), null, client(false));
      api.postToml("/v1/type/t", "[type]\nname = \"t\"\n").expect(200);
      api.postJson("/v1/proposal", "{\"entities\":[{\"typeId\":\"t\",\"key\":\"k\",\"data\":1}]}").expect(200);
      assertThat(api.get("/v1/cluster/status").expect(200).json().get("lastIndex").asLong()).isEqualTo(1);

      HttpRequest plain = HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + node.server().port()
          + "/health")).timeout(Duration.ofSeconds(10)).build();
      int status;
      try {
        status = HttpClient.newHttpClient().send(plain, HttpResponse.BodyHandlers.ofString()).statusCode();
      } catch (java.io.IOException e) {
        status = -1; // the TLS connector hangs up on plain HTTP
      }
      assertThat(status).as("plain HTTP on the TLS port").isNotEqualTo(200);
    }
  }

  @Test
  void aClientCaRequiresClientCertificates() throws Exception {
    try (TestNode node = TestNode.start(Map.of(
        "COMMITTED_HTTP_TLS_CERT_FILE", dir.resolve("server.crt").toString(),
        "COMMITTED_HTTP_TLS_KEY_FILE", dir.resolve("server.key").toString(),
        "COMMITTED_HTTP_TLS_CLIENT_CA_FILE", dir.resolve("client.crt").toString()))) {
      HttpRequest health = HttpRequest.newBuilder(node.server().uri().resolve("/health"))
          .timeout(Duration.ofSeconds(10)).build();
      assertThatThrownBy(() -> client(false).send(health, HttpResponse.BodyHandlers.ofString()))
          .isInstanceOf(java.io.IOException.class);
      assertThat(client(true).send(health, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
    }
  }

  @Test
  void unusableTlsFilesStopTheStartNamingTheVariable() throws Exception {
    Files.writeString(dir.resolve("garbage.key"), "not a key");
    assertThatThrownBy(() -> TestNode.start(Map.of(
        "COMMITTED_HTTP_TLS_CERT_FILE", dir.resolve("server.crt").toString(),
        "COMMITTED_HTTP_TLS_KEY_FILE", dir.resolve("garbage.key").toString())))
        .isInstanceOf(ConfigException.class).hasMessageContaining("COMMITTED_HTTP_TLS_KEY_FILE");
    assertThatThrownBy(() -> TestNode.start(Map.of(
        "COMMITTED_HTTP_TLS_CERT_FILE", dir.resolve("server.crt").toString(),
        "COMMITTED_HTTP_TLS_KEY_FILE", dir.resolve("client.key").toString())))
        .isInstanceOf(ConfigException.class).hasMessageContaining("COMMITTED_HTTP_TLS_KEY_FILE")
        .hasMessageContaining("does not match");
    assertThatThrownBy(() -> TestNode.start(Map.of(
        "COMMITTED_HTTP_TLS_CERT_FILE", dir.resolve("missing.crt").toString(),
        "COMMITTED_HTTP_TLS_KEY_FILE", dir.resolve("server.key").toString())))
        .isInstanceOf(ConfigException.class).hasMessageContaining("COMMITTED_HTTP_TLS_CERT_FILE");
  }

  private static HttpClient client(boolean withCertificate) throws Exception {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("server", server.getCertificate("server"));
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(client, PASS);
    SSLContext ssl = SSLContext.getInstance("TLS");
    ssl.init(withCertificate ? kmf.getKeyManagers() : null, tmf.getTrustManagers(), null);
    return HttpClient.newBuilder().sslContext(ssl).connectTimeout(Duration.ofSeconds(10)).build();
  }

  /** A self-signed key pair made by the JDK's keytool (a child process), loaded back. */
  private static KeyStore keytool(String alias, String dname, String san) throws Exception {
    Path store = dir.resolve(alias + ".p12");
    String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
    java.util.List<String> cmd = new java.util.ArrayList<>(java.util.List.of(keytool, "-genkeypair", "-alias", alias,
        "-keyalg", "RSA", "-keysize", "2048", "-dname", dname, "-validity", "2", "-storetype", "PKCS12",
        "-keystore", store.toString(), "-storepass", new String(PASS), "-keypass", new String(PASS)));
    if (san != null) {
      cmd.add("-ext");
      cmd.add(san);
    }
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    try (InputStream out = p.getInputStream()) {
      String text = new String(out.readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("keytool finished").isTrue();
      assertThat(p.exitValue()).as("keytool: %s", text).isZero();
    }
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(store)) {
      ks.load(in, PASS);
    }
    return ks;
  }

  private static void pem(KeyStore ks, String alias) throws Exception {
    Certificate cert = ks.getCertificate(alias);
    PrivateKey key = (PrivateKey) ks.getKey(alias, PASS);
    Base64.Encoder b64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII));
    Files.writeString(dir.resolve(alias + ".crt"), "-----BEGIN CERTIFICATE-----\n"
        + b64.encodeToString(cert.getEncoded()) + "\n-----END CERTIFICATE-----\n");
    Files.writeString(dir.resolve(alias + ".key"), "-----BEGIN PRIVATE KEY-----\n"
        + b64.encodeToString(key.getEncoded()) + "\n-----END PRIVATE KEY-----\n");
  }
}
