package io.committed.sync.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.net.ssl.SSLContext;

/**
 * A webhook receiver on loopback (the JDK's HttpServer): records every request, and applies the
 * entries of a body as the docs recommend, skipping the indexes it already applied (a redelivery).
 * {@link #behaviour} decides each answer; the default applies and answers 204. {@code GET
 * /position} answers the last applied index.
 */
public final class Receiver implements AutoCloseable {
  static {
    // without it the server's separate header and body writes meet delayed ACKs: ~40 ms per request
    System.setProperty("sun.net.httpserver.nodelay", "true");
  }

  /** One request as received. */
  public record Request(String method, String path, Map<String, String> headers, byte[] body, long receivedNanos) {
    public String header(String name) {
      return headers.get(name.toLowerCase(java.util.Locale.ROOT));
    }

    public String bodyText() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  /** What to do with a request: apply it or not, then answer (or never answer: a timeout). */
  public record Answer(boolean apply, int status, Map<String, String> headers, String body) {
    public static final Answer OK = new Answer(true, 204, Map.of(), "");
    /** Applies the entries and never answers: the client times out. */
    public static final Answer APPLY_AND_STALL = new Answer(true, -1, Map.of(), "");
    public static final Answer STALL = new Answer(false, -1, Map.of(), "");

    public static Answer status(int status) {
      return new Answer(false, status, Map.of(), "error " + status);
    }

    public static Answer status(int status, Map<String, String> headers, String body) {
      return new Answer(false, status, headers, body);
    }
  }

  /** Decides the answer to a request; called on the server's threads, one request at a time per test. */
  @FunctionalInterface
  public interface Behaviour {
    Answer answer(Request request);
  }

  private final HttpServer server;
  private final ExecutorService executor = Executors.newFixedThreadPool(4);
  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private final List<Long> applied = new CopyOnWriteArrayList<>();
  private final Map<String, String> state = new TreeMap<>();
  private final List<HttpExchange> stalled = new CopyOnWriteArrayList<>();
  private final List<String> acknowledged = new CopyOnWriteArrayList<>();
  private final java.util.Set<Long> seen = new java.util.HashSet<>();
  private volatile long lastApplied;
  public volatile Behaviour behaviour = r -> Answer.OK;

  private Receiver(HttpServer server) {
    this.server = server;
    server.createContext("/", this::handle);
    server.setExecutor(executor);
    server.start();
  }

  /** A plain-HTTP receiver on a free loopback port. */
  public static Receiver plain() throws IOException {
    return new Receiver(HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0));
  }

  /** An HTTPS receiver presenting the certificate of {@code ssl}. */
  public static Receiver https(SSLContext ssl) throws IOException {
    HttpsServer s = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    s.setHttpsConfigurator(new HttpsConfigurator(ssl));
    return new Receiver(s);
  }

  public int port() {
    return server.getAddress().getPort();
  }

  /** The URL of {@code path} on this receiver, e.g. {@code url("/in")}. */
  public String url(String path) {
    String scheme = server instanceof HttpsServer ? "https" : "http";
    return scheme + "://127.0.0.1:" + port() + path;
  }

  public List<Request> requests() {
    return List.copyOf(requests);
  }

  /** The requests to {@code path}. */
  public List<Request> requests(String path) {
    return requests.stream().filter(r -> r.path().equals(path)).toList();
  }

  /** Every entry index applied, in the order applied (each once). */
  public List<Long> applied() {
    return List.copyOf(applied);
  }

  public long lastApplied() {
    return lastApplied;
  }

  /** Key to the JSON data of the live entities. */
  public synchronized Map<String, String> state() {
    return new TreeMap<>(state);
  }

  private void handle(HttpExchange x) throws IOException {
    byte[] body = x.getRequestBody().readAllBytes();
    Map<String, String> headers = new TreeMap<>();
    x.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(java.util.Locale.ROOT), String.join(",", v)));
    Request r = new Request(x.getRequestMethod(), x.getRequestURI().getPath(), headers, body, System.nanoTime());
    if (r.method().equals("GET") && r.path().endsWith("/position")) {
      respond(x, 200, Map.of(), "{\"index\": " + lastApplied + "}");
      return;
    }
    requests.add(r);
    Answer a;
    try {
      a = behaviour.answer(r);
    } catch (RuntimeException e) {
      a = Answer.status(500);
    }
    if (a.apply()) {
      apply(body);
    }
    if (a.status() < 0) {
      stalled.add(x); // never answered; closed when the receiver closes
      return;
    }
    if (a.status() / 100 == 2) {
      acknowledged.add(r.header("idempotency-key"));
    }
    respond(x, a.status(), a.headers(), a.body());
  }

  /** The Idempotency-Keys of the requests answered 2xx, in order. */
  public List<String> acknowledged() {
    return List.copyOf(acknowledged);
  }

  private synchronized void apply(byte[] body) throws IOException {
    JsonNode root = BodySchema.validated(body);
    List<JsonNode> docs = new ArrayList<>();
    if (root.isArray()) {
      root.forEach(docs::add);
    } else {
      docs.add(root);
    }
    for (JsonNode doc : docs) {
      long index = doc.get("index").asLong();
      if (!seen.add(index)) {
        continue; // a redelivery: already applied
      }
      for (JsonNode e : doc.get("entities")) {
        String key = e.get("key").asText();
        if (e.get("delete").asBoolean()) {
          state.remove(key);
        } else {
          state.put(key, e.get("data").toString());
        }
      }
      applied.add(index);
      lastApplied = Math.max(lastApplied, index);
    }
  }

  private static void respond(HttpExchange x, int status, Map<String, String> headers, String body) throws IOException {
    headers.forEach((k, v) -> x.getResponseHeaders().add(k, v));
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    x.sendResponseHeaders(status, status == 204 || bytes.length == 0 ? -1 : bytes.length);
    if (bytes.length > 0 && status != 204) {
      x.getResponseBody().write(bytes);
    }
    x.close();
  }

  @Override
  public void close() {
    server.stop(0);
    stalled.forEach(HttpExchange::close);
    executor.shutdownNow();
  }
}
