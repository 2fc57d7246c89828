package io.committed.sync.nats.internal;

import io.committed.spi.PluginConfig;
import io.committed.spi.SyncableContext;
import io.committed.sync.routing.DestinationSyntax;
import io.committed.sync.routing.Router;
import io.committed.sync.routing.Template;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A validated NATS syncable config (reference in {@code docs/broker-sync.md}):
 *
 * <pre>
 * [nats]
 * topic = "order"                        # handled by core
 * servers = ["nats://127.0.0.1:4222"]
 * stream = "ORDERS"
 * subject = "orders.${type}.${key}"      # + the other routing fields of committed-sync-routing
 * token = "${NATS_TOKEN}"                # or user + password, or creds (a .creds file's path)
 * connectTimeout = "5s"
 * ackTimeout = "10s"
 * maxInFlight = 256
 * resumeScan = 1000
 * [nats.createStream]                    # optional: create the stream when it is missing
 * subjects = ["orders.>"]
 * replicas = 1
 * storage = "file"
 * duplicateWindow = "2m"
 * maxMsgSize = 1048576
 * </pre>
 *
 * @param syncableId the syncable's id
 * @param servers the server URLs (may carry user info: never logged, see {@link #describeServers})
 * @param stream the stream's name
 * @param router the routing
 * @param auth credentials, or null
 * @param connectTimeout how long connecting may take
 * @param ackTimeout how long a batch waits for its publish acknowledgements
 * @param maxInFlight publishes awaiting acknowledgement at most
 * @param resumeScan how many of the stream's last messages are searched for this syncable's last one
 * @param createStream the stream to create when missing, or null to require an existing one
 */
public record NatsSyncableConfig(String syncableId, List<String> servers, String stream, Router router, Auth auth,
    Duration connectTimeout, Duration ackTimeout, int maxInFlight, int resumeScan, StreamSpec createStream) {

  /** The routing field names of the NATS syncable. */
  public static final Router.Options ROUTING = new Router.Options("subject", "deleteSubject",
      DestinationSyntax.NATS_SUBJECT);

  private static final Pattern STREAM_NAME = Pattern.compile("[A-Za-z0-9_-]{1,255}");

  /**
   * Credentials; {@link #toString} never shows them.
   *
   * @param token a token, or null
   * @param user a user name, or null
   * @param password the user's password, or null
   * @param credsFile the path of a {@code .creds} file (JWT and NKey seed), or null
   */
  public record Auth(String token, String user, String password, String credsFile) {
    @Override
    public String toString() {
      return "Auth[" + (token != null ? "token" : credsFile != null ? "creds" : "user " + user) + "]";
    }
  }

  /**
   * A stream to create.
   *
   * @param subjects its subjects
   * @param replicas its replicas
   * @param memory true for memory storage, false for file storage
   * @param duplicateWindow how long it remembers message ids
   * @param maxMsgSize its largest message, or -1 for the server's limit
   */
  public record StreamSpec(List<String> subjects, int replicas, boolean memory, Duration duplicateWindow,
      long maxMsgSize) {}

  /**
   * Reads and checks the {@code [nats]} section.
   *
   * @throws io.committed.api.ConfigException naming the field at fault
   */
  public static NatsSyncableConfig parse(SyncableContext context) {
    PluginConfig nats = context.config();
    List<String> servers = nats.strings("servers");
    if (servers.isEmpty() && nats.has("url")) {
      servers = nats.strings("url");
    }
    String serversField = nats.has("servers") ? "servers" : "url";
    if (servers.isEmpty()) {
      throw nats.error("servers", "is required: the NATS server URLs, e.g. [\"nats://127.0.0.1:4222\"]");
    }
    List<String> cleaned = new ArrayList<>();
    for (String s : servers) {
      String url = s.strip();
      Optional<String> problem = urlProblem(url);
      if (problem.isPresent()) {
        throw nats.error(serversField, "'" + redact(url) + "' " + problem.get());
      }
      cleaned.add(url);
    }
    String stream = nats.requireString("stream").strip();
    if (!STREAM_NAME.matcher(stream).matches()) {
      throw nats.error("stream", "'" + stream + "' is not a stream name: use 1 to 255 letters, digits, '-' and '_'");
    }
    Router router = Router.parse(nats, context.syncableId(), ROUTING);

    Auth auth = auth(nats);
    Duration connectTimeout = duration(nats, "connectTimeout", Duration.ofSeconds(5), Duration.ofMillis(100),
        Duration.ofMinutes(5));
    Duration ackTimeout = duration(nats, "ackTimeout", Duration.ofSeconds(10), Duration.ofMillis(100),
        Duration.ofMinutes(10));
    int maxInFlight = (int) range(nats, "maxInFlight", 256, 1, 65_536);
    int resumeScan = (int) range(nats, "resumeScan", 1000, 1, 1_000_000);

    StreamSpec create = null;
    Optional<PluginConfig> cs = nats.section("createStream");
    if (cs.isPresent()) {
      PluginConfig c = cs.get();
      List<String> subjects = c.strings("subjects").stream().map(String::strip).toList();
      if (subjects.isEmpty()) {
        Set<String> derived = new LinkedHashSet<>();
        derived.add(filterOf(router.destination()));
        if (router.deletes() != Router.Deletes.SKIP) {
          derived.add(filterOf(router.deleteDestination()));
        }
        subjects = List.copyOf(derived);
      }
      for (String s : subjects) {
        Optional<String> problem = Subjects.filterProblem(s);
        if (problem.isPresent()) {
          throw c.error("subjects", "'" + s + "' " + problem.get());
        }
      }
      int replicas = (int) range(c, "replicas", 1, 1, 5);
      String storage = c.string("storage").orElse("file").strip().toLowerCase(Locale.ROOT);
      if (!storage.equals("file") && !storage.equals("memory")) {
        throw c.error("storage", "must be \"file\" or \"memory\", not '" + storage + "'");
      }
      Duration window = duration(c, "duplicateWindow", Duration.ofMinutes(2), Duration.ofSeconds(1),
          Duration.ofDays(7));
      long maxMsgSize = range(c, "maxMsgSize", -1, -1, Integer.MAX_VALUE);
      if (maxMsgSize == 0) {
        throw c.error("maxMsgSize", "must be positive, or -1 for the server's limit");
      }
      create = new StreamSpec(subjects, replicas, storage.equals("memory"), window, maxMsgSize);
    }
    return new NatsSyncableConfig(context.syncableId(), List.copyOf(cleaned), stream, router, auth, connectTimeout,
        ackTimeout, maxInFlight, resumeScan, create);
  }

  /** The subject filter a template's subjects fall under: each token holding a placeholder becomes {@code *}. */
  static String filterOf(Template t) {
    String marker = "\u0000";
    List<String> tokens = new ArrayList<>();
    for (String token : t.sample(marker).split("\\.", -1)) {
      tokens.add(token.contains(marker) ? "*" : token);
    }
    return String.join(".", tokens);
  }

  private static Auth auth(PluginConfig nats) {
    String token = nats.string("token").orElse(null);
    String user = nats.string("user").orElse(null);
    String password = nats.string("password").orElse(null);
    String creds = nats.string("creds").orElse(null);
    int kinds = (token != null ? 1 : 0) + (user != null ? 1 : 0) + (creds != null ? 1 : 0);
    if (kinds > 1) {
      throw nats.error(token != null ? "token" : "user", "set one of token, user (with password) or creds, not"
          + " several");
    }
    if (password != null && user == null) {
      throw nats.error("password", "needs " + nats.path() + ".user");
    }
    if (user != null && password == null) {
      throw nats.error("user", "needs " + nats.path() + ".password (write it as \"${NATS_PASSWORD}\")");
    }
    return kinds == 0 ? null : new Auth(token, user, password, creds);
  }

  private static Optional<String> urlProblem(String url) {
    if (url.contains("${")) {
      return Optional.empty(); // an unset variable while validating
    }
    try {
      URI u = new URI(url.contains("://") ? url : "nats://" + url);
      String scheme = u.getScheme().toLowerCase(Locale.ROOT);
      if (!Set.of("nats", "tls", "ws", "wss", "opentls").contains(scheme)) {
        return Optional.of("is not a NATS URL: use nats://host:port (or tls://, ws://, wss://)");
      }
      if (u.getHost() == null) {
        return Optional.of("has no host");
      }
      return Optional.empty();
    } catch (Exception e) {
      return Optional.of("is not a URL: " + e.getMessage().replace(url, "…"));
    }
  }

  private static Duration duration(PluginConfig c, String name, Duration fallback, Duration min, Duration max) {
    Duration d = c.duration(name).orElse(fallback);
    if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
      throw c.error(name, "must be between " + min + " and " + max + ", not " + d);
    }
    return d;
  }

  private static long range(PluginConfig c, String name, long fallback, long min, long max) {
    long v = c.integer(name, fallback);
    if (v < min || v > max) {
      throw c.error(name, "must be between " + min + " and " + max + ", not " + v);
    }
    return v;
  }

  /** A URL with any user info replaced by {@code ***}. */
  static String redact(String url) {
    int scheme = url.indexOf("://");
    int start = scheme < 0 ? 0 : scheme + 3;
    int at = url.lastIndexOf('@');
    int slash = url.indexOf('/', start);
    if (at >= start && (slash < 0 || at < slash)) {
      return url.substring(0, start) + "***@" + url.substring(at + 1);
    }
    return url;
  }

  /** The servers, with user info hidden. */
  public String describeServers() {
    return String.join(",", servers.stream().map(NatsSyncableConfig::redact).toList());
  }

  /** Never shows credentials. */
  @Override
  public String toString() {
    return "NatsSyncableConfig[" + syncableId + ", " + describeServers() + ", stream " + stream + ", " + router
        + (auth != null ? ", " + auth : "") + "]";
  }
}
