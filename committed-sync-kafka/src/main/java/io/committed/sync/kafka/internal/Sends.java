package io.committed.sync.kafka.internal;

import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The outcomes of one batch's sends, collected from the producer's callbacks: which record failed,
 * and why, so that a refusal is pinned to its entry and told from the failures that follow it.
 */
final class Sends {
  /** A failed send: the record of entity {@code position} of entry {@code index}, for {@code topic}. */
  record Failure(long index, int position, String topic, Exception error) {}

  private final List<Failure> failures = new ArrayList<>();

  /** Sends a record; a failure, synchronous or reported later, is recorded against its entry. */
  void send(KafkaProducer<byte[], byte[]> producer, long index, int position, ProducerRecord<byte[], byte[]> record) {
    try {
      producer.send(record, (metadata, error) -> {
        if (error != null) {
          add(new Failure(index, position, record.topic(), error));
        }
      });
    } catch (RuntimeException e) {
      add(new Failure(index, position, record.topic(), e));
      throw e;
    }
  }

  private synchronized void add(Failure f) {
    failures.add(f);
  }

  /** The refusal of the lowest entry that retrying cannot change, or null. */
  synchronized Failure firstPermanent() {
    Failure first = null;
    for (Failure f : failures) {
      if (Errors.isPermanent(f.error()) && (first == null || f.index() < first.index())) {
        first = f;
      }
    }
    return first;
  }

  /** The first failure reported that is not only the consequence of another (an aborted transaction). */
  synchronized Exception firstError() {
    for (Failure f : failures) {
      if (!Errors.isConsequence(f.error())) {
        return f.error();
      }
    }
    return failures.isEmpty() ? null : failures.get(0).error();
  }

  /** Throws the first failure, if any send failed. */
  synchronized void check() throws Exception {
    Exception e = firstError();
    if (e != null) {
      throw e;
    }
  }
}
