package io.committed.server.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import io.committed.CommittedLog;
import io.committed.api.Entity;
import io.committed.api.LogEntry;
import io.committed.api.Proposal;
import io.javalin.http.Context;
import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.Map;

/** {@code POST /v1/proposal} (write) and {@code GET /v1/proposal} (read committed entries). */
final class ProposalRoutes {
  static final int DEFAULT_LIMIT = 100;
  static final int MAX_LIMIT = 1000;
  /** Entries examined per read request when filtering by type; {@code next} continues the scan. */
  static final int MAX_SCAN = 10_000;
  /** A page stops growing past this many bytes (always at least one entry). */
  static final int PAGE_BYTES = 4 * 1024 * 1024;

  private final NodeContext node;

  ProposalRoutes(NodeContext node) {
    this.node = node;
  }

  List<Route> routes() {
    return List.of(
        new Route("POST", "/v1/proposal", this::propose),
        new Route("GET", "/v1/proposal", this::read));
  }

  private void propose(Context ctx) throws Exception {
    Http.requireJson(ctx);
    byte[] body = node.body(ctx);
    Proposal proposal = ProposalCodec.parse(body);
    long index = Http.await(node.log().propose(proposal), node.settings().writeTimeout());
    Http.json(ctx, 200, Map.of("index", index));
  }

  private void read(Context ctx) throws Exception {
    CommittedLog log = node.log();
    long from = Http.longParam(ctx, "from", 1, Long.MAX_VALUE).orElse(1L);
    int limit = Http.longParam(ctx, "limit", 1, MAX_LIMIT).orElse((long) DEFAULT_LIMIT).intValue();
    String type = ctx.queryParam("type");
    if (type != null && type.isEmpty()) {
      type = null;
    }
    if (type != null) {
      if (!Entity.TYPE_ID_PATTERN.matcher(type).matches()) {
        throw ApiError.badParameter("type", "'type' is not a valid type id: '" + type + "'");
      }
      if (log.types().get(type).isEmpty()) {
        throw new ApiError(404, "not_found", "type '" + type + "' is not defined", Map.of("type", type));
      }
    }
    long last = log.lastIndex();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    long next = from;
    try (JsonGenerator g = ProposalCodec.generator(out)) {
      g.writeStartObject();
      g.writeArrayFieldStart("entries");
      int found = 0;
      long scanned = 0;
      scan:
      while (next <= last && found < limit && scanned < MAX_SCAN) {
        int chunk = (int) Math.min(type == null ? limit - found : 1000, MAX_SCAN - scanned);
        List<LogEntry> entries = log.read(next, chunk);
        if (entries.isEmpty()) {
          break;
        }
        for (LogEntry e : entries) {
          next = e.index() + 1;
          scanned++;
          String t = type;
          List<Entity> entities = t == null ? e.entities()
              : e.entities().stream().filter(x -> x.typeId().equals(t)).toList();
          if (!entities.isEmpty()) {
            ProposalCodec.writeEntry(g, e, entities);
            found++;
            g.flush();
            if (found >= limit || out.size() >= PAGE_BYTES) {
              break scan;
            }
          }
        }
      }
      g.writeEndArray();
      g.writeNumberField("next", next);
      g.writeNumberField("lastIndex", last);
      g.writeEndObject();
    }
    Http.json(ctx, 200, out.toByteArray());
  }
}
