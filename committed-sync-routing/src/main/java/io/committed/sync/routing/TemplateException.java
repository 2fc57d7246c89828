package io.committed.sync.routing;

/**
 * A template's text is malformed: an unterminated or empty {@code ${}}, an unknown name, a lone
 * {@code $}. The message names the problem and the column (1-based) where it is.
 */
public final class TemplateException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  private final int column;

  TemplateException(String message, int column) {
    super(message + " (at column " + column + ")");
    this.column = column;
  }

  /** The 1-based column of the template text where the problem is. */
  public int column() {
    return column;
  }
}
