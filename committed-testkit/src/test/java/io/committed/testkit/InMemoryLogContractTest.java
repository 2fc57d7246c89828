package io.committed.testkit;

import io.committed.Committed;
import io.committed.CommittedLog;
import java.nio.file.Path;

/** The in-memory engine passes the log contract. */
class InMemoryLogContractTest extends CommittedLogContract {
  @Override
  protected CommittedLog open(Path dir) {
    return Committed.builder().inMemory().maxProposalBytes(MAX_PROPOSAL_BYTES).start();
  }

  @Override
  protected boolean durable() {
    return false;
  }
}
