package io.committed.server.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.committed.Scrub;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Scrubs (right to be forgotten): {@code POST /v1/scrub} erases a type's entities under some keys
 * from the permanent log; {@code GET /v1/scrub} lists the scrubs carried out.
 */
final class ScrubRoutes {
  private static final Set<String> FIELDS = Set.of("type", "keys", "reason");

  private final NodeContext node;

  ScrubRoutes(NodeContext node) {
    this.node = node;
  }

  List<Route> routes() {
    return List.of(
        new Route("POST", "/v1/scrub", this::scrub),
        new Route("GET", "/v1/scrub", this::list));
  }

  /**
   * 200 with the scrub once this node carried it out; 400 {@code invalid_request} for a malformed
   * body, 400 {@code type_not_found} / {@code type_reserved} / {@code invalid_entity} from the log.
   */
  private void scrub(Context ctx) throws java.io.IOException {
    JsonNode json = Json.object(node.body(ctx));
    for (Iterator<String> it = json.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!FIELDS.contains(f)) {
        throw invalid(f, "unknown field '" + f + "': a scrub has type, keys and an optional reason");
      }
    }
    JsonNode type = json.get("type");
    if (type == null || !type.isTextual() || type.asText().isEmpty()) {
      throw invalid("type", "'type' is the id of the type whose entities are erased");
    }
    JsonNode list = json.get("keys");
    if (list == null || !list.isArray() || list.isEmpty()) {
      throw invalid("keys", "'keys' is a non-empty array of the keys to erase (strings)");
    }
    List<String> keys = new ArrayList<>();
    for (JsonNode k : list) {
      if (!k.isTextual()) {
        throw invalid("keys", "'keys' holds keys (strings), found " + k);
      }
      keys.add(k.asText());
    }
    JsonNode reason = json.get("reason");
    if (reason != null && !reason.isTextual()) {
      throw invalid("reason", "'reason' is a string");
    }
    Scrub s = node.log().scrub(type.asText(), keys, reason == null ? "" : reason.asText());
    Http.json(ctx, 200, json(s));
  }

  private void list(Context ctx) {
    List<Map<String, Object>> out = new ArrayList<>();
    node.log().scrubs().forEach(s -> out.add(json(s)));
    Http.json(ctx, 200, out);
  }

  private static Map<String, Object> json(Scrub s) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("number", s.number());
    m.put("type", s.type());
    m.put("keys", s.keys());
    m.put("index", s.index());
    m.put("requestedAt", s.requestedAt().toString());
    m.put("reason", s.reason());
    return m;
  }

  private static ApiError invalid(String field, String message) {
    return new ApiError(400, "invalid_request", message, Map.of("field", field));
  }
}
