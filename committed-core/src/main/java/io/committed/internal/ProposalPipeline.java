package io.committed.internal;

import io.committed.ConfigKind;
import io.committed.LogObserver;
import io.committed.api.CommittedException;
import io.committed.api.Entity;
import io.committed.api.OperationInterruptedException;
import io.committed.api.Proposal;
import io.committed.api.ProposalRejectedException;
import io.committed.api.ProposalRejectedException.Reason;
import io.committed.api.RetriableException;
import io.committed.engine.ApplyResult;
import io.committed.engine.LogEngine;
import io.committed.internal.codec.BytesWriter;
import io.committed.internal.codec.EntryCodec;
import io.committed.internal.state.Command;
import io.committed.internal.state.CommandCodec;
import io.committed.internal.state.StateView;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The write path: validates proposals against the applied types and encodes them, bounds the
 * commands in flight, submits commands to the engine, and waits for internal commands' results.
 */
final class ProposalPipeline {
  private final LogSettings settings;
  private final LogEngine engine;
  private final StateView state;
  private final TypeCatalog types;
  private final LogLifecycle lifecycle;
  private final Semaphore inFlight;
  private final DiskAdmission disk;
  /** Submissions the engine has not answered yet. */
  private final java.util.Set<CompletableFuture<ApplyResult>> unanswered =
      java.util.concurrent.ConcurrentHashMap.newKeySet();

  ProposalPipeline(LogSettings settings, LogEngine engine, StateView state, TypeCatalog types,
      LogLifecycle lifecycle) {
    this.settings = settings;
    this.engine = engine;
    this.state = state;
    this.types = types;
    this.lifecycle = lifecycle;
    this.inFlight = new Semaphore(settings.maxInFlight());
    this.disk = DiskAdmission.of(settings.dataDir(), new DiskAdmission.Thresholds(settings.diskWarnPercent(),
        settings.diskDataPercent(), settings.diskConfigPercent()));
  }

  /** The data directory's disk, as admission sees it now. */
  java.util.Optional<io.committed.DiskUsage> disk() {
    return disk.usage();
  }

  /** {@link io.committed.CommittedLog#propose}: completes with the entry's index. */
  CompletableFuture<Long> propose(Proposal proposal) {
    long start = System.nanoTime();
    int entities = proposal == null ? 0 : proposal.entities().size();
    CompletableFuture<Long> result;
    try {
      lifecycle.checkOpen();
      result = submit(new Command.Write(prepareWrite(proposal), null)).thenApply(ProposalPipeline::valueOrThrow);
    } catch (CommittedException e) {
      result = CompletableFuture.failedFuture(e);
    }
    return result.whenComplete((index, err) -> settings.observer().proposalCompleted(
        err == null ? LogObserver.Outcome.COMMITTED
            : unwrap(err) instanceof ProposalRejectedException ? LogObserver.Outcome.REJECTED
            : LogObserver.Outcome.FAILED, System.nanoTime() - start, entities));
  }

  /** Validates and encodes a proposal that must fit one command. */
  private byte[] prepareWrite(Proposal proposal) {
    Map<String, Integer> versions = validate(proposal);
    long micros = EntryCodec.toMicros(settings.clock().instant());
    int size = EntryCodec.encodedSize(micros, proposal, versions::get);
    if (size > settings.maxProposalBytes()) {
      throw new ProposalRejectedException(Reason.TOO_LARGE, "the proposal encodes to " + size
          + " bytes, more than the maximum of " + settings.maxProposalBytes() + " (maxProposalBytes)");
    }
    BytesWriter out = new BytesWriter(size);
    EntryCodec.encode(out, micros, proposal, versions::get);
    return out.toByteArray();
  }

  /** See {@link io.committed.internal.ingest.IngestHost#prepareParts}. */
  List<byte[]> prepareParts(Proposal proposal, int reserve) {
    Map<String, Integer> versions = validate(proposal);
    long micros = EntryCodec.toMicros(settings.clock().instant());
    long cap = (long) settings.maxProposalBytes() - reserve - EntryCodec.MAX_HEADER_BYTES;
    List<List<Entity>> chunks = new ArrayList<>();
    List<Entity> chunk = new ArrayList<>();
    long chunkBytes = 0;
    long total = 0;
    for (Entity e : proposal.entities()) {
      int size = EntryCodec.entitySize(e, versions.get(e.typeId()));
      if (size > cap) {
        throw new ProposalRejectedException(Reason.TOO_LARGE, "an entity of type '" + e.typeId() + "' (key '"
            + e.keyAsString() + "') encodes to " + size + " bytes, more than one proposal may hold ("
            + settings.maxProposalBytes() + ", maxProposalBytes)");
      }
      total += size;
      if (total > settings.maxTransactionBytes()) {
        throw new ProposalRejectedException(Reason.TOO_LARGE, "the transaction is larger than the maximum of "
            + settings.maxTransactionBytes() + " bytes (maxTransactionBytes)");
      }
      if (chunkBytes + size > cap) {
        chunks.add(chunk);
        chunk = new ArrayList<>();
        chunkBytes = 0;
      }
      chunk.add(e);
      chunkBytes += size;
    }
    chunks.add(chunk);
    List<byte[]> parts = new ArrayList<>(chunks.size());
    for (List<Entity> c : chunks) {
      Proposal p = new Proposal(c);
      BytesWriter out = new BytesWriter(EntryCodec.encodedSize(micros, p, versions::get));
      EntryCodec.encode(out, micros, p, versions::get);
      parts.add(out.toByteArray());
    }
    return parts;
  }

