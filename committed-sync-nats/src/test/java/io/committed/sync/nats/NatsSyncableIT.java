package io.committed.sync.nats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.committed.api.Entity;
import io.committed.api.LogEntry;
import io.committed.api.Proposal;
import io.committed.spi.PermanentSyncException;
import io.committed.spi.ResumableSyncable;
import io.committed.testkit.TestSyncableContext;
import io.nats.client.Connection;
import io.nats.client.api.MessageInfo;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The NATS syncable against the machine's nats-server: order, resuming, replays, size limits. */
class NatsSyncableIT {
  private static final String TYPE = "order";
  private final Connection admin = NatsTestServer.connect();
  private final String stream = NatsTestServer.uniqueStream("SCENARIO");
  private final String root = stream.toLowerCase(java.util.Locale.ROOT);

  @AfterEach
  void deleteStream() throws Exception {
    NatsTestServer.deleteStream(admin, stream);
    admin.close();
  }

  private ResumableSyncable syncable(String extra) {
    return (ResumableSyncable) new NatsSyncableFactory().create(TestSyncableContext.builder()
        .syncableId("orders-out")
        .document("""
            [syncable]
            type = "nats"
            [nats]
            topic = "order"
            servers = ["%s"]
            stream = "%s"
            subject = "%s.${key}"
            %s
            [nats.createStream]
            storage = "memory"
            """.formatted(NatsTestServer.URL, stream, root, extra))
        .build());
  }

  static LogEntry entry(long index, Entity... entities) {
    return new LogEntry(index, Instant.parse("2026-01-01T00:00:00Z").plusMillis(index), new Proposal(List.of(entities)),
        Map.of(TYPE, 1));
  }

  static Entity upsert(String key, long index, int position) {
    return Entity.upsert(TYPE, key, "{\"key\":\"" + key + "\",\"index\":" + index + ",\"pos\":" + position + "}");
  }

  /** Entries from..to, entry i with 1 to 3 entities over keys k0..k4. */
  static List<LogEntry> entries(long from, long to) {
    List<LogEntry> out = new ArrayList<>();
    for (long i = from; i <= to; i++) {
      int n = (int) (i % 3) + 1;
      Entity[] es = new Entity[n];
      for (int p = 0; p < n; p++) {
        es[p] = upsert("k" + ((i * 7 + p) % 5), i, p);
      }
      out.add(entry(i, es));
    }
    return out;
  }

  static int entityCount(List<LogEntry> entries) {
    return entries.stream().mapToInt(e -> e.entities().size()).sum();
  }

  /** Each (index, position) once, and per subject in increasing (index, position) order. */
  static void assertOnceAndInOrder(List<MessageInfo> messages) {
    Set<String> seen = new HashSet<>();
    Map<String, long[]> lastPerSubject = new HashMap<>();
    long[] lastOverall = {0, -1};
    for (MessageInfo m : messages) {
      long index = NatsTestServer.index(m);
      int pos = NatsTestServer.position(m);
      assertThat(seen.add(index + ":" + pos)).as("entry %d entity %d published once", index, pos).isTrue();
      long[] last = lastPerSubject.getOrDefault(m.getSubject(), new long[] {0, -1});
      assertThat(index > last[0] || (index == last[0] && pos > last[1]))
          .as("%s: entry %d/%d after %d/%d", m.getSubject(), index, pos, last[0], last[1]).isTrue();
      lastPerSubject.put(m.getSubject(), new long[] {index, pos});
      assertThat(index > lastOverall[0] || (index == lastOverall[0] && pos > lastOverall[1]))
          .as("stream order: entry %d/%d after %d/%d", index, pos, lastOverall[0], lastOverall[1]).isTrue();
      lastOverall[0] = index;
      lastOverall[1] = pos;
    }
  }

