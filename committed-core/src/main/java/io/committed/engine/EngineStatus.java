package io.committed.engine;

import io.committed.NodeRole;
import java.util.SortedMap;

/**
 * An engine's view of its group, for status pages. Fields an engine does not know are -1 or null.
 *
 * @param nodeId this node's id
 * @param role this node's role
 * @param leaderId the leader's node id, or -1 when unknown
 * @param leaderAddress the leader's replication address, or null when unknown
 * @param term the current term (0 for an engine without terms)
 * @param committedIndex the engine's last committed index
 * @param appliedIndex the engine's last applied index
 * @param peers the current members by node id and address
 */
public record EngineStatus(
    int nodeId,
    NodeRole role,
    int leaderId,
    String leaderAddress,
    long term,
    long committedIndex,
    long appliedIndex,
    SortedMap<Integer, String> peers) {}
