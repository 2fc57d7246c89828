package io.committed.sync.http.internal;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Standard Webhooks signatures: {@code v1,} and the base64 HMAC-SHA256, keyed with the decoded
 * secret, of {@code <webhook-id>.<webhook-timestamp>.<body>}. Holds the key; {@link #toString}
 * does not show it.
 */
public final class Signer {
  private final SecretKeySpec key;

  public Signer(byte[] key) {
    this.key = new SecretKeySpec(key, "HmacSHA256");
  }

  /** The {@code webhook-signature} header's value. */
  public String sign(String id, long timestampSeconds, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      mac.update((id + "." + timestampSeconds + ".").getBytes(StandardCharsets.UTF_8));
      return "v1," + Base64.getEncoder().encodeToString(mac.doFinal(body));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is unavailable in this JVM", e); // every JDK has it
    }
  }

  @Override
  public String toString() {
    return "Signer[HmacSHA256]";
  }
}
