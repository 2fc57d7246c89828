package io.committed.server.internal;

import io.committed.api.Pem;
import io.committed.server.ServerSettings;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import io.javalin.http.HttpResponseException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import org.eclipse.jetty.server.AbstractConnector;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP side of the node: Javalin (on Jetty 12) with the API's routes, the error envelope for
 * every failure (including unknown routes and methods), bearer-token auth on {@code /v1}, TLS, the
 * timeouts, and a graceful drain for shutdown.
 */
public final class ApiServer {
  private static final Logger LOG = LoggerFactory.getLogger(ApiServer.class);
  private static final String STARTED = "committed.started";

  private final NodeContext node;
  private final List<Route> routes;
  private final List<Pattern> patterns = new ArrayList<>();
  private final BearerAuth auth;
  private final GracefulHandler graceful = new GracefulHandler();
  private final Set<String> registered = Collections.synchronizedSet(new LinkedHashSet<>());
  private final Javalin app;

  public ApiServer(NodeContext node) {
    this.node = node;
    ServerSettings s = node.settings();
    List<Route> all = new ArrayList<>();
    all.addAll(new ProposalRoutes(node).routes());
    all.addAll(new ProposalBatchRoutes(node).routes());
    all.addAll(new ConfigRoutes(node).routes());
    all.addAll(new WorkerRoutes(node).routes());
    all.addAll(new ConsumerRoutes(node).routes());
    all.addAll(new KeyValueRoutes(node).routes());
    all.addAll(new ScrubRoutes(node).routes());
    all.addAll(new StreamRoutes(node).routes());
    all.addAll(new MembershipRoutes(node).routes());
    all.addAll(new NodeRoutes(node).routes());
    this.routes = List.copyOf(all);
    for (Route r : routes) {
      patterns.add(Pattern.compile(Pattern.quote(r.path()).replaceAll("\\{[^}/]+}", "\\\\E[^/]+\\\\Q")));
    }
    this.auth = s.apiToken().map(BearerAuth::new).orElse(null);
    KeyStore keys = s.tls() ? Pem.keyStore(s.tlsCertFile().orElseThrow(), "COMMITTED_HTTP_TLS_CERT_FILE",
        s.tlsKeyFile().orElseThrow(), "COMMITTED_HTTP_TLS_KEY_FILE") : null;
    KeyStore clientCas = s.tlsClientCaFile().map(f -> Pem.trustStore(f, "COMMITTED_HTTP_TLS_CLIENT_CA_FILE"))
        .orElse(null);
    this.app = Javalin.create(config -> {
      config.startup.showJavalinBanner = false;
      config.startup.showOldJavalinVersionWarning = false;
      config.startup.startupWatcherEnabled = false;
      config.http.maxRequestSize = s.maxRequestBytes();
      config.http.generateEtags = false;
      config.jetty.modifyServer(server -> {
        server.insertHandler(graceful);
        server.setStopTimeout(0); // the drain happens before stop, bounded by the shutdown deadline
      });
      config.jetty.modifyHttpConfiguration(http -> {
        http.setSendServerVersion(false);
        http.setIdleTimeout(s.readTimeout().toMillis()); // a stalled body read or response write fails after it
      });
      config.jetty.addConnector((server, http) -> connector(server, http, s, keys, clientCas));
      config.events.handlerAdded(meta -> {
        if (meta.getHttpMethod().isHttpMethod()) {
          registered.add(meta.getHttpMethod().name() + " " + meta.getPath());
        }
      });
      config.routes.before(ctx -> ctx.attribute(STARTED, System.nanoTime()));
      if (auth != null) {
        // before every /v1 request, matched or not, whatever the method (HEAD included): 401 comes
        // first, so strangers learn nothing about routes
        config.routes.before("/v1/*", ctx -> auth.check(ctx.header("Authorization")));
      }
      for (Route r : routes) {
        config.routes.addHttpHandler(HandlerType.findOrCreate(r.method()), r.path(), wrap(r));
      }
      config.routes.exception(HttpResponseException.class, (e, ctx) -> unmatched(ctx, e));
      config.routes.exception(Exception.class, (e, ctx) -> {
        Http.error(ctx, Errors.toApiError(e));
        record(ctx, "unmatched", started(ctx));
      });
    });
  }

