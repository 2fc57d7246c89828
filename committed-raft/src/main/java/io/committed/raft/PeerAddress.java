package io.committed.raft;

import com.alipay.sofa.jraft.entity.PeerId;
import com.alipay.sofa.jraft.util.Endpoint;
import io.committed.api.HostPort;

/**
 * A member of the group: its node id and the address its peers reach it at. JRaft calls the node
 * id a peer's index ({@link PeerId#getIdx()}) and keeps an IPv6 host without brackets.
 */
record PeerAddress(int nodeId, HostPort address) {

  /**
   * Parses {@code host:port} ({@code [v6]:port} too), as the peers list and the REST API write it.
   *
   * @throws IllegalArgumentException when it is not such an address
   */
  static PeerAddress parse(int nodeId, String address) {
    return new PeerAddress(nodeId, HostPort.parse(address));
  }

  static PeerAddress of(PeerId peer) {
    return new PeerAddress(peer.getIdx(), new HostPort(peer.getEndpoint().getIp(), peer.getEndpoint().getPort()));
  }

  /** JRaft's peer id for {@code host:port} of node {@code nodeId}. */
  static PeerId peerId(int nodeId, String address) {
    return parse(nodeId, address).peerId();
  }

  /** {@code host:port} of a JRaft peer, as status and membership report it (IPv6 in brackets). */
  static String hostPort(PeerId peer) {
    return of(peer).address().toString();
  }

  PeerId peerId() {
    return new PeerId(endpoint(), nodeId);
  }

  Endpoint endpoint() {
    return new Endpoint(address.host(), address.port());
  }
}
