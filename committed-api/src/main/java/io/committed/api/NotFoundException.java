package io.committed.api;

/** The named config, config version, syncable or dead letter does not exist. */
public class NotFoundException extends CommittedException {
  private static final long serialVersionUID = 1L;

  /** A not-found error whose message names what was looked for. */
  public NotFoundException(String message) {
    super(message);
  }
}
