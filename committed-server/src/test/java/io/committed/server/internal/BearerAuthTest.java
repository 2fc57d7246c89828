package io.committed.server.internal;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class BearerAuthTest {
  private final BearerAuth auth = new BearerAuth("s3cret");

  @Test
  void onlyTheRightBearerTokenPasses() {
    assertThatCode(() -> auth.check("Bearer s3cret")).doesNotThrowAnyException();
    assertThatCode(() -> auth.check("bearer s3cret ")).doesNotThrowAnyException();
    for (String wrong : new String[] {null, "", "s3cret", "Bearer", "Bearer ", "Bearer s3cre", "Bearer s3cret2",
        "Basic s3cret", "Bearer S3CRET", "Bearers3cret"}) {
      assertThatThrownBy(() -> auth.check(wrong)).as("'%s'", wrong).isInstanceOf(ApiError.class)
          .satisfies(e -> {
            ApiError a = (ApiError) e;
            org.assertj.core.api.Assertions.assertThat(a.status()).isEqualTo(401);
            org.assertj.core.api.Assertions.assertThat(a.code()).isEqualTo("unauthorized");
            org.assertj.core.api.Assertions.assertThat(a.headers()).containsKey("WWW-Authenticate");
          });
    }
  }
}
