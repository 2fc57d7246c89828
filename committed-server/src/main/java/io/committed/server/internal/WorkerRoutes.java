package io.committed.server.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.committed.DeadLetter;
import io.committed.IngestableStatus;
import io.committed.SyncableStatus;
import io.committed.api.CommittedException;
import io.committed.api.ConfigException;
import io.committed.api.LogClosedException;
import io.committed.api.NotFoundException;
import io.committed.api.ProposalRejectedException;
import io.committed.api.RetriableException;
import io.committed.spi.IngestStatus;
import io.committed.spi.SnapshotRequest;
import io.committed.spi.SourcePosition;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Progress and failure handling of the workers: syncable status, dead letters, rebuild; ingestable
 * status and snapshot requests.
 */
final class WorkerRoutes {
  private final NodeContext node;

  WorkerRoutes(NodeContext node) {
    this.node = node;
  }

  List<Route> routes() {
    return List.of(
        new Route("GET", "/v1/syncable/{id}/status", this::syncStatus),
        new Route("GET", "/v1/syncable/{id}/errors", this::deadLetters),
        new Route("POST", "/v1/syncable/{id}/deadletter/{index}/acknowledge", this::acknowledge),
        new Route("POST", "/v1/syncable/{id}/replay/{index}", this::replay),
        new Route("POST", "/v1/syncable/{id}/rebuild", this::rebuild),
        new Route("GET", "/v1/ingestable/{id}/status", this::ingestStatus),
        new Route("POST", "/v1/ingestable/{id}/snapshot", this::requestSnapshot));
  }

  private void syncStatus(Context ctx) {
    Http.json(ctx, 200, sync(node.log().sync().status(ctx.pathParam("id"))));
  }

  private void deadLetters(Context ctx) {
    long since = Http.longParam(ctx, "since", 0, Long.MAX_VALUE).orElse(0L);
    int limit = Http.longParam(ctx, "limit", 1, 10_000).orElse(100L).intValue();
    List<Map<String, Object>> out = new ArrayList<>();
    for (DeadLetter d : node.log().sync().deadLetters(ctx.pathParam("id"))) {
      if (d.index() > since && out.size() < limit) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("index", d.index());
        m.put("timestamp", d.timestamp().toString());
        m.put("kind", "permanent");
        m.put("acknowledged", d.acknowledged());
        m.put("message", d.message());
        out.add(m);
      }
    }
    Http.json(ctx, 200, out);
  }

  private void acknowledge(Context ctx) {
    node.log().sync().acknowledge(ctx.pathParam("id"), Http.pathLong(ctx, "index", 1, Long.MAX_VALUE));
    ctx.status(204);
  }

  private void replay(Context ctx) {
    String id = ctx.pathParam("id");
    long index = Http.pathLong(ctx, "index", 1, Long.MAX_VALUE);
    try {
      node.log().sync().replay(id, index);
    } catch (NotFoundException | RetriableException | LogClosedException | ProposalRejectedException
        | ConfigException e) {
      throw e; // the log's own answers: mapped as usual
    } catch (CommittedException e) {
      // anything else is the target's error: it refused the entry again, and the dead letter stays
      throw new ApiError(502, "replay_failed", "syncable '" + id + "' failed again on entry " + index + ": "
          + e.getMessage(), Map.of("index", index));
    }
    ctx.status(204);
  }

  private void rebuild(Context ctx) {
    String id = ctx.pathParam("id");
    node.log().sync().rebuild(id);
    Http.json(ctx, 202, sync(node.log().sync().status(id)));
  }

  private void ingestStatus(Context ctx) {
    Http.json(ctx, 200, ingest(node.log().ingest().status(ctx.pathParam("id"))));
  }

  /**
   * Records a request to copy tables again: 202 with the request, 400 {@code invalid_request} for
   * a body without tables or a table the ingestable does not capture, 501 {@code not_supported}
   * for an ingestable kind that takes no such requests.
   */
  private void requestSnapshot(Context ctx) throws java.io.IOException {
    String id = ctx.pathParam("id");
    JsonNode json = Json.object(node.body(ctx));
    List<String> tables = new ArrayList<>();
    for (Iterator<String> it = json.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!f.equals("tables")) {
        throw invalid(f, "unknown field '" + f + "': a snapshot request has tables");
      }
    }
    JsonNode list = json.get("tables");
    if (list == null || !list.isArray() || list.isEmpty()) {
      throw invalid("tables", "'tables' is a non-empty array of the table names to copy again");
    }
    for (JsonNode t : list) {
      if (!t.isTextual() || t.asText().isBlank()) {
        throw invalid("tables", "'tables' holds table names (strings), found " + t);
      }
      tables.add(t.asText());
    }
    SnapshotRequest r;
    try {
      r = node.log().ingest().requestSnapshot(id, tables);
    } catch (UnsupportedOperationException e) {
      throw new ApiError(501, "not_supported", e.getMessage());
    } catch (IllegalArgumentException e) {
      throw invalid("tables", e.getMessage());
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("ingestable", id);
    m.put("number", r.number());
    m.put("tables", r.tables());
    m.put("requestedAt", r.requestedAt().toString());
    Http.json(ctx, 202, m);
  }

  private static ApiError invalid(String field, String message) {
    return new ApiError(400, "invalid_request", message, Map.of("field", field));
  }

  static Map<String, Object> sync(SyncableStatus s) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", s.syncableId());
    m.put("workerState", s.workerState().wireName());
    m.put("checkpointIndex", s.checkpointIndex());
    m.put("lastSyncedIndex", s.lastSyncedIndex());
    m.put("headIndex", s.headIndex());
    m.put("lag", s.lag());
    m.put("caughtUp", s.caughtUp());
    m.put("stuck", s.stuckSince().isPresent());
    s.stuckSince().ifPresent(t -> m.put("stuckSince", t.toString()));
    m.put("consecutiveFailures", s.consecutiveFailures());
    s.lastError().ifPresent(e -> m.put("lastError", e));
    m.put("deadLetters", s.deadLetters());
    m.put("acknowledgedDeadLetters", s.acknowledgedDeadLetters());
    return m;
  }

  static Map<String, Object> ingest(IngestableStatus s) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", s.ingestableId());
    m.put("workerState", s.workerState().wireName());
    s.position().ifPresent(p -> m.put("position", position(p)));
    m.put("highWaterMark", s.highWaterMark());
    s.reported().ifPresent(r -> m.put("reported", reported(r)));
    m.put("consecutiveFailures", s.consecutiveFailures());
    s.lastError().ifPresent(e -> m.put("lastError", e));
    s.failingSince().ifPresent(t -> m.put("failingSince", t.toString()));
    s.parkedReason().ifPresent(r -> m.put("parkedReason", r));
    return m;
  }

  private static Map<String, Object> position(SourcePosition p) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("sequence", p.sequence());
    byte[] state = p.state();
    if (ProposalCodec.isUtf8(state)) {
      m.put("state", p.stateAsString());
    } else {
      m.put("stateBase64", Base64.getEncoder().encodeToString(state));
    }
    return m;
  }

  private static Map<String, Object> reported(IngestStatus r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("phase", r.phase());
    m.put("rowsCopied", r.rowsCopied().orElse(-1)); // the API says -1 when unknown
    m.put("rowsEstimated", r.rowsEstimated().orElse(-1));
    m.put("lag", r.lag().orElse(-1));
    m.put("lagUnit", r.lagUnit());
    m.put("detail", r.detail());
    return m;
  }
}
