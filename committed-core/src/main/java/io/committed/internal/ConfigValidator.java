package io.committed.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.committed.ConfigFormat;
import io.committed.ConfigKind;
import io.committed.api.ConfigException;
import io.committed.internal.config.Documents;
import io.committed.internal.config.NodeConfig;
import io.committed.internal.config.PluginDocument;
import io.committed.internal.config.SecretCheck;
import io.committed.internal.state.StateView;
import io.committed.internal.sync.SyncSettings;
import io.committed.internal.sync.TypeFilter;
import io.committed.spi.IngestableFactory;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks a config document before it is proposed: it parses, has the fields its kind needs, holds
 * no literal password, and its plug-in accepts it. Runs on the node where the document is posted,
 * against that node's applied state.
 */
final class ConfigValidator {
  static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.\\-]{0,127}");
  private static final Set<String> DIALECTS = Set.of("postgres", "postgresql", "mysql", "mariadb", "h2");
  /** Fields that hold a secret as a whole (the HTTP and NATS syncables' credentials and signing secret). */
  private static final Set<String> SECRET_FIELDS = Set.of("password", "bearer", "signing_secret", "token");
  private static final Pattern WHOLE_REFERENCE = Pattern.compile("\\$\\{[A-Za-z_][A-Za-z0-9_]*}");

  private final StateView state;
  private final ConfigReader reader;
  private final SyncSettings syncDefaults;
  private final TypeCatalog types;

  ConfigValidator(StateView state, ConfigReader reader, SyncSettings syncDefaults, TypeCatalog schemas) {
    this.state = state;
    this.reader = reader;
    this.syncDefaults = syncDefaults;
    this.types = schemas;
  }

  static void checkId(ConfigKind kind, String id) {
    if (id == null || !ID.matcher(id).matches()) {
      throw new ConfigException("id", kind.id() + " id '" + id
          + "' is invalid: use 1 to 128 letters, digits, '_', '.' or '-', starting with a letter or digit");
    }
  }

  /** Validates {@code document} as the next version of {@code kind}/{@code id}. */
  void validate(ConfigKind kind, String id, ConfigFormat format, byte[] document) {
    checkId(kind, id);
    NodeConfig root = NodeConfig.root(Documents.parse(format, document), reader.env(false));
    rejectLiteralPasswords(root.node(), "");
    NodeConfig header = root.table(kind.id()).orElseThrow(() -> new ConfigException(kind.id(),
        "the document needs a [" + kind.id() + "] table"));
    Optional<String> name = header.rawString("name");
    if (name.isPresent() && !name.get().equals(id)) {
      throw header.error("name", "is '" + name.get() + "' but the document is posted as '" + id
          + "': they must be the same");
    }
    switch (kind) {
      case TYPE -> types.validateTypeDocument(id, root);
      case DATABASE -> validateDatabase(root);
      case INGESTABLE -> validateIngestable(root);
      case SYNCABLE -> validateSyncable(id, root);
    }
  }

  private void validateDatabase(NodeConfig root) {
    PluginDocument doc = PluginDocument.of(ConfigKind.DATABASE, root);
    if (!doc.kind().equalsIgnoreCase("sql")) {
      throw doc.header().error("type", "must be \"sql\", not '" + doc.kind() + "'");
    }
    String dialect = doc.section().requireString("dialect");
    if (!DIALECTS.contains(dialect.toLowerCase(Locale.ROOT))) {
      throw doc.section().error("dialect", "must be one of postgres, mysql, mariadb, h2, not '" + dialect + "'");
    }
    doc.section().requireString("connectionString");
  }

  private void validateIngestable(NodeConfig root) {
    PluginDocument doc = PluginDocument.of(ConfigKind.INGESTABLE, root);
    IngestableFactory factory = reader.plugins().ingestable(doc.header().path() + ".type", doc.kind(), doc.dialect());
    factory.validate(root, doc.section());
  }

  private void validateSyncable(String id, NodeConfig root) {
    ConfigReader.SyncableSetup setup = reader.syncable(id, root, syncDefaults, false);
    for (String type : setup.context().types()) {
      if (!type.equals(TypeFilter.ALL) && state.currentVersion(ConfigKind.TYPE, type) == 0) {
        throw new ConfigException(setup.context().config().path() + ".topic", "type '" + type
            + "' is not defined: define the type first");
      }
    }
    Optional<String> mode = root.table("syncable").flatMap(h -> h.rawString("mode"));
    if (mode.isPresent() && !mode.get().equals("as-stored") && !mode.get().equals("always-current")) {
      throw new ConfigException("syncable.mode", "syncable.mode must be \"as-stored\" or \"always-current\", not '"
          + mode.get() + "'");
    }
    setup.factory().validate(setup.context());
  }

  /**
   * Any field named connectionString, at any depth, must not hold a literal password, and a field
   * named password, bearer, signing_secret or token must be a {@code ${VAR}} reference: the document is
   * stored in the log for good and returned by the API as posted.
   */
  private static void rejectLiteralPasswords(JsonNode node, String path) {
    if (node.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        String p = path.isEmpty() ? e.getKey() : path + "." + e.getKey();
        if (e.getKey().equalsIgnoreCase("connectionString") && e.getValue().isTextual()) {
          Optional<String> found = SecretCheck.literalPassword(e.getValue().asText());
          if (found.isPresent()) {
            throw new ConfigException(p, p + " contains " + found.get() + ": configs are stored in the log for good,"
                + " so write the password as ${VAR} (for example password=${PGPASSWORD}) and set the environment"
                + " variable on every node");
          }
        }
        if (SECRET_FIELDS.contains(e.getKey().toLowerCase(Locale.ROOT)) && e.getValue().isValueNode()
            && !WHOLE_REFERENCE.matcher(e.getValue().asText().trim()).matches()) {
          throw new ConfigException(p, p + " holds a literal secret: configs are stored in the log for good and"
              + " returned by the API as posted, so write it as ${VAR} (for example " + e.getKey() + " = \"${"
              + e.getKey().toUpperCase(Locale.ROOT) + "}\") and set the environment variable on every node");
        }
        rejectLiteralPasswords(e.getValue(), p);
      }
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        rejectLiteralPasswords(node.get(i), path + "[" + i + "]");
      }
    }
  }
}
