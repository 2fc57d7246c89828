package io.committed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.committed.api.Entity;
import io.committed.api.Proposal;
import io.committed.api.RetriableException;
import io.committed.testplugins.DeafEngineFactory;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Closing a log answers every proposal it took, even those its engine never answered. */
class CloseAnswersEveryProposalTest {
  @AfterEach
  void hear() {
    DeafEngineFactory.deaf = false;
  }

  @Test
  void aProposalTheEngineLeftUnansweredFailsAsOfUnknownOutcomeOnClose(@TempDir Path dir) throws Exception {
    CommittedLog log = Committed.builder().classLoader(DeafEngineFactory.loader(dir)).engine("deaf").start();
    log.types().define("t", "[type]\nname = \"t\"");
    DeafEngineFactory.deaf = true;
    CompletableFuture<Long> f = log.propose(Proposal.of(Entity.upsert("t", "k", "{}")));
    assertThat(f).isNotDone();
    log.close();
    assertThatThrownBy(() -> f.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(RetriableException.class)
        .hasMessageContaining("outcome is unknown");
    assertThatThrownBy(f::join).isInstanceOf(CompletionException.class)
        .satisfies(e -> assertThat(((RetriableException) e.getCause()).outcomeUnknown()).isTrue());
  }
}
