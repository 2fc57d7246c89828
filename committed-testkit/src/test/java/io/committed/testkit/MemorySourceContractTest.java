package io.committed.testkit;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.committed.api.LogEntry;
import io.committed.spi.IngestableFactory;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** {@link IngestableContract} against an ingestable over a source in memory. */
class MemorySourceContractTest implements IngestableContract {
  private final MemorySource source = new MemorySource(MemorySource.Flaw.NONE);

  @Override
  public IngestableFactory factory() {
    return source;
  }

  @Override
  public String document(String ingestableId) {
    return "[ingestable]\ntype = \"memsrc\"\n[memsrc]\n";
  }

  @Override
  public List<String> types() {
    return List.of(MemorySource.TYPE);
  }

  @Override
  public void writeTransactions(int from, int to) {
    source.write(from, to);
  }

  @Override
  public int transactionOf(LogEntry entry) {
    return Integer.parseInt(entry.entities().get(0).keyAsString().substring("tx-".length()));
  }

  @Override
  public String unreachableDocument(String ingestableId) {
    return document(ingestableId) + "reachable = false\n";
  }

  @Override
  public Duration timeout() {
    return Duration.ofSeconds(10);
  }

  /** The suite fails an ingestable with a flaw: each flaw is caught by the test meant for it. */
  @Nested
  class Flaws {
    private MemorySourceContractTest flawed(MemorySource.Flaw flaw) {
      return new MemorySourceContractTest() {
        private final MemorySource broken = new MemorySource(flaw);

        @Override
        public IngestableFactory factory() {
          return broken;
        }

        @Override
        public void writeTransactions(int from, int to) {
          broken.write(from, to);
        }

        @Override
        public Duration timeout() {
          return Duration.ofSeconds(3);
        }
      };
    }

    @Test
    void anIngestableThatForgetsItsPositionFailsTheCrashTest() {
      assertThatThrownBy(() -> flawed(MemorySource.Flaw.FORGETS_POSITION)
          .runsCrashedAtRandomPointsRedeliverNothingTwiceAndThePositionOnlyMovesForward())
          .isInstanceOf(AssertionError.class);
    }

    @Test
    void anIngestableThatGoesOnAfterARefusedProposalFailsTheRefusalTest() {
      assertThatThrownBy(() -> flawed(MemorySource.Flaw.IGNORES_FAILURES).aProposalTheLogRefusesEndsTheRunWithAnError())
          .isInstanceOf(AssertionError.class);
    }
  }
}
