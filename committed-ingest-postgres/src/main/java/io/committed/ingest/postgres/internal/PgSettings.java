package io.committed.ingest.postgres.internal;

import io.committed.api.ConfigException;
import io.committed.ingest.sql.internal.Outbox;
import io.committed.ingest.sql.internal.SourceSection;
import io.committed.ingest.sql.internal.SourceSection.OnPositionLost;
import io.committed.ingest.sql.internal.SqlConfig;
import io.committed.ingest.sql.internal.TableName;
import io.committed.ingest.sql.internal.TopicSpec;
import io.committed.spi.PluginConfig;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The parsed and checked {@code [sql]} section of a PostgreSQL ingestable, in the original's shape:
 * a flat form ({@code topic}, {@code tables}, ...) or {@code [[sql.topics]]}, and
 * {@code [sql.postgres]} for the slot.
 *
 * @param jdbcUrl the JDBC URL, {@code ${VAR}}s resolved
 * @param slot the replication slot's name
 * @param publication the publication's name
 * @param batchSize rows per snapshot batch (one proposal each)
 * @param heartbeat how often an idle stream writes a heartbeat message; zero to never
 * @param statusInterval how often standby status, lag and slot health are refreshed
 * @param onSlotLost what to do when the slot was lost or recreated
 * @param dropSlotOnRemove drop the slot (and a publication Committed created) when the ingestable is removed
 * @param initialSnapshot copy the tables' existing rows before streaming
 * @param topics the topics, each with its tables
 * @param outboxes the outbox tables ({@code [[sql.outbox]]}), streamed (inserts only) but not copied
 * @param publishSchemas publish each topic's JSON Schema from its tables' columns, a new type
 *     version when they change ({@code publish_schemas}, default true)
 */
public record PgSettings(
    String jdbcUrl,
    String slot,
    String publication,
    int batchSize,
    Duration heartbeat,
    Duration statusInterval,
    OnPositionLost onSlotLost,
    boolean dropSlotOnRemove,
    boolean initialSnapshot,
    List<TopicSpec> topics,
    List<Outbox> outboxes,
    boolean publishSchemas) {

  private static final Pattern SLOT_NAME = Pattern.compile("[a-z0-9_]{1,63}");
  private static final Pattern PUBLICATION_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");
  private static final SqlConfig CONFIG = new SqlConfig("PostgreSQL", "public", "public.orders", "schema.table");
  private static final Set<String> TOP_FIELDS = Set.of("dialect", "connectionString", "postgres");
  private static final Set<String> PG_FIELDS = Set.of("slot_name", "publication", "batch_size",
      "heartbeat_interval", "status_interval", "on_slot_lost", "drop_slot_on_remove", "snapshot", "publish_schemas");

  /** The default slot and publication name of an ingestable: {@code committed_} and its id. */
  public static String defaultName(String ingestableId) {
    String s = "committed_" + ingestableId.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
    return s.length() > 63 ? s.substring(0, 63) : s;
  }

  /**
   * Parses and checks {@code section} (the {@code [sql]} table).
   *
   * @throws ConfigException naming the field at fault
   */
  public static PgSettings parse(String ingestableId, PluginConfig section) {
    CONFIG.checkSection(section, TOP_FIELDS);
    String url = jdbcUrl(section);
    SourceSection pg = SourceSection.of(section, "postgres", CONFIG, PG_FIELDS);
    String slot = pg.string("slot_name").orElse(defaultName(ingestableId));
    if (!SLOT_NAME.matcher(slot).matches()) {
      throw pg.error("slot_name", "'" + slot + "' is not a valid slot name: use 1 to 63 lower-case letters,"
          + " digits and '_'");
    }
    String publication = pg.string("publication").orElse(defaultName(ingestableId));
    if (!PUBLICATION_NAME.matcher(publication).matches()) {
      throw pg.error("publication", "'" + publication + "' is not a valid publication name: use 1 to 63 letters,"
          + " digits and '_', not starting with a digit");
    }
    int batch = pg.batchSize();
    Duration heartbeat = pg.duration("heartbeat_interval", Duration.ofSeconds(10), true);
    Duration status = pg.duration("status_interval", Duration.ofSeconds(10), false);
    OnPositionLost onLost = pg.onPositionLost("on_slot_lost");
    boolean drop = pg.bool("drop_slot_on_remove", true);
    boolean snapshot = pg.initialSnapshot();
    List<TopicSpec> topics = CONFIG.topics(section);
    return new PgSettings(url, slot, publication, batch, heartbeat, status, onLost, drop, snapshot, topics,
        Outbox.parse(CONFIG, section, topics), pg.bool("publish_schemas", true));
  }

  /** Every table of every topic, in order. */
  public List<TableName> tables() {
    return TopicSpec.tablesOf(topics);
  }

  /** The tables the publication must publish: every topic's and every outbox's. */
  public List<TableName> publishedTables() {
    List<TableName> all = new java.util.ArrayList<>(tables());
    all.addAll(Outbox.tablesOf(outboxes));
    return all;
  }

  /** The outbox declared for {@code table}, if any. */
  public Optional<Outbox> outboxOf(TableName table) {
    return Outbox.of(outboxes, table);
  }

  /**
   * What a snapshot request for {@code names} copies: every table of the topic of each named table,
   * in config order.
   *
   * @throws IllegalArgumentException naming a malformed name or a table no topic captures
   */
  public List<String> tablesToCopyAgain(List<String> names) {
    return TopicSpec.tablesToCopyAgain(topics, names, "public", "schema.table or table");
  }

  /** The topic that captures {@code table}, if any. */
  public Optional<TopicSpec> topicOf(TableName table) {
    return TopicSpec.topicOf(topics, table);
  }

  private static String jdbcUrl(PluginConfig section) {
    String raw = section.requireString("connectionString").trim();
    if (raw.startsWith("jdbc:postgresql:")) {
      return raw;
    }
    if (raw.startsWith("postgres://") || raw.startsWith("postgresql://")) {
      // the original's URL form: postgres://user@host:port/db?param=value
      String rest = raw.substring(raw.indexOf("://") + 3);
      String user = null;
      int at = rest.indexOf('@');
      int slash = rest.indexOf('/');
      if (at >= 0 && (slash < 0 || at < slash)) {
        user = rest.substring(0, at);
        rest = rest.substring(at + 1);
        if (user.contains(":")) {
          throw section.error("connectionString", "has a password in 'user:password@': write password=${VAR}"
              + " as a parameter instead");
        }
      }
      String url = "jdbc:postgresql://" + rest;
      if (user != null && !user.isEmpty()) {
        url += (url.contains("?") ? "&" : "?") + "user=" + user;
      }
      return url;
    }
    throw section.error("connectionString", "must be a PostgreSQL JDBC URL (jdbc:postgresql://host:port/db?user=...)"
        + " or postgres://user@host:port/db, not '" + raw.replaceAll("password=[^&]*", "password=***") + "'");
  }
}
