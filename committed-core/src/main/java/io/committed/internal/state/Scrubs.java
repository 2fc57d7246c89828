package io.committed.internal.state;

import io.committed.ConfigKind;
import io.committed.api.Entity;
import io.committed.api.Proposal;
import io.committed.api.ProposalRejectedException.Reason;
import io.committed.engine.ApplyResult;
import io.committed.engine.EventLog;
import io.committed.internal.codec.BytesWriter;
import io.committed.internal.codec.EntryCodec;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Applies scrubs: erases a key's entity data from the event log's entries (each such upsert
 * becomes a tombstone keeping its key), appends the entry that deletes the keys (what syncables
 * and the key-value views act on) and records the scrub, so that a node whose event log missed it
 * carries it out when it restores a snapshot taken after it ({@link #catchUp}).
 *
 * <p>The rewrite reads the whole log on the apply thread: applying pauses for as long as that takes.
 */
final class Scrubs {
  private static final int PAGE = 1_024;

  private final EventLog events;
  private final EntityWrites writes;

  Scrubs(EventLog events, EntityWrites writes) {
    this.events = events;
    this.writes = writes;
  }

  /**
   * Rewrites the entries {@code c} erases data from, when it is valid. Called on the apply thread
   * before {@link #scrub} and outside the state's lock: the pass reads the whole log, and readers
   * of the state need not wait for it (only the apply thread changes the state).
   */
  void rewriteFor(LogState state, Command.Scrub c) {
    if (check(state, c) == null) {
      // on a replay after a crash the entries are rewritten already: the pass finds nothing to change
      rewrite(state.scrubs.size() + 1, c.typeId(), c.keys(), state.lastIndex);
    }
  }

  /** Appends the scrub's entry of deletes and records it; {@link #rewriteFor} ran first. */
  ApplyResult scrub(LogState state, long engineIndex, Command.Scrub c) {
    ApplyResult refused = check(state, c);
    if (refused != null) {
      return refused;
    }
    long number = state.scrubs.size() + 1;
    List<Entity> deletes = new ArrayList<>(c.keys().size());
    c.keys().forEach(k -> deletes.add(Entity.delete(c.typeId(), k)));
    Proposal proposal = new Proposal(deletes);
    int version = state.configs.get(ConfigKind.TYPE).get(c.typeId()).current;
    BytesWriter body = new BytesWriter(EntryCodec.encodedSize(c.timestampMicros(), proposal, t -> version));
    EntryCodec.encode(body, c.timestampMicros(), proposal, t -> version);
    long index = writes.append(state, engineIndex, body.toByteArray());
    state.scrubs.add(new LogState.ScrubRecord(number, c.typeId(), c.keys(), index, engineIndex, c.timestampMicros(),
        c.reason()));
    return ApplyResult.ok(index);
  }

  private static ApplyResult check(LogState state, Command.Scrub c) {
    if (c.typeId().startsWith("_")) {
      return ApplyResult.rejected(Reason.TYPE_RESERVED, "type id '" + c.typeId() + "' is reserved (it starts with '_')");
    }
    if (!state.isDefined(ConfigKind.TYPE, c.typeId())) {
      return ApplyResult.rejected(Reason.TYPE_NOT_FOUND, "type '" + c.typeId() + "' is not defined");
    }
    if (c.keys().isEmpty() || c.keys().size() > Command.Scrub.MAX_KEYS) {
      return ApplyResult.rejected(Reason.INVALID_ENTITY, "a scrub names 1 to " + Command.Scrub.MAX_KEYS + " keys, not "
          + c.keys().size());
    }
    return null;
  }

  /**
   * Carries out the scrubs of a restored state that this node's event log has not (it installed
   * the snapshot of a node that had).
   */
  void catchUp(LogState state) {
    for (LogState.ScrubRecord r : state.scrubs) {
      if (r.number() > events.scrubbedThrough()) {
        rewrite(r.number(), r.typeId(), r.keys(), r.index() - 1);
      }
    }
  }

  /** Rewrites entries 1..{@code through} as scrub {@code number} wants them. */
  private void rewrite(long number, String typeId, List<byte[]> keys, long through) {
    Set<ByteBuffer> wanted = new HashSet<>();
    keys.forEach(k -> wanted.add(ByteBuffer.wrap(k)));
    events.scrub(number, rewriter -> {
      List<Long> indexes = new ArrayList<>();
      List<byte[]> bodies = new ArrayList<>();
      long next = 1;
      while (next <= through) {
        int n = events.read(next, (int) Math.min(PAGE, through - next + 1), (i, e, body) -> {
          byte[] scrubbed = EntryCodec.scrub(body, typeId, wanted);
          if (scrubbed != null) {
            indexes.add(i);
            bodies.add(scrubbed);
          }
        });
        if (n == 0) {
          throw new IllegalStateException("the event log ends at " + events.lastIndex() + ", before entry " + next
              + " that scrub " + number + " reads");
        }
        // rewritten outside the read: a read holds the entries it reads against rewrites
        for (int k = 0; k < indexes.size(); k++) {
          rewriter.rewrite(indexes.get(k), bodies.get(k));
        }
        indexes.clear();
        bodies.clear();
        next += n;
      }
    });
  }
}
