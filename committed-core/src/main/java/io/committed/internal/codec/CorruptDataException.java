package io.committed.internal.codec;

/** Bytes that do not decode: a bug or a damaged file, never a user's error. */
public final class CorruptDataException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  public CorruptDataException(String message) {
    super(message);
  }
}
