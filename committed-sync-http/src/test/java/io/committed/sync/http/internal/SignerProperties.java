package io.committed.sync.http.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;

/**
 * Signatures checked against the Standard Webhooks reference vector and against an HMAC built here
 * from SHA-256 by hand (RFC 2104), independently of {@code javax.crypto.Mac}.
 */
class SignerProperties {

  /** The test vector of the Standard Webhooks reference libraries. */
  @Example
  void theStandardWebhooksReferenceVectorVerifies() {
    byte[] key = Base64.getDecoder().decode("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
    String sig = new Signer(key).sign("msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330,
        "{\"test\": 2432232314}".getBytes(StandardCharsets.UTF_8));
    assertThat(sig).isEqualTo("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
  }

  @Property(tries = 300)
  void aSignatureIsTheHmacOfIdTimestampAndBody(@ForAll @Size(min = 16, max = 64) byte[] key,
      @ForAll("ids") String id, @ForAll long timestamp, @ForAll @Size(max = 300) byte[] body) throws Exception {
    String expected = "v1," + Base64.getEncoder().encodeToString(
        hmacSha256(key, concat((id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8), body)));
    assertThat(new Signer(key).sign(id, timestamp, body)).isEqualTo(expected);
  }

  @net.jqwik.api.Provide
  net.jqwik.api.Arbitrary<String> ids() {
    return net.jqwik.api.Arbitraries.strings().withChars("abc:-_0123456789").ofMinLength(1).ofMaxLength(40);
  }

  @Example
  void theKeyIsNotInToString() {
    assertThat(new Signer("0123456789abcdef".getBytes(StandardCharsets.UTF_8)).toString()).doesNotContain("0123");
  }

  /** HMAC (RFC 2104) from SHA-256: H((K ^ opad) || H((K ^ ipad) || m)), 64-byte blocks. */
  static byte[] hmacSha256(byte[] key, byte[] message) throws Exception {
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    byte[] k = key.length > 64 ? sha.digest(key) : key;
    byte[] block = Arrays.copyOf(k, 64);
    byte[] inner = new byte[64];
    byte[] outer = new byte[64];
    for (int i = 0; i < 64; i++) {
      inner[i] = (byte) (block[i] ^ 0x36);
      outer[i] = (byte) (block[i] ^ 0x5c);
    }
    sha.reset();
    sha.update(inner);
    byte[] innerHash = sha.digest(message);
    sha.reset();
    sha.update(outer);
    return sha.digest(innerHash);
  }

  static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
