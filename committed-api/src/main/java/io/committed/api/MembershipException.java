package io.committed.api;

/**
 * A change of the replication group's membership (add, promote, remove a node, move leadership)
 * that the group refused; {@link #code()} says why. Nothing changed.
 */
public class MembershipException extends CommittedException {
  private static final long serialVersionUID = 1L;

  /** Why a membership change was refused. */
  public enum Code {
    /** The engine has no membership (the in-memory engine). */
    NOT_SUPPORTED,
    /** The node id or address is already in the group. */
    ALREADY_MEMBER,
    /** The node id is not in the group (or not in the role the change needs). */
    UNKNOWN_NODE,
    /** The change would leave the group without a voter. */
    WOULD_REMOVE_LAST_VOTER,
    /** The request itself is malformed (an address that is not host:port, a node id below 1). */
    INVALID,
    /** The group refused the change for another reason, given in the message. */
    REFUSED
  }

  private final Code code;

  /** A refusal with its reason. */
  public MembershipException(Code code, String message) {
    super(message);
    this.code = code;
  }

  /** Why the change was refused. */
  public Code code() {
    return code;
  }
}