  @Test
  void messagesAreInLogOrderPerSubjectOverManyBatches() throws Exception {
    List<LogEntry> all = entries(1, 2000);
    ResumableSyncable s = syncable("maxInFlight = 16");
    try {
      for (int from = 0; from < all.size(); from += 37) { // odd batch sizes; a new syncable now and then
        if (from % (37 * 10) == 0) {
          s.close();
          s = syncable("maxInFlight = 16");
        }
        s.sync(all.subList(from, Math.min(all.size(), from + 37)));
      }
    } finally {
      s.close();
    }
    List<MessageInfo> messages = NatsTestServer.messages(admin, stream);
    assertThat(messages).hasSize(entityCount(all));
    assertOnceAndInOrder(messages);
    assertThat(messages.stream().map(MessageInfo::getSubject).distinct()).hasSize(5);
    MessageInfo first = messages.get(0);
    assertThat(first.getSubject()).isEqualTo(root + ".k2");
    assertThat(first.getHeaders().getFirst("Nats-Msg-Id")).isEqualTo("orders-out:1:0");
    assertThat(first.getHeaders().getFirst("Committed-Entities")).isEqualTo("2");
  }

  @Test
  void aNewSyncableAfterACrashResumesAndAReplayFromAnOlderCheckpointAddsNothing() throws Exception {
    ResumableSyncable a = syncable("");
    a.sync(entries(1, 100));
    // "crash": the instance is dropped without a clean stop (its connection just goes away)
    a.close();

    try (ResumableSyncable b = syncable("")) {
      assertThat(b.lastSyncedIndex()).isEqualTo(100);
      // the worker redelivers from its replicated checkpoint, older than what the stream has
      b.sync(entries(41, 150));
    }
    List<MessageInfo> messages = NatsTestServer.messages(admin, stream);
    assertThat(NatsTestServer.count(admin, stream)).isEqualTo(entityCount(entries(1, 150)));
    assertOnceAndInOrder(messages);
  }

  @Test
  void anEntryCutOffInTheMiddleIsCompletedOnResume() throws Exception {
    // Entry 5 ends in two deletes. A syncable that skips deletes leaves it cut off after entity 0,
    // as a crash in the middle of the entry would (deleting messages would not do: the duplicate
    // window still remembers their ids).
    LogEntry five = entry(5, upsert("k0", 5, 0), Entity.delete(TYPE, "k1"), Entity.delete(TYPE, "k2"));
    try (ResumableSyncable a = syncable("deletes = \"skip\"")) {
      a.sync(entries(1, 4));
      a.sync(List.of(five));
    }
    try (ResumableSyncable b = syncable("")) {
      assertThat(b.lastSyncedIndex()).as("entry 5 is not complete in the stream").isEqualTo(4);
      List<LogEntry> rest = new ArrayList<>(List.of(five));
      rest.addAll(entries(6, 6));
      b.sync(rest);
      assertThat(b.lastSyncedIndex()).isEqualTo(6);
    }
    List<MessageInfo> messages = NatsTestServer.messages(admin, stream);
    assertOnceAndInOrder(messages);
    assertThat(messages.stream().filter(m -> NatsTestServer.index(m) == 5).map(NatsTestServer::position))
        .containsExactly(0, 1, 2);
    assertThat(messages).hasSize(entityCount(entries(1, 4)) + 3 + entityCount(entries(6, 6)));
  }

  @Test
  void aGapBeforeTheLastMessageIsFoundOnResumeAndFilled() throws Exception {
    try (ResumableSyncable a = syncable("")) {
      a.sync(entries(1, 4)); // entry 4 has 2 entities: everything through 4:1 acknowledged
    }
    // What a refused-then-lost entry 5 looks like: entry 6 stored, naming 5:0 as the message before
    // it and 4:1 as acknowledged when it was published; 5:0 never reached the stream.
    io.nats.client.impl.Headers h = new io.nats.client.impl.Headers();
    h.add("Committed-Syncable", "orders-out").add("Committed-Index", "6").add("Committed-Position", "0")
        .add("Committed-Entities", "1").add("Committed-Operation", "upsert").add("Committed-Key", "k6")
        .add("Committed-Previous", "5:0").add("Committed-Acked", "4:1");
    admin.jetStream().publish(io.nats.client.impl.NatsMessage.builder().subject(root + ".k6").headers(h)
        .data("{}".getBytes(java.nio.charset.StandardCharsets.UTF_8)).build(),
        io.nats.client.PublishOptions.builder().messageId("orders-out:6:0").build());

    try (ResumableSyncable b = syncable("")) {
      assertThat(b.lastSyncedIndex()).as("resume after the acknowledged entry, not after entry 6").isEqualTo(4);
      b.sync(List.of(entry(5, upsert("k5", 5, 0)), entry(6, upsert("k6", 6, 0))));
    }
    List<MessageInfo> messages = NatsTestServer.messages(admin, stream);
    assertThat(messages.stream().map(m -> NatsTestServer.index(m) + ":" + NatsTestServer.position(m)))
        .as("5:0 published, 6:0 not twice").doesNotHaveDuplicates().contains("5:0", "6:0")
        .hasSize(entityCount(entries(1, 4)) + 2);
  }

