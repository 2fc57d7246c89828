package io.committed.sync.nats.internal;

import io.committed.api.LogEntry;
import io.committed.spi.PermanentSyncException;
import io.committed.spi.ResumableSyncable;
import io.committed.sync.routing.Escaping;
import io.committed.sync.routing.Headers;
import io.committed.sync.routing.RoutedMessage;
import io.committed.sync.routing.RoutingException;
import io.nats.client.Connection;
import io.nats.client.ErrorListener;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.PublishOptions;
import io.nats.client.api.MessageInfo;
import io.nats.client.api.PublishAck;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.api.StreamInfo;
import io.nats.client.impl.NatsMessage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes entries to one JetStream stream, in log order, each entity one message with
 * {@code Nats-Msg-Id = <syncable>:<index>:<position>} so that the stream's duplicate window drops a
 * replay, and {@code Nats-Expected-Stream} so that a subject captured by another stream is refused.
 *
 * <p>A {@link #sync} call returns only after the stream acknowledged every message of the batch.
 * Up to {@code maxInFlight} publishes are outstanding at once; acknowledgements are awaited in
 * publish order, and the position known to be in the stream moves with each one.
 *
 * <p>Where the stream stands is read from the stream itself (see {@link #lastSyncedIndex}): the
 * last message carrying this syncable's {@code Committed-Syncable} header. Entities at or before
 * that position are not published again, so a replay is invisible even after the duplicate window.
 *
 * <p>The client does not reconnect on its own: a lost connection fails the batch, and the worker's
 * retry (a new syncable, a new connection) publishes from the first unacknowledged entity, so the
 * client never resends buffered messages behind the worker's back.
 */
public final class NatsSyncable implements ResumableSyncable {
  private static final Logger LOG = LoggerFactory.getLogger(NatsSyncable.class);
  private static final Pattern PERMISSION = Pattern.compile("(?i)permissions violation for publish to \"?([^\"\\s]+)\"?");
  private static final int NO_MESSAGE = 10037;
  private static final int STREAM_NOT_FOUND = 10059;
  private static final int STREAM_NAME_IN_USE = 10058;
  /** The message this syncable published before this one ({@code index:position}): a chain checked on resume. */
  static final String PREVIOUS = "Committed-Previous";
  /** Everything this syncable published up to this position was acknowledged when this message was published. */
  static final String ACKED = "Committed-Acked";
  private static final int CHAIN_HEADERS_MAX = PREVIOUS.length() + ACKED.length() + 2 * (2 + 20 + 1 + 10 + 2);

  /** A position in the stream: entity {@code position} of entry {@code index}. */
  record Position(long index, int position) {
    boolean covers(long i, int p) {
      return i < index || (i == index && p <= position);
    }

    Position max(Position other) {
      return other == null || covers(other.index, other.position) ? this : other;
    }

    /** A real position, not the empty stream's. */
    boolean isSome() {
      return index > 0;
    }

    String text() {
      return index + ":" + position;
    }

    /** Parses {@code index:position}; null when absent or malformed. */
    static Position parse(String text) {
      if (text == null) {
        return null;
      }
      int colon = text.indexOf(':');
      try {
        return colon < 0 ? null : new Position(Long.parseLong(text.substring(0, colon)),
            Integer.parseInt(text.substring(colon + 1)));
      } catch (NumberFormatException e) {
        return null;
      }
    }
  }

  /** One message to publish; the chain headers are added when it is published. */
  private record Out(long index, int position, String subject, io.nats.client.impl.Headers headers, byte[] body,
      String id) {
    NatsMessage build(Position previous, Position acked) {
      io.nats.client.impl.Headers h = new io.nats.client.impl.Headers(headers);
      if (previous != null) {
        h.put(PREVIOUS, previous.text());
      }
      if (acked != null) {
        h.put(ACKED, acked.text());
      }
      return NatsMessage.builder().subject(subject).headers(h).data(body).build();
    }
  }

  /** A publish awaiting its acknowledgement. */
  private record Pending(Out out, CompletableFuture<PublishAck> ack) {}

  private final NatsSyncableConfig config;
  private final ConcurrentLinkedDeque<Pending> window = new ConcurrentLinkedDeque<>();
  private final Map<String, String> denied = new ConcurrentHashMap<>();
  private Connection connection;
  private JetStream jetStream;
  private JetStreamManagement management;
  private List<String> streamSubjects;
  private long maxMessageSize;
  private String limitName;
  private Position known; // what this instance knows to be in the stream; null: not read yet

  public NatsSyncable(NatsSyncableConfig config) {
    this.config = config;
  }

  /**
   * The last index whose every entity is in the stream. When the stream's last message of this
   * syncable is not the last entity of its entry (a batch failed in the middle of an entry), that
   * entry is redelivered and its remaining entities published.
   */
  @Override
  public long lastSyncedIndex() throws Exception {
    open();
    known = null;
    return readPosition();
  }

  @Override
  public void sync(List<LogEntry> batch) throws Exception {
    publish(batch, true);
  }

  /** Publishes even what the stream already holds (a dead letter's replay); the duplicate window may still drop it. */
  @Override
  public void syncAgain(List<LogEntry> entries) throws Exception {
    publish(entries, false);
  }

  @Override
  public void close() {
    Connection c = connection;
    connection = null;
    if (c != null) {
      try {
        c.close();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void publish(List<LogEntry> entries, boolean skipKnown) throws Exception {
    open();
    if (known == null) {
      readPosition();
    }
    List<Out> out = new ArrayList<>();
    PermanentSyncException refused = null;
    for (LogEntry entry : entries) {
      List<Out> forEntry = new ArrayList<>(entry.entities().size());
      try {
        for (int p = 0; p < entry.entities().size(); p++) {
          if (skipKnown && known.covers(entry.index(), p)) {
            continue;
          }
          Optional<RoutedMessage> m = config.router().route(entry, p);
          if (m.isPresent()) {
            forEntry.add(message(entry.index(), p, m.get()));
          }
        }
      } catch (RoutingException e) {
        refused = new PermanentSyncException(e.getMessage(), entry.index(), null);
        break; // publish what comes before it; the worker then isolates and dead-letters this entry
      }
      out.addAll(forEntry);
    }
    Position previous = known.isSome() ? known : null;
    try {
      for (Out o : out) {
        if (window.size() >= config.maxInFlight()) {
          await(window.peekFirst());
        }
        NatsMessage message = o.build(previous, known.isSome() ? known : null);
        previous = new Position(o.index(), o.position());
        PublishOptions options = PublishOptions.builder().messageId(o.id()).expectedStream(config.stream()).build();
        CompletableFuture<PublishAck> ack;
        try {
          ack = jetStream.publishAsync(message, options);
        } catch (IllegalArgumentException e) {
          throw new PermanentSyncException("entry " + o.index() + ", entity " + o.position() + ": NATS refused the"
              + " message: " + Errors.describe(e), o.index(), e);
        } catch (IllegalStateException e) {
          throw new IOException("cannot publish to NATS (" + config.describeServers() + "): " + Errors.describe(e), e);
        }
        window.addLast(new Pending(o, ack));
        String reason = denied.get(o.subject());
        if (reason != null) {
          ack.completeExceptionally(new PermissionDenied(reason));
        }
      }
      while (!window.isEmpty()) {
        await(window.peekFirst());
      }
    } finally {
      window.clear();
    }
    if (refused != null) {
      throw refused;
    }
  }

  /** Waits for the oldest publish's acknowledgement and moves the known position past it. */
  private void await(Pending p) throws Exception {
    Out o = p.out();
    try {
      PublishAck ack = p.ack().get(config.ackTimeout().toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
      if (ack.isDuplicate()) {
        LOG.debug("entry {} entity {} was in the stream already (duplicate window)", o.index(), o.position());
      }
    } catch (TimeoutException e) {
      String reason = denied.get(o.subject());
      if (reason != null) {
        throw permissionDenied(o, reason);
      }
      throw new TimeoutException("no acknowledgement from stream " + config.stream() + " within "
          + config.ackTimeout() + " for entry " + o.index() + ", entity " + o.position() + " (subject "
          + o.subject() + ")");
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof PermissionDenied d) {
        throw permissionDenied(o, d.getMessage());
      }
      if (Errors.isPermanent(cause)) {
        throw new PermanentSyncException("entry " + o.index() + ", entity " + o.position() + ": stream "
            + config.stream() + " refused the message on subject " + o.subject() + ": "
            + Errors.describe(cause), o.index(), cause);
      }
      throw new IOException("publishing entry " + o.index() + " to stream " + config.stream() + " failed: "
          + Errors.describe(cause), cause);
    }
    window.removeFirst();
    known = new Position(o.index(), o.position()).max(known);
  }

  private PermanentSyncException permissionDenied(Out o, String reason) {
    return new PermanentSyncException("entry " + o.index() + ", entity " + o.position() + ": NATS does not let this"
        + " user publish to " + o.subject() + " (" + reason + ")", o.index(), null);
  }

  /** The NATS message for a routed entity, checked against the subject set and size limits of the stream. */
  private Out message(long index, int position, RoutedMessage m) throws RoutingException {
    String subject = m.destination();
    if (!Subjects.anyMatches(streamSubjects, subject)) {
      throw new RoutingException("entry " + index + ", entity " + position + ": subject " + subject + " is not"
          + " captured by stream " + config.stream() + " (its subjects: " + String.join(", ", streamSubjects) + ")");
    }
    io.nats.client.impl.Headers headers = new io.nats.client.impl.Headers();
    for (RoutedMessage.Header h : m.headers()) {
      headers.add(h.name(), h.value());
    }
    String id = Escaping.HEADER_VALUE.escape(config.syncableId()) + ":" + index + ":" + position;
    long size = headers.serializedLength() + m.body().length + "Nats-Msg-Id: \r\n".length() + id.length()
        + "Nats-Expected-Stream: \r\n".length() + config.stream().length() + CHAIN_HEADERS_MAX;
    if (size > maxMessageSize) {
      throw new RoutingException("entry " + index + ", entity " + position + ": the message is " + size
          + " bytes (headers and body), over the limit of " + maxMessageSize + " bytes (" + limitName + ")");
    }
    return new Out(index, position, subject, headers, m.body(), id);
  }

  /** Connects (once per instance) and makes sure the stream exists. */
  private void open() throws Exception {
    Connection c = connection;
    if (c != null && c.getStatus() == Connection.Status.CONNECTED) {
      return;
    }
    if (c != null) {
      close();
      throw new IOException("the connection to NATS (" + config.describeServers() + ") was lost");
    }
    Options.Builder options = Options.builder()
        .servers(config.servers().toArray(String[]::new))
        .connectionName("committed syncable " + config.syncableId())
        .connectionTimeout(config.connectTimeout())
        .maxReconnects(0)
        .errorListener(new Listener());
    NatsSyncableConfig.Auth auth = config.auth();
    if (auth != null) {
      if (auth.token() != null) {
        options.token(auth.token().toCharArray());
      } else if (auth.user() != null) {
        options.userInfo(auth.user().toCharArray(), auth.password().toCharArray());
      } else {
        options.credentialPath(auth.credsFile());
      }
    }
    try {
      connection = Nats.connect(options.build());
    } catch (IOException e) {
      // no cause: the client's exception may quote a server URL with its user info
      throw new IOException("cannot connect to NATS (" + config.describeServers() + "): " + Errors.describe(e));
    }
    jetStream = connection.jetStream();
    management = connection.jetStreamManagement();
    StreamInfo info = stream();
    List<String> subjects = info.getConfiguration().getSubjects();
    streamSubjects = subjects == null || subjects.isEmpty() ? List.of(config.stream()) : List.copyOf(subjects);
    long serverMax = connection.getMaxPayload();
    long streamMax = info.getConfiguration().getMaxMsgSize();
    if (streamMax > 0 && streamMax < serverMax) {
      maxMessageSize = streamMax;
      limitName = "stream " + config.stream() + "'s max_msg_size";
    } else {
      maxMessageSize = serverMax;
      limitName = "the server's max_payload";
    }
  }

  private StreamInfo stream() throws IOException, JetStreamApiException {
    try {
      return management.getStreamInfo(config.stream());
    } catch (JetStreamApiException e) {
      if (e.getApiErrorCode() != STREAM_NOT_FOUND) {
        throw e;
      }
    }
    NatsSyncableConfig.StreamSpec spec = config.createStream();
    if (spec == null) {
      throw new IOException("stream " + config.stream() + " does not exist on NATS (" + config.describeServers()
          + "): create it, or add a [nats.createStream] table to the syncable's config");
    }
    StreamConfiguration sc = StreamConfiguration.builder()
        .name(config.stream())
        .subjects(spec.subjects())
        .replicas(spec.replicas())
        .storageType(spec.memory() ? StorageType.Memory : StorageType.File)
        .duplicateWindow(spec.duplicateWindow())
        .maxMsgSize(spec.maxMsgSize())
        .build();
    try {
      StreamInfo created = management.addStream(sc);
      LOG.info("syncable '{}' created stream {} (subjects {}, replicas {}, {} storage)", config.syncableId(),
          config.stream(), spec.subjects(), spec.replicas(), spec.memory() ? "memory" : "file");
      return created;
    } catch (JetStreamApiException e) {
      if (e.getApiErrorCode() == STREAM_NAME_IN_USE) {
        return management.getStreamInfo(config.stream()); // created meanwhile
      }
      throw e;
    }
  }

  /** One of this syncable's messages in the stream, as resuming reads it. */
  private record Found(Position at, int entities, Position previous, Position acked) {}

  /**
   * Sets {@link #known} from the stream and returns the last index whose every entity is in it.
   *
   * <p>The last message of this syncable (among the stream's last {@code resumeScan}) says where
   * publishing stopped, but the messages before it may have a gap: one refused while a later one
   * was stored. Each message names the one published before it ({@value #PREVIOUS}) and the
   * position through which everything was acknowledged when it was published ({@value #ACKED}).
   * Following that chain back to the acknowledged position proves there is no gap; if a link is
   * missing, publishing resumes after the acknowledged position instead, and the duplicate window
   * drops what is re-published that the stream already has.
   */
  private long readPosition() throws IOException, JetStreamApiException {
    StreamInfo info = management.getStreamInfo(config.stream());
    long first = info.getStreamState().getFirstSequence();
    long last = info.getStreamState().getLastSequence();
    String me = Escaping.HEADER_VALUE.escape(config.syncableId());
    Map<Position, Found> mine = new java.util.HashMap<>();
    Found newest = null;
    for (long seq = last; seq >= Math.max(1, first) && seq > last - config.resumeScan(); seq--) {
      Found f = read(seq, me);
      if (f == null) {
        continue;
      }
      mine.putIfAbsent(f.at(), f);
      if (newest == null) {
        newest = f;
      }
      if (newest.acked() == null || !newest.acked().covers(f.at().index(), f.at().position())) {
        continue;
      }
      break; // reached what was acknowledged when the newest was published
    }
    if (newest == null) {
      known = new Position(0, Integer.MAX_VALUE);
      return 0;
    }
    if (newest.acked() != null && newest.acked().covers(newest.at().index(), newest.at().position())) {
      return resumeAfter(newest.acked(), mine); // a replayed older entry came last
    }
    Found resume = newest;
    Found cur = newest;
    for (int steps = 0; steps <= mine.size(); steps++) {
      Position prev = cur.previous();
      if (prev == null || (newest.acked() != null && newest.acked().covers(prev.index(), prev.position()))) {
        break; // the chain reaches the start or the acknowledged position: no gap
      }
      Found before = mine.get(prev);
      if (before == null) {
        LOG.warn("syncable '{}': stream {} lacks {} (published before {}): resuming after {}, the last position"
            + " known acknowledged", config.syncableId(), config.stream(), prev.text(), cur.at().text(),
            newest.acked() == null ? "the start" : newest.acked().text());
        resume = null;
        break;
      }
      cur = before;
    }
    if (resume == null) {
      return resumeAfter(newest.acked(), mine);
    }
    known = resume.at();
    return resume.at().position() >= resume.entities() - 1 ? resume.at().index() : resume.at().index() - 1;
  }

  /** Resumes after {@code acked} (null: the start); its entry counts as synced only when known complete. */
  private long resumeAfter(Position acked, Map<Position, Found> mine) {
    if (acked == null) {
      known = new Position(0, Integer.MAX_VALUE);
      return 0;
    }
    known = acked;
    Found at = mine.get(acked);
    return at != null && acked.position() >= at.entities() - 1 ? acked.index() : acked.index() - 1;
  }

  /** Message {@code seq} if it is this syncable's, else null. */
  private Found read(long seq, String me) throws IOException, JetStreamApiException {
    MessageInfo m;
    try {
      m = management.getMessage(config.stream(), seq);
    } catch (JetStreamApiException e) {
      if (e.getApiErrorCode() == NO_MESSAGE) {
        return null; // deleted
      }
      throw e;
    }
    io.nats.client.impl.Headers h = m.getHeaders();
    if (h == null || !me.equals(h.getFirst(Headers.SYNCABLE))) {
      return null;
    }
    try {
      Position at = new Position(Long.parseLong(h.getFirst(Headers.INDEX)), Integer.parseInt(h.getFirst(Headers.POSITION)));
      return new Found(at, Integer.parseInt(h.getFirst(Headers.ENTITIES)), Position.parse(h.getFirst(PREVIOUS)),
          Position.parse(h.getFirst(ACKED)));
    } catch (RuntimeException e) {
      throw new IOException("message " + seq + " of stream " + config.stream() + " has this syncable's header but"
          + " no readable " + Headers.INDEX + "/" + Headers.POSITION + "/" + Headers.ENTITIES + " headers", e);
    }
  }

  /** The server refused a publish for lack of permission (reported through the error listener). */
  private static final class PermissionDenied extends Exception {
    private static final long serialVersionUID = 1L;

    PermissionDenied(String reason) {
      super(reason);
    }
  }

  /** Turns the server's asynchronous permission errors into failures of the publishes they concern. */
  private final class Listener implements ErrorListener {
    @Override
    public void errorOccurred(Connection conn, String error) {
      Matcher m = PERMISSION.matcher(error);
      if (!m.find()) {
        LOG.debug("NATS reported: {}", error);
        return;
      }
      String subject = m.group(1);
      denied.put(subject, error.strip());
      for (Pending p : window) {
        if (p.out().subject().equals(subject)) {
          p.ack().completeExceptionally(new PermissionDenied(error.strip()));
        }
      }
    }

    @Override
    public void exceptionOccurred(Connection conn, Exception exp) {
      LOG.debug("NATS connection: {}", exp.toString());
    }
  }

  @Override
  public String toString() {
    return "NatsSyncable[" + config + "]";
  }
}
