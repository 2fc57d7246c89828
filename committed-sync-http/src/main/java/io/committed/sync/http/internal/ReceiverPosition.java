package io.committed.sync.http.internal;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a receiver's {@code position_url}: a GET answered 200 with the last index the receiver
 * applied (the bare number, or a JSON object with {@code "index"} or {@code "last_index"}), or
 * 404/204 for none yet. Anything else is a transient failure.
 */
final class ReceiverPosition {
  private static final Pattern BARE = Pattern.compile("\\s*(\\d{1,18})\\s*");
  private static final Pattern FIELD = Pattern.compile("\"(?:last_)?index\"\\s*:\\s*(\\d{1,18})");

  private ReceiverPosition() {}

  static long parse(String where, HttpResponse<byte[]> r) throws IOException {
    int status = r.statusCode();
    if (status == 404 || status == 204) {
      return 0;
    }
    if (status != 200) {
      throw new IOException(where + " answered " + status + HttpSyncable.excerpt(r.body()) + ": expected 200 with the"
          + " last index the receiver applied");
    }
    String body = r.body() == null ? "" : new String(r.body(), StandardCharsets.UTF_8);
    Matcher m = BARE.matcher(body);
    if (m.matches()) {
      return Long.parseLong(m.group(1));
    }
    Matcher f = FIELD.matcher(body);
    if (f.find()) {
      return Long.parseLong(f.group(1));
    }
    throw new IOException(where + " answered 200 with a body that is not an index" + HttpSyncable.excerpt(r.body())
        + ": answer the number, or {\"index\": n}");
  }
}
