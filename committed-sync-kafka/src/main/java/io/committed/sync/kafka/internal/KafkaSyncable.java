package io.committed.sync.kafka.internal;

import io.committed.api.LogEntry;
import io.committed.spi.PermanentSyncException;
import io.committed.spi.ResumableSyncable;
import io.committed.sync.routing.RoutedMessage;
import io.committed.sync.routing.RoutingException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes entries to Kafka topics, each entity one record keyed by the entity key, in log order,
 * with an idempotent producer ({@code acks=all}), and records how far it published in a position
 * topic.
 *
 * <p>Transactional mode (the default): each {@link #sync} call is one Kafka transaction holding the
 * batch's records and the position record naming its last index, so a {@code read_committed}
 * consumer sees a batch whole or not at all, and the position moves with it. A crash leaves at
 * most an open transaction, which the next producer with the same transactional id aborts when it
 * starts ({@code initTransactions}); resuming then starts after the last committed position, so a
 * replay is invisible.
 *
 * <p>Idempotent mode: records are sent without a transaction; a batch counts as delivered when
 * every record of it was acknowledged, and the position record is written after that. A crash
 * between the two repeats at most that batch.
 *
 * <p>Any failure but a permanent refusal closes the producer; the worker's retry (a call to
 * {@link #lastSyncedIndex}) opens a new one, which in transactional mode fences the old one.
 */
public final class KafkaSyncable implements ResumableSyncable {
  private static final Logger LOG = LoggerFactory.getLogger(KafkaSyncable.class);

  private final KafkaSyncableConfig config;
  private final Positions positions;
  private KafkaProducer<byte[], byte[]> producer;
  private long known = -1; // the position this instance knows is in Kafka; -1: not read yet

  public KafkaSyncable(KafkaSyncableConfig config) {
    this.config = config;
    this.positions = new Positions(config);
  }

  /** The last index recorded in the position topic (committed transactions only), 0 when none. */
  @Override
  public long lastSyncedIndex() throws Exception {
    open();
    known = positions.read();
    return known;
  }

  @Override
  public void sync(List<LogEntry> batch) throws Exception {
    publish(batch, true);
  }

  /** Publishes even what the position topic says is there (a dead letter's replay); the position stays. */
  @Override
  public void syncAgain(List<LogEntry> entries) throws Exception {
    publish(entries, false);
  }

  @Override
  public void close() {
    closeProducer();
    positions.close();
  }

  /** One record and the entry it comes from. */
  private record Out(long index, int position, ProducerRecord<byte[], byte[]> record) {}

  private void publish(List<LogEntry> entries, boolean skipKnown) throws Exception {
    open();
    if (known < 0) {
      known = positions.read();
    }
    List<Out> out = new ArrayList<>();
    long last = known;
    for (LogEntry entry : entries) {
      if (skipKnown && entry.index() <= known) {
        continue;
      }
      for (int p = 0; p < entry.entities().size(); p++) {
        Optional<RoutedMessage> m;
        try {
          m = config.router().route(entry, p);
        } catch (RoutingException e) {
          // nothing of this batch is sent: the worker isolates the entry and dead-letters it alone
          throw new PermanentSyncException(e.getMessage(), entry.index(), null);
        }
        if (m.isPresent()) {
          out.add(new Out(entry.index(), p, record(m.get())));
        }
      }
      last = Math.max(last, entry.index());
    }
    if (out.isEmpty() && last == known) {
      return;
    }
    Sends sends = new Sends();
    try {
      if (config.transactional()) {
        producer.beginTransaction();
      }
      for (Out o : out) {
        sends.send(producer, o.index(), o.position(), o.record());
      }
      if (config.transactional()) {
        positions.send(producer, last, sends);
        producer.commitTransaction(); // flushes; fails if any send failed
      } else {
        producer.flush();
      }
      sends.check();
      if (!config.transactional()) {
        positions.send(producer, last, sends);
        producer.flush();
        sends.check();
      }
    } catch (Exception e) {
      throw failed(e, sends);
    }
    known = last;
  }

  /**
   * What a failed batch becomes: a permanent refusal of one record's entry (the transaction is
   * aborted, the producer kept), or a transient failure (the producer is closed).
   */
  private Exception failed(Exception e, Sends sends) {
    Sends.Failure refused = sends.firstPermanent();
    if (refused != null) {
      if (config.transactional()) {
        try {
          producer.abortTransaction();
        } catch (RuntimeException abort) {
          LOG.debug("aborting the transaction failed: {}", abort.toString());
          closeProducer();
        }
      }
      return new PermanentSyncException("entry " + refused.index() + ", entity " + refused.position() + ": Kafka"
          + " refused the record for topic " + refused.topic() + ": " + Errors.describe(refused.error()),
          refused.index(), refused.error());
    }
    closeProducer();
    Throwable cause = sends.firstError() != null ? sends.firstError() : e;
    return new IOException("publishing to Kafka (" + String.join(",", config.bootstrapServers()) + ") failed: "
        + Errors.describe(cause), cause);
  }

  private ProducerRecord<byte[], byte[]> record(RoutedMessage m) {
    List<org.apache.kafka.common.header.Header> headers = new ArrayList<>(m.headers().size());
    for (RoutedMessage.Header h : m.headers()) {
      headers.add(new RecordHeader(h.name(), h.value().getBytes(StandardCharsets.UTF_8)));
    }
    return new ProducerRecord<>(m.destination(), null, m.key(), m.tombstone() ? null : m.body(), headers);
  }

  /** Creates the producer (once per instance; again after a transient failure). */
  private void open() throws IOException {
    if (producer != null) {
      return;
    }
    KafkaProducer<byte[], byte[]> p;
    try {
      p = new KafkaProducer<>(config.producerProperties());
    } catch (RuntimeException e) {
      throw new IOException("cannot create the Kafka producer: " + Errors.describe(e), e);
    }
    if (config.transactional()) {
      try {
        p.initTransactions(); // fences an older producer of this transactional id, aborts its open transaction
      } catch (RuntimeException e) {
        p.close(Duration.ZERO);
        throw new IOException("cannot start transactions on Kafka (" + String.join(",", config.bootstrapServers())
            + ") with transactional id " + config.transactionalId() + ": " + Errors.describe(e), e);
      }
    }
    producer = p;
    known = -1;
  }

  private void closeProducer() {
    KafkaProducer<byte[], byte[]> p = producer;
    producer = null;
    known = -1;
    if (p != null) {
      try {
        p.close(Duration.ZERO);
      } catch (RuntimeException e) {
        LOG.debug("closing the Kafka producer: {}", e.toString());
      }
    }
  }

  @Override
  public String toString() {
    return "KafkaSyncable[" + config + "]";
  }
}
