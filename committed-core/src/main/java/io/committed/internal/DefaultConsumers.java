package io.committed.internal;

import io.committed.ConsumerReader;
import io.committed.ConsumerStart;
import io.committed.ConsumerStatus;
import io.committed.Consumers;
import io.committed.api.NotFoundException;
import io.committed.api.ProposalRejectedException;
import io.committed.api.ProposalRejectedException.Reason;
import io.committed.internal.state.Command;
import io.committed.internal.state.StateView;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * {@link Consumers} over the replicated state: creation, acks and deletion are commands; the open
 * readers of this node are kept here so that a second reader of a name is refused.
 */
final class DefaultConsumers implements Consumers {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,128}");

  private final DefaultCommittedLog log;
  private final HeadSignal signal;
  private final Map<String, DefaultConsumerReader> open = new ConcurrentHashMap<>();

  DefaultConsumers(DefaultCommittedLog log, HeadSignal signal) {
    this.log = log;
    this.signal = signal;
  }

  static void checkName(String name) {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("consumer name must be 1 to 128 letters, digits, '.', '_' or '-', was '"
          + name + "'");
    }
  }

  @Override
  public ConsumerReader open(String name, Set<String> types, ConsumerStart start) {
    checkName(name);
    log.checkOpen();
    List<String> sorted = new ArrayList<>(new java.util.TreeSet<>(types));
    long acknowledged = start.isLatest() ? log.lastIndex() : start.firstIndex() - 1;
    DefaultConsumerReader reader = new DefaultConsumerReader(this, name, sorted, signal);
    if (open.putIfAbsent(name, reader) != null) {
      throw new ProposalRejectedException(Reason.CONFLICT, "a reader of consumer '" + name
          + "' is already open on this node: close it first");
    }
    try {
      // always through the log, also for an existing consumer: the answer is its acknowledged index
      // in log order, after every ack committed before, even when this node's state lags behind
      long from = log.await(new Command.OpenConsumer(name, sorted, acknowledged));
      reader.startAfter(from);
      return reader;
    } catch (RuntimeException e) {
      open.remove(name, reader);
      throw e;
    }
  }

  @Override
  public Optional<ConsumerStatus> status(String name) {
    return log.state().consumer(name).map(p -> {
      long head = log.lastIndex();
      return new ConsumerStatus(name, p.types(), p.acknowledged(), head, Math.max(0, head - p.acknowledged()),
          open.containsKey(name));
    });
  }

  @Override
  public List<String> names() {
    return log.state().consumerNames();
  }

  @Override
  public void delete(String name) {
    log.checkOpen();
    if (log.state().consumer(name).isEmpty() && (!log.catchUp() || log.state().consumer(name).isEmpty())) {
      throw new NotFoundException("consumer '" + name + "' does not exist");
    }
    DefaultConsumerReader reader = open.get(name);
    if (reader != null) {
      reader.close();
    }
    log.await(new Command.RemoveConsumer(name));
  }

  /** The reader acknowledges through here. */
  long ack(String name, long index) {
    return log.await(new Command.AckConsumer(name, index));
  }

  long acknowledged(String name) {
    return log.state().consumer(name).map(StateView.ConsumerPosition::acknowledged).orElse(0L);
  }

  DefaultCommittedLog log() {
    return log;
  }

  void closed(String name, DefaultConsumerReader reader) {
    open.remove(name, reader);
  }

  /** The open reader of {@code name} on this node, if any (for the REST routes). */
  Optional<ConsumerReader> reader(String name) {
    return Optional.ofNullable(open.get(name));
  }
}
