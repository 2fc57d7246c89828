package io.committed.server.internal;

import io.committed.LogStatus;
import io.committed.NodeRole;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * The node's own routes: cluster status under {@code /v1}; and, unauthenticated, {@code /health},
 * {@code /ready}, {@code /version}, {@code /metrics}, {@code /openapi.yaml} and the Swagger UI at
 * {@code /docs} (served from the swagger-ui webjar, no internet needed).
 */
final class NodeRoutes {
  private static final String WEBJAR = "META-INF/resources/webjars/swagger-ui/";

  private final NodeContext node;
  private final byte[] openApi;
  private final Map<String, String> version;
  private final String swaggerVersion;

  NodeRoutes(NodeContext node) {
    this.node = node;
    this.openApi = resource("io/committed/server/openapi.yaml");
    Properties p = new Properties();
    try (InputStream in = stream("io/committed/server/version.properties")) {
      p.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Map<String, String> v = new LinkedHashMap<>();
    v.put("version", p.getProperty("version"));
    v.put("buildDate", p.getProperty("buildDate"));
    v.put("javaVersion", System.getProperty("java.version"));
    v.put("engine", node.settings().engine().name().toLowerCase(Locale.ROOT));
    this.version = v;
    Properties w = new Properties();
    try (InputStream in = stream("META-INF/maven/org.webjars/swagger-ui/pom.properties")) {
      w.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    this.swaggerVersion = w.getProperty("version");
  }

  List<Route> routes() {
    List<Route> routes = new ArrayList<>(List.of(
        new Route("GET", "/v1/cluster/status", this::clusterStatus),
        new Route("GET", "/health", ctx -> Http.json(ctx, 200, Map.of("status", "ok"))),
        new Route("GET", "/ready", this::ready),
        new Route("GET", "/version", ctx -> Http.json(ctx, 200, version)),
        new Route("GET", "/openapi.yaml", ctx -> ctx.contentType("application/yaml").result(openApi)),
        new Route("GET", "/docs", this::docs),
        new Route("GET", "/docs/{file}", this::docsAsset)));
    if (node.metrics() != null) {
      routes.add(new Route("GET", "/metrics", ctx -> ctx.contentType(NodeMetrics.contentType())
          .result(node.metrics().scrape())));
    }
    return routes;
  }

  private void clusterStatus(Context ctx) {
    LogStatus s = node.log().status();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("groupId", s.groupId());
    m.put("nodeId", s.nodeId());
    m.put("engine", version.get("engine"));
    m.put("role", s.role().wireName());
    m.put("leaderId", s.leaderId().orElse(-1)); // the API says -1 and null when unknown
    m.put("leaderAddress", s.leaderAddress().orElse(null));
    m.put("term", s.term());
    m.put("lastIndex", s.lastIndex());
    m.put("engineCommittedIndex", s.engineCommittedIndex());
    m.put("engineAppliedIndex", s.engineAppliedIndex());
    Map<String, String> peers = new TreeMap<>();
    s.peers().forEach((id, address) -> peers.put(String.valueOf(id), address));
    m.put("peers", peers);
    node.log().disk().ifPresent(d -> {
      Map<String, Object> disk = new LinkedHashMap<>();
      disk.put("usableBytes", d.usableBytes());
      disk.put("totalBytes", d.totalBytes());
      disk.put("admission", d.admission().wireName());
      m.put("disk", disk);
    });
    Http.json(ctx, 200, m);
  }

  /** 200 when a leader is known and applying keeps up ({@link Readiness}). */
  private void ready(Context ctx) {
    LogStatus s = node.log().status();
    List<String> reasons = node.readiness().check(node.stopping() || s.role() == NodeRole.STOPPED, s.leaderId().isPresent(),
        s.engineAppliedIndex(), s.engineCommittedIndex());
    if (!reasons.isEmpty()) {
      throw new ApiError(503, "not_ready", String.join("; ", reasons), Map.of("reasons", reasons),
          Map.of("Retry-After", "1"));
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("status", "ready");
    m.put("role", s.role().wireName());
    m.put("leaderId", s.leaderId().orElse(-1));
    m.put("lastIndex", s.lastIndex());
    Http.json(ctx, 200, m);
  }

  private void docs(Context ctx) {
    String v = "/docs/";
    String html = """
        <!doctype html>
        <html lang="en">
        <head>
          <meta charset="utf-8">
          <title>Committed API</title>
          <link rel="stylesheet" href="%1$sswagger-ui.css">
          <link rel="icon" type="image/png" href="%1$sfavicon-32x32.png">
        </head>
        <body>
          <div id="swagger-ui"></div>
          <script src="%1$sswagger-ui-bundle.js"></script>
          <script src="%1$sswagger-ui-standalone-preset.js"></script>
          <script src="%1$sinit.js"></script>
        </body>
        </html>
        """.formatted(v);
    ctx.contentType("text/html; charset=utf-8").result(html);
  }

  private void docsAsset(Context ctx) {
    String file = ctx.pathParam("file");
    if (file.equals("init.js")) {
      ctx.contentType("text/javascript; charset=utf-8").result("""
          window.onload = function () {
            window.ui = SwaggerUIBundle({
              url: "/openapi.yaml",
              dom_id: "#swagger-ui",
              deepLinking: true,
              presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
              layout: "StandaloneLayout"
            });
          };
          """);
      return;
    }
    String type = file.endsWith(".js") ? "text/javascript; charset=utf-8"
        : file.endsWith(".css") ? "text/css; charset=utf-8"
        : file.endsWith(".png") ? "image/png" : null;
    InputStream in = type == null || !file.matches("[A-Za-z0-9._-]+") ? null
        : NodeRoutes.class.getClassLoader().getResourceAsStream(WEBJAR + swaggerVersion + "/" + file);
    if (in == null) {
      throw new ApiError(404, "not_found", "no Swagger UI asset '" + file + "'");
    }
    ctx.header("Cache-Control", "public, max-age=86400").contentType(type).result(in);
  }

  private static byte[] resource(String name) {
    try (InputStream in = stream(name)) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static InputStream stream(String name) {
    InputStream in = NodeRoutes.class.getClassLoader().getResourceAsStream(name);
    if (in == null) {
      throw new IllegalStateException("resource " + name + " is missing from the node's class path");
    }
    return in;
  }
}
