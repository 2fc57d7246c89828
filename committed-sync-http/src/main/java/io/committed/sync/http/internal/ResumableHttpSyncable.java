package io.committed.sync.http.internal;

import io.committed.spi.ResumableSyncable;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An {@link HttpSyncable} whose receiver reports, at {@code position_url}, the last index it
 * applied: a GET answered 200 with that number (the bare number, or a JSON object with
 * {@code "index"} or {@code "last_index"}), or 404/204 for none yet. The worker resumes after it,
 * so a failover or a restart resumes where the receiver is.
 */
public final class ResumableHttpSyncable extends HttpSyncable implements ResumableSyncable {
  private static final Pattern BARE = Pattern.compile("\\s*(\\d{1,19})\\s*");
  private static final Pattern FIELD = Pattern.compile("\"(?:last_)?index\"\\s*:\\s*(\\d{1,19})");

  public ResumableHttpSyncable(HttpSyncableConfig config, Clock clock, Pause pause) {
    super(config, clock, pause);
    if (config.positionUrl() == null) {
      throw new IllegalArgumentException("a resumable HTTP syncable needs position_url");
    }
  }

  @Override
  public long lastSyncedIndex() throws Exception {
    String where = "GET " + HttpSyncableConfig.redact(config.positionUrl());
    HttpResponse<byte[]> r;
    try {
      r = exchange(request(config.positionUrl(), "GET", config.syncableId() + ":position", new byte[0]), true);
    } catch (TimeoutException e) {
      throw new IOException(where + " timed out after " + config.timeout(), e);
    }
    int status = r.statusCode();
    if (status == 404 || status == 204) {
      return 0;
    }
    String body = r.body() == null ? "" : new String(r.body(), StandardCharsets.UTF_8);
    if (status != 200) {
      throw new IOException(where + " answered " + status + excerpt(r.body()) + ": expected 200 with the last index"
          + " the receiver applied");
    }
    Matcher m = BARE.matcher(body);
    Matcher f = FIELD.matcher(body);
    if (m.matches()) {
      return Long.parseLong(m.group(1));
    }
    if (f.find()) {
      return Long.parseLong(f.group(1));
    }
    throw new IOException(where + " answered 200 with a body that is not an index" + excerpt(r.body())
        + ": answer the number, or {\"index\": n}");
  }
}
