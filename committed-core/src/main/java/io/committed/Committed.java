package io.committed;

/**
 * The entry point.
 *
 * <pre>{@code
 * // a replicated node (needs io.committed:committed-raft on the class path)
 * try (CommittedLog log = Committed.builder()
 *     .nodeId(1)
 *     .peers("1=127.0.0.1:9021,2=127.0.0.1:9022,3=127.0.0.1:9023")
 *     .dataDir(Path.of("data/node1"))
 *     .start()) {
 *   ...
 * }
 *
 * // a single in-memory node, for tests and demos
 * try (CommittedLog log = Committed.inMemory()) { ... }
 * }</pre>
 */
public final class Committed {
  private Committed() {}

  /** A builder with the defaults; see {@link CommittedBuilder} for each setting. */
  public static CommittedBuilder builder() {
    return new CommittedBuilder();
  }

  /**
   * A started single-node log in memory, with the replicated log's semantics (total order,
   * asynchronous completion, the same validation) and no disk or network. Equivalent to
   * {@code builder().inMemory().start()}.
   */
  public static CommittedLog inMemory() {
    return builder().inMemory().start();
  }
}
