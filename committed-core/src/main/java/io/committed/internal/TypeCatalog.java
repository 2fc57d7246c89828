package io.committed.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.committed.ConfigDocument;
import io.committed.ConfigKind;
import io.committed.api.ConfigException;
import io.committed.api.Entity;
import io.committed.api.Proposal;
import io.committed.api.ProposalRejectedException;
import io.committed.internal.config.Documents;
import io.committed.internal.config.EnvResolver;
import io.committed.internal.config.NodeConfig;
import io.committed.internal.state.StateView;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import net.thisptr.jackson.jq.BuiltinFunctionLoader;
import net.thisptr.jackson.jq.JsonQuery;
import net.thisptr.jackson.jq.Scope;
import net.thisptr.jackson.jq.Versions;
import net.thisptr.jackson.jq.exception.JsonQueryException;

/**
 * Types: parsing and checking type documents, validating entities against their type's JSON
 * Schema when proposed, and migrating entity data between type versions (jq transforms).
 * Compiled schemas and transforms are cached per type version; versions never change once written.
 */
public final class TypeCatalog implements io.committed.internal.sync.TypeFilter.Migrator {
  private static final Set<String> ENTITY_KINDS = Set.of("snapshot", "event", "command", "standalone", "revision");
  private static final JsonSchemaFactory SCHEMAS = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
  private static final Scope JQ_ROOT = newJqScope();

  private final StateView state;
  private final Map<Key, CompiledType> compiled = new ConcurrentHashMap<>();

  private record Key(String type, int version) {}

  /** What a type version says, parsed. */
  record TypeSpec(String schemaText, JsonNode schema, boolean validate, String entityKind, Migration migration,
      boolean keyValue) {
    boolean sameShape(TypeSpec o) {
      return Objects.equals(schema, o.schema) && validate == o.validate;
    }
  }

  /** A {@code [migration]}: a jq transform, or {@code none}. */
  record Migration(String transform, boolean none, JsonNode validateAgainst) {}

  private record CompiledType(TypeSpec spec, JsonSchema schema, JsonQuery transform) {}

  public TypeCatalog(StateView state) {
    this.state = state;
  }

  private static Scope newJqScope() {
    Scope root = Scope.newEmptyScope();
    BuiltinFunctionLoader.getInstance().loadFunctions(Versions.JQ_1_6, root);
    return root;
  }

  // ---- type documents ----

  static TypeSpec parse(NodeConfig root) {
    NodeConfig t = root.table("type").orElseThrow(() -> new ConfigException("type", "the document needs a [type] table"));
    String schemaType = t.rawString("schemaType").orElse("JSONSchema");
    JsonNode schemaNode = t.get("schema");
    JsonNode schema = null;
    String schemaText = null;
    if (schemaNode != null) {
      if (!schemaType.equalsIgnoreCase("JSONSchema")) {
        throw t.error("schemaType", "'" + schemaType + "' is not supported: use \"JSONSchema\"");
      }
      if (schemaNode.isTextual()) {
        schemaText = schemaNode.asText();
        try {
          schema = Documents.json().readTree(schemaText);
        } catch (JsonProcessingException e) {
          throw new ConfigException("type.schema", "type.schema is not valid JSON: " + e.getOriginalMessage());
        }
      } else if (schemaNode.isObject() || schemaNode.isBoolean()) {
        schema = schemaNode;
        schemaText = Documents.toJson(schemaNode);
      } else {
        throw t.error("schema", "must be a JSON Schema, as a string or a table");
      }
      compileSchema(schema);
    }
    boolean validate = t.bool("validate", schema != null);
    if (validate && schema == null) {
      throw t.error("validate", "is set but the type has no schema");
    }
    String entityKind = t.rawString("entityKind").map(k -> k.toLowerCase(Locale.ROOT)).orElse(null);
    if (entityKind != null && !ENTITY_KINDS.contains(entityKind)) {
      throw t.error("entityKind", "must be one of snapshot, event, command, standalone, revision, not '" + entityKind
          + "'" + (entityKind.equals("delta") ? " (deltas are not idempotent under at-least-once sync)" : ""));
    }
    boolean keyValue = t.bool("keyValue", false);
    return new TypeSpec(schemaText, schema, validate, entityKind, parseMigration(root), keyValue);
  }

