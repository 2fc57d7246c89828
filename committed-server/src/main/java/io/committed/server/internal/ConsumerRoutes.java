package io.committed.server.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import io.committed.ConsumerReader;
import io.committed.ConsumerStart;
import io.committed.ConsumerStatus;
import io.committed.api.Entity;
import io.committed.api.LogEntry;
import io.committed.api.NotFoundException;
import io.javalin.http.Context;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Pattern;

/**
 * Named consumers over HTTP. The node keeps one reader per consumer name, opened by
 * {@code POST /v1/consumer/{name}} (or by the first poll or ack after a restart), so that what a
 * poll delivered is what an ack may acknowledge. One poll of a name at a time: a second concurrent
 * poll is a 409.
 */
final class ConsumerRoutes {
  static final int DEFAULT_MAX = 100;
  static final int MAX_MAX = 1000;
  /** The longest a poll waits, in seconds. */
  static final int MAX_WAIT_SECONDS = 60;
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,128}");

  private final NodeContext node;
  private final Map<String, Held> readers = new ConcurrentHashMap<>();

  /** A reader and the lock that lets one request use it at a time. */
  private record Held(ConsumerReader reader, ReentrantLock lock) {}

  ConsumerRoutes(NodeContext node) {
    this.node = node;
    node.onStopping(() -> readers.values().forEach(h -> h.reader().close())); // waiting polls answer
  }

  List<Route> routes() {
    return List.of(
        new Route("POST", "/v1/consumer/{name}", this::open),
        new Route("GET", "/v1/consumer/{name}", this::status),
        new Route("DELETE", "/v1/consumer/{name}", this::delete),
        new Route("GET", "/v1/consumer/{name}/poll", this::poll),
        new Route("POST", "/v1/consumer/{name}/ack", this::ack));
  }

  private static String name(Context ctx) {
    String name = ctx.pathParam("name");
    if (!NAME.matcher(name).matches()) {
      throw ApiError.badParameter("name", "a consumer name is 1 to 128 letters, digits, '.', '_' or '-', was '"
          + name + "'");
    }
    return name;
  }

  private void open(Context ctx) throws IOException {
    String name = name(ctx);
    byte[] body = node.body(ctx);
    JsonNode json = body.length == 0 ? Json.MAPPER.createObjectNode() : Json.object(body);
    Set<String> types = new LinkedHashSet<>();
    ConsumerStart start = ConsumerStart.earliest();
    for (Iterator<Map.Entry<String, JsonNode>> it = json.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> f = it.next();
      switch (f.getKey().toLowerCase(Locale.ROOT)) {
        case "types" -> {
          if (!f.getValue().isArray()) {
            throw field("types", "'types' is an array of type ids; empty or absent for every type");
          }
          for (JsonNode t : f.getValue()) {
            if (!t.isTextual() || !Entity.TYPE_ID_PATTERN.matcher(t.asText()).matches()) {
              throw field("types", "'types' holds an invalid type id: " + t);
            }
            types.add(t.asText());
          }
        }
        case "start" -> start = start(f.getValue());
        default -> throw field(f.getKey(), "unknown field '" + f.getKey() + "': a consumer has types and start");
      }
    }
    for (String t : types) {
      if (node.log().types().get(t).isEmpty()) {
        throw new ApiError(404, "not_found", "type '" + t + "' is not defined", Map.of("type", t));
      }
    }
    boolean created = node.log().consumers().status(name).isEmpty();
    Held held = readers.get(name);
    if (held == null) {
      ConsumerReader reader = node.log().consumers().open(name, types, start);
      readers.put(name, new Held(reader, new ReentrantLock()));
    } else if (!node.log().consumers().status(name).map(s -> s.types().equals(List.copyOf(new java.util.TreeSet<>(types))))
        .orElse(false)) {
      throw new ApiError(409, "conflict", "consumer '" + name + "' exists with other types: delete it first",
          Map.of("name", name));
    }
    Http.json(ctx, created ? 201 : 200, status(name, node.log().consumers().status(name).orElseThrow()));
  }

  private static ConsumerStart start(JsonNode v) {
    if (v.isIntegralNumber() && v.asLong() >= 1) {
      return ConsumerStart.at(v.asLong());
    }
    if (v.isTextual() && v.asText().equals("earliest")) {
      return ConsumerStart.earliest();
    }
    if (v.isTextual() && v.asText().equals("latest")) {
      return ConsumerStart.latest();
    }
    throw field("start", "'start' is \"earliest\", \"latest\" or an index of 1 or more, was " + v);
  }

  private static ApiError field(String field, String message) {
    return new ApiError(400, "invalid_request", message, Map.of("field", field));
  }

  /** The node's reader of an existing consumer, opened on first use (after a restart, or on another node). */
  private Held held(String name) {
    java.util.Optional<ConsumerStatus> status = node.log().consumers().status(name);
    Held held = readers.get(name);
    if (held != null && status.isPresent() && status.get().readerOpen()) {
      return held;
    }
    if (held != null) {
      readers.remove(name, held); // closed or deleted through the Java API meanwhile
      held.reader().close();
    }
    ConsumerStatus s = status.orElseThrow(() -> new NotFoundException("consumer '" + name + "' does not exist"));
    synchronized (readers) {
      held = readers.get(name);
      if (held == null) {
        held = new Held(node.log().consumers().open(name, Set.copyOf(s.types())), new ReentrantLock());
        readers.put(name, held);
      }
      return held;
    }
  }

  private void poll(Context ctx) throws Exception {
    String name = name(ctx);
    int max = Http.longParam(ctx, "max", 1, MAX_MAX).orElse((long) DEFAULT_MAX).intValue();
    long wait = Http.longParam(ctx, "wait", 0, MAX_WAIT_SECONDS).orElse(0L);
    Held held = held(name);
    if (!held.lock().tryLock()) {
      throw new ApiError(409, "conflict", "another poll of consumer '" + name + "' is in progress",
          Map.of("name", name));
    }
    try {
      List<LogEntry> entries;
      try {
        entries = held.reader().poll(max, Duration.ofSeconds(wait));
      } catch (io.committed.api.LogClosedException e) {
        readers.remove(name, held);
        throw e;
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      try (JsonGenerator g = ProposalCodec.generator(out)) {
        g.writeStartObject();
        g.writeArrayFieldStart("entries");
        for (LogEntry e : entries) {
          ProposalCodec.writeEntry(g, e, e.entities());
        }
        g.writeEndArray();
        g.writeNumberField("next", held.reader().position());
        g.writeNumberField("delivered", held.reader().delivered());
        g.writeNumberField("acknowledged", held.reader().acknowledged());
        g.writeNumberField("lastIndex", node.log().lastIndex());
        g.writeEndObject();
      }
      Http.json(ctx, 200, out.toByteArray());
    } finally {
      held.lock().unlock();
    }
  }

  private void ack(Context ctx) throws IOException {
    String name = name(ctx);
    JsonNode json = Json.object(node.body(ctx));
    JsonNode index = null;
    for (Iterator<Map.Entry<String, JsonNode>> it = json.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> f = it.next();
      if (!f.getKey().equalsIgnoreCase("index")) {
        throw field(f.getKey(), "unknown field '" + f.getKey() + "': an ack is {\"index\": n}");
      }
      index = f.getValue();
    }
    if (index == null || !index.isIntegralNumber() || index.asLong() < 1) {
      throw field("index", "an ack is {\"index\": n} with n a delivered log index of 1 or more");
    }
    Held held = held(name);
    held.reader().ack(index.asLong());
    Http.json(ctx, 200, Map.of("acknowledged", held.reader().acknowledged()));
  }

  private void status(Context ctx) {
    String name = name(ctx);
    ConsumerStatus s = node.log().consumers().status(name)
        .orElseThrow(() -> new NotFoundException("consumer '" + name + "' does not exist"));
    Http.json(ctx, 200, status(name, s));
  }

  private Map<String, Object> status(String name, ConsumerStatus s) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", name);
    m.put("types", s.types());
    m.put("acknowledged", s.acknowledged());
    m.put("lastIndex", s.lastIndex());
    m.put("lag", s.lag());
    Held held = readers.get(name);
    m.put("readerOpen", s.readerOpen());
    if (held != null) {
      m.put("delivered", held.reader().delivered());
    }
    return m;
  }

  private void delete(Context ctx) {
    String name = name(ctx);
    Held held = readers.remove(name);
    if (held != null) {
      held.reader().close();
    }
    node.log().consumers().delete(name);
    ctx.status(204);
  }
}
