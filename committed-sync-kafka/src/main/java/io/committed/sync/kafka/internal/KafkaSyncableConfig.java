package io.committed.sync.kafka.internal;

import io.committed.spi.PluginConfig;
import io.committed.spi.SyncableContext;
import io.committed.sync.routing.DestinationSyntax;
import io.committed.sync.routing.Router;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A validated Kafka syncable config (reference in {@code docs/broker-sync.md}):
 *
 * <pre>
 * [kafka]
 * topic = "order"                          # the types to publish, handled by core
 * bootstrapServers = ["127.0.0.1:9092"]
 * destination = "orders.${type}"           # + the other routing fields of committed-sync-routing
 * mode = "transactional"                   # or "idempotent"
 * transactionalId = "committed-orders-out" # default: committed-&lt;syncable id&gt;
 * positionTopic = "committed.positions"
 * createPositionTopic = true
 * positionTopicReplicas = -1               # -1: the broker's default
 * connectTimeout = "10s"
 * deliveryTimeout = "30s"
 * [kafka.producer]                         # other producer settings, passed as they are
 * "compression.type" = "lz4"
 * "sasl.jaas.config" = "${KAFKA_JAAS}"
 * </pre>
 *
 * @param syncableId the syncable's id
 * @param bootstrapServers host:port pairs
 * @param router the routing
 * @param transactional true for transactional mode, false for the idempotent producer alone
 * @param transactionalId who publishes, to Kafka: the producer's transactional id (transactional mode) and the key of
 *     the position record (both modes)
 * @param positionTopic where the syncable records how far it published
 * @param createPositionTopic whether a missing position topic is created
 * @param positionTopicReplicas the replication factor of a created position topic, or -1
 * @param connectTimeout how long a call may block for metadata or a coordinator
 * @param deliveryTimeout how long a record may take to be acknowledged, retries included
 * @param producer the other producer settings, resolved
 */