  private static Migration parseMigration(NodeConfig root) {
    Optional<NodeConfig> m = root.table("migration");
    if (m.isEmpty()) {
      return null;
    }
    NodeConfig mig = m.get();
    Optional<String> transform = mig.rawString("transform");
    boolean none = mig.bool("none", false);
    if (transform.isPresent() == none) {
      throw new ConfigException("migration", "[migration] needs exactly one of transform = \"<jq>\" or none = true");
    }
    transform.ifPresent(TypeCatalog::compileJq);
    JsonNode sample = null;
    JsonNode v = mig.get("validateAgainst");
    if (v != null) {
      try {
        sample = v.isTextual() ? Documents.json().readTree(v.asText()) : v;
      } catch (JsonProcessingException e) {
        throw new ConfigException("migration.validateAgainst", "migration.validateAgainst is not valid JSON: "
            + e.getOriginalMessage());
      }
    }
    return new Migration(transform.orElse(null), none, sample);
  }

  private static JsonSchema compileSchema(JsonNode schema) {
    try {
      return SCHEMAS.getSchema(schema);
    } catch (RuntimeException e) {
      throw new ConfigException("type.schema", "type.schema is not a usable JSON Schema: " + e.getMessage(), e);
    }
  }

  private static JsonQuery compileJq(String expression) {
    try {
      return JsonQuery.compile(expression, Versions.JQ_1_6);
    } catch (JsonQueryException e) {
      throw new ConfigException("migration.transform", "migration.transform is not a valid jq program: "
          + e.getMessage(), e);
    }
  }

  /**
   * Checks a type document as the next version of {@code id}: a change of schema or validation
   * needs a {@code [migration]}; {@code entityKind} never changes; {@code validateAgainst} must
   * migrate to data the new schema accepts.
   */
  void validateTypeDocument(String id, NodeConfig root) {
    TypeSpec next = parse(root);
    Optional<ConfigDocument> current = state.currentConfig(ConfigKind.TYPE, id);
    if (current.isEmpty()) {
      if (next.migration() != null && next.migration().validateAgainst() != null) {
        checkSample(next, next.migration().validateAgainst());
      }
      return;
    }
    TypeSpec prev = parse(NodeConfig.root(Documents.parse(current.get().format(), current.get().content()),
        new EnvResolver(name -> null, false)));
    if (!Objects.equals(prev.entityKind(), next.entityKind())) {
      throw new ConfigException("type.entityKind", "type.entityKind cannot change (it is '" + prev.entityKind()
          + "'): define a new type instead");
    }
    if (!prev.sameShape(next) && next.migration() == null) {
      throw new ConfigException("migration", "type '" + id + "' changes its schema or validation: add a [migration]"
          + " with transform = \"<jq program>\" (turning version " + current.get().version() + " data into the new"
          + " shape) or none = true");
    }
    if (next.migration() != null && next.migration().validateAgainst() != null) {
      checkSample(next, next.migration().validateAgainst());
    }
  }

  private static void checkSample(TypeSpec next, JsonNode sample) {
    JsonNode migrated = next.migration().transform() == null ? sample
        : runJq(compileJq(next.migration().transform()), sample, "migration.validateAgainst");
    if (next.schema() != null) {
      List<String> errors = errors(compileSchema(next.schema()), migrated);
      if (!errors.isEmpty()) {
        throw new ConfigException("migration.validateAgainst", "migration.validateAgainst, once migrated, fails the new"
            + " schema: " + String.join("; ", errors));
      }
    }
  }

  // ---- proposals ----

  private CompiledType compiled(String type, int version) {
    return compiled.computeIfAbsent(new Key(type, version), k -> {
      ConfigDocument doc = state.version(ConfigKind.TYPE, type, version).orElseThrow(() ->
          new IllegalStateException("type " + type + " has no version " + version));
      TypeSpec spec = parse(NodeConfig.root(Documents.parse(doc.format(), doc.content()),
          new EnvResolver(name -> null, false)));
      JsonSchema schema = spec.validate() ? compileSchema(spec.schema()) : null;
      JsonQuery transform = spec.migration() != null && spec.migration().transform() != null
          ? compileJq(spec.migration().transform()) : null;
      return new CompiledType(spec, schema, transform);
    });
  }

