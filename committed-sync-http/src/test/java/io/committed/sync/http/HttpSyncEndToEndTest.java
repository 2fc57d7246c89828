package io.committed.sync.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.committed.Committed;
import io.committed.CommittedLog;
import io.committed.DeadLetter;
import io.committed.SyncableStatus;
import io.committed.api.Entity;
import io.committed.api.Proposal;
import io.committed.sync.http.Receiver.Answer;
import io.committed.testkit.Await;
import io.committed.testkit.LogFixtures;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * Through the real sync worker of an in-memory log, the syncable found by ServiceLoader, against a
 * receiver on loopback that fails at random.
 */
class HttpSyncEndToEndTest {
  private Receiver receiver;
  private CommittedLog log;

  @BeforeAll
  static void warmUp() throws IOException {
    BodySchema.valid("{}");
  }

  @BeforeEach
  void start() throws IOException {
    receiver = Receiver.plain();
    log = Committed.builder().inMemory().environment(Map.of("HOOK_SECRET", "whsec_" + HttpDeliveryTest.SECRET_B64)::get)
        .syncRetry(Duration.ofMillis(5), Duration.ofMillis(50)).start();
    LogFixtures.defineTypes(log, "order", "other");
  }

  @AfterEach
  void stop() {
    log.close();
    receiver.close();
  }

  private void defineHook(int batch, String extra) {
    log.syncables().define("hook", """
        [syncable]
        type = "http"
        [http]
        topic = "order"
        url = "%s"
        batch = %d
        timeout = "300ms"
        signing_secret = "${HOOK_SECRET}"
        retry = { min = "1ms", max = "20ms", attempts = 4 }
        """.formatted(receiver.url("/in"), batch) + extra);
  }

  /** Proposes {@code n} entries, one in four of a type the hook does not follow; the followed indexes. */
  private List<Long> propose(int n, String poisonKey, int poisonAt) {
    List<CompletableFuture<Long>> futures = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      String key = i == poisonAt ? poisonKey : "o" + (i % 37);
      Entity e = i % 4 == 0 ? Entity.upsert("other", "x" + i, "{}")
          : Entity.upsert("order", key, "{\"n\":" + i + "}");
      futures.add(log.propose(Proposal.of(e)));
    }
    List<Long> followed = new ArrayList<>();
    for (int i = 0; i < futures.size(); i++) {
      long index = futures.get(i).join();
      if ((i + 1) % 4 != 0) {
        followed.add(index);
      }
    }
    return followed;
  }

  @ParameterizedTest(name = "batch {0}")
  @ValueSource(ints = {1, 10})
  void aReceiverFailingAtRandomGetsEveryEntryInOrderAndDuplicatesOnlyWithTheSameKey(int batch) throws Exception {
    long seed = System.nanoTime();
    Random random = new Random(seed);
    receiver.behaviour = r -> {
      synchronized (random) {
        int roll = random.nextInt(100);
        if (roll < 12) {
          return Answer.status(500);
        }
        if (roll < 20) {
          return Answer.status(429, Map.of("Retry-After", "0"), "busy");
        }
        if (roll < 24) {
          return Answer.APPLY_AND_STALL;
        }
        if (roll < 28) {
          return new Answer(true, 503, Map.of(), "applied, then failed");
        }
        if (roll < 30) {
          return Answer.STALL;
        }
        return Answer.OK;
      }
    };
    defineHook(batch, "");
    List<Long> followed = propose(400, "", 0);
    SyncableStatus status = Await.synced(log, "hook", Duration.ofMinutes(2));

    assertThat(receiver.applied()).as("every entry once, in log order (seed %s)", seed).isEqualTo(followed);
    Map<Long, Set<String>> keysByIndex = new HashMap<>();
    for (Receiver.Request r : receiver.requests("/in")) {
      assertThat(HttpDeliveryTest.verifies(r)).isTrue();
      JsonNode body = BodySchema.validated(r.body());
      List<JsonNode> docs = new ArrayList<>();
      if (body.isArray()) {
        body.forEach(docs::add);
      } else {
        docs.add(body);
      }
      long first = docs.get(0).get("index").asLong();
      long last = docs.get(docs.size() - 1).get("index").asLong();
      assertThat(r.header("idempotency-key")).isEqualTo(first == last ? "hook:" + first : "hook:" + first + "-" + last);
      for (JsonNode d : docs) {
        keysByIndex.computeIfAbsent(d.get("index").asLong(), k -> new HashSet<>()).add(r.header("idempotency-key"));
      }
    }
    if (batch == 1) {
      assertThat(keysByIndex.values()).as("each entry under one key (seed %s)", seed).allMatch(s -> s.size() == 1);
    }
    assertThat(receiver.acknowledged()).as("nothing acknowledged is sent again (seed %s)", seed)
        .doesNotHaveDuplicates();
    assertThat(receiver.requests("/in").size()).as("some requests were repeated").isGreaterThan(followed.size() / batch);
    assertThat(status.deadLetters()).isZero();
    assertThat(status.lag()).isZero();
  }

  @Test
  void aRefusedEntryIsDeadLetteredWithItsStatusTheRestDeliveredAndItsReplayWorksAfterTheFix() throws Exception {
    receiver.behaviour = r -> r.bodyText().contains("\"key\":\"poison\"")
        ? Answer.status(400, Map.of(), "{\"error\": \"order total missing\"}") : Answer.OK;
    defineHook(5, "");
    List<Long> followed = propose(40, "poison", 9);
    long poison = followed.get(6); // the 9th entry is the 7th followed
    Await.synced(log, "hook", Duration.ofSeconds(30));

    List<DeadLetter> dead = log.sync().deadLetters("hook");
    assertThat(dead).singleElement().satisfies(d -> {
      assertThat(d.index()).isEqualTo(poison);
      assertThat(d.message()).contains("answered 400", "order total missing");
    });
    List<Long> rest = new ArrayList<>(followed);
    rest.remove(poison);
    assertThat(receiver.applied()).isEqualTo(rest);

    receiver.behaviour = r -> Answer.OK; // the receiver is fixed
    log.sync().replay("hook", poison);
    assertThat(log.sync().deadLetters("hook")).isEmpty();
    assertThat(receiver.applied()).endsWith(poison).hasSize(followed.size());
    assertThat(receiver.state()).containsKey("poison");
  }

  @Test
  void aTransientOutageShowsInTheStatusWithTheStatusCode() {
    receiver.behaviour = r -> Answer.status(503);
    defineHook(1, "");
    propose(3, "", 0);
    Await.until("the failure to show in the status", Duration.ofSeconds(20), () -> {
      SyncableStatus s = log.sync().status("hook");
      return s.consecutiveFailures() > 0 && s.lastError().orElse("").contains("answered 503");
    });
    SyncableStatus failing = log.sync().status("hook");
    assertThat(failing.stuckSince()).isPresent();
    assertThat(failing.lag()).isPositive();
    receiver.behaviour = r -> Answer.OK;
    SyncableStatus ok = Await.synced(log, "hook", Duration.ofSeconds(20));
    assertThat(ok.lastError()).isEmpty();
    assertThat(receiver.applied()).hasSize(3);
  }
}
