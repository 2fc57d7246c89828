package io.committed;

import io.committed.api.MembershipException;
import java.util.SortedMap;

/**
 * Membership of the log's replication group: add a node as a learner, promote it to a voter,
 * remove a node, hand leadership to another node. Reached through {@link CommittedLog#cluster()};
 * may be called from any thread and on any node (a follower hands the change to the leader).
 *
 * <p>Each method blocks until the group has committed the change or the log's operation timeout
 * passed. A change the group refuses throws {@link MembershipException} with a
 * {@link MembershipException.Code}; {@link io.committed.api.RetriableException} means no leader
 * could be reached in time (the change may still happen: read {@link #members()} before retrying).
 * The in-memory engine refuses every change with {@link MembershipException.Code#NOT_SUPPORTED}.
 */
public interface ClusterControl {

  /** The group's members as this node knows them. */
  Members members();

  /**
   * Adds node {@code nodeId} at replication address {@code address} ({@code host:port}) as a
   * learner: it receives the log but does not vote until {@link #promote promoted}. Start the new
   * node (with the current members as its peers and the join flag) before or after this call; once
   * it listens, it catches up from a snapshot and the log.
   *
   * @throws MembershipException {@code ALREADY_MEMBER} when the id or the address is taken,
   *     {@code INVALID} when the address is not {@code host:port}
   */
  void addLearner(int nodeId, String address);

  /**
   * Makes learner {@code nodeId} a voter.
   *
   * @throws MembershipException {@code UNKNOWN_NODE} when it is not a learner of the group
   */
  void promote(int nodeId);

  /**
   * Removes node {@code nodeId} (voter or learner) from the group. Removing the leader moves
   * leadership to another voter.
   *
   * @throws MembershipException {@code UNKNOWN_NODE} when it is not a member,
   *     {@code WOULD_REMOVE_LAST_VOTER} when it is the only voter
   */
  void remove(int nodeId);

  /**
   * Asks the leader to hand leadership to voter {@code nodeId} (caught up first).
   *
   * @throws MembershipException {@code UNKNOWN_NODE} when it is not a voter
   */
  void transferLeadership(int nodeId);

  /**
   * The group's members by node id and replication address.
   *
   * @param voters the members that vote and may lead
   * @param learners the members that receive the log without voting
   */
  record Members(SortedMap<Integer, String> voters, SortedMap<Integer, String> learners) {
    public Members {
      voters = java.util.Collections.unmodifiableSortedMap(new java.util.TreeMap<>(voters));
      learners = java.util.Collections.unmodifiableSortedMap(new java.util.TreeMap<>(learners));
    }
  }
}
