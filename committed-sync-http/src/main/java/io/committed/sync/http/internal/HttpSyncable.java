package io.committed.sync.http.internal;

import io.committed.api.LogEntry;
import io.committed.spi.PermanentSyncException;
import io.committed.spi.RebuildableSyncable;
import io.committed.spi.ResumableSyncable;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers entries to one endpoint, one request at a time, in order.
 *
 * <p>{@link #sync} cuts the worker's batch into requests of {@code batch} entries and sends each
 * only after the previous one was answered 2xx. A transient failure (408, 425, 429, 5xx, timeout,
 * connection error, a redirect not followed) retries the same request (same body, same
 * {@code Idempotency-Key} and {@code webhook-id}, a fresh {@code webhook-timestamp} and signature)
 * after a capped exponential backoff, or after the receiver's {@code Retry-After} when that is
 * longer. After {@code retry.attempts} attempts the failure is thrown to the worker, which shows it
 * in the syncable's status, backs off, and calls again from the same entry: nothing is skipped. A
 * permanent failure (any other 4xx) throws {@link PermanentSyncException} naming the entry when the
 * request held one (the worker retries a larger batch entry by entry to find it).
 *
 * <p>Where to resume ({@link #lastSyncedIndex}) is the receiver's answer at {@code position_url}
 * when configured, else the last index this process saw acknowledged ({@link DeliveredIndexes}),
 * so that the worker's retry after a failure does not send again what was acknowledged before it.
 */
public final class HttpSyncable implements ResumableSyncable, RebuildableSyncable {
  private static final Logger LOG = LoggerFactory.getLogger(HttpSyncable.class);
  /** How much of a response body is kept for messages. */
  static final int BODY_LIMIT = 512;
  private static final int MAX_REDIRECTS = 5;
  private static final AtomicInteger THREADS = new AtomicInteger();

  private final HttpSyncableConfig config;
  private final DeliveredIndexes delivered;
  private final Clock clock;
  private final Pause pause;
  private final Signer signer;
  private final ExecutorService executor;
  private final HttpClient client;

  public HttpSyncable(HttpSyncableConfig config, DeliveredIndexes delivered, Clock clock, Pause pause) {
    this.config = Objects.requireNonNull(config, "config");
    this.delivered = Objects.requireNonNull(delivered, "delivered");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.pause = Objects.requireNonNull(pause, "pause");
    this.signer = config.signed() ? new Signer(config.signingKey()) : null;
    this.executor = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "committed-http-" + config.syncableId() + "-" + THREADS.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    HttpClient.Builder b = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(config.timeout()).executor(executor);
    if (config.sslContext() != null) {
      b.sslContext(config.sslContext());
    }
    this.client = b.build();
  }

  @Override
  public void sync(List<LogEntry> batch) throws Exception {
    int size = config.batch();
    for (int from = 0; from < batch.size(); from += size) {
      deliver(batch.subList(from, Math.min(batch.size(), from + size)));
    }
  }

  /**
   * The receiver's position from {@code position_url}, or the last index acknowledged to this
   * syncable in this process (0 after a leader change or a restart: the checkpoint applies).
   */
  @Override
  public long lastSyncedIndex() throws Exception {
    if (config.positionUrl() == null) {
      return delivered.get(config);
    }
    String where = "GET " + HttpSyncableConfig.redact(config.positionUrl());
    try {
      return ReceiverPosition.parse(where, exchange(request(config.positionUrl(), "GET",
          config.syncableId() + ":position", new byte[0]), true));
    } catch (TimeoutException e) {
      throw new IOException(where + " timed out after " + config.timeout(), e);
    }
  }

  /**
   * A rebuild: forgets what this process saw acknowledged, so the whole log is delivered again. A
   * receiver with {@code position_url} decides itself: it reports 0 to receive everything again.
   */
  @Override
  public void resetTarget() {
    delivered.forget(config);
  }

  /** Stops the client's threads; a request in flight is abandoned. */
  @Override
  public void close() {
    executor.shutdownNow();
  }

  @Override
  public String toString() {
    return getClass().getSimpleName() + "[" + config + "]";
  }

  private void deliver(List<LogEntry> entries) throws Exception {
    String key = WebhookBody.key(config.syncableId(), entries);
    byte[] body = WebhookBody.render(config.syncableId(), entries, config.batch() > 1);
    HttpSyncableConfig.Retry retry = config.retry();
    for (int attempt = 1; ; attempt++) {
      Outcome o = send(config.url(), config.method(), key, body);
      switch (o.kind()) {
        case DELIVERED -> {
          delivered.delivered(config, entries.get(entries.size() - 1).index());
          if (attempt > 1) {
            LOG.info("syncable '{}' delivered {} after {} attempts", config.syncableId(), key, attempt);
          }
          return;
        }
        case PERMANENT -> throw new PermanentSyncException(describe(entries) + ": " + o.message(),
            entries.size() == 1 ? entries.get(0).index() : 0, null);
        case TRANSIENT -> {
          if (attempt >= retry.attempts()) {
            throw new IOException(describe(entries) + ": " + o.message() + " (" + attempt + " attempts; retried"
                + " from the same entry after the worker's backoff)");
          }
          Duration delay = retry.delay(attempt);
          if (o.retryAfter() != null && o.retryAfter().compareTo(delay) > 0) {
            delay = o.retryAfter();
          }
          if (attempt == 1 || attempt % 10 == 0) {
            LOG.warn("syncable '{}': {} {}; attempt {} in {}", config.syncableId(), key, o.message(), attempt + 1, delay);
          }
          waitFor(delay);
        }
        default -> throw new IllegalStateException(o.kind().toString());
      }
    }
  }

  private void waitFor(Duration delay) throws InterruptedException {
    CompletableFuture<Void> done = pause.after(delay);
    try {
      done.get();
    } catch (ExecutionException e) {
      throw new IllegalStateException("the backoff timer failed", e.getCause());
    } catch (InterruptedException e) {
      done.cancel(false);
      throw e;
    }
  }

  /** One attempt: the request, and any 307/308 redirects the config allows. */
  Outcome send(URI target, String method, String key, byte[] body) throws InterruptedException {
    URI uri = target;
    for (int hop = 0; ; hop++) {
      HttpResponse<byte[]> response;
      try {
        response = exchange(request(uri, method, key, body), false);
      } catch (HttpTimeoutException | TimeoutException e) {
        return Outcome.transientFailure(0, method + " " + HttpSyncableConfig.redact(uri) + " timed out after "
            + config.timeout(), null);
      } catch (IOException e) {
        return Outcome.transientFailure(0, method + " " + HttpSyncableConfig.redact(uri) + " failed: "
            + describe(e), null);
      }
      int status = response.statusCode();
      String what = method + " " + HttpSyncableConfig.redact(uri) + " answered " + status;
      if (status == 307 || status == 308) {
        URI next = response.headers().firstValue("Location").map(uri::resolve).orElse(null);
        String refusal = next == null ? "without a Location" : refusal(uri, next);
        if (refusal == null && hop < MAX_REDIRECTS) {
          uri = next;
          continue;
        }
        return Outcome.transientFailure(status, what + " redirecting " + (next == null ? "nowhere"
            : "to " + HttpSyncableConfig.redact(next)) + ", not followed: " + (refusal != null ? refusal
            : "more than " + MAX_REDIRECTS + " redirects") + "; fix the url", null);
      }
      if (status >= 300 && status < 400) {
        return Outcome.transientFailure(status, what + ", a redirect that is not followed (only 307 and 308 are,"
            + " which keep the method and the body): set the url to the new location", null);
      }
      return switch (Classifier.kind(status)) {
        case DELIVERED -> Outcome.delivered(status);
        case PERMANENT -> Outcome.permanent(status, what + excerpt(response.body()));
        default -> Outcome.transientFailure(status, what + excerpt(response.body()),
            Classifier.retryAfter(response.headers().firstValue("Retry-After"), clock));
      };
    }
  }

  /** Why a redirect from {@code from} to {@code to} is not followed, or null to follow it. */
  private String refusal(URI from, URI to) {
    String scheme = to.getScheme() == null ? "" : to.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      return "not an http(s) location";
    }
    return switch (config.redirects()) {
      case NONE -> "redirects = \"none\"";
      case SAME_ORIGIN -> sameOrigin(from, to) ? null : "redirects = \"same-origin\" follows only the same scheme, host"
          + " and port";
      case ANY -> from.getScheme().equalsIgnoreCase("https") && !scheme.equals("https") ? "it leaves https" : null;
    };
  }

  static boolean sameOrigin(URI a, URI b) {
    return a.getScheme().equalsIgnoreCase(b.getScheme()) && a.getHost().equalsIgnoreCase(b.getHost())
        && port(a) == port(b);
  }

  private static int port(URI u) {
    return u.getPort() >= 0 ? u.getPort() : u.getScheme().equalsIgnoreCase("https") ? 443 : 80;
  }

  /** A request with the syncable's headers; credentials only to the configured URL's origin. */
  HttpRequest request(URI uri, String method, String key, byte[] body) {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(config.timeout())
        .method(method, body.length == 0 && method.equals("GET") ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofByteArray(body))
        .header("User-Agent", "committed-sync-http")
        .header("Idempotency-Key", key)
        .header("webhook-id", key);
    if (!method.equals("GET")) {
      b.header("Content-Type", "application/json");
    }
    if (signer != null) {
      long ts = clock.instant().getEpochSecond();
      b.header("webhook-timestamp", Long.toString(ts)).header("webhook-signature", signer.sign(key, ts, body));
    }
    boolean trusted = sameOrigin(uri, config.url())
        || (config.positionUrl() != null && sameOrigin(uri, config.positionUrl()));
    if (config.authorization() != null && trusted) {
      b.header("Authorization", config.authorization());
    }
    config.headers().forEach(b::header);
    return b.build();
  }

  /**
   * Sends and waits at most twice the timeout for the answer and the start of its body (of a 2xx
   * answer only when {@code okBody}; otherwise it is discarded and the connection kept).
   */
  HttpResponse<byte[]> exchange(HttpRequest request, boolean okBody)
      throws IOException, InterruptedException, TimeoutException {
    CompletableFuture<HttpResponse<byte[]>> f = client.sendAsync(request, info -> info.statusCode() / 100 == 2
        && !okBody ? HttpResponse.BodySubscribers.replacing(new byte[0]) : new BoundedBody(BODY_LIMIT));
    try {
      return f.get(config.timeout().toMillis() * 2 + 1000, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof IOException io) {
        throw io;
      }
      throw new IOException(c == null ? e.toString() : c.toString(), c);
    } catch (InterruptedException | TimeoutException | CancellationException e) {
      f.cancel(true);
      throw e;
    }
  }

  private static String describe(Throwable e) {
    StringBuilder out = new StringBuilder();
    for (Throwable t = e; t != null && out.length() < 300; t = t.getCause()) {
      String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getClass().getSimpleName() + ": "
          + t.getMessage();
      if (out.indexOf(m) < 0) {
        out.append(out.length() > 0 ? " <- " : "").append(m);
      }
    }
    return out.toString();
  }

  /** The start of a response body as printable text, or nothing. */
  static String excerpt(byte[] body) {
    if (body == null || body.length == 0) {
      return "";
    }
    String text = new String(body, StandardCharsets.UTF_8).strip();
    StringBuilder out = new StringBuilder(": ");
    text.codePoints().limit(BODY_LIMIT).forEach(c -> out.appendCodePoint(Character.isISOControl(c) ? ' ' : c));
    if (body.length >= BODY_LIMIT) {
      out.append("...");
    }
    return out.toString();
  }

  private static String describe(List<LogEntry> entries) {
    return entries.size() == 1 ? "entry " + entries.get(0).index()
        : "entries " + entries.get(0).index() + " to " + entries.get(entries.size() - 1).index();
  }
}