  private static Connector connector(Server server, HttpConfiguration http, ServerSettings s, KeyStore keys,
      KeyStore clientCas) {
    ServerConnector c;
    if (keys == null) {
      c = new ServerConnector(server, new HttpConnectionFactory(http));
    } else {
      SslContextFactory.Server ssl = new SslContextFactory.Server();
      ssl.setKeyStore(keys);
      ssl.setKeyStorePassword(new String(Pem.keyPassword()));
      ssl.setKeyManagerPassword(new String(Pem.keyPassword()));
      ssl.setIncludeProtocols("TLSv1.3", "TLSv1.2");
      if (clientCas != null) {
        ssl.setTrustStore(clientCas);
        ssl.setNeedClientAuth(true);
      }
      HttpConfiguration https = new HttpConfiguration(http);
      // no SNI checks: clients reach nodes by IP as often as by name; the client verifies the certificate
      https.addCustomizer(new SecureRequestCustomizer(false, false, -1, false));
      c = new ServerConnector(server, new SslConnectionFactory(ssl, "http/1.1"), new HttpConnectionFactory(https));
    }
    c.setHost(s.apiHost().orElse(null));
    c.setPort(s.apiPort());
    c.setIdleTimeout(s.idleTimeout().toMillis());
    return c;
  }

  private Handler wrap(Route r) {
    return ctx -> {
      long start = started(ctx);
      try {
        ctx.header("X-Content-Type-Options", "nosniff");
        r.handler().handle(ctx);
      } catch (Exception e) {
        Http.error(ctx, Errors.toApiError(e));
      } finally {
        record(ctx, r.path(), start);
      }
    };
  }

  /** No route matched (and, on {@code /v1}, the token was right): 405 or 404. */
  private void unmatched(Context ctx, HttpResponseException e) {
    long start = started(ctx);
    try {
      String path = ctx.path().length() > 1 && ctx.path().endsWith("/")
          ? ctx.path().substring(0, ctx.path().length() - 1) : ctx.path();
      Set<String> allowed = new TreeSet<>();
      for (int i = 0; i < routes.size(); i++) {
        if (patterns.get(i).matcher(path).matches()) {
          allowed.add(routes.get(i).method());
        }
      }
      if (allowed.contains("GET")) {
        allowed.add("HEAD");
      }
      String method = ctx.method().name();
      if (path.matches("/v1/type/[^/]+") && method.equals("DELETE") || path.matches("/v1/type/[^/]+/rollback")) {
        throw new ApiError(405, "types_are_version_only", "types cannot be removed or rolled back: post a new "
            + "version (with a [migration] when the schema changes)", Map.of(),
            Map.of("Allow", allowed.isEmpty() ? "" : String.join(", ", allowed)));
      }
      if (!allowed.isEmpty()) {
        throw new ApiError(405, "method_not_allowed", method + " is not allowed on " + path + "; allowed: "
            + String.join(", ", allowed), Map.of("allowed", List.copyOf(allowed)),
            Map.of("Allow", String.join(", ", allowed)));
      }
      if (e.getStatus() != 404) {
        throw new ApiError(e.getStatus(), "http_" + e.getStatus(), e.getMessage());
      }
      throw new ApiError(404, "not_found", "no route " + method + " " + path + ": see /openapi.yaml or /docs");
    } catch (ApiError error) {
      Http.error(ctx, error);
    } finally {
      record(ctx, "unmatched", start);
    }
  }

  private static long started(Context ctx) {
    Long t = ctx.attribute(STARTED);
    return t == null ? System.nanoTime() : t;
  }

  private void record(Context ctx, String route, long start) {
    long nanos = System.nanoTime() - start;
    if (node.metrics() != null) {
      node.metrics().httpRequest(ctx.method().name(), route, ctx.statusCode(), nanos);
    }
    if (LOG.isDebugEnabled()) {
      LOG.debug("{} {} -> {} in {} us", ctx.method().name(), ctx.path(), ctx.statusCode(), nanos / 1000);
    }
  }

  /** Starts listening. */
  public void start() {
    app.start();
  }

  /** The port the API listens on. */
  public int port() {
    return app.port();
  }

  /** The routes of the API, as the router registered them ({@code "GET /v1/type"}). */
  public Set<String> registeredRoutes() {
    return Set.copyOf(registered);
  }

  /** The routes of the API, as built. */
  public List<Route> routes() {
    return routes;
  }

  /**
   * Stops accepting connections and waits for requests in flight to finish; requests that arrive
   * on open connections meanwhile get 503.
   *
   * @return true when every request finished within {@code timeout}
   */
  public boolean drain(Duration timeout) {
    Server server = app.jettyServer().server();
    for (Connector c : server.getConnectors()) {
      if (c instanceof AbstractConnector ac) {
        ac.shutdown(); // closes the listening socket: new connections are refused
      }
    }
    try {
      graceful.shutdown().get(Math.max(1, timeout.toNanos()), TimeUnit.NANOSECONDS);
      return true;
    } catch (TimeoutException e) {
      LOG.warn("{} request(s) still in flight after {} ms: they are cut off", graceful.getCurrentRequestCount(),
          timeout.toMillis());
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } catch (java.util.concurrent.ExecutionException e) {
      LOG.warn("draining the API failed", e.getCause());
      return false;
    }
  }

  /** Stops the server at once (after {@link #drain}), closing every connection. */
  public void stop() {
    try {
      app.stop();
    } catch (RuntimeException e) {
      LOG.warn("stopping the API server failed", e);
    }
  }
}