  @Test
  void aMessageOverTheServersMaxPayloadIsAPermanentFailureOfItsEntryAndTheRestIsPublished() throws Exception {
    long maxPayload = admin.getMaxPayload();
    Entity big = Entity.upsert(TYPE, "big", "{\"blob\":\"" + "x".repeat((int) maxPayload) + "\"}");
    try (ResumableSyncable s = syncable("")) {
      assertThatThrownBy(() -> s.sync(List.of(entry(1, upsert("a", 1, 0)), entry(2, big), entry(3, upsert("c", 3, 0)))))
          .isInstanceOfSatisfying(PermanentSyncException.class, e -> assertThat(e.entryIndex()).hasValue(2))
          .hasMessageContaining("entry 2, entity 0")
          .hasMessageContaining("over the limit of " + maxPayload + " bytes (the server's max_payload)");
      // the worker isolates the batch: entry 1 again, entry 2 alone (dead-lettered), then entry 3
      s.sync(List.of(entry(1, upsert("a", 1, 0))));
      assertThatThrownBy(() -> s.sync(List.of(entry(2, big)))).isInstanceOf(PermanentSyncException.class);
      s.sync(List.of(entry(3, upsert("c", 3, 0))));
    }
    assertThat(NatsTestServer.messages(admin, stream)).extracting(NatsTestServer::key).containsExactly("a", "c");
  }

  @Test
  void aSubjectTheStreamDoesNotCaptureIsAPermanentFailureNamingTheStreamsSubjects() throws Exception {
    ResumableSyncable s = (ResumableSyncable) new NatsSyncableFactory().create(TestSyncableContext.builder()
        .syncableId("outbox")
        .document("""
            [syncable]
            type = "nats"
            [nats]
            topic = "order"
            servers = ["%s"]
            stream = "%s"
            subject = "%s.${data.kind}"
            deletes = "skip"
            [nats.createStream]
            storage = "memory"
            subjects = ["%s.known"]
            """.formatted(NatsTestServer.URL, stream, root, root))
        .build());
    try (s) {
      s.sync(List.of(entry(1, Entity.upsert(TYPE, "1", "{\"kind\":\"known\"}"))));
      assertThatThrownBy(() -> s.sync(List.of(entry(2, Entity.upsert(TYPE, "2", "{\"kind\":\"other\"}")))))
          .isInstanceOf(PermanentSyncException.class)
          .hasMessageContaining("subject " + root + ".other is not captured by stream " + stream);
      assertThatThrownBy(() -> s.sync(List.of(entry(3, Entity.upsert(TYPE, "3", "{}")))))
          .isInstanceOf(PermanentSyncException.class)
          .hasMessageContaining("the data has no field kind");
    }
    assertThat(NatsTestServer.count(admin, stream)).isEqualTo(1);
  }

  @Test
  void aMissingStreamIsATransientFailureThatSaysHowToCreateIt() throws Exception {
    ResumableSyncable s = (ResumableSyncable) new NatsSyncableFactory().create(TestSyncableContext.builder()
        .document("""
            [syncable]
            type = "nats"
            [nats]
            topic = "order"
            servers = ["%s"]
            stream = "%s"
            subject = "%s.${key}"
            """.formatted(NatsTestServer.URL, stream, root))
        .build());
    assertThatThrownBy(s::lastSyncedIndex)
        .isNotInstanceOf(PermanentSyncException.class)
        .hasMessageContaining("stream " + stream + " does not exist")
        .hasMessageContaining("[nats.createStream]");
    s.close();
  }
}
