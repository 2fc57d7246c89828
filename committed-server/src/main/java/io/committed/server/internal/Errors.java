package io.committed.server.internal;

import io.committed.api.MembershipException;
import io.committed.api.CommittedException;
import io.committed.api.ConfigException;
import io.committed.api.LogClosedException;
import io.committed.api.NotFoundException;
import io.committed.api.NotLeaderException;
import io.committed.api.OperationInterruptedException;
import io.committed.api.ProposalRejectedException;
import io.committed.api.RetriableException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How the log's exceptions become HTTP answers. The mapping is part of the API's contract (the
 * node's docs page, {@code docs/node.md}, and {@code /openapi.yaml} document it):
 *
 * <ul>
 *   <li>{@link ProposalRejectedException}: 413 for {@code too_large}, 422 for
 *       {@code schema_violation}, 409 for {@code conflict}, 400 for the rest; the code is the
 *       reason's code;
 *   <li>{@link ConfigException}: 400 {@code invalid_config}, the field in {@code details.field};
 *   <li>{@link NotFoundException}: 404 {@code not_found};
 *   <li>{@link NotLeaderException}: 503 {@code not_leader} with the leader in {@code details};
 *   <li>{@link io.committed.api.InsufficientStorageException} (disk admission): 507
 *       {@code insufficient_storage}, nothing written;
 *   <li>{@link RetriableException}: 503 {@code outcome_unknown} when the write may have been
 *       committed, else 503 {@code unavailable}; {@code details.outcomeUnknown} says which;
 *   <li>{@link OperationInterruptedException} (the request's thread was interrupted): as a
 *       {@link RetriableException};
 *   <li>{@link LogClosedException}: 503 {@code shutting_down};
 *   <li>{@link MembershipException}: its code in lower case with 501 for
 *       {@code not_supported} (the in-memory engine has no membership: the node cannot do it, and no
 *       retry will change that), 409 for {@code already_member}, {@code would_remove_last_voter} and
 *       {@code refused} (the group's state does not allow it), 404 for {@code unknown_node}, 400 for
 *       {@code invalid};
 *   <li>anything else: 500 {@code internal_error}, its cause logged and not shown.
 * </ul>
 */
public final class Errors {
  private static final Logger LOG = LoggerFactory.getLogger(Errors.class);

  private Errors() {}

  public static ApiError toApiError(Throwable thrown) {
    Throwable t = unwrap(thrown);
    if (t instanceof ApiError e) {
      return e;
    }
    if (t instanceof ProposalRejectedException e) {
      int status = switch (e.reason()) {
        case TOO_LARGE -> 413;
        case SCHEMA_VIOLATION -> 422;
        case CONFLICT -> 409;
        default -> 400;
      };
      return new ApiError(status, e.reason().code(), e.getMessage());
    }
    if (t instanceof ConfigException e) {
      Map<String, Object> details = new LinkedHashMap<>();
      e.field().ifPresent(f -> details.put("field", f));
      return new ApiError(400, "invalid_config", e.getMessage(), details);
    }
    if (t instanceof NotFoundException e) {
      return new ApiError(404, "not_found", e.getMessage());
    }
    if (t instanceof NotLeaderException e) {
      Map<String, Object> details = new LinkedHashMap<>();
      e.leaderAddress().ifPresent(a -> details.put("leaderAddress", a));
      details.put("outcomeUnknown", false);
      return new ApiError(503, "not_leader", e.getMessage(), details, Map.of("Retry-After", "1"));
    }
    if (t instanceof io.committed.api.InsufficientStorageException e) {
      return new ApiError(507, "insufficient_storage", e.getMessage(), Map.of("outcomeUnknown", false),
          Map.of("Retry-After", "10"));
    }
    if (t instanceof RetriableException e) {
      return new ApiError(503, e.outcomeUnknown() ? "outcome_unknown" : "unavailable", e.getMessage(),
          Map.of("outcomeUnknown", e.outcomeUnknown()), Map.of("Retry-After", "1"));
    }
    if (t instanceof OperationInterruptedException e) { // the node is stopping the request's thread
      return new ApiError(503, e.outcomeUnknown() ? "outcome_unknown" : "unavailable", e.getMessage(),
          Map.of("outcomeUnknown", e.outcomeUnknown()), Map.of("Retry-After", "1"));
    }
    if (t instanceof LogClosedException e) {
      return new ApiError(503, "shutting_down", e.getMessage(), Map.of("outcomeUnknown", false),
          Map.of("Retry-After", "1"));
    }
    if (t instanceof MembershipException e) {
      int status = switch (e.code()) {
        case NOT_SUPPORTED -> 501;
        case UNKNOWN_NODE -> 404;
        case INVALID -> 400;
        case ALREADY_MEMBER, WOULD_REMOVE_LAST_VOTER, REFUSED -> 409;
      };
      return new ApiError(status, e.code().name().toLowerCase(Locale.ROOT), e.getMessage());
    }
    if (t instanceof CommittedException e) {
      LOG.warn("request failed", e);
      return new ApiError(500, "internal_error", e.getMessage());
    }
    LOG.error("request failed unexpectedly", t);
    return new ApiError(500, "internal_error", "the node failed to handle the request; its log has the cause");
  }

  /** The cause inside the wrappers futures add. */
  public static Throwable unwrap(Throwable t) {
    Throwable c = t;
    while ((c instanceof CompletionException || c instanceof ExecutionException) && c.getCause() != null) {
      c = c.getCause();
    }
    return c;
  }
}
