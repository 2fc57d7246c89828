package io.committed.sync.http.internal;

import io.committed.api.ConfigException;
import io.committed.spi.PluginConfig;
import io.committed.spi.SyncableContext;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A validated HTTP syncable config:
 *
 * <pre>
 * [http]
 * topic = "order"                     # or topics = [...]; handled by core
 * url = "https://hooks.example.com/orders"
 * method = "POST"                     # or PUT
 * batch = 1                           # entries per request; more than 1 sends a JSON array
 * timeout = "10s"
 * signing_secret = "${HOOK_SECRET}"   # Standard Webhooks: whsec_&lt;base64&gt; or base64
 * position_url = "https://hooks.example.com/orders/position"
 * redirects = "same-origin"           # or "none", "any"
 * ca_file = "/etc/committed/hooks-ca.pem"
 * concurrency = 1
 * [http.headers]
 * X-Tenant = "eu"
 * [http.auth]
 * bearer = "${HOOK_TOKEN}"            # or basic = { user = "app", password = "${HOOK_PASSWORD}" }
 * [http.retry]
 * min = "100ms"
 * max = "30s"
 * attempts = 10
 * </pre>
 *
 * <p>Holds secrets (the authorization header, custom header values, the signing key): {@link
 * #toString} shows none of them, and neither does anything that logs a config.
 *
 * @param syncableId the syncable's id
 * @param url where entries are sent
 * @param method {@code POST} or {@code PUT}
 * @param batch entries per request; 1 sends one JSON object, more send a JSON array
 * @param timeout how long one request may take until its response headers arrive
 * @param headers extra request headers, values resolved (may be secrets)
 * @param authorization the {@code Authorization} header's value, or null
 * @param signingKey the HMAC key of Standard Webhooks signing, or null for unsigned requests
 * @param retry how requests are retried after transient failures
 * @param positionUrl where the receiver reports the last index it applied, or null
 * @param redirects which redirects are followed
 * @param sslContext the TLS context trusting {@code ca_file}, or null for the JVM's default
 */
public record HttpSyncableConfig(String syncableId, URI url, String method, int batch, Duration timeout,
    Map<String, String> headers, String authorization, byte[] signingKey, Retry retry, URI positionUrl,
    Redirects redirects, SSLContext sslContext) {

  /** The fields of the {@code [http]} section. */
  static final Set<String> FIELDS = Set.of("topic", "topics", "url", "method", "batch", "timeout", "headers", "auth",
      "signing_secret", "retry", "concurrency", "position_url", "redirects", "ca_file");
  /** Headers the syncable sets itself or the HTTP client owns. */
  static final Set<String> RESERVED_HEADERS = Set.of("authorization", "content-type", "content-length", "host",
      "connection", "expect", "upgrade", "idempotency-key", "webhook-id", "webhook-timestamp", "webhook-signature",
      "transfer-encoding", "te", "trailer", "keep-alive", "proxy-connection");
  private static final Pattern REFERENCE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}");
  private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
  private static final Pattern BASE64 = Pattern.compile("[A-Za-z0-9+/]+={0,2}");

  /** Which redirects are followed (only 307 and 308, which keep the method and the body). */
  public enum Redirects {
    /** None: a redirect is a transient failure naming the new location. */
    NONE,
    /** Only to the same scheme, host and port (the default). */
    SAME_ORIGIN,
    /** Any https target, or any target when the url is http. */
    ANY
  }

  /**
   * Retries of one request.
   *
   * @param min the first backoff
   * @param max the longest backoff (doubling from {@code min})
   * @param attempts attempts of one request within one {@code sync} call; after that the failure
   *     is reported to the worker (status, metrics), which calls again after its own backoff
   */
  public record Retry(Duration min, Duration max, int attempts) {
    /** The backoff before attempt {@code attempt + 1}, after {@code attempt} failures (1 or more). */
    public Duration delay(int attempt) {
      long nanos = min.toNanos();
      for (int i = 1; i < attempt && nanos < max.toNanos(); i++) {
        nanos *= 2;
      }
      return Duration.ofNanos(Math.min(nanos, max.toNanos()));
    }
  }

  public HttpSyncableConfig {
    headers = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(headers));
    signingKey = signingKey == null ? null : signingKey.clone();
  }

  @Override
  public byte[] signingKey() {
    return signingKey == null ? null : signingKey.clone();
  }

  /** True when requests are signed. */
  public boolean signed() {
    return signingKey != null;
  }

  /** The url without user info or query (which may hold secrets), for messages and logs. */
  public static String redact(URI uri) {
    String port = uri.getPort() < 0 ? "" : ":" + uri.getPort();
    return uri.getScheme() + "://" + uri.getHost() + port + (uri.getRawPath() == null ? "" : uri.getRawPath());
  }

  /** Names no secret: no header value, no credential, no signing key, no query string. */
  @Override
  public String toString() {
    return "HttpSyncableConfig[" + syncableId + ", " + method + " " + redact(url) + ", batch " + batch
        + ", headers " + headers.keySet() + (authorization != null ? ", authorized" : "") + (signed() ? ", signed" : "")
        + (positionUrl != null ? ", position " + redact(positionUrl) : "") + "]";
  }

  /**
   * Reads and checks the syncable's {@code [http]} section.
   *
   * @throws ConfigException naming the field at fault
   */
  public static HttpSyncableConfig parse(SyncableContext context) {
    PluginConfig http = context.config();
    for (String name : http.names()) {
      if (!FIELDS.contains(name.toLowerCase(Locale.ROOT))) {
        throw http.error(name, "is not a field of [" + http.path() + "]: the fields are "
            + String.join(", ", FIELDS.stream().sorted().toList()));
      }
    }
    URI url = url(http, "url", true).orElseThrow();
    String method = resolved(http, "method").orElse("POST").trim().toUpperCase(Locale.ROOT);
    if (!method.equals("POST") && !method.equals("PUT")) {
      throw http.error("method", "must be POST or PUT, not '" + method + "'");
    }
    long batch = http.integer("batch", 1);
    if (batch < 1 || batch > 10_000) {
      throw http.error("batch", "must be between 1 and 10000 (entries per request), not " + batch);
    }
    long concurrency = http.integer("concurrency", 1);
    if (concurrency != 1) {
      throw http.error("concurrency", "must be 1, not " + concurrency + ": requests go one at a time so that the"
          + " receiver sees entries in log order");
    }
    Duration timeout = http.duration("timeout").orElse(Duration.ofSeconds(10));
    if (timeout.toMillis() < 10 || timeout.toMinutes() > 10) {
      throw http.error("timeout", "must be between 10ms and 10m, not " + timeout);
    }
    Map<String, String> headers = headers(http);
    String authorization = authorization(http);
    byte[] signingKey = resolved(http, "signing_secret").map(s -> signingKey(http, s)).orElse(null);
    Retry retry = retry(http);
    URI positionUrl = url(http, "position_url", false).orElse(null);
    Redirects redirects = redirects(http);
    SSLContext ssl = resolved(http, "ca_file").map(f -> trusting(http, f.trim())).orElse(null);
    return new HttpSyncableConfig(context.syncableId(), url, method, (int) batch, timeout, headers, authorization,
        signingKey, retry, positionUrl, redirects, ssl);
  }

  /** A string field with every {@code ${VAR}} resolved; an unset one is an error naming the variable. */
  static Optional<String> resolved(PluginConfig section, String name) {
    Optional<String> value = section.string(name);
    if (value.isPresent()) {
      Matcher m = REFERENCE.matcher(value.get());
      if (m.find()) {
        throw section.error(name, "refers to environment variable " + m.group(1) + ", which is not set on this node:"
            + " set it on every node before defining the syncable");
      }
    }
    return value;
  }

  private static Optional<URI> url(PluginConfig http, String field, boolean required) {
    Optional<String> text = resolved(http, field);
    if (text.isEmpty()) {
      if (required) {
        throw http.error(field, "is required: the endpoint entries are sent to, e.g. https://hooks.example.com/in");
      }
      return Optional.empty();
    }
    String raw = text.get().trim();
    URI uri;
    try {
      uri = new URI(raw);
    } catch (URISyntaxException e) {
      throw http.error(field, "is not a valid URL (" + e.getReason() + " at index " + e.getIndex() + ")");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw http.error(field, "must be an http:// or https:// URL, not '" + (uri.getScheme() == null ? raw
          : uri.getScheme() + ":...") + "'");
    }
    if (uri.getHost() == null || uri.getHost().isEmpty()) {
      throw http.error(field, "has no host: write it as " + scheme + "://host[:port]/path");
    }
    if (uri.getRawUserInfo() != null) {
      throw http.error(field, "must not carry user:password@: configs are stored in the log for good; use "
          + http.path() + ".auth with basic = { user = \"...\", password = \"${VAR}\" }");
    }
    if (uri.getRawFragment() != null) {
      throw http.error(field, "must not have a #fragment (it is never sent)");
    }
    return Optional.of(uri);
  }

  private static Map<String, String> headers(PluginConfig http) {
    Map<String, String> out = new LinkedHashMap<>();
    if (!http.has("headers")) {
      return out;
    }
    PluginConfig h = http.section("headers").orElseThrow(() -> http.error("headers",
        "must be a table of header names to values, e.g. [" + http.path() + ".headers] X-Tenant = \"eu\""));
    for (String name : h.names()) {
      if (!TOKEN.matcher(name).matches()) {
        throw h.error(name, "is not a valid HTTP header name");
      }
      if (RESERVED_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
        throw h.error(name, "is set by the syncable itself (or by the HTTP client) and cannot be configured"
            + (name.equalsIgnoreCase("authorization") ? ": use [" + http.path() + ".auth]" : ""));
      }
      String value = resolved(h, name).orElseThrow(() -> h.error(name, "must be a string"));
      if (value.chars().anyMatch(c -> c == '\r' || c == '\n' || c == 0)) {
        throw h.error(name, "must not contain line breaks");
      }
      out.put(name, value);
    }
    return out;
  }

  private static String authorization(PluginConfig http) {
    if (!http.has("auth")) {
      return null;
    }
    PluginConfig auth = http.section("auth").orElseThrow(() -> http.error("auth",
        "must be a table: bearer = \"${TOKEN}\" or basic = { user = \"...\", password = \"${PASSWORD}\" }"));
    Set<String> names = auth.names();
    if (names.size() != 1) {
      throw http.error("auth", "must name exactly one kind, bearer or basic, not " + (names.isEmpty() ? "none"
          : String.join(" and ", names)));
    }
    String kind = names.iterator().next();
    switch (kind.toLowerCase(Locale.ROOT)) {
      case "bearer" -> {
        String token = resolved(auth, kind).orElseThrow().trim();
        if (token.isEmpty() || !token.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
          throw auth.error(kind, "must be a non-empty token of visible ASCII characters");
        }
        return "Bearer " + token;
      }
      case "basic" -> {
        PluginConfig basic = auth.section(kind).orElseThrow(() -> auth.error(kind,
            "must be a table: basic = { user = \"...\", password = \"${PASSWORD}\" }"));
        String user = resolved(basic, "user").orElseThrow(() -> basic.error("user", "is required"));
        String password = resolved(basic, "password").orElseThrow(() -> basic.error("password", "is required"));
        if (user.indexOf(':') >= 0) {
          throw basic.error("user", "must not contain ':' (basic authentication cannot carry it)");
        }
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
      }
      default -> throw auth.error(kind, "is an unknown auth kind: use bearer = \"${TOKEN}\" or basic = { user = \"...\","
          + " password = \"${PASSWORD}\" }");
    }
  }

  /** Standard Webhooks secrets are base64, optionally prefixed {@code whsec_}; the key is the decoded bytes. */
  private static byte[] signingKey(PluginConfig http, String secret) {
    String s = secret.trim();
    if (s.startsWith("whsec_")) {
      s = s.substring("whsec_".length());
    }
    byte[] key = null;
    if (BASE64.matcher(s).matches()) {
      try {
        key = Base64.getDecoder().decode(s);
      } catch (IllegalArgumentException e) {
        key = null;
      }
    }
    if (key == null || key.length < 16 || key.length > 64) {
      throw http.error("signing_secret", "must be 16 to 64 random bytes in base64, optionally prefixed whsec_, as"
          + " Standard Webhooks verifiers expect (generate one with: openssl rand -base64 32)");
    }
    return key;
  }

  private static Retry retry(PluginConfig http) {
    if (!http.has("retry")) {
      return new Retry(Duration.ofMillis(100), Duration.ofSeconds(30), 10);
    }
    PluginConfig r = http.section("retry").orElseThrow(() -> http.error("retry",
        "must be a table: retry = { min = \"100ms\", max = \"30s\", attempts = 10 }"));
    Duration min = r.duration("min").orElse(Duration.ofMillis(100));
    Duration max = r.duration("max").orElse(min.compareTo(Duration.ofSeconds(30)) > 0 ? min : Duration.ofSeconds(30));
    if (min.isNegative() || min.isZero() || min.toHours() > 1) {
      throw r.error("min", "must be between 1ms and 1h, not " + min);
    }
    if (max.compareTo(min) < 0 || max.toHours() > 1) {
      throw r.error("max", "must be between " + r.path() + ".min (" + min + ") and 1h, not " + max);
    }
    long attempts = r.integer("attempts", 10);
    if (attempts < 1 || attempts > 1000) {
      throw r.error("attempts", "must be between 1 and 1000, not " + attempts);
    }
    return new Retry(min, max, (int) attempts);
  }

  private static Redirects redirects(PluginConfig http) {
    String value = resolved(http, "redirects").orElse("same-origin").trim().toLowerCase(Locale.ROOT);
    return switch (value) {
      case "none" -> Redirects.NONE;
      case "same-origin" -> Redirects.SAME_ORIGIN;
      case "any" -> Redirects.ANY;
      default -> throw http.error("redirects", "must be \"same-origin\", \"none\" or \"any\", not '" + value + "'");
    };
  }

  /** A TLS context trusting the PEM certificates of {@code file} (instead of the JVM's default CAs). */
  private static SSLContext trusting(PluginConfig http, String file) {
    Collection<? extends Certificate> certs;
    try (InputStream in = Files.newInputStream(Path.of(file))) {
      certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
    } catch (IOException e) {
      throw http.error("ca_file", "cannot be read on this node: " + e);
    } catch (GeneralSecurityException e) {
      throw http.error("ca_file", "holds no readable PEM certificate: " + e.getMessage());
    }
    if (certs.isEmpty()) {
      throw http.error("ca_file", "holds no certificate");
    }
    try {
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      int i = 0;
      for (Certificate c : certs) {
        store.setCertificateEntry("ca-" + i++, c);
      }
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(store);
      SSLContext ssl = SSLContext.getInstance("TLS");
      ssl.init(null, tmf.getTrustManagers(), null);
      return ssl;
    } catch (IOException | GeneralSecurityException e) {
      throw http.error("ca_file", "cannot be used as a trust store: " + e);
    }
  }
}
