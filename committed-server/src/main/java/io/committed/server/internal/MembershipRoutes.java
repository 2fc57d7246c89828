package io.committed.server.internal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.committed.ClusterControl;
import io.committed.LogStatus;
import io.javalin.http.Context;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;

/**
 * The replication group's membership, as in the original: list the members, add a node (as a
 * learner, or as a voter by adding then promoting it), promote a learner, remove a node, hand
 * leadership over. Any node answers; the change goes to the leader. Each change answers 204 once
 * this node has seen it committed; refusals map as {@link Errors} says ({@code not_supported} is
 * 501 on the in-memory engine).
 */
final class MembershipRoutes {
  private static final String PATH = "/v1/membership";

  private final NodeContext node;

  MembershipRoutes(NodeContext node) {
    this.node = node;
  }

  List<Route> routes() {
    return List.of(
        new Route("GET", PATH, this::members),
        new Route("POST", PATH, this::add),
        new Route("POST", PATH + "/{id}/promote", this::promote),
        new Route("DELETE", PATH + "/{id}", this::remove),
        new Route("POST", PATH + "/{id}/transfer-leadership", this::transferLeadership));
  }

  private ClusterControl cluster() {
    return node.log().cluster();
  }

  private void members(Context ctx) {
    ClusterControl.Members m = cluster().members();
    LogStatus s = node.log().status();
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("nodeId", s.nodeId());
    out.put("leaderId", s.leaderId().orElse(-1));
    out.put("voters", list(m.voters()));
    out.put("learners", list(m.learners()));
    Http.json(ctx, 200, out);
  }

  private static List<Map<String, Object>> list(SortedMap<Integer, String> members) {
    List<Map<String, Object>> out = new ArrayList<>();
    members.forEach((id, address) -> {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("id", id);
      m.put("address", address);
      out.add(m);
    });
    return out;
  }

  private void add(Context ctx) throws IOException {
    Http.requireJson(ctx);
    AddMember req = AddMember.parse(node.body(ctx));
    cluster().addLearner(req.id(), req.address());
    if (!req.learner()) {
      try {
        cluster().promote(req.id());
      } catch (RuntimeException e) {
        ApiError cause = Errors.toApiError(e);
        Map<String, Object> details = new HashMap<>(cause.details());
        details.put("addedAsLearner", true);
        throw new ApiError(cause.status(), cause.code(), "node " + req.id() + " was added as a learner, but promoting "
            + "it to a voter failed: " + cause.getMessage() + " (retry with POST " + PATH + "/" + req.id()
            + "/promote)", details, cause.headers());
      }
    }
    ctx.status(204);
  }

  private void promote(Context ctx) {
    cluster().promote(nodeId(ctx));
    ctx.status(204);
  }

  private void remove(Context ctx) {
    cluster().remove(nodeId(ctx));
    ctx.status(204);
  }

  private void transferLeadership(Context ctx) {
    cluster().transferLeadership(nodeId(ctx));
    ctx.status(204);
  }

  private static int nodeId(Context ctx) {
    return (int) Http.pathLong(ctx, "id", 1, Integer.MAX_VALUE);
  }

  /**
   * {@code {"id": 4, "url": "127.0.0.1:9024", "learner": true}}: field names case-insensitive (as
   * Go's decoder reads them), unknown fields refused; {@code url} is the new node's replication
   * address, {@code http://} accepted and dropped; {@code learner} defaults to false (a voter).
   */
  record AddMember(int id, String address, boolean learner) {
    static AddMember parse(byte[] body) {
      JsonNode json;
      try (JsonParser p = Json.FACTORY.createParser(body)) {
        p.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        json = Json.MAPPER.readTree(p);
        if (json != null && p.nextToken() != null) {
          throw ApiError.badRequest("invalid_json", "unexpected content after the body's closing brace");
        }
      } catch (JsonProcessingException e) {
        throw ApiError.badRequest("invalid_json", "the body is not valid JSON: " + e.getOriginalMessage());
      } catch (IOException e) {
        throw ApiError.badRequest("invalid_json", "the body could not be read as JSON: " + e.getMessage());
      }
      if (json == null || !json.isObject()) {
        throw ApiError.badRequest("invalid_request", "a member is a JSON object: {\"id\":4,\"url\":\"host:port\","
            + "\"learner\":true}");
      }
      JsonNode id = null;
      JsonNode url = null;
      JsonNode learner = null;
      for (Iterator<Map.Entry<String, JsonNode>> it = json.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> f = it.next();
        switch (f.getKey().toLowerCase(Locale.ROOT)) {
          case "id" -> id = twice(id, f);
          case "url" -> url = twice(url, f);
          case "learner" -> learner = twice(learner, f);
          default -> throw field(f.getKey(), "unknown field '" + f.getKey() + "': a member has id, url and learner");
        }
      }
      if (id == null || !id.canConvertToInt() || !id.isIntegralNumber() || id.intValue() < 1) {
        throw field("id", "'id' must be the new node's id, an integer from 1 to " + Integer.MAX_VALUE + ", was "
            + (id == null ? "missing" : id.toString()));
      }
      if (url == null || !url.isTextual() || url.asText().isBlank()) {
        throw field("url", "'url' must be the new node's replication address, host:port (http:// accepted), was "
            + (url == null ? "missing" : url.toString()));
      }
      if (learner != null && !learner.isBoolean() && !learner.isNull()) {
        throw field("learner", "'learner' must be true or false, was " + learner);
      }
      String address = url.asText().strip();
      if (address.startsWith("http://")) {
        address = address.substring("http://".length());
      }
      if (address.endsWith("/")) {
        address = address.substring(0, address.length() - 1);
      }
      return new AddMember(id.intValue(), address, learner != null && learner.asBoolean());
    }

    private static JsonNode twice(JsonNode seen, Map.Entry<String, JsonNode> f) {
      if (seen != null) {
        throw field(f.getKey(), "the member has the field '" + f.getKey() + "' twice");
      }
      return f.getValue();
    }

    private static ApiError field(String field, String message) {
      return new ApiError(400, "invalid_request", message, Map.of("field", field));
    }
  }
}
