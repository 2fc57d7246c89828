package io.committed.api;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads PEM files (a certificate chain, its private key, CA certificates) into the key stores the
 * JDK's TLS needs, with no extra library: what the node's API and its replication traffic use, and
 * what a plug-in with TLS settings can use. Keys: PKCS#8 ({@code BEGIN PRIVATE KEY}: RSA, EC,
 * Ed25519) and PKCS#1 RSA ({@code BEGIN RSA PRIVATE KEY}). Anything else fails with the
 * {@code openssl} command that converts it. Every error is a {@link ConfigException} naming the
 * setting that named the file.
 */
public final class Pem {
  private static final Pattern BLOCK = Pattern.compile(
      "-----BEGIN ([A-Z0-9 ]+)-----\\s*([A-Za-z0-9+/=\\s]*?)\\s*-----END \\1-----");
  /** DER prefix of a PKCS#8 wrapper around a PKCS#1 RSA key: version 0, rsaEncryption, NULL. */
  private static final byte[] RSA_ALGORITHM = {
      0x02, 0x01, 0x00, 0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01,
      0x01, 0x05, 0x00};
  private static final String PASSWORD = "committed";

  private Pem() {}

  /**
   * A key store holding the private key of {@code keyFile} with the certificate chain of
   * {@code certFile} (the first certificate must be the key's), its entry protected by
   * {@link #keyPassword()}.
   *
   * @param certVariable the setting that named {@code certFile}, for errors
   * @param keyVariable the setting that named {@code keyFile}, for errors
   * @throws ConfigException when a file cannot be read or parsed, or the key is not the certificate's
   */
  public static KeyStore keyStore(Path certFile, String certVariable, Path keyFile, String keyVariable) {
    List<Certificate> chain = certificates(certFile, certVariable);
    PrivateKey key = privateKey(keyFile, keyVariable);
    if (!matches(key, chain.get(0).getPublicKey())) {
      throw new ConfigException(keyVariable, keyVariable + " '" + keyFile + "' does not match the certificate in "
          + certVariable + " '" + certFile + "' (the first certificate must be the one of this key)");
    }
    try {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      ks.setKeyEntry("key", key, keyPassword(), chain.toArray(Certificate[]::new));
      return ks;
    } catch (GeneralSecurityException | IOException e) {
      throw new ConfigException(keyVariable, keyVariable + " '" + keyFile + "' does not match the certificate in "
          + certVariable + " '" + certFile + "': " + e.getMessage(), e);
    }
  }

  /** The password of the key entry in {@link #keyStore}'s stores (they live in memory only). */
  public static char[] keyPassword() {
    return PASSWORD.toCharArray();
  }

  /**
   * A trust store holding every certificate of {@code file} (one CA, or a bundle of several while
   * a CA is being replaced).
   *
   * @throws ConfigException when the file cannot be read or holds no certificate
   */
  public static KeyStore trustStore(Path file, String variable) {
    List<Certificate> certs = certificates(file, variable);
    try {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      for (int i = 0; i < certs.size(); i++) {
        ks.setCertificateEntry("ca-" + i, certs.get(i));
      }
      return ks;
    } catch (GeneralSecurityException | IOException e) {
      throw new ConfigException(variable, variable + " '" + file + "' could not be used: " + e.getMessage(), e);
    }
  }