  /** Checks the types and schemas; returns the version of each type to stamp. */
  private Map<String, Integer> validate(Proposal proposal) {
    if (proposal == null) {
      throw new ProposalRejectedException(Reason.EMPTY_PROPOSAL, "the proposal is null");
    }
    Map<String, Integer> versions = new HashMap<>(4);
    boolean validate = false;
    for (Entity e : proposal.entities()) {
      String type = e.typeId();
      if (versions.containsKey(type)) {
        continue;
      }
      if (type.startsWith("_")) {
        throw new ProposalRejectedException(Reason.TYPE_RESERVED,
            "type id '" + type + "' is reserved for Committed's own topics (it starts with '_')");
      }
      int version = state.currentVersion(ConfigKind.TYPE, type);
      if (version == 0 && catchUp()) { // another node may have just defined it
        version = state.currentVersion(ConfigKind.TYPE, type);
      }
      if (version == 0) {
        throw new ProposalRejectedException(Reason.TYPE_NOT_FOUND,
            "type '" + type + "' is not defined: define it first with types().define(\"" + type + "\", ...)");
      }
      versions.put(type, version);
      validate |= types.validates(type, version);
    }
    if (validate) {
      types.validate(proposal, versions);
    }
    return versions;
  }

  /**
   * Submits a command, waiting up to the operation timeout for a place among the commands in
   * flight; completes on the engine's callback thread.
   */
  CompletableFuture<ApplyResult> submit(Command command) {
    try {
      lifecycle.checkOpen();
      disk.check(command);
      if (!inFlight.tryAcquire(settings.operationTimeout().toNanos(), TimeUnit.NANOSECONDS)) {
        return CompletableFuture.failedFuture(new RetriableException("more than " + settings.maxInFlight()
            + " proposals in flight for " + settings.operationTimeout() + "; nothing was written", false));
      }
    } catch (InterruptedException e) {
      return CompletableFuture.failedFuture(OperationInterruptedException.interrupted(
          "interrupted while waiting for room among the proposals in flight; nothing was written", false, e));
    } catch (CommittedException e) {
      return CompletableFuture.failedFuture(e);
    }
    CompletableFuture<ApplyResult> f;
    try {
      f = engine.submit(CommandCodec.encode(command));
    } catch (RuntimeException e) {
      inFlight.release();
      return CompletableFuture.failedFuture(e);
    }
    unanswered.add(f);
    return f.whenComplete((r, err) -> {
      unanswered.remove(f);
      inFlight.release();
    });
  }

  /**
   * After the engine closed: fails, as of unknown outcome, every submission the engine left
   * unanswered, so that no caller waits forever on a closed log. Returns how many there were.
   */
  int failUnanswered() {
    int n = 0;
    for (CompletableFuture<ApplyResult> f : List.copyOf(unanswered)) {
      if (f.completeExceptionally(new RetriableException("log '" + settings.groupId() + "' closed before its engine"
          + " answered this proposal; its outcome is unknown, read the log before retrying", true))) {
        n++;
      }
    }
    unanswered.clear();
    return n;
  }

  private static long valueOrThrow(ApplyResult r) {
    if (!r.accepted()) {
      throw new ProposalRejectedException(r.rejection(), r.message());
    }
    return r.value();
  }

  /**
   * On a node that is not the leader, waits until it has applied everything committed so far, so
   * that a check against its state sees changes just made through another node. Returns whether it
   * waited.
   */
  boolean catchUp() {
    if (engine.isLeader()) {
      return false;
    }
    await(new Command.Barrier());
    return true;
  }

  /** Commits an internal command and waits for its result, up to the operation timeout. */
  long await(Command command) {
    CompletableFuture<ApplyResult> f = submit(command);
    try {
      return valueOrThrow(f.get(settings.operationTimeout().toNanos(), TimeUnit.NANOSECONDS));
    } catch (TimeoutException e) {
      throw new RetriableException("the change was not confirmed within " + settings.operationTimeout()
          + "; it may still be applied", true, e);
    } catch (InterruptedException e) {
      throw OperationInterruptedException.interrupted("interrupted while waiting; the change may still be applied",
          true, e);
    } catch (ExecutionException e) {
      throw unwrap(e.getCause());
    }
  }

  /** The {@link CommittedException} a failed future carries, wrapping anything else. */
  static CommittedException unwrap(Throwable t) {
    Throwable c = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
    return c instanceof CommittedException ce ? ce : new CommittedException(c.toString(), c);
  }
}
