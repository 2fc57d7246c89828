package io.committed.server.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import io.committed.LogReader;
import io.committed.api.Entity;
import io.committed.api.LogClosedException;
import io.committed.api.LogEntry;
import io.javalin.http.Context;
import jakarta.servlet.ServletOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code GET /v1/proposal/stream}: the live tail as Server-Sent Events, one event per entry with
 * its index as the event id, so that {@code Last-Event-ID} resumes with no gap and no duplicate.
 *
 * <p>Backpressure: the handler reads a batch, writes it and flushes with a blocking write; while
 * the client does not read, the write blocks and nothing more is read, so a slow client holds at
 * most one batch in memory (and a client that reads nothing for {@code COMMITTED_HTTP_READ_TIMEOUT}
 * is cut off). A comment line every {@link #heartbeat} keeps idle connections open and finds gone
 * clients. When the node stops, every stream gets a {@code shutdown} event and ends.
 */
final class StreamRoutes {
  static final int BATCH = 100;
  private static final byte[] SHUTDOWN = "event: shutdown\ndata: {}\n\n".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] HEARTBEAT = ":\n\n".getBytes(StandardCharsets.US_ASCII);

  private final NodeContext node;
  private final Duration heartbeat;
  private final Set<LogReader> open = ConcurrentHashMap.newKeySet();

  StreamRoutes(NodeContext node) {
    this.node = node;
    Duration idle = node.settings().idleTimeout();
    this.heartbeat = idle.dividedBy(2).compareTo(Duration.ofSeconds(15)) < 0 ? idle.dividedBy(2) : Duration.ofSeconds(15);
    node.onStopping(() -> open.forEach(LogReader::close));
  }

  List<Route> routes() {
    return List.of(new Route("GET", "/v1/proposal/stream", this::stream));
  }

  private void stream(Context ctx) throws Exception {
    long last = node.log().lastIndex();
    long from = Http.longParam(ctx, "from", 1, Long.MAX_VALUE).orElse(last + 1);
    String lastEventId = ctx.header("Last-Event-ID");
    if (lastEventId != null && !lastEventId.isBlank()) {
      try {
        from = Math.addExact(Long.parseLong(lastEventId.trim()), 1);
      } catch (NumberFormatException | ArithmeticException e) {
        throw new ApiError(400, "invalid_parameter", "'Last-Event-ID' is the index of the last entry received, was '"
            + lastEventId + "'", Map.of("parameter", "Last-Event-ID"));
      }
      if (from < 1) {
        throw new ApiError(400, "invalid_parameter", "'Last-Event-ID' must be 0 or more", Map.of("parameter",
            "Last-Event-ID"));
      }
    }
    String type = ctx.queryParam("type");
    if (type != null && type.isEmpty()) {
      type = null;
    }
    if (type != null) {
      if (!Entity.TYPE_ID_PATTERN.matcher(type).matches()) {
        throw ApiError.badParameter("type", "'type' is not a valid type id: '" + type + "'");
      }
      if (node.log().types().get(type).isEmpty()) {
        throw new ApiError(404, "not_found", "type '" + type + "' is not defined", Map.of("type", type));
      }
    }
    LogReader reader = node.log().reader(from);
    open.add(reader);
    try {
      if (node.stopping()) {
        reader.close(); // stopping began before the reader was registered
      }
      ctx.status(200);
      ctx.res().setContentType("text/event-stream;charset=utf-8");
      ctx.res().setHeader("Cache-Control", "no-cache");
      ctx.res().setHeader("X-Accel-Buffering", "no");
      ServletOutputStream out = ctx.res().getOutputStream();
      out.write(HEARTBEAT);
      out.flush(); // the headers go now: the client knows the stream is open
      send(reader, type, out);
    } catch (IOException e) {
      // the client went away, or stopped reading for longer than the write timeout: the stream ends
    } finally {
      open.remove(reader);
      reader.close();
    }
  }

  private void send(LogReader reader, String type, ServletOutputStream out) throws IOException {
    ByteArrayOutputStream batch = new ByteArrayOutputStream();
    while (true) {
      List<LogEntry> entries;
      try {
        entries = reader.poll(BATCH, heartbeat);
      } catch (LogClosedException e) {
        out.write(SHUTDOWN);
        out.flush();
        return;
      }
      if (entries.isEmpty()) {
        out.write(HEARTBEAT);
        out.flush();
        continue;
      }
      batch.reset();
      for (LogEntry e : entries) {
        String t = type;
        List<Entity> entities = t == null ? e.entities()
            : e.entities().stream().filter(x -> x.typeId().equals(t)).toList();
        if (entities.isEmpty()) {
          continue;
        }
        batch.write(("id: " + e.index() + "\nevent: entry\ndata: ").getBytes(StandardCharsets.US_ASCII));
        try (JsonGenerator g = ProposalCodec.generator(batch)) {
          g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
          ProposalCodec.writeEntry(g, e, entities);
        }
        batch.write('\n');
        batch.write('\n');
      }
      if (batch.size() > 0) {
        batch.writeTo(out); // blocks while the client is not reading: backpressure
        out.flush();
      }
    }
  }
}
