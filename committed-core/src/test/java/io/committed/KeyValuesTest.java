package io.committed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.committed.api.Entity;
import io.committed.api.NotFoundException;
import io.committed.api.Proposal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The key-value view on the in-memory engine: opt-in, upserts and deletes, scans, turning it on and off. */
class KeyValuesTest {
  private final CommittedLog log = Committed.inMemory();

  @AfterEach
  void close() {
    log.close();
  }

  private void type(String name, boolean keyValue) {
    log.types().define(name, "[type]\nname = \"" + name + "\"" + (keyValue ? "\nkeyValue = true" : ""));
  }

  private static List<String> keys(List<KeyValue> values) {
    return values.stream().map(KeyValue::keyAsString).toList();
  }

  @Test
  void theLatestValueOfEachKeyIsReadAndADeleteRemovesIt() {
    type("order", true);
    log.proposeAndWait(Proposal.of(Entity.upsert("order", "o1", "{\"n\":1}"), Entity.upsert("order", "o2", "{\"n\":2}")));
    long second = log.proposeAndWait(Proposal.of(Entity.upsert("order", "o1", "{\"n\":3}")));
    KeyValue o1 = log.kv("order").get("o1").orElseThrow();
    assertThat(o1.dataAsString()).isEqualTo("{\"n\":3}");
    assertThat(o1.index()).isEqualTo(second);
    assertThat(o1.typeVersion()).isEqualTo(1);
    assertThat(o1.keyAsString()).isEqualTo("o1");
    log.proposeAndWait(Proposal.of(Entity.delete("order", "o2")));
    assertThat(log.kv("order").get("o2")).isEmpty();
    assertThat(log.kv("order").get("never")).isEmpty();
    assertThat(log.kv("order").size()).isEqualTo(1);
  }

  @Test
  void scansAreInKeyOrderWithinThePrefixAndContinueAfterAKey() {
    type("order", true);
    for (String k : new String[] {"b2", "a1", "b1", "b3", "c1", "b10"}) {
      log.proposeAndWait(Proposal.of(Entity.upsert("order", k, "{}")));
    }
    KeyValues kv = log.kv("order");
    assertThat(keys(kv.scan("b", 10))).containsExactly("b1", "b10", "b2", "b3");
    assertThat(keys(kv.scan("b", 2))).containsExactly("b1", "b10");
    byte[] b = "b".getBytes(StandardCharsets.UTF_8);
    assertThat(keys(kv.scan(b, "b10".getBytes(StandardCharsets.UTF_8), 10, ReadConsistency.STALE)))
        .containsExactly("b2", "b3");
    assertThat(keys(kv.scan("", 100))).containsExactly("a1", "b1", "b10", "b2", "b3", "c1");
    assertThatThrownBy(() -> kv.scan("", 0)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aTypeWithoutTheViewIsRefusedSayingHowToTurnItOn() {
    type("plain", false);
    assertThatThrownBy(() -> log.kv("plain").get("k")).isInstanceOf(NotFoundException.class)
        .hasMessageContaining("set keyValue = true");
    assertThatThrownBy(() -> log.kv("nope").get("k")).isInstanceOf(NotFoundException.class)
        .hasMessageContaining("not defined");
  }

  @Test
  void turningTheViewOnLaterIncludesWhatWasWrittenBeforeAndOffDropsIt() {
    type("order", false);
    for (int i = 0; i < 500; i++) {
      log.propose(Proposal.of(Entity.upsert("order", "k" + (i % 50), "{\"i\":" + i + "}")));
    }
    log.proposeAndWait(Proposal.of(Entity.delete("order", "k7")));
    type("order", true);
    KeyValues kv = log.kv("order");
    assertThat(kv.get("k3").orElseThrow().dataAsString()).isEqualTo("{\"i\":453}");
    assertThat(kv.get("k7")).isEmpty();
    assertThat(kv.scan("", 1000)).hasSize(49);
    assertThat(kv.get("k3").orElseThrow().typeVersion()).as("written with version 1").isEqualTo(1);
    type("order", false);
    org.awaitility.Awaitility.await("the view dropped").atMost(Duration.ofSeconds(10)).until(() -> {
      try {
        kv.get("k3");
        return false;
      } catch (NotFoundException e) {
        return true;
      }
    });
  }

  @Test
  void keysAreBytesNotText() {
    type("bin", true);
    byte[] a = {(byte) 0xff};
    byte[] b = {(byte) 0xfe};
    log.proposeAndWait(Proposal.of(Entity.upsert("bin", a, "1".getBytes(StandardCharsets.UTF_8)),
        Entity.upsert("bin", b, "2".getBytes(StandardCharsets.UTF_8))));
    KeyValues kv = log.kv("bin");
    assertThat(kv.get(a, ReadConsistency.LINEARIZABLE).orElseThrow().dataAsString()).isEqualTo("1");
    assertThat(kv.get(b, ReadConsistency.STALE).orElseThrow().dataAsString()).isEqualTo("2");
    assertThat(kv.scan(new byte[0], null, 10, ReadConsistency.LINEARIZABLE)).extracting(v -> v.key()[0])
        .containsExactly((byte) 0xfe, (byte) 0xff);
  }
}
