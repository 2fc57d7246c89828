package io.committed.sync.http;

import io.committed.spi.Syncable;
import io.committed.spi.SyncableContext;
import io.committed.spi.SyncableFactory;
import io.committed.sync.http.internal.DeliveredIndexes;
import io.committed.sync.http.internal.HttpSyncable;
import io.committed.sync.http.internal.HttpSyncableConfig;
import io.committed.sync.http.internal.Pause;
import java.time.Clock;

/**
 * The syncable of kind {@code http}: delivers the entries of its topics to a webhook endpoint, in
 * log order, one request at a time. Registered in
 * {@code META-INF/services/io.committed.spi.SyncableFactory}.
 *
 * <pre>
 * [syncable]
 * name = "orders-hook"
 * type = "http"
 * [http]
 * topic = "order"
 * url = "https://hooks.example.com/orders"
 * batch = 1                          # entries per request; more than 1 sends a JSON array
 * signing_secret = "${HOOK_SECRET}"  # Standard Webhooks signature
 * [http.auth]
 * bearer = "${HOOK_TOKEN}"
 * </pre>
 *
 * <p>What it guarantees: requests go one at a time, in log order; each carries an
 * {@code Idempotency-Key} (and {@code webhook-id}) made of the syncable's id and the entries'
 * indexes, the same on every retry of that request; a 2xx answer means delivered; 408, 425, 429,
 * 5xx, timeouts and connection errors are retried with capped exponential backoff (honouring
 * {@code Retry-After}) and nothing is skipped; any other 4xx dead-letters the entry with the status
 * and the start of the response body. With {@code position_url} the receiver says where it stands
 * and delivery resumes there. See {@code docs/http-sync.md}.
 */
public final class HttpSyncableFactory implements SyncableFactory {

  private final Clock clock;
  private final Pause pause;
  /** The one piece of state: what this log's syncables had acknowledged (see DeliveredIndexes). */
  private final DeliveredIndexes delivered = new DeliveredIndexes();

  /** Public for {@link java.util.ServiceLoader}. */
  public HttpSyncableFactory() {
    this(Clock.systemUTC(), Pause.REAL);
  }

  /** For tests: the clock stamping {@code webhook-timestamp} and reading {@code Retry-After}, and the backoff waits. */
  HttpSyncableFactory(Clock clock, Pause pause) {
    this.clock = clock;
    this.pause = pause;
  }

  @Override
  public String kind() {
    return "http";
  }

  /**
   * Checks the {@code [http]} section: a valid http(s) URL without credentials, method POST or
   * PUT, batch between 1 and 10000, a known auth kind, every {@code ${VAR}} set on this node, a
   * base64 signing secret, a readable {@code ca_file}. Each problem is a
   * {@link io.committed.api.ConfigException} naming the field.
   */
  @Override
  public void validate(SyncableContext context) {
    HttpSyncableConfig.parse(context);
  }

  /** Creates the syncable; it connects on the first request. */
  @Override
  public Syncable create(SyncableContext context) {
    HttpSyncableConfig config = HttpSyncableConfig.parse(context);
    return new HttpSyncable(config, delivered, clock, pause);
  }
}
