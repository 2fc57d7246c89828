package io.committed.server.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import io.committed.KeyValue;
import io.committed.KeyValues;
import io.committed.ReadConsistency;
import io.committed.api.Entity;
import io.committed.api.JsonSyntax;
import io.javalin.http.Context;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Key-value reads over HTTP: {@code GET /v1/kv/{type}/{key}} for one key, {@code GET /v1/kv/{type}}
 * for a scan by prefix (or one key given as {@code key}/{@code keyBase64}, for keys a path cannot
 * carry). Linearizable unless {@code consistency=stale}.
 */
final class KeyValueRoutes {
  static final int DEFAULT_LIMIT = 100;
  static final int MAX_LIMIT = 1000;

  private final NodeContext node;

  KeyValueRoutes(NodeContext node) {
    this.node = node;
  }

  List<Route> routes() {
    return List.of(
        new Route("GET", "/v1/kv/{type}/{key}", this::get),
        new Route("GET", "/v1/kv/{type}", this::scan));
  }

  private KeyValues view(Context ctx) {
    String type = ctx.pathParam("type");
    if (!Entity.TYPE_ID_PATTERN.matcher(type).matches()) {
      throw ApiError.badParameter("type", "'" + type + "' is not a type id");
    }
    return node.log().kv(type);
  }

  private static ReadConsistency consistency(Context ctx) {
    String raw = ctx.queryParam("consistency");
    if (raw == null || raw.isEmpty()) {
      return ReadConsistency.LINEARIZABLE;
    }
    return switch (raw.toLowerCase(Locale.ROOT)) {
      case "linearizable" -> ReadConsistency.LINEARIZABLE;
      case "stale" -> ReadConsistency.STALE;
      default -> throw ApiError.badParameter("consistency", "'consistency' is \"linearizable\" (the default) or"
          + " \"stale\", was '" + raw + "'");
    };
  }

  private void get(Context ctx) throws IOException {
    one(ctx, view(ctx), ctx.pathParam("key").getBytes(StandardCharsets.UTF_8));
  }

  private void one(Context ctx, KeyValues kv, byte[] key) throws IOException {
    Optional<KeyValue> v = kv.get(key, consistency(ctx));
    if (v.isEmpty()) {
      throw new ApiError(404, "not_found", "type '" + kv.type() + "' has no value for this key",
          Map.of("type", kv.type()));
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JsonGenerator g = ProposalCodec.generator(out)) {
      write(g, v.get());
    }
    Http.json(ctx, 200, out.toByteArray());
  }

  private void scan(Context ctx) throws IOException {
    KeyValues kv = view(ctx);
    byte[] key = bytes(ctx, "key");
    if (key != null) {
      one(ctx, kv, key);
      return;
    }
    byte[] prefix = bytes(ctx, "prefix");
    byte[] after = bytes(ctx, "after");
    int limit = Http.longParam(ctx, "limit", 1, MAX_LIMIT).orElse((long) DEFAULT_LIMIT).intValue();
    List<KeyValue> values = kv.scan(prefix == null ? new byte[0] : prefix, after, limit, consistency(ctx));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JsonGenerator g = ProposalCodec.generator(out)) {
      g.writeStartObject();
      g.writeStringField("type", kv.type());
      g.writeArrayFieldStart("items");
      for (KeyValue v : values) {
        write(g, v);
      }
      g.writeEndArray();
      if (values.size() == limit) { // there may be more: continue after the last key
        writeKey(g, "next", values.get(values.size() - 1).key());
      }
      g.writeEndObject();
    }
    Http.json(ctx, 200, out.toByteArray());
  }

  /** Query parameter {@code name} as text, or {@code nameBase64} as standard base64; null when neither. */
  private static byte[] bytes(Context ctx, String name) {
    String text = ctx.queryParam(name);
    String b64 = ctx.queryParam(name + "Base64");
    if (text != null && b64 != null) {
      throw ApiError.badParameter(name, "give '" + name + "' or '" + name + "Base64', not both");
    }
    if (b64 != null) {
      try {
        return Base64.getDecoder().decode(b64);
      } catch (IllegalArgumentException e) {
        throw ApiError.badParameter(name + "Base64", "'" + name + "Base64' is not standard base64: " + e.getMessage());
      }
    }
    return text == null ? null : text.getBytes(StandardCharsets.UTF_8);
  }

  private static void writeKey(JsonGenerator g, String field, byte[] key) throws IOException {
    if (ProposalCodec.isUtf8(key)) {
      g.writeStringField(field, new String(key, StandardCharsets.UTF_8));
    } else {
      g.writeStringField(field + "Base64", Base64.getEncoder().encodeToString(key));
    }
  }

  private static void write(JsonGenerator g, KeyValue v) throws IOException {
    g.writeStartObject();
    writeKey(g, "key", v.key());
    byte[] data = v.data();
    if (JsonSyntax.isValue(data)) {
      g.writeFieldName("data");
      g.writeRawValue(new String(data, StandardCharsets.UTF_8));
    } else {
      g.writeStringField("dataBase64", Base64.getEncoder().encodeToString(data));
    }
    g.writeNumberField("index", v.index());
    g.writeNumberField("typeVersion", v.typeVersion());
    g.writeStringField("timestamp", v.timestamp().toString());
    g.writeEndObject();
  }
}
