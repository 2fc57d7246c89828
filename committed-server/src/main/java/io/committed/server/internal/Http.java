package io.committed.server.internal;

import io.committed.ConfigFormat;
import io.committed.api.OperationInterruptedException;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Small helpers the handlers share: bodies, parameters, media types, answers. */
public final class Http {
  public static final String JSON = "application/json";

  private Http() {}

  /** Answers {@code value} as JSON with {@code status}. */
  public static void json(Context ctx, int status, Object value) {
    ctx.status(status).contentType(JSON).result(value instanceof byte[] b ? b : Json.write(value));
  }

  /** Answers the error envelope. */
  public static void error(Context ctx, ApiError e) {
    e.headers().forEach(ctx::header);
    ctx.status(e.status()).contentType(JSON).result(Json.error(e));
  }

  /** The request body, capped and bounded in time. */
  public static byte[] body(Context ctx, long maxBytes, Duration readTimeout) throws java.io.IOException {
    return RequestBody.read(ctx.req().getInputStream(), ctx.req().getContentLengthLong(), maxBytes, readTimeout);
  }

  /** Requires a JSON body: 415 {@code unsupported_media_type} otherwise. */
  public static void requireJson(Context ctx) {
    String type = ctx.contentType();
    String base = type == null ? "" : type.split(";", 2)[0].trim();
    if (!base.equalsIgnoreCase(JSON)) {
      throw unsupported(type, "application/json");
    }
  }

  /** The config format named by the Content-Type: 415 {@code unsupported_media_type} for others. */
  public static ConfigFormat configFormat(Context ctx) {
    String type = ctx.contentType();
    return ConfigFormat.fromMediaType(type).orElseThrow(() -> unsupported(type, "text/toml or application/json"));
  }

  private static ApiError unsupported(String type, String wanted) {
    return new ApiError(415, "unsupported_media_type", (type == null ? "the request has no Content-Type"
        : "the Content-Type '" + type + "' is not accepted here") + ": send " + wanted
        + " (with curl: -H 'Content-Type: " + wanted.split(" ")[0] + "')", Map.of("accepted", wanted));
  }

  /** An optional integer query parameter within {@code [min, max]}. */
  public static Optional<Long> longParam(Context ctx, String name, long min, long max) {
    String raw = ctx.queryParam(name);
    if (raw == null || raw.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(parse(raw, name, min, max));
  }

  /** A path parameter that is an integer within {@code [min, max]}. */
  public static long pathLong(Context ctx, String name, long min, long max) {
    return parse(ctx.pathParam(name), name, min, max);
  }

  private static long parse(String raw, String name, long min, long max) {
    try {
      long v = Long.parseLong(raw.trim());
      if (v >= min && v <= max) {
        return v;
      }
    } catch (NumberFormatException e) {
      // below
    }
    throw ApiError.badParameter(name, "'" + name + "' must be an integer from " + min + " to " + max + ", was '"
        + raw + "'");
  }

  /**
   * Waits for a write to be applied, up to {@code timeout}; past it, the answer is 503
   * {@code outcome_unknown}: the write may still be committed.
   */
  public static <T> T await(CompletableFuture<T> future, Duration timeout) {
    return await(future, timeout, timeout);
  }

  /**
   * {@link #await(CompletableFuture, Duration)} for one write of several sharing the deadline
   * {@code timeout}: it waits what is {@code left} of it (zero: only a write already done).
   */
  public static <T> T await(CompletableFuture<T> future, Duration left, Duration timeout) {
    try {
      return future.get(left.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      throw new ApiError(503, "outcome_unknown", "the write was not confirmed within " + timeout.toMillis()
          + " ms (COMMITTED_HTTP_WRITE_TIMEOUT); it may still be committed: read the log before retrying",
          Map.of("outcomeUnknown", true), Map.of("Retry-After", "1"));
    } catch (ExecutionException e) {
      throw Errors.toApiError(e.getCause());
    } catch (InterruptedException e) {
      throw OperationInterruptedException.interrupted("interrupted while waiting for the write to be applied; it "
          + "may still be committed", true, e);
    }
  }

  public static String utf8(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }
}