  /** True when {@code key} signs what {@code publicKey} verifies. */
  static boolean matches(PrivateKey key, java.security.PublicKey publicKey) {
    String algorithm = switch (key.getAlgorithm()) {
      case "RSA" -> "SHA256withRSA";
      case "EC" -> "SHA256withECDSA";
      case "RSASSA-PSS" -> "RSASSA-PSS";
      default -> key.getAlgorithm(); // Ed25519, Ed448, EdDSA
    };
    try {
      byte[] probe = "committed".getBytes(StandardCharsets.US_ASCII);
      java.security.Signature signer = java.security.Signature.getInstance(algorithm);
      if (algorithm.equals("RSASSA-PSS")) {
        signer.setParameter(new java.security.spec.PSSParameterSpec("SHA-256", "MGF1",
            java.security.spec.MGF1ParameterSpec.SHA256, 32, 1));
      }
      signer.initSign(key);
      signer.update(probe);
      byte[] signature = signer.sign();
      java.security.Signature verifier = java.security.Signature.getInstance(algorithm);
      if (algorithm.equals("RSASSA-PSS")) {
        verifier.setParameter(new java.security.spec.PSSParameterSpec("SHA-256", "MGF1",
            java.security.spec.MGF1ParameterSpec.SHA256, 32, 1));
      }
      verifier.initVerify(publicKey);
      verifier.update(probe);
      return verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  static List<Certificate> certificates(Path file, String variable) {
    byte[] bytes = read(file, variable);
    try {
      List<Certificate> certs = new ArrayList<>(CertificateFactory.getInstance("X.509")
          .generateCertificates(new ByteArrayInputStream(bytes)));
      if (certs.isEmpty()) {
        throw new ConfigException(variable, variable + " '" + file + "' holds no PEM certificate");
      }
      return certs;
    } catch (CertificateException e) {
      throw new ConfigException(variable, variable + " '" + file + "' is not a PEM certificate file: " + e.getMessage(),
          e);
    }
  }

  static PrivateKey privateKey(Path file, String variable) {
    String text = new String(read(file, variable), StandardCharsets.US_ASCII);
    Matcher m = BLOCK.matcher(text);
    while (m.find()) {
      String type = m.group(1);
      byte[] der = Base64.getMimeDecoder().decode(m.group(2));
      switch (type) {
        case "PRIVATE KEY":
          return pkcs8(der, file, variable);
        case "RSA PRIVATE KEY":
          return pkcs8(wrapPkcs1(der), file, variable);
        case "ENCRYPTED PRIVATE KEY":
          throw new ConfigException(variable, variable + " '" + file + "' is encrypted: decrypt it with "
              + "'openssl pkcs8 -in " + file + " -out key.pem' (protect the file instead)");
        case "EC PRIVATE KEY":
          throw new ConfigException(variable, variable + " '" + file + "' is a SEC1 EC key: convert it with "
              + "'openssl pkcs8 -topk8 -nocrypt -in " + file + " -out key.pem'");
        default:
          break; // e.g. EC PARAMETERS before the key
      }
    }
    throw new ConfigException(variable, variable + " '" + file + "' holds no PEM private key (BEGIN PRIVATE KEY or "
        + "BEGIN RSA PRIVATE KEY)");
  }

  private static PrivateKey pkcs8(byte[] der, Path file, String variable) {
    PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
    for (String algorithm : List.of("RSA", "EC", "Ed25519", "Ed448", "RSASSA-PSS")) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(spec);
      } catch (GeneralSecurityException e) {
        // try the next algorithm
      }
    }
    throw new ConfigException(variable, variable + " '" + file + "' holds a private key of an unsupported algorithm"
        + " (RSA, EC and Ed25519 are supported)");
  }

  /** Wraps a PKCS#1 RSAPrivateKey in a PKCS#8 PrivateKeyInfo. */
  static byte[] wrapPkcs1(byte[] pkcs1) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.writeBytes(RSA_ALGORITHM);
    body.write(0x04); // OCTET STRING
    writeLength(body, pkcs1.length);
    body.writeBytes(pkcs1);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(0x30); // SEQUENCE
    writeLength(out, body.size());
    out.writeBytes(body.toByteArray());
    return out.toByteArray();
  }

  private static void writeLength(ByteArrayOutputStream out, int length) {
    if (length < 0x80) {
      out.write(length);
      return;
    }
    int bytes = length > 0xffffff ? 4 : length > 0xffff ? 3 : length > 0xff ? 2 : 1;
    out.write(0x80 | bytes);
    for (int i = bytes - 1; i >= 0; i--) {
      out.write((length >>> (8 * i)) & 0xff);
    }
  }

  private static byte[] read(Path file, String variable) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new ConfigException(variable, variable + " '" + file + "' cannot be read: " + e);
    }
  }
}