  /** The types whose current version asks for a key-value view ({@code keyValue = true}), sorted. */
  public java.util.SortedSet<String> keyValueTypes() {
    java.util.SortedSet<String> out = new java.util.TreeSet<>();
    for (ConfigDocument doc : state.currentConfigs(ConfigKind.TYPE)) {
      if (compiled(doc.id(), doc.version()).spec().keyValue()) {
        out.add(doc.id());
      }
    }
    return out;
  }

  /**
   * Validates the upserts of {@code proposal} against their type's schema at the given versions.
   *
   * @throws ProposalRejectedException with {@code SCHEMA_VIOLATION} naming the entity and the
   *     failed constraints
   */
  void validate(Proposal proposal, Map<String, Integer> versions) {
    List<Entity> entities = proposal.entities();
    for (int i = 0; i < entities.size(); i++) {
      Entity e = entities.get(i);
      if (e.delete()) {
        continue;
      }
      CompiledType t = compiled(e.typeId(), versions.get(e.typeId()));
      if (t.schema() == null) {
        continue;
      }
      JsonNode data;
      try {
        data = Documents.json().readTree(e.data());
      } catch (java.io.IOException ex) {
        throw new ProposalRejectedException(ProposalRejectedException.Reason.SCHEMA_VIOLATION, "entity #" + i
            + " of type '" + e.typeId() + "' is not JSON, but the type has a schema: " + ex.getMessage());
      }
      List<String> errors = errors(t.schema(), data);
      if (!errors.isEmpty()) {
        throw new ProposalRejectedException(ProposalRejectedException.Reason.SCHEMA_VIOLATION, "entity #" + i
            + " (key '" + e.keyAsString() + "') of type '" + e.typeId() + "' fails its schema (version "
            + versions.get(e.typeId()) + "): " + String.join("; ", errors));
      }
    }
  }

  /** True when some version of the type validates (so proposals must be parsed). */
  boolean validates(String type, int version) {
    return compiled(type, version).schema() != null;
  }

  private static List<String> errors(JsonSchema schema, JsonNode data) {
    Set<ValidationMessage> messages = schema.validate(data);
    List<String> out = new ArrayList<>(messages.size());
    for (Iterator<ValidationMessage> it = messages.iterator(); it.hasNext() && out.size() < 10; ) {
      out.add(it.next().getMessage());
    }
    out.sort(null);
    return out;
  }

  // ---- migrations ----

  @Override
  public int currentVersion(String type) {
    return state.currentVersion(ConfigKind.TYPE, type);
  }

  @Override
  public byte[] migrate(String type, int fromVersion, int toVersion, byte[] data) {
    JsonNode node;
    try {
      node = Documents.json().readTree(data);
    } catch (java.io.IOException e) {
      throw new MigrationException("type '" + type + "' version " + fromVersion + " data is not JSON: "
          + e.getMessage());
    }
    try {
      return Documents.json().writeValueAsBytes(migrate(type, fromVersion, toVersion, node));
    } catch (JsonProcessingException e) {
      throw new MigrationException("migrated data of type '" + type + "' cannot be written: " + e.getMessage());
    }
  }

  /**
   * Migrates {@code data} written with version {@code from} of {@code type} to version {@code to},
   * applying each version's {@code [migration]} in turn.
   *
   * @throws MigrationException when a transform fails or yields no single value
   */
  public JsonNode migrate(String type, int from, int to, JsonNode data) {
    JsonNode current = data;
    for (int v = from + 1; v <= to; v++) {
      CompiledType t = compiled(type, v);
      if (t.transform() != null) {
        current = runJq(t.transform(), current, "type '" + type + "' migration to version " + v);
      }
    }
    return current;
  }

  private static JsonNode runJq(JsonQuery query, JsonNode in, String what) {
    List<JsonNode> out = new ArrayList<>(1);
    try {
      query.apply(Scope.newChildScope(JQ_ROOT), in, out::add);
    } catch (JsonQueryException e) {
      throw new MigrationException(what + " failed: " + e.getMessage());
    }
    if (out.size() != 1) {
      throw new MigrationException(what + " produced " + out.size() + " values instead of one");
    }
    return out.get(0);
  }

  /** A migration transform failed on some data. */
  public static final class MigrationException extends io.committed.api.CommittedException {
    private static final long serialVersionUID = 1L;

    MigrationException(String message) {
      super(message);
    }
  }
}
