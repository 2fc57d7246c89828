package io.committed.engine;

/**
 * The permanent log of committed entries, indexed 1, 2, 3, ... with no gaps and never compacted.
 * Each record keeps the engine index of the command that produced it, so that commands replayed
 * after a restart are recognised.
 *
 * <p>Writes come only from the engine's apply thread (through the state machine); reads come from
 * any thread, concurrently with writes, and see a prefix of the log.
 */
public interface EventLog extends AutoCloseable {

  /** The index of the last entry, 0 when empty. */
  long lastIndex();

  /**
   * The engine index recorded with entry {@code index}.
   *
   * @throws IllegalArgumentException when {@code index} is not in 1..{@link #lastIndex()}
   */
  long engineIndexOf(long index);

  /**
   * Appends entry {@code index}, which must be {@link #lastIndex()} + 1.
   *
   * @param entry the encoded entry; the log may keep the array, the caller must not change it
   * @throws IllegalStateException when {@code index} is not the next index
   */
  void append(long index, long engineIndex, byte[] entry);

  /**
   * Reads entries from {@code fromIndex}, in order, up to {@code maxEntries} and the last index.
   *
   * @param fromIndex 1 or more; past the end reads nothing
   * @return how many entries were passed to {@code visitor}
   */
  int read(long fromIndex, int maxEntries, Visitor visitor);

  /**
   * Carries out scrub {@code number}: {@code pass} reads the log and hands each entry to change to
   * the rewriter it is given, in index order, with the entry's new bytes (the same entry with some
   * entities' data erased: never longer than before). The log then records {@code number} as
   * carried out ({@link #scrubbedThrough}). When this returns, the rewritten entries are durable and
   * no file of the log holds their old bytes.
   *
   * <p>Called from the apply thread. Concurrent reads see each entry either as it was or as
   * rewritten, never a mix.
   *
   * @throws IllegalArgumentException when an index is not in the log, or an entry grows
   */
  void scrub(long number, ScrubPass pass);

  /** The number of the last scrub carried out ({@link #scrub}), 0 when none; kept with the log's files. */
  long scrubbedThrough();

  /** Makes every appended entry durable (fsync for a file-backed log). */
  void flush();

  /** Closes the log; reads and writes after it fail. Idempotent. */
  @Override
  void close();

  /** The work of a {@link #scrub}: finds the entries to change and rewrites them. */
  @FunctionalInterface
  interface ScrubPass {
    void run(Rewriter rewriter);
  }

  /** Replaces one entry's bytes; see {@link #scrub}. */
  @FunctionalInterface
  interface Rewriter {
    void rewrite(long index, byte[] entry);
  }

  /** Receives entries from {@link #read}. */
  @FunctionalInterface
  interface Visitor {
    /**
     * One entry.
     *
     * @param entry the encoded entry; the visitor may keep it but must not modify it
     */
    void visit(long index, long engineIndex, byte[] entry);
  }
}
