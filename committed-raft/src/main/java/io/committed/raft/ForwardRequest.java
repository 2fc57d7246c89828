package io.committed.raft;

import java.util.List;
import java.util.Objects;

/**
 * Proposals a follower hands to the leader. Wire format between nodes of one release (encoded by
 * {@link ForwardCodec}); not an API. SOFABolt finds the codec and the leader's
 * {@link ForwardProcessor} by this class's name, so it needs neither to be public nor serializable.
 *
 * @param groupId the replication group the commands belong to
 * @param commands the encoded commands, in submission order; the list is copied, the commands are
 *     not (they can be large, and nothing changes a command once submitted)
 */
record ForwardRequest(String groupId, List<byte[]> commands) {
  ForwardRequest {
    Objects.requireNonNull(groupId, "groupId");
    commands = List.copyOf(commands);
  }
}