public record KafkaSyncableConfig(String syncableId, List<String> bootstrapServers, Router router,
    boolean transactional, String transactionalId, String positionTopic, boolean createPositionTopic,
    int positionTopicReplicas, Duration connectTimeout, Duration deliveryTimeout, Map<String, String> producer) {

  /** The routing field names of the Kafka syncable. */
  public static final Router.Options ROUTING = new Router.Options("destination", "deleteDestination",
      DestinationSyntax.KAFKA_TOPIC);

  /** Producer settings the syncable owns: what it guarantees depends on them. */
  static final Set<String> OWNED = Set.of("bootstrap.servers", "key.serializer", "value.serializer",
      "enable.idempotence", "acks", "transactional.id", "max.block.ms", "delivery.timeout.ms");

  private static final Pattern HOST_PORT = Pattern.compile("(\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9._-]+):(\\d{1,5})");
  private static final Pattern WHOLE_REFERENCE = Pattern.compile("\\$\\{[A-Za-z_][A-Za-z0-9_]*}");
  private static final Pattern TRANSACTIONAL_ID = Pattern.compile("[A-Za-z0-9._-]{1,249}");

  /**
   * Reads and checks the {@code [kafka]} section.
   *
   * @throws io.committed.api.ConfigException naming the field at fault
   */
  public static KafkaSyncableConfig parse(SyncableContext context) {
    PluginConfig kafka = context.config();
    List<String> servers = kafka.strings("bootstrapServers");
    if (servers.isEmpty()) {
      throw kafka.error("bootstrapServers", "is required: the brokers to start from, e.g. [\"127.0.0.1:9092\"]");
    }
    List<String> cleaned = new ArrayList<>();
    for (String s : servers) {
      String server = s.strip();
      if (!server.contains("${")) {
        var m = HOST_PORT.matcher(server);
        if (!m.matches() || Integer.parseInt(m.group(2)) < 1 || Integer.parseInt(m.group(2)) > 65_535) {
          throw kafka.error("bootstrapServers", "'" + server + "' is not host:port (e.g. \"broker-1:9092\")");
        }
      }
      cleaned.add(server);
    }
    Router router = Router.parse(kafka, context.syncableId(), ROUTING);

    String mode = kafka.string("mode").orElse("transactional").strip().toLowerCase(Locale.ROOT);
    if (!mode.equals("transactional") && !mode.equals("idempotent")) {
      throw kafka.error("mode", "must be \"transactional\" or \"idempotent\", not '" + mode + "'");
    }
    boolean transactional = mode.equals("transactional");
    String transactionalId = kafka.string("transactionalId").orElse("committed-" + context.syncableId()).strip();
    if (!TRANSACTIONAL_ID.matcher(transactionalId).matches()) {
      throw kafka.error("transactionalId", "'" + transactionalId + "' must be 1 to 249 letters, digits, '.', '_'"
          + " and '-'" + (kafka.has("transactionalId") ? "" : " (the default is committed-<syncable id>: set one)"));
    }
    String positionTopic = kafka.string("positionTopic").orElse("committed.positions").strip();
    Optional<String> problem = DestinationSyntax.KAFKA_TOPIC.problem(positionTopic);
    if (problem.isPresent()) {
      throw kafka.error("positionTopic", "'" + positionTopic + "' " + problem.get());
    }
    boolean create = kafka.bool("createPositionTopic", true);
    long replicas = kafka.integer("positionTopicReplicas", -1);
    if (replicas != -1 && (replicas < 1 || replicas > 32)) {
      throw kafka.error("positionTopicReplicas", "must be between 1 and 32, or -1 for the broker's default, not "
          + replicas);
    }
    Duration connectTimeout = duration(kafka, "connectTimeout", Duration.ofSeconds(10), Duration.ofMillis(100),
        Duration.ofMinutes(10));
    Duration deliveryTimeout = duration(kafka, "deliveryTimeout", Duration.ofSeconds(30), Duration.ofSeconds(1),
        Duration.ofHours(1));
    Map<String, String> producer = producer(kafka);
    checkTimeouts(kafka, producer, deliveryTimeout);
    return new KafkaSyncableConfig(context.syncableId(), List.copyOf(cleaned), router, transactional, transactionalId,
        positionTopic, create, (int) replicas, connectTimeout, deliveryTimeout, producer);
  }

  /** {@code [kafka.producer]}: any producer setting but those the syncable owns; secrets only as ${VAR}. */
  private static Map<String, String> producer(PluginConfig kafka) {
    Map<String, String> out = new LinkedHashMap<>();
    Optional<PluginConfig> section = kafka.section("producer");
    if (section.isEmpty()) {
      return out;
    }
    PluginConfig p = section.get();
    for (String name : p.names()) {
      if (OWNED.contains(name)) {
        throw p.error(name, "is set by the syncable" + switch (name) {
          case "bootstrap.servers" -> ": use " + kafka.path() + ".bootstrapServers";
          case "transactional.id" -> ": use " + kafka.path() + ".transactionalId";
          case "max.block.ms" -> ": use " + kafka.path() + ".connectTimeout";
          case "delivery.timeout.ms" -> ": use " + kafka.path() + ".deliveryTimeout";
          default -> " (its guarantees depend on it)";
        });
      }
      if (name.equals("max.in.flight.requests.per.connection")) {
        long n = p.integer(name, 5);
        if (n < 1 || n > 5) {
          throw p.error(name, "must be between 1 and 5 (the idempotent producer keeps order only up to 5), not " + n);
        }
      }
      String raw = p.rawString(name).orElseThrow(() -> p.error(name, "must be a string, number or boolean"));
      if (isSecret(name) && !WHOLE_REFERENCE.matcher(raw.strip()).matches()) {
        throw p.error(name, "holds a literal secret: configs are stored in the log for good and returned by the API"
            + " as posted, so write it as \"${VAR}\" and set the environment variable on every node");
      }
      out.put(name, p.string(name).orElse(raw));
    }
    return out;
  }

  /** The producer refuses delivery.timeout.ms below linger.ms + request.timeout.ms: say so here, naming the field. */
  private static void checkTimeouts(PluginConfig kafka, Map<String, String> producer, Duration delivery) {
    long linger = number(kafka, producer, "linger.ms", 5);
    long request = number(kafka, producer, "request.timeout.ms", Math.min(delivery.toMillis() / 2, 30_000));
    if (linger + request > delivery.toMillis()) {
      throw kafka.error("deliveryTimeout", "must be at least linger.ms + request.timeout.ms (" + linger + " + "
          + request + " ms), not " + delivery.toMillis() + " ms");
    }
  }

  private static long number(PluginConfig kafka, Map<String, String> producer, String name, long fallback) {
    String v = producer.get(name);
    if (v == null) {
      return fallback;
    }
    try {
      return Long.parseLong(v.strip());
    } catch (NumberFormatException e) {
      throw kafka.error("producer." + name, "must be a number of milliseconds, not '" + v + "'");
    }
  }

  /** Producer settings that carry credentials. */
  static boolean isSecret(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    return n.endsWith("password") || n.equals("sasl.jaas.config") || n.contains("secret") || n.endsWith(".key");
  }

  private static Duration duration(PluginConfig c, String name, Duration fallback, Duration min, Duration max) {
    Duration d = c.duration(name).orElse(fallback);
    if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
      throw c.error(name, "must be between " + min + " and " + max + ", not " + d);
    }
    return d;
  }

  /** The producer's properties: the user's, then the ones this syncable owns. */
  public Map<String, Object> producerProperties() {
    Map<String, Object> props = new LinkedHashMap<>(producer);
    props.put("bootstrap.servers", String.join(",", bootstrapServers));
    props.put("key.serializer", "org.apache.kafka.common.serialization.ByteArraySerializer");
    props.put("value.serializer", "org.apache.kafka.common.serialization.ByteArraySerializer");
    props.put("enable.idempotence", "true");
    props.put("acks", "all");
    props.putIfAbsent("client.id", "committed-" + syncableId);
    props.put("max.block.ms", Long.toString(connectTimeout.toMillis()));
    props.put("delivery.timeout.ms", Long.toString(deliveryTimeout.toMillis()));
    long request = Math.min(deliveryTimeout.toMillis() / 2, 30_000);
    props.putIfAbsent("request.timeout.ms", Long.toString(request));
    props.putIfAbsent("linger.ms", "5");
    if (transactional) {
      props.put("transactional.id", transactionalId);
    }
    return props;
  }

  /** The properties of the consumer that reads the position topic and of the admin client. */
  public Map<String, Object> clientProperties() {
    Map<String, Object> props = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : producer.entrySet()) {
      String n = e.getKey();
      if (n.startsWith("security.") || n.startsWith("ssl.") || n.startsWith("sasl.") || n.equals("client.dns.lookup")) {
        props.put(n, e.getValue());
      }
    }
    props.put("bootstrap.servers", String.join(",", bootstrapServers));
    props.put("request.timeout.ms", Long.toString(Math.max(1_000, connectTimeout.toMillis())));
    props.put("default.api.timeout.ms", Long.toString(Math.max(1_000, connectTimeout.toMillis())));
    return props;
  }

  /** Never shows credentials: producer settings are listed by name only. */
  @Override
  public String toString() {
    return "KafkaSyncableConfig[" + syncableId + ", " + String.join(",", bootstrapServers) + ", "
        + (transactional ? "transactional " + transactionalId : "idempotent") + ", positions in " + positionTopic
        + ", " + router + (producer.isEmpty() ? "" : ", producer settings " + producer.keySet()) + "]";
  }
}
