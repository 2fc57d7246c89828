package io.committed.sync.nats;

import io.committed.sync.routing.Escaping;
import io.committed.sync.routing.Headers;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.api.MessageInfo;
import io.nats.client.api.StreamInfo;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The machine's NATS server with JetStream (127.0.0.1:4222), shared with other test runs: tests
 * use streams of their own, with unique names, and delete them. A server that is down fails the
 * test with the command that starts it; it is never a reason to skip.
 */
final class NatsTestServer {
  static final String URL = "nats://127.0.0.1:4222";
  static final String START_COMMAND = "start-stop-daemon --start --oknodo --background --exec /usr/sbin/nats-server"
      + " -- -a 127.0.0.1 -p 4222 -js -sd /var/lib/nats-server";
  private static final AtomicInteger STREAMS = new AtomicInteger();

  private NatsTestServer() {}

  /** A connection to the shared server; fails loudly, saying how to start it, when it is not there. */
  static Connection connect() {
    return connect(URL);
  }

  static Connection connect(String url) {
    try {
      Connection c = Nats.connect(Options.builder().server(url).connectionTimeout(Duration.ofSeconds(3))
          .maxReconnects(0).build());
      c.jetStreamManagement().getAccountStatistics();
      return c;
    } catch (Exception e) {
      throw new AssertionError("the NATS tests need nats-server with JetStream at " + url + " and could not use it ("
          + e + "). Start it with: " + START_COMMAND, e);
    }
  }

  /** A stream name no other test run uses. */
  static String uniqueStream(String prefix) {
    return prefix + "_" + ProcessHandle.current().pid() + "_" + STREAMS.incrementAndGet();
  }

  static void deleteStream(Connection c, String stream) throws Exception {
    try {
      c.jetStreamManagement().deleteStream(stream);
    } catch (JetStreamApiException e) {
      if (e.getApiErrorCode() != 10059) {
        throw e;
      }
    }
  }

  /** Every message of the stream, in stream order. */
  static List<MessageInfo> messages(Connection c, String stream) throws Exception {
    JetStreamManagement jsm = c.jetStreamManagement();
    StreamInfo info = jsm.getStreamInfo(stream);
    List<MessageInfo> out = new ArrayList<>();
    for (long seq = info.getStreamState().getFirstSequence(); seq <= info.getStreamState().getLastSequence(); seq++) {
      try {
        out.add(jsm.getMessage(stream, seq));
      } catch (JetStreamApiException e) {
        if (e.getApiErrorCode() != 10037) {
          throw e;
        }
      }
    }
    return out;
  }

  static long count(Connection c, String stream) throws Exception {
    return c.jetStreamManagement().getStreamInfo(stream).getStreamState().getMsgCount();
  }

  /** Key → body of the stream's messages, folded in order; a delete removes its key. */
  static Map<String, String> fold(List<MessageInfo> messages) {
    Map<String, String> state = new TreeMap<>();
    for (MessageInfo m : messages) {
      String key = key(m);
      if ("delete".equals(m.getHeaders().getFirst(Headers.OPERATION))) {
        state.remove(key);
      } else {
        state.put(key, new String(m.getData() == null ? new byte[0] : m.getData(), StandardCharsets.UTF_8));
      }
    }
    return state;
  }

  static String key(MessageInfo m) {
    return new String(Escaping.HEADER_VALUE.unescape(m.getHeaders().getFirst(Headers.KEY)), StandardCharsets.UTF_8);
  }

  static long index(MessageInfo m) {
    return Long.parseLong(m.getHeaders().getFirst(Headers.INDEX));
  }

  static int position(MessageInfo m) {
    return Integer.parseInt(m.getHeaders().getFirst(Headers.POSITION));
  }
}
