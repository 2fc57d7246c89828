package io.committed.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.committed.server.support.ApiClient;
import io.committed.server.support.TestNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code GET /v1/proposal/stream} with the JDK's HTTP client: events, resume by Last-Event-ID, shutdown. */
class StreamRoutesIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newHttpClient();
  private TestNode node;
  private ApiClient api;

  /** One SSE event as parsed from the stream's lines. */
  record Event(String id, String event, String data) {
    JsonNode json() throws Exception {
      return JSON.readTree(data);
    }
  }

  /** An open stream: a thread turns its lines into events. */
  static final class Sse implements AutoCloseable {
    final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    final HttpResponse<Stream<String>> response;
    final Thread pump;
    volatile boolean ended;

    Sse(HttpResponse<Stream<String>> response) {
      this.response = response;
      this.pump = new Thread(() -> {
        String id = null;
        String event = null;
        StringBuilder data = new StringBuilder();
        try {
          Iterator<String> lines = response.body().iterator();
          while (lines.hasNext()) {
            String line = lines.next();
            if (line.isEmpty()) {
              if (event != null) {
                events.add(new Event(id, event, data.toString()));
              }
              id = null;
              event = null;
              data.setLength(0);
            } else if (line.startsWith("id: ")) {
              id = line.substring(4);
            } else if (line.startsWith("event: ")) {
              event = line.substring(7);
            } else if (line.startsWith("data: ")) {
              data.append(line.substring(6));
            }
          }
        } catch (RuntimeException e) {
          // closed by the test
        } finally {
          ended = true;
        }
      }, "sse-test-reader");
      pump.setDaemon(true);
      pump.start();
    }

    Event next() throws InterruptedException {
      Event e = events.poll(20, TimeUnit.SECONDS);
      assertThat(e).as("an event within 20 s").isNotNull();
      return e;
    }

    @Override
    public void close() {
      response.body().close();
    }
  }

  @BeforeEach
  void start() {
    node = TestNode.start();
    api = node.client();
    api.postToml("/v1/type/order", "[type]\nname = \"order\"\n").expect(200);
    api.postToml("/v1/type/invoice", "[type]\nname = \"invoice\"\n").expect(200);
  }

  @AfterEach
  void stop() {
    node.close();
  }

  private long write(String type, String key) {
    return api.postJson("/v1/proposal", "{\"entities\":[{\"typeId\":\"" + type + "\",\"key\":\"" + key
        + "\",\"data\":{}}]}").expect(200).json().get("index").asLong();
  }

  private Sse open(String query, String lastEventId) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(node.server().uri() + "/v1/proposal/stream" + query))
        .header("Accept", "text/event-stream");
    if (lastEventId != null) {
      b.header("Last-Event-ID", lastEventId);
    }
    HttpResponse<Stream<String>> r = http.send(b.build(), HttpResponse.BodyHandlers.ofLines());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/event-stream");
    return new Sse(r);
  }

  @Test
  void resumingByLastEventIdHasNoGapAndNoDuplicate() throws Exception {
    for (int i = 1; i <= 5; i++) {
      write("order", "o" + i);
    }
    List<Long> seen = new ArrayList<>();
    String lastId;
    try (Sse first = open("?from=1", null)) {
      for (int i = 0; i < 3; i++) {
        Event e = first.next();
        assertThat(e.event()).isEqualTo("entry");
        assertThat(e.json().get("index").asText()).isEqualTo(e.id());
        seen.add(Long.parseLong(e.id()));
      }
      lastId = String.valueOf(seen.get(seen.size() - 1));
    } // the client drops the connection mid-stream
    write("order", "o6");
    try (Sse second = open("?from=1", lastId)) { // Last-Event-ID wins over from
      for (int i = 0; i < 3; i++) {
        seen.add(Long.parseLong(second.next().id()));
      }
      long live = write("order", "live");
      Event e = second.next();
      assertThat(e.json().get("entities").get(0).get("key").asText()).isEqualTo("live");
      seen.add(Long.parseLong(e.id()));
      assertThat(seen).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, live);
    }
  }

  @Test
  void aTypeFilterSendsOnlyThatTypeAndTheDefaultIsATail() throws Exception {
    write("order", "old");
    try (Sse orders = open("?type=order&from=1", null); Sse tail = open("", null)) {
      write("invoice", "i1");
      long o = write("order", "o1");
      assertThat(orders.next().json().get("entities").get(0).get("key").asText()).isEqualTo("old");
      assertThat(orders.next().id()).isEqualTo(String.valueOf(o));
      assertThat(tail.next().json().get("entities").get(0).get("key").asText()).isEqualTo("i1");
      assertThat(tail.next().id()).isEqualTo(String.valueOf(o));
    }
    api.get("/v1/proposal/stream?type=nope").expectError(404, "not_found");
    api.get("/v1/proposal/stream?from=0").expectError(400, "invalid_parameter");
  }

  @Test
  void aClientThatStopsReadingHoldsBackOnlyItsOwnStreamAndIsCutOff() throws Exception {
    node.close();
    node = TestNode.start(java.util.Map.of("COMMITTED_HTTP_READ_TIMEOUT", "2s"));
    api = node.client();
    api.postToml("/v1/type/order", "[type]\nname = \"order\"\n").expect(200);
    String big = "{\"pad\":\"" + "x".repeat(20_000) + "\"}";
    try (java.net.Socket slow = new java.net.Socket()) {
      slow.setReceiveBufferSize(1024);
      slow.connect(new java.net.InetSocketAddress(node.server().uri().getHost(), node.server().uri().getPort()));
      slow.getOutputStream().write(("GET /v1/proposal/stream?from=1 HTTP/1.1\r\nHost: test\r\n\r\n")
          .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      slow.getOutputStream().flush(); // and never reads
      for (int i = 0; i < 500; i++) { // 10 MB, more than the socket buffers hold
        node.server().log().proposeAndWait(io.committed.api.Proposal.of(io.committed.api.Entity.upsert("order",
            "k" + i, big)));
      }
      // the blocked write fails after the write timeout (2 s here) and the slow stream's handler ends
      await().atMost(Duration.ofSeconds(30)).until(() -> countStreams(api.get("/metrics").text()) == 1);
      // and the node serves other clients as before
      try (Sse fast = open("?from=500", null)) {
        assertThat(fast.next().id()).isEqualTo("500");
      }
    }
  }

  private static long countStreams(String metrics) {
    return metrics.lines().filter(l -> l.startsWith("committed_http_requests_seconds_count")
        && l.contains("route=\"/v1/proposal/stream\"")).mapToLong(l -> (long) Double.parseDouble(
            l.substring(l.lastIndexOf(' ') + 1))).sum();
  }

  @Test
  void aStreamEndsCleanlyWhenTheNodeStops() throws Exception {
    Sse s = open("", null);
    long start = System.nanoTime();
    node.close();
    Event e = s.next();
    assertThat(e.event()).isEqualTo("shutdown");
    await().atMost(Duration.ofSeconds(10)).until(() -> s.ended);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
  }
}
