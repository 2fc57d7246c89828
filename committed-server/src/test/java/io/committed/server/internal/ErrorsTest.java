package io.committed.server.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.committed.api.MembershipException;
import io.committed.api.MembershipException.Code;
import io.committed.api.OperationInterruptedException;
import io.committed.api.RetriableException;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ErrorsTest {

  @ParameterizedTest(name = "{0} -> {1} {2}")
  @CsvSource({
      "NOT_SUPPORTED, 501, not_supported",
      "ALREADY_MEMBER, 409, already_member",
      "UNKNOWN_NODE, 404, unknown_node",
      "WOULD_REMOVE_LAST_VOTER, 409, would_remove_last_voter",
      "INVALID, 400, invalid",
      "REFUSED, 409, refused"})
  void membershipRefusalsMapToTheirStatusAndCode(Code code, int status, String apiCode) {
    ApiError e = Errors.toApiError(new CompletionException(new MembershipException(code, "because")));
    assertThat(e.status()).isEqualTo(status);
    assertThat(e.code()).isEqualTo(apiCode);
    assertThat(e.getMessage()).isEqualTo("because");
  }

  @Test
  void aMembershipChangeWithoutALeaderIsRetriable() {
    ApiError e = Errors.toApiError(new RetriableException("no leader answered", true));
    assertThat(e.status()).isEqualTo(503);
    assertThat(e.code()).isEqualTo("outcome_unknown");
    assertThat(e.headers()).containsEntry("Retry-After", "1");
  }

  @ParameterizedTest(name = "outcome unknown {0} -> {1}")
  @CsvSource({"true, outcome_unknown", "false, unavailable"})
  void anInterruptedRequestIsRetriable(boolean outcomeUnknown, String code) {
    ApiError e = Errors.toApiError(new CompletionException(
        new OperationInterruptedException("interrupted", outcomeUnknown, new InterruptedException())));
    assertThat(e.status()).isEqualTo(503);
    assertThat(e.code()).isEqualTo(code);
    assertThat(e.details()).containsEntry("outcomeUnknown", outcomeUnknown);
  }
}
