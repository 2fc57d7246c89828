package io.committed.sync.nats.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Subject filters as the NATS server matches them, and the redaction of URLs in messages. */
class SubjectsTest {

  @Test
  void filtersMatchAsTheServerDoes() {
    assertThat(Subjects.matches("orders.*", "orders.a")).isTrue();
    assertThat(Subjects.matches("orders.*", "orders.a.b")).isFalse();
    assertThat(Subjects.matches("orders.>", "orders.a.b")).isTrue();
    assertThat(Subjects.matches("orders.>", "orders")).isFalse();
    assertThat(Subjects.matches("orders.a", "orders.a")).isTrue();
    assertThat(Subjects.matches("orders.a", "orders.b")).isFalse();
    assertThat(Subjects.matches("*.x", "a.x")).isTrue();
    assertThat(Subjects.anyMatches(List.of("a.>", "b.*"), "b.c")).isTrue();
    assertThat(Subjects.anyMatches(List.of("a.>", "b.*"), "c")).isFalse();
  }

  @Test
  void badFiltersAreNamed() {
    assertThat(Subjects.filterProblem("a.>")).isEmpty();
    assertThat(Subjects.filterProblem("a.*.b")).isEmpty();
    assertThat(Subjects.filterProblem("a..b")).hasValueSatisfying(p -> assertThat(p).contains("empty token"));
    assertThat(Subjects.filterProblem("a.b*")).isPresent();
    assertThat(Subjects.filterProblem("a.>.b")).isPresent();
    assertThat(Subjects.filterProblem("a b")).isPresent();
  }

  @Test
  void userInfoInUrlsIsHidden() {
    assertThat(NatsSyncableConfig.redact("nats://app:pw@host:4222")).isEqualTo("nats://***@host:4222");
    assertThat(NatsSyncableConfig.redact("nats://host:4222")).isEqualTo("nats://host:4222");
    assertThat(Errors.describe(new java.io.IOException("Unable to connect to [nats://u:secret@h:1, tls://x@y:2]")))
        .isEqualTo("Unable to connect to [nats://***@h:1, tls://***@y:2]");
  }
}
