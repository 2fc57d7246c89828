package io.committed.server.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import io.committed.ConfigDocument;
import io.committed.ConfigFormat;
import io.committed.ConfigKind;
import io.committed.ConfigRegistry;
import io.committed.ConfigVersion;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The config routes of each kind ({@code type}, {@code database}, {@code ingestable},
 * {@code syncable}): list, get, define, remove, versions, one version, rollback. Types are
 * version-only: they have no remove and no rollback (the router answers 405
 * {@code types_are_version_only}).
 */
final class ConfigRoutes {
  private static final ObjectMapper TOML = new TomlMapper();

  private final NodeContext node;

  ConfigRoutes(NodeContext node) {
    this.node = node;
  }

  List<Route> routes() {
    List<Route> routes = new ArrayList<>();
    for (ConfigKind kind : ConfigKind.values()) {
      String base = "/v1/" + kind.id();
      routes.add(new Route("GET", base, ctx -> list(ctx, kind)));
      routes.add(new Route("GET", base + "/{id}", ctx -> get(ctx, kind)));
      routes.add(new Route("POST", base + "/{id}", ctx -> define(ctx, kind)));
      routes.add(new Route("GET", base + "/{id}/versions", ctx -> versions(ctx, kind)));
      routes.add(new Route("GET", base + "/{id}/versions/{version}", ctx -> version(ctx, kind)));
      if (kind != ConfigKind.TYPE) {
        routes.add(new Route("DELETE", base + "/{id}", ctx -> remove(ctx, kind)));
        routes.add(new Route("POST", base + "/{id}/rollback", ctx -> rollback(ctx, kind)));
      }
    }
    return routes;
  }

  private ConfigRegistry registry(ConfigKind kind) {
    return node.log().configs(kind);
  }

  private void list(Context ctx, ConfigKind kind) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (ConfigDocument d : registry(kind).list()) {
      out.add(document(d, true));
    }
    Http.json(ctx, 200, out);
  }

  private void get(Context ctx, ConfigKind kind) {
    String id = ctx.pathParam("id");
    ConfigDocument d = registry(kind).get(id).orElseThrow(() -> new ApiError(404, "not_found",
        kind.id() + " '" + id + "' is not defined"));
    Http.json(ctx, 200, document(d, true));
  }

  private void define(Context ctx, ConfigKind kind) throws Exception {
    ConfigFormat format = Http.configFormat(ctx);
    byte[] body = node.body(ctx);
    String id = ctx.pathParam("id");
    ConfigRegistry registry = registry(kind);
    int before = registry.get(id).map(ConfigDocument::version).orElse(0);
    ConfigVersion v = registry.define(id, format, body);
    Http.json(ctx, 200, change(kind, id, v, v.version() != before));
  }

  private void remove(Context ctx, ConfigKind kind) {
    registry(kind).remove(ctx.pathParam("id"));
    ctx.status(204);
  }

  private void versions(Context ctx, ConfigKind kind) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (ConfigVersion v : registry(kind).versions(ctx.pathParam("id"))) {
      out.add(version(v));
    }
    Http.json(ctx, 200, out);
  }

  private void version(Context ctx, ConfigKind kind) {
    String id = ctx.pathParam("id");
    int v = (int) Http.pathLong(ctx, "version", 1, Integer.MAX_VALUE);
    ConfigRegistry registry = registry(kind);
    ConfigDocument d = registry.version(id, v);
    boolean current = registry.get(id).map(c -> c.version() == v).orElse(false);
    Map<String, Object> out = document(d, false);
    out.put("current", current);
    Http.json(ctx, 200, out);
  }

  private void rollback(Context ctx, ConfigKind kind) {
    String id = ctx.pathParam("id");
    String to = ctx.queryParam("to");
    if (to == null || to.isEmpty()) {
      throw ApiError.badParameter("to", "rollback needs the version to go back to: ?to=N");
    }
    int version = Http.longParam(ctx, "to", 1, Integer.MAX_VALUE).orElseThrow().intValue();
    ConfigRegistry registry = registry(kind);
    int before = registry.get(id).map(ConfigDocument::version).orElse(0);
    ConfigVersion v = registry.rollback(id, version);
    Http.json(ctx, 200, change(kind, id, v, v.version() != before));
  }

  private static Map<String, Object> change(ConfigKind kind, String id, ConfigVersion v, boolean changed) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("kind", kind.id());
    out.put("id", id);
    out.putAll(version(v));
    out.put("changed", changed);
    return out;
  }

  static Map<String, Object> version(ConfigVersion v) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("version", v.version());
    out.put("current", v.current());
    out.put("createdAt", v.createdAt().toString());
    if (v.restoredFrom() > 0) {
      out.put("restoredFrom", v.restoredFrom());
    }
    return out;
  }

  static Map<String, Object> document(ConfigDocument d, boolean current) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("id", d.id());
    name(d).ifPresent(n -> out.put("name", n));
    out.put("version", d.version());
    if (current) {
      out.put("current", true);
    }
    out.put("mimeType", d.format().mediaType());
    out.put("data", d.text());
    out.put("createdAt", d.createdAt().toString());
    if (d.restoredFrom() > 0) {
      out.put("restoredFrom", d.restoredFrom());
    }
    return out;
  }

  /** The document's {@code [kind] name}, when it has one (field names are case-insensitive). */
  static Optional<String> name(ConfigDocument d) {
    try {
      JsonNode root = d.format() == ConfigFormat.JSON ? Json.MAPPER.readTree(d.content()) : TOML.readTree(d.content());
      JsonNode section = field(root, d.kind().id());
      JsonNode name = section == null ? null : field(section, "name");
      return name != null && name.isTextual() ? Optional.of(name.asText()) : Optional.empty();
    } catch (java.io.IOException e) {
      return Optional.empty();
    }
  }

  private static JsonNode field(JsonNode node, String name) {
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (e.getKey().equalsIgnoreCase(name)) {
        return e.getValue();
      }
    }
    return null;
  }
}
