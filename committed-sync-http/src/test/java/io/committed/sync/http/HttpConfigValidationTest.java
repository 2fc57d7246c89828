package io.committed.sync.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.committed.Committed;
import io.committed.CommittedLog;
import io.committed.api.ConfigException;
import io.committed.sync.http.internal.HttpSyncableConfig;
import io.committed.testkit.LogFixtures;
import io.committed.testkit.TestSyncableContext;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Config checks, through the path a user takes ({@code log.syncables().define}, which validates
 * with unset variables left as written): each bad config is refused with a {@link ConfigException}
 * naming the field, and nothing is written.
 */
class HttpConfigValidationTest {
  private static final Map<String, String> ENV = Map.of("HOOK_TOKEN", "t0ken", "HOOK_SECRET",
      "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "HOOK_HOST", "127.0.0.1:1", "HOOK_PASSWORD", "pw");
  private CommittedLog log;

  @BeforeEach
  void start() {
    log = Committed.builder().inMemory().environment(ENV::get).start();
    LogFixtures.defineTypes(log, "order");
  }

  @AfterEach
  void stop() {
    log.close();
  }

  static String syncable(String http) {
    return """
        [syncable]
        type = "http"
        [http]
        topic = "order"
        """ + http;
  }

  @Test
  void aFullConfigIsAcceptedAndRead() {
    String doc = syncable("""
        url = "https://${HOOK_HOST}/hooks/orders?tenant=eu"
        method = "put"
        batch = 100
        timeout = "2s"
        signing_secret = "${HOOK_SECRET}"
        position_url = "https://${HOOK_HOST}/hooks/orders/position"
        redirects = "none"
        concurrency = 1
        [http.headers]
        X-Tenant = "eu"
        [http.auth]
        bearer = "${HOOK_TOKEN}"
        [http.retry]
        min = "5ms"
        max = "1s"
        attempts = 3
        """);
    assertThat(log.syncables().define("orders", doc).version()).isEqualTo(1);

    HttpSyncableConfig c = HttpSyncableConfig.parse(TestSyncableContext.builder().syncableId("orders").document(doc)
        .environment(ENV).build());
    assertThat(c.url().toString()).isEqualTo("https://127.0.0.1:1/hooks/orders?tenant=eu");
    assertThat(c.method()).isEqualTo("PUT");
    assertThat(c.batch()).isEqualTo(100);
    assertThat(c.timeout()).isEqualTo(Duration.ofSeconds(2));
    assertThat(c.authorization()).isEqualTo("Bearer t0ken");
    assertThat(c.signed()).isTrue();
    assertThat(c.headers()).containsExactly(Map.entry("X-Tenant", "eu"));
    assertThat(c.retry()).isEqualTo(new HttpSyncableConfig.Retry(Duration.ofMillis(5), Duration.ofSeconds(1), 3));
    assertThat(c.redirects()).isEqualTo(HttpSyncableConfig.Redirects.NONE);
    assertThat(c.positionUrl()).hasToString("https://127.0.0.1:1/hooks/orders/position");
  }

  @Test
  void defaultsAreOneEntryPerPostUnsigned() {
    HttpSyncableConfig c = HttpSyncableConfig.parse(TestSyncableContext.builder()
        .document(syncable("url = \"http://localhost:8080/in\"\n")).build());
    assertThat(c.method()).isEqualTo("POST");
    assertThat(c.batch()).isEqualTo(1);
    assertThat(c.timeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(c.signed()).isFalse();
    assertThat(c.authorization()).isNull();
    assertThat(c.redirects()).isEqualTo(HttpSyncableConfig.Redirects.SAME_ORIGIN);
    assertThat(c.retry()).isEqualTo(new HttpSyncableConfig.Retry(Duration.ofMillis(100), Duration.ofSeconds(30), 10));
  }

  @Test
  void basicAuthIsEncoded() {
    HttpSyncableConfig c = HttpSyncableConfig.parse(TestSyncableContext.builder().environment(ENV)
        .document(syncable("""
            url = "http://localhost:8080/in"
            [http.auth]
            basic = { user = "app", password = "${HOOK_PASSWORD}" }
            """)).build());
    assertThat(c.authorization()).isEqualTo("Basic YXBwOnB3"); // base64("app:pw")
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', quoteCharacter = '\'', value = {
      "no url | method = \"POST\" | http.url | is required",
      "not a URL | url = \"http://exa mple.com/\" | http.url | not a valid URL",
      "ftp URL | url = \"ftp://example.com/in\" | http.url | http:// or https://",
      "relative URL | url = \"/hooks\" | http.url | http:// or https://",
      "no host | url = \"http:///hooks\" | http.url | has no host",
      "credentials in URL | url = \"https://u:p@example.com/\" | http.url | user:password@",
      "unset variable in URL | url = \"https://${NOPE}/in\" | http.url | environment variable NOPE, which is not set",
      "bad method | url = \"http://h/\"\\nmethod = \"GET\" | http.method | must be POST or PUT",
      "batch 0 | url = \"http://h/\"\\nbatch = 0 | http.batch | between 1 and 10000",
      "negative batch | url = \"http://h/\"\\nbatch = -5 | http.batch | between 1 and 10000",
      "batch not a number | url = \"http://h/\"\\nbatch = \"many\" | http.batch | integer",
      "concurrency 2 | url = \"http://h/\"\\nconcurrency = 2 | http.concurrency | must be 1",
      "unknown auth kind | url = \"http://h/\"\\n[http.auth]\\ndigest = \"${HOOK_TOKEN}\" | http.auth.digest | unknown auth kind",
      "two auth kinds | url = \"http://h/\"\\n[http.auth]\\nbearer = \"${HOOK_TOKEN}\"\\nbasic = { user = \"a\", password = \"${HOOK_PASSWORD}\" } | http.auth | exactly one kind",
      "unset bearer variable | url = \"http://h/\"\\n[http.auth]\\nbearer = \"${NO_TOKEN}\" | http.auth.bearer | NO_TOKEN, which is not set",
      "basic without password | url = \"http://h/\"\\n[http.auth]\\nbasic = { user = \"a\" } | http.auth.basic.password | is required",
      "unset signing secret | url = \"http://h/\"\\nsigning_secret = \"${NO_SECRET}\" | http.signing_secret | NO_SECRET",
      "reserved header | url = \"http://h/\"\\n[http.headers]\\nIdempotency-Key = \"x\" | http.headers.Idempotency-Key | set by the syncable",
      "authorization header | url = \"http://h/\"\\n[http.headers]\\nAuthorization = \"${HOOK_TOKEN}\" | http.headers.Authorization | use [http.auth]",
      "unset header variable | url = \"http://h/\"\\n[http.headers]\\nX-Key = \"${NO_KEY}\" | http.headers.X-Key | NO_KEY",
      "bad redirects | url = \"http://h/\"\\nredirects = \"all\" | http.redirects | same-origin",
      "zero backoff | url = \"http://h/\"\\nretry = { min = \"0ms\" } | http.retry.min | between 1ms and 1h",
      "max below min | url = \"http://h/\"\\nretry = { min = \"2s\", max = \"1s\" } | http.retry.max | between",
      "no attempts | url = \"http://h/\"\\nretry = { attempts = 0 } | http.retry.attempts | between 1 and 1000",
      "tiny timeout | url = \"http://h/\"\\ntimeout = \"1ms\" | http.timeout | between 10ms and 10m",
      "bad position URL | url = \"http://h/\"\\nposition_url = \"h/pos\" | http.position_url | http:// or https://",
      "missing CA file | url = \"https://h/\"\\nca_file = \"/nonexistent/ca.pem\" | http.ca_file | cannot be read",
      "misspelt field | url = \"http://h/\"\\nsigning_secert = \"${HOOK_SECRET}\" | http.signing_secert | not a field",
  })
  void aBadConfigIsRefusedNamingTheField(String what, String http, String field, String message) {
    String doc = syncable(http.replace("\\n", "\n"));
    assertThatThrownBy(() -> log.syncables().define("orders", doc))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(message)
        .satisfies(e -> assertThat(((ConfigException) e).field()).contains(field));
    assertThat(log.syncables().list()).isEmpty();
  }

  @Test
  void aSigningSecretThatIsNotBase64IsRefused() {
    Map<String, String> env = Map.of("S", "not base64!", "SHORT", "whsec_c2hvcnQ=");
    for (String var : new String[] {"S", "SHORT"}) {
      assertThatThrownBy(() -> HttpSyncableConfig.parse(TestSyncableContext.builder().environment(env)
          .document(syncable("url = \"http://h/\"\nsigning_secret = \"${" + var + "}\"\n")).build()))
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining("openssl rand -base64 32")
          .hasMessageNotContaining(env.get(var));
    }
  }

  @Test
  void anUnsetVariableWhenTheConfigIsUsedNamesTheFieldAndTheVariable() {
    assertThatThrownBy(() -> HttpSyncableConfig.parse(TestSyncableContext.builder()
        .document(syncable("url = \"http://h/\"\n[http.auth]\nbearer = \"${HOOK_TOKEN}\"\n")).build()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("http.auth.bearer")
        .hasMessageContaining("HOOK_TOKEN");
  }

  @Test
  void toStringShowsNoSecret() {
    HttpSyncableConfig c = HttpSyncableConfig.parse(TestSyncableContext.builder().syncableId("orders").environment(ENV)
        .document(syncable("""
            url = "https://example.com/in?api_key=querysecret"
            signing_secret = "${HOOK_SECRET}"
            [http.headers]
            X-Api-Key = "${HOOK_PASSWORD}-headersecret"
            [http.auth]
            bearer = "${HOOK_TOKEN}"
            """)).build());
    assertThat(c.toString()).contains("orders", "https://example.com/in", "X-Api-Key", "signed", "authorized")
        .doesNotContain("t0ken", "querysecret", "headersecret", "MfKQ9r8", "Bearer");
  }
}
