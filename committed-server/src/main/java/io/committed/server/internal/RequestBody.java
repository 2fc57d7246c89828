package io.committed.server.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Map;

/**
 * Reads a request body with a size cap and a deadline. A body announced larger than the cap is
 * refused before a byte is read; one that turns out larger (chunked) is refused as soon as it
 * passes the cap. A body that stalls is failed by the server's stream idle timeout; one that
 * trickles is failed here once {@code readTimeout} has passed between chunks.
 */
public final class RequestBody {
  private RequestBody() {}

  /**
   * @param declaredLength the Content-Length, or -1 when unknown
   * @throws ApiError 413 {@code payload_too_large}, 408 {@code request_timeout}, 400 when the body
   *     could not be read
   */
  public static byte[] read(InputStream in, long declaredLength, long maxBytes, Duration readTimeout) {
    if (declaredLength > maxBytes) {
      throw tooLarge(declaredLength, maxBytes);
    }
    long deadline = System.nanoTime() + readTimeout.toNanos();
    ByteArrayOutputStream out = new ByteArrayOutputStream(declaredLength > 0 ? (int) declaredLength : 8192);
    byte[] buf = new byte[64 * 1024];
    try {
      int n;
      while ((n = in.read(buf)) != -1) {
        out.write(buf, 0, n);
        if (out.size() > maxBytes) {
          throw tooLarge(-1, maxBytes);
        }
        if (System.nanoTime() - deadline > 0) {
          throw timeout(readTimeout);
        }
      }
    } catch (IOException e) {
      if (e.getCause() instanceof java.util.concurrent.TimeoutException
          || e instanceof java.io.InterruptedIOException) {
        throw timeout(readTimeout);
      }
      throw new ApiError(400, "invalid_request", "the request body could not be read: " + e.getMessage());
    }
    return out.toByteArray();
  }

  private static ApiError tooLarge(long declared, long max) {
    return new ApiError(413, "payload_too_large", (declared >= 0 ? "the body is " + declared + " bytes, more than"
        : "the body is larger than") + " the limit of " + max + " bytes (twice COMMITTED_MAX_PROPOSAL_BYTES)",
        Map.of("limit", max), Map.of("Connection", "close"));
  }

  private static ApiError timeout(Duration readTimeout) {
    return new ApiError(408, "request_timeout", "the request body did not arrive within " + readTimeout.toMillis()
        + " ms (COMMITTED_HTTP_READ_TIMEOUT)", Map.of(), Map.of("Connection", "close"));
  }
}
