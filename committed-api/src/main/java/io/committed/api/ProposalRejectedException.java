package io.committed.api;

import java.util.Objects;

/**
 * A proposal (or one of its entities) is invalid and was not written. Retrying it unchanged fails
 * the same way; {@link #reason()} says what to fix.
 */
public class ProposalRejectedException extends CommittedException {
  private static final long serialVersionUID = 1L;

  /** Why a proposal was rejected. Each has a stable lower-case code for APIs and metrics. */
  public enum Reason {
    /** The proposal is null or has no entities. */
    EMPTY_PROPOSAL,
    /** An entity has no type id. */
    MISSING_TYPE,
    /** A type id is malformed. */
    INVALID_TYPE,
    /** A type id is reserved for Committed's own topics (it starts with {@code _}). */
    TYPE_RESERVED,
    /** The entity's type has not been defined. */
    TYPE_NOT_FOUND,
    /** An entity is malformed: null key, null data for an upsert, data on a delete. */
    INVALID_ENTITY,
    /** The encoded proposal is larger than the log's maximum proposal size. */
    TOO_LARGE,
    /** An entity's data fails its type's JSON Schema. */
    SCHEMA_VIOLATION,
    /** The state of the log does not allow this operation (for example, a stale position). */
    CONFLICT;

    /** The lower-case code, e.g. {@code too_large}. */
    public String code() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  private final Reason reason;

  /** A rejection for {@code reason}, with a message that says what is wrong and how to fix it. */
  public ProposalRejectedException(Reason reason, String message) {
    super(message);
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  /** Why the proposal was rejected. */
  public Reason reason() {
    return reason;
  }
}
