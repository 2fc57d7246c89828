package io.committed.server.internal;

import java.util.Map;

/**
 * An HTTP error answer: thrown by a handler, written as the error envelope
 * {@code {"code", "message", "details"}} with {@link #status()}.
 */
public final class ApiError extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final String code;
  private final transient Map<String, Object> details;
  private final transient Map<String, String> headers;

  public ApiError(int status, String code, String message) {
    this(status, code, message, Map.of(), Map.of());
  }

  public ApiError(int status, String code, String message, Map<String, Object> details) {
    this(status, code, message, details, Map.of());
  }

  public ApiError(int status, String code, String message, Map<String, Object> details, Map<String, String> headers) {
    super(message, null, false, false);
    this.status = status;
    this.code = code;
    this.details = Map.copyOf(details);
    this.headers = Map.copyOf(headers);
  }

  public int status() {
    return status;
  }

  public String code() {
    return code;
  }

  /** Extra facts for the client (the offending field, the leader, ...); empty when none. */
  public Map<String, Object> details() {
    return details;
  }

  /** Headers to send with the answer (Allow, Retry-After, WWW-Authenticate). */
  public Map<String, String> headers() {
    return headers;
  }

  public static ApiError badRequest(String code, String message) {
    return new ApiError(400, code, message);
  }

  /** A bad query or path parameter: 400 {@code invalid_parameter}, naming it. */
  public static ApiError badParameter(String parameter, String message) {
    return new ApiError(400, "invalid_parameter", message, Map.of("parameter", parameter));
  }
}
