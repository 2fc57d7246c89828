package io.committed.sync.nats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.committed.Committed;
import io.committed.CommittedLog;
import io.committed.api.ConfigException;
import io.committed.spi.Syncable;
import io.committed.testkit.LogFixtures;
import io.committed.testkit.TestSyncableContext;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Config checks through the path a user takes ({@code log.syncables().define}, which finds the
 * factory by {@code ServiceLoader}): each bad config is refused naming the field, nothing is
 * written, and no server is needed.
 */
class NatsConfigValidationTest {
  private CommittedLog log;

  @BeforeEach
  void start() {
    log = Committed.builder().inMemory().environment(Map.of("NATS_TOKEN", "tok-secret-1")::get).start();
    LogFixtures.defineTypes(log, "order");
  }

  @AfterEach
  void stop() {
    log.close();
  }

  private static String doc(String fields) {
    return "[syncable]\ntype = \"nats\"\n[nats]\ntopic = \"order\"\n" + fields.replace("\\n", "\n") + "\n";
  }

  @Test
  void aGoodConfigIsAcceptedAndItsTemplatesAreNotReadAsEnvironmentVariables() {
    var v = log.syncables().define("orders-out", doc("""
        servers = ["nats://127.0.0.1:4222", "nats://127.0.0.1:4223"]
        stream = "ORDERS"
        subject = "orders.${type}.${key}"
        token = "${NATS_TOKEN}"
        [[nats.headers]]
        name = "Aggregate"
        value = "${data.aggregate_id}"
        [nats.createStream]
        replicas = 1
        duplicateWindow = "5m"
        """));
    assertThat(v.version()).isEqualTo(1);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
      "no servers | stream = 'S'\\nsubject = 'o' | nats.servers | is required",
      "not a NATS URL | servers = 'http://x:1'\\nstream = 'S'\\nsubject = 'o' | nats.servers | not a NATS URL",
      "no stream | servers = 'nats://h:1'\\nsubject = 'o' | nats.stream | is required",
      "bad stream name | servers = 'nats://h:1'\\nstream = 'a.b'\\nsubject = 'o' | nats.stream | not a stream name",
      "no subject | servers = 'nats://h:1'\\nstream = 'S' | nats.subject | is required",
      "wildcard subject | servers = 'nats://h:1'\\nstream = 'S'\\nsubject = 'o.>' | nats.subject | wildcard",
      "unknown placeholder | servers = 'nats://h:1'\\nstream = 'S'\\nsubject = 'o.${nope}' | nats.subject | unknown placeholder",
      "token and user | servers = 'nats://h:1'\\nstream = 'S'\\nsubject = 'o'\\ntoken = '${NATS_TOKEN}'\\nuser = 'u'\\npassword = '${NATS_TOKEN}' | nats.token | not several",
      "user without password | servers = 'nats://h:1'\\nstream = 'S'\\nsubject = 'o'\\nuser = 'u' | nats.user | needs nats.password",
      "ack timeout | servers = 'nats://h:1'\\nstream = 'S'\\nsubject = 'o'\\nackTimeout = '1ms' | nats.ackTimeout | must be between",
      "in flight | servers = 'nats://h:1'\\nstream = 'S'\\nsubject = 'o'\\nmaxInFlight = 0 | nats.maxInFlight | must be between",
      "replicas | servers = 'nats://h:1'\\nstream = 'S'\\nsubject = 'o'\\n[nats.createStream]\\nreplicas = 7 | nats.createStream.replicas | must be between",
      "storage | servers = 'nats://h:1'\\nstream = 'S'\\nsubject = 'o'\\n[nats.createStream]\\nstorage = 'disk' | nats.createStream.storage | \"file\" or \"memory\"",
      "stream subject | servers = 'nats://h:1'\\nstream = 'S'\\nsubject = 'o'\\n[nats.createStream]\\nsubjects = ['a.>.b'] | nats.createStream.subjects | '>' before the last token",
  })
  void aBadConfigIsRefusedNamingTheField(String what, String fields, String field, String message) {
    assertThatThrownBy(() -> log.syncables().define("orders-out", doc(fields)))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(message)
        .satisfies(e -> assertThat(((ConfigException) e).field()).contains(field));
    assertThat(log.syncables().list()).isEmpty();
  }

  @Test
  void secretsAndUrlCredentialsNeverShowInToString() throws Exception {
    Syncable s = new NatsSyncableFactory().create(TestSyncableContext.builder()
        .environment(Map.of("NATS_PASSWORD", "pw-secret-2", "NATS_TOKEN", "tok-secret-1"))
        .document(doc("""
            servers = ["nats://app:${NATS_PASSWORD}@127.0.0.1:4222"]
            stream = "S"
            subject = "o.${key}"
            token = "${NATS_TOKEN}"
            """))
        .build());
    assertThat(s.toString()).contains("nats://***@127.0.0.1:4222").contains("token")
        .doesNotContain("pw-secret-2").doesNotContain("tok-secret-1");
    s.close();
  }

  @Test
  void theStreamsSubjectsDefaultToTheTemplatesShape() throws Exception {
    var config = io.committed.sync.nats.internal.NatsSyncableConfig.parse(TestSyncableContext.builder()
        .document(doc("""
            servers = ["nats://127.0.0.1:4222"]
            stream = "S"
            subject = "orders.${type}.k-${key}"
            deleteSubject = "orders.deleted"
            deletes = "tombstone"
            [nats.createStream]
            """))
        .build());
    assertThat(config.createStream().subjects()).containsExactly("orders.*.*", "orders.deleted");
  }
}
