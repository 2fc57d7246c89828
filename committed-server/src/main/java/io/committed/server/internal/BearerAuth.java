package io.committed.server.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Map;

/**
 * Bearer-token authentication of {@code /v1}. The presented token and the expected one are both
 * hashed with SHA-256 and the digests compared with {@link MessageDigest#isEqual} (constant time),
 * so neither the content nor the length of the token leaks through timing.
 */
public final class BearerAuth {
  private static final Map<String, String> CHALLENGE = Map.of("WWW-Authenticate", "Bearer realm=\"committed\"");

  private final byte[] expectedDigest;

  public BearerAuth(String token) {
    this.expectedDigest = sha256(token);
  }

  /**
   * Checks an {@code Authorization} header value.
   *
   * @throws ApiError 401 {@code unauthorized} when it is missing, not a bearer token, or wrong
   */
  public void check(String authorization) {
    if (authorization == null || authorization.isBlank()) {
      throw new ApiError(401, "unauthorized", "this node needs 'Authorization: Bearer <token>' on /v1 requests",
          Map.of(), CHALLENGE);
    }
    String a = authorization.strip();
    if (a.length() < 7 || !a.regionMatches(true, 0, "Bearer ", 0, 7)) {
      throw new ApiError(401, "unauthorized", "the Authorization header must be 'Bearer <token>'", Map.of(), CHALLENGE);
    }
    if (!MessageDigest.isEqual(expectedDigest, sha256(a.substring(7).strip()))) {
      throw new ApiError(401, "unauthorized", "the bearer token is not valid", Map.of(), CHALLENGE);
    }
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }
}
