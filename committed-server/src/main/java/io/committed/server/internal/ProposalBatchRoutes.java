package io.committed.server.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import io.committed.CommittedLog;
import io.javalin.http.Context;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * {@code POST /v1/proposals}: many proposals in one request, each its own atomic entry. They are
 * all handed to the log before the first is awaited, so they share raft entries (group commit)
 * instead of each waiting a round trip; the answer lists each one's index or error, in order.
 */
final class ProposalBatchRoutes {
  static final String NDJSON = "application/x-ndjson";

  private final NodeContext node;

  ProposalBatchRoutes(NodeContext node) {
    this.node = node;
  }

  List<Route> routes() {
    return List.of(new Route("POST", "/v1/proposals", this::proposeAll));
  }

  private void proposeAll(Context ctx) throws Exception {
    boolean ndjson = ndjson(ctx);
    byte[] body = node.body(ctx);
    int max = node.settings().maxBatchProposals();
    List<ProposalBatch.Item> items = ndjson ? ProposalBatch.lines(body, max) : ProposalBatch.array(body, max);

    CommittedLog log = node.log();
    List<CompletableFuture<Long>> futures = new ArrayList<>(items.size());
    for (ProposalBatch.Item item : items) {
      if (item.error() != null) {
        futures.add(null);
        continue;
      }
      CompletableFuture<Long> f;
      try {
        f = log.propose(item.proposal());
      } catch (RuntimeException e) { // the log fails its futures, but a closing one may throw
        f = CompletableFuture.failedFuture(e);
      }
      futures.add(f);
    }

    Duration timeout = node.settings().writeTimeout();
    long deadline = System.nanoTime() + timeout.toNanos();
    int committed = 0;
    ByteArrayOutputStream out = new ByteArrayOutputStream(64 + 32 * items.size());
    try (JsonGenerator g = ProposalCodec.generator(out)) {
      g.writeStartObject();
      g.writeArrayFieldStart("results");
      for (int i = 0; i < items.size(); i++) {
        ApiError error = items.get(i).error();
        if (error == null) {
          try {
            // one deadline for the whole batch: COMMITTED_HTTP_WRITE_TIMEOUT bounds the request
            Duration left = Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
            long index = Http.await(futures.get(i), left, timeout);
            g.writeStartObject();
            g.writeNumberField("status", 200);
            g.writeNumberField("index", index);
            g.writeEndObject();
            committed++;
            continue;
          } catch (ApiError e) {
            error = e;
          }
        }
        g.writeStartObject();
        g.writeNumberField("status", error.status());
        g.writeFieldName("error");
        g.writeRawValue(Json.text(Json.error(error)));
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeNumberField("committed", committed);
      g.writeNumberField("failed", items.size() - committed);
      g.writeEndObject();
    }
    Http.json(ctx, 200, out.toByteArray());
  }

  /** JSON (an array) or NDJSON; 415 otherwise. */
  private static boolean ndjson(Context ctx) {
    String type = ctx.contentType();
    String base = type == null ? "" : type.split(";", 2)[0].trim();
    if (base.equalsIgnoreCase(NDJSON)) {
      return true;
    }
    if (base.equalsIgnoreCase(Http.JSON)) {
      return false;
    }
    throw new ApiError(415, "unsupported_media_type", (type == null ? "the request has no Content-Type"
        : "the Content-Type '" + type + "' is not accepted here") + ": send application/json (an array of proposals)"
        + " or application/x-ndjson (one proposal per line)", Map.of("accepted", "application/json or "
        + NDJSON));
  }
}
