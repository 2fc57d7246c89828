package io.committed;

/** The formats config documents may be written in. Documents are stored byte-exact as posted. */
public enum ConfigFormat {
  /** TOML, media type {@code text/toml} (also accepted: {@code application/toml}). */
  TOML("text/toml"),
  /** JSON, media type {@code application/json}. */
  JSON("application/json");

  private final String mediaType;

  ConfigFormat(String mediaType) {
    this.mediaType = mediaType;
  }

  /** The media type documents of this format are served with. */
  public String mediaType() {
    return mediaType;
  }

  /**
   * The format a document is written in: JSON when its first non-blank character is <code>{</code>,
   * TOML otherwise.
   */
  public static ConfigFormat detect(byte[] document) {
    for (byte b : document) {
      if (b == '{') {
        return JSON;
      }
      if (b != ' ' && b != '\t' && b != '\r' && b != '\n' && b != (byte) 0xEF && b != (byte) 0xBB && b != (byte) 0xBF) {
        return TOML;
      }
    }
    return TOML;
  }

  /** The format of a media type ({@code text/toml}, {@code application/json}, parameters ignored). */
  public static java.util.Optional<ConfigFormat> fromMediaType(String mediaType) {
    if (mediaType == null) {
      return java.util.Optional.empty();
    }
    String base = mediaType.split(";", 2)[0].trim().toLowerCase(java.util.Locale.ROOT);
    return switch (base) {
      case "text/toml", "application/toml" -> java.util.Optional.of(TOML);
      case "application/json", "text/json" -> java.util.Optional.of(JSON);
      default -> java.util.Optional.empty();
    };
  }
}
