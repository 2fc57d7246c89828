package io.committed.raft;

import com.alipay.sofa.jraft.entity.PeerId;
import com.alipay.sofa.jraft.util.Endpoint;

/**
 * A member of the group: its node id and the {@code host:port} its peers reach it at. JRaft calls
 * the node id a peer's index ({@link PeerId#getIdx()}).
 *
 * @param host a host name or IP address, IPv6 without brackets
 */
record PeerAddress(int nodeId, String host, int port) {

  /** Parses {@code host:port} ({@code [v6]:port} too), as the peers list and the REST API write it. */
  static PeerAddress parse(int nodeId, String address) {
    int colon = address.lastIndexOf(':');
    if (colon <= 0 || colon == address.length() - 1) {
      throw new IllegalArgumentException("not host:port: '" + address + "'");
    }
    String host = address.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    return new PeerAddress(nodeId, host, Integer.parseInt(address.substring(colon + 1)));
  }

  static PeerAddress of(PeerId peer) {
    return new PeerAddress(peer.getIdx(), peer.getEndpoint().getIp(), peer.getEndpoint().getPort());
  }

  /** JRaft's peer id for {@code host:port} of node {@code nodeId}. */
  static PeerId peerId(int nodeId, String address) {
    return parse(nodeId, address).peerId();
  }

  /** {@code host:port} of a JRaft peer, as status and membership report it. */
  static String hostPort(PeerId peer) {
    return of(peer).hostPort();
  }

  PeerId peerId() {
    return new PeerId(endpoint(), nodeId);
  }

  Endpoint endpoint() {
    return new Endpoint(host, port);
  }

  /** {@code host:port}, the host as given (an IPv6 address without brackets, as JRaft keeps it). */
  String hostPort() {
    return host + ":" + port;
  }
}
