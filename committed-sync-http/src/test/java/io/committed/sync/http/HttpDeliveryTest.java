package io.committed.sync.http;

import static io.committed.testkit.ContractEntries.delete;
import static io.committed.testkit.ContractEntries.upsert;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.committed.api.LogEntry;
import io.committed.spi.PermanentSyncException;
import io.committed.spi.Syncable;
import io.committed.sync.http.Receiver.Answer;
import io.committed.testkit.Ports;
import io.committed.testkit.TestSyncableContext;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The syncable against a receiver on loopback: headers, signatures, ordering, error classes, redirects. */
class HttpDeliveryTest {
  static final String SECRET_B64 = "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  static final Map<String, String> ENV = Map.of("HOOK_SECRET", "whsec_" + SECRET_B64, "HOOK_TOKEN", "s3cr3t-t0ken",
      "API_KEY", "k3y-in-header");
  private static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");

  private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
  private final List<Duration> pauses = new CopyOnWriteArrayList<>();
  private final HttpSyncableFactory factory = new HttpSyncableFactory(clock, d -> {
    pauses.add(d);
    return CompletableFuture.completedFuture(null);
  });
  private Receiver receiver;

  @BeforeAll
  static void warmUp() throws IOException {
    BodySchema.valid("{}"); // loading the schema on a receiver thread could outlast a short request timeout
  }

  @BeforeEach
  void start() throws IOException {
    receiver = Receiver.plain();
  }

  @AfterEach
  void stop() {
    receiver.close();
  }

  /** The base config, with {@code extra} lines replacing base fields of the same name. */
  private Syncable syncable(String extra) {
    StringBuilder doc = new StringBuilder("[syncable]\ntype = \"http\"\n[http]\ntopic = \"contract\"\n");
    for (String line : List.of("url = \"" + receiver.url("/in") + "\"", "timeout = \"3s\"",
        "signing_secret = \"${HOOK_SECRET}\"", "retry = { min = \"10ms\", max = \"80ms\", attempts = 6 }")) {
      String field = line.substring(0, line.indexOf(' '));
      if (!("\n" + extra).contains("\n" + field + " =")) {
        doc.append(line).append('\n');
      }
    }
    return factory.create(TestSyncableContext.builder().syncableId("hook").environment(ENV)
        .document(doc + extra).build());
  }

  private static List<LogEntry> entries(long from, long to) {
    return LongStream.rangeClosed(from, to).mapToObj(i -> i % 5 == 0 ? delete(i, "k" + (i - 1))
        : upsert(i, "k" + i, i)).toList();
  }

  /** Standard Webhooks verification written here from the raw bytes, independent of the syncable's Signer. */
  static boolean verifies(Receiver.Request r) throws Exception {
    String id = r.header("webhook-id");
    String ts = r.header("webhook-timestamp");
    ByteArrayOutputStream signed = new ByteArrayOutputStream();
    signed.write(id.getBytes(StandardCharsets.UTF_8));
    signed.write('.');
    signed.write(ts.getBytes(StandardCharsets.US_ASCII));
    signed.write('.');
    signed.write(r.body());
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(Base64.getDecoder().decode(SECRET_B64), "HmacSHA256"));
    byte[] expected = mac.doFinal(signed.toByteArray());
    for (String candidate : r.header("webhook-signature").split(" ")) {
      String[] parts = candidate.split(",", 2);
      if (parts[0].equals("v1")
          && MessageDigest.isEqual(expected, Base64.getDecoder().decode(parts[1]))) {
        return true;
      }
    }
    return false;
  }

  @Test
  void oneEntryPerRequestInOrderSignedWithKeysAndHeaders() throws Exception {
    try (Syncable s = syncable("[http.headers]\nX-Api-Key = \"${API_KEY}\"\n[http.auth]\nbearer = \"${HOOK_TOKEN}\"\n")) {
      s.sync(entries(1, 12));
      s.sync(entries(13, 20));
    }
    List<Receiver.Request> got = receiver.requests("/in");
    assertThat(got).hasSize(20);
    for (int i = 0; i < got.size(); i++) {
      Receiver.Request r = got.get(i);
      assertThat(r.method()).isEqualTo("POST");
      assertThat(r.header("idempotency-key")).isEqualTo("hook:" + (i + 1));
      assertThat(r.header("webhook-id")).isEqualTo("hook:" + (i + 1));
      assertThat(r.header("webhook-timestamp")).isEqualTo(Long.toString(NOW.getEpochSecond()));
      assertThat(r.header("content-type")).isEqualTo("application/json");
      assertThat(r.header("authorization")).isEqualTo("Bearer s3cr3t-t0ken");
      assertThat(r.header("x-api-key")).isEqualTo("k3y-in-header");
      assertThat(verifies(r)).as("signature of request %s", i + 1).isTrue();
      assertThat(BodySchema.validated(r.body()).get("index").asLong()).isEqualTo(i + 1);
    }
    assertThat(receiver.applied()).containsExactlyElementsOf(LongStream.rangeClosed(1, 20).boxed().toList());
    assertThat(pauses).isEmpty();
  }

  @Test
  void aTamperedBodyOrAnotherSecretDoesNotVerify() throws Exception {
    try (Syncable s = syncable("")) {
      s.sync(entries(1, 1));
    }
    Receiver.Request r = receiver.requests("/in").get(0);
    assertThat(verifies(r)).isTrue();
    byte[] tampered = r.body().clone();
    tampered[tampered.length - 2] ^= 1;
    assertThat(verifies(new Receiver.Request(r.method(), r.path(), r.headers(), tampered, 0))).isFalse();
    Map<String, String> otherId = new java.util.TreeMap<>(r.headers());
    otherId.put("webhook-id", "hook:2");
    assertThat(verifies(new Receiver.Request(r.method(), r.path(), otherId, r.body(), 0))).isFalse();
  }

  @Test
  void batchesAreArraysKeyedByTheirFirstAndLastIndex() throws Exception {
    try (Syncable s = syncable("batch = 3\nmethod = \"PUT\"\n")) {
      s.sync(entries(1, 10));
    }
    List<Receiver.Request> got = receiver.requests("/in");
    assertThat(got).extracting(r -> r.header("idempotency-key")).containsExactly("hook:1-3", "hook:4-6", "hook:7-9",
        "hook:10");
    assertThat(got).allSatisfy(r -> assertThat(r.method()).isEqualTo("PUT"));
    assertThat(BodySchema.validated(got.get(3).body()).isArray()).as("an array even for one entry").isTrue();
    assertThat(receiver.applied()).hasSize(10).isSorted();
  }

  @Test
  void transientAnswersAreRetriedWithTheSameKeyAfterBackoffOrRetryAfter() throws Exception {
    List<Answer> script = new ArrayList<>(List.of(Answer.status(503), Answer.status(429, Map.of("Retry-After", "7"),
        "slow down"), Answer.status(408), Answer.status(425),
        Answer.status(429, Map.of("Retry-After", "Mon, 01 Jun 2026 12:00:03 GMT"), ""), Answer.OK));
    receiver.behaviour = r -> script.isEmpty() ? Answer.OK : script.remove(0);
    try (Syncable s = syncable("")) {
      s.sync(entries(1, 2));
    }
    List<Receiver.Request> got = receiver.requests("/in");
    assertThat(got).hasSize(7);
    assertThat(got.subList(0, 6)).extracting(r -> r.header("idempotency-key")).containsOnly("hook:1");
    assertThat(got.subList(0, 6)).extracting(Receiver.Request::bodyText).containsOnly(got.get(0).bodyText());
    assertThat(got.get(6).header("idempotency-key")).isEqualTo("hook:2");
    // 10 ms doubling, capped at 80 ms; a longer Retry-After (seconds or an HTTP date) wins
    assertThat(pauses).containsExactly(Duration.ofMillis(10), Duration.ofSeconds(7), Duration.ofMillis(40),
        Duration.ofMillis(80), Duration.ofSeconds(3));
    assertThat(receiver.applied()).containsExactly(1L, 2L);
  }

  @Test
  void aRefusingReceiverIsPermanentForThatEntryWithTheStatusAndTheStartOfItsBody() throws Exception {
    String page = "invalid order: " + "x".repeat(10_000);
    receiver.behaviour = r -> r.bodyText().contains("\"index\":2,") ? Answer.status(422, Map.of(), page) : Answer.OK;
    try (Syncable s = syncable("")) {
      assertThatThrownBy(() -> s.sync(entries(1, 3)))
          .isInstanceOfSatisfying(PermanentSyncException.class, e -> {
            assertThat(e.entryIndex()).hasValue(2);
            assertThat(e.getMessage()).contains("entry 2", "answered 422", "invalid order: xxx").hasSizeLessThan(700);
          });
    }
    assertThat(receiver.requests("/in")).hasSize(2);
    assertThat(receiver.applied()).containsExactly(1L);
    assertThat(pauses).as("a permanent answer is not retried").isEmpty();
  }

  @Test
  void everyOther4xxIsPermanentAnd5xxTransient() throws Exception {
    for (int status : new int[] {400, 401, 403, 404, 409, 410, 413, 415, 422}) {
      receiver.behaviour = r -> Answer.status(status);
      try (Syncable s = syncable("")) {
        assertThatThrownBy(() -> s.sync(entries(1, 1))).as("status %s", status)
            .isInstanceOf(PermanentSyncException.class).hasMessageContaining("answered " + status);
      }
    }
    for (int status : new int[] {408, 425, 429, 500, 502, 503, 504, 599}) {
      receiver.behaviour = r -> Answer.status(status);
      try (Syncable s = syncable("retry = { min = \"1ms\", attempts = 2 }\n")) {
        assertThatThrownBy(() -> s.sync(entries(1, 1))).as("status %s", status)
            .isNotInstanceOf(PermanentSyncException.class).hasMessageContaining("answered " + status)
            .hasMessageContaining("2 attempts");
      }
    }
  }

  @Test
  void afterItsAttemptsTheFailureGoesToTheWorkerAndTheNextCallResumesFromTheSameEntry() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    receiver.behaviour = r -> calls.incrementAndGet() <= 8 ? Answer.status(500) : Answer.OK;
    try (Syncable s = syncable("")) {
      assertThatThrownBy(() -> s.sync(entries(1, 3))).isInstanceOf(IOException.class)
          .hasMessageContaining("entry 1").hasMessageContaining("answered 500").hasMessageContaining("6 attempts");
    }
    assertThat(receiver.requests("/in")).hasSize(6);
    try (Syncable s = syncable("")) {
      s.sync(entries(1, 3));
    }
    assertThat(receiver.requests("/in")).extracting(r -> r.header("idempotency-key"))
        .containsExactly("hook:1", "hook:1", "hook:1", "hook:1", "hook:1", "hook:1", "hook:1", "hook:1", "hook:1",
            "hook:2", "hook:3");
    assertThat(receiver.applied()).containsExactly(1L, 2L, 3L);
  }

  @Test
  void aNewSyncableResumesAfterWhatWasAcknowledgedUntilARebuild() throws Exception {
    receiver.behaviour = r -> r.bodyText().contains("\"index\":3,") ? Answer.status(503) : Answer.OK;
    try (Syncable s = syncable("")) {
      assertThat(((io.committed.spi.ResumableSyncable) s).lastSyncedIndex()).isZero();
      assertThatThrownBy(() -> s.sync(entries(1, 5))).isInstanceOf(IOException.class);
    }
    try (Syncable s = syncable("")) { // as the worker opens it after the failure
      assertThat(((io.committed.spi.ResumableSyncable) s).lastSyncedIndex()).isEqualTo(2);
      ((io.committed.spi.RebuildableSyncable) s).resetTarget();
      assertThat(((io.committed.spi.ResumableSyncable) s).lastSyncedIndex()).isZero();
    }
    try (Syncable s = syncable("url = \"" + receiver.url("/other") + "\"\n")) {
      assertThat(((io.committed.spi.ResumableSyncable) s).lastSyncedIndex()).as("another target").isZero();
    }
  }

  @Test
  void aTimeoutIsTransientAndTheRepeatCarriesTheSameKey() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    receiver.behaviour = r -> calls.incrementAndGet() == 1 ? Answer.APPLY_AND_STALL : Answer.OK;
    try (Syncable s = syncable("timeout = \"200ms\"\n")) {
      s.sync(entries(1, 2));
    }
    List<Receiver.Request> got = receiver.requests("/in");
    assertThat(got).extracting(r -> r.header("idempotency-key")).containsExactly("hook:1", "hook:1", "hook:2");
    assertThat(receiver.applied()).as("the receiver dropped the duplicate").containsExactly(1L, 2L);
  }

  @Test
  void anUnreachableReceiverIsTransient() {
    String url = "http://127.0.0.1:" + Ports.free() + "/in";
    Syncable s = factory.create(TestSyncableContext.builder().document("""
        [syncable]
        type = "http"
        [http]
        topic = "contract"
        url = "%s"
        retry = { min = "1ms", attempts = 3 }
        """.formatted(url)).build());
    assertThatThrownBy(() -> s.sync(entries(1, 1))).isInstanceOf(IOException.class)
        .isNotInstanceOf(PermanentSyncException.class).hasMessageContaining("failed").hasMessageContaining("3 attempts");
    assertThat(pauses).hasSize(2);
  }

  @Test
  void redirectsAreFollowedOnlyWithinTheSameOriginByDefault() throws Exception {
    try (Receiver other = Receiver.plain()) {
      receiver.behaviour = r -> r.path().equals("/in") ? Answer.status(307, Map.of("Location", "/moved"), "")
          : Answer.OK;
      try (Syncable s = syncable("[http.auth]\nbearer = \"${HOOK_TOKEN}\"\n")) {
        s.sync(entries(1, 1));
      }
      assertThat(receiver.requests("/moved")).singleElement().satisfies(r -> {
        assertThat(r.header("authorization")).isEqualTo("Bearer s3cr3t-t0ken");
        assertThat(r.header("idempotency-key")).isEqualTo("hook:1");
      });

      receiver.behaviour = r -> Answer.status(308, Map.of("Location", other.url("/in")), "");
      try (Syncable s = syncable("retry = { min = \"1ms\", attempts = 2 }\n")) {
        assertThatThrownBy(() -> s.sync(entries(2, 2))).isNotInstanceOf(PermanentSyncException.class)
            .hasMessageContaining("answered 308").hasMessageContaining("not followed")
            .hasMessageContaining("same-origin");
      }
      assertThat(other.requests()).isEmpty();

      try (Syncable s = syncable("redirects = \"any\"\n[http.auth]\nbearer = \"${HOOK_TOKEN}\"\n")) {
        s.sync(entries(2, 2));
      }
      assertThat(other.requests()).singleElement().satisfies(r -> {
        assertThat(r.header("authorization")).as("credentials stay with the configured origin").isNull();
        assertThat(verifies(r)).isTrue();
      });

      receiver.behaviour = r -> Answer.status(302, Map.of("Location", "/elsewhere"), "");
      try (Syncable s = syncable("retry = { min = \"1ms\", attempts = 1 }\n")) {
        assertThatThrownBy(() -> s.sync(entries(3, 3))).isNotInstanceOf(PermanentSyncException.class)
            .hasMessageContaining("answered 302").hasMessageContaining("only 307 and 308");
      }
      assertThat(receiver.requests("/elsewhere")).isEmpty();
    }
  }

  @Test
  void secretsAppearInNoMessageLogLineOrToString() throws Exception {
    PrintStream original = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    List<String> messages = new ArrayList<>();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      String extra = "[http.headers]\nX-Api-Key = \"${API_KEY}\"\n[http.auth]\nbearer = \"${HOOK_TOKEN}\"\n";
      AtomicInteger calls = new AtomicInteger();
      receiver.behaviour = r -> calls.incrementAndGet() % 2 == 1 ? Answer.status(503) : Answer.status(400);
      try (Syncable s = syncable(extra)) {
        messages.add(s.toString());
        try {
          s.sync(entries(1, 1));
        } catch (Exception e) {
          messages.add(e.toString());
        }
      }
      receiver.behaviour = r -> Answer.status(500);
      try (Syncable s = syncable(extra)) {
        s.sync(entries(1, 1));
      } catch (Exception e) {
        messages.add(e.toString());
      }
    } finally {
      System.setErr(original);
    }
    String all = String.join("\n", messages) + "\n" + captured.toString(StandardCharsets.UTF_8);
    assertThat(all).contains("hook", "answered 503", "answered 400", "answered 500");
    assertThat(all).doesNotContain("s3cr3t-t0ken", "k3y-in-header", SECRET_B64, "Bearer");
  }
}
