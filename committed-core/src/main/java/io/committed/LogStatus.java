package io.committed;

import java.util.Optional;
import java.util.OptionalInt;
import java.util.SortedMap;

/**
 * This node's view of its log. What this node does not know is an empty {@code Optional}.
 *
 * @param groupId the log's replication group
 * @param nodeId this node's id
 * @param role this node's role ({@link NodeRole#STOPPED} once the log is closed)
 * @param leaderId the leader's node id, if this node knows the leader
 * @param leaderAddress the leader's replication address ({@code host:port}), if known
 * @param term the current term
 * @param lastIndex the last log index applied on this node (and present in its event log)
 * @param engineCommittedIndex the engine's committed index (its own numbering)
 * @param engineAppliedIndex the engine's applied index (its own numbering)
 * @param peers the members of the group by node id
 */
public record LogStatus(
    String groupId,
    int nodeId,
    NodeRole role,
    OptionalInt leaderId,
    Optional<String> leaderAddress,
    long term,
    long lastIndex,
    long engineCommittedIndex,
    long engineAppliedIndex,
    SortedMap<Integer, String> peers) {}
