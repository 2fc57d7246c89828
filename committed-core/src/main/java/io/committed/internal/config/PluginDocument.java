package io.committed.internal.config;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.committed.ConfigKind;
import io.committed.api.ConfigException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The common shape of ingestable, syncable and database documents: a header table named after the
 * config kind ({@code [syncable]}) whose {@code type} names the plug-in kind, and a section named
 * after that kind ({@code [sql]}) with the plug-in's settings.
 *
 * @param root the whole document
 * @param header the {@code [syncable]} / {@code [ingestable]} / {@code [database]} table
 * @param kind the plug-in kind, from {@code header.type}
 * @param dialect the section's {@code dialect}, or null
 * @param section the plug-in's section; an empty table when the document has none
 */
public record PluginDocument(NodeConfig root, NodeConfig header, String kind, String dialect, NodeConfig section) {

  public static PluginDocument of(ConfigKind configKind, NodeConfig root) {
    NodeConfig header = root.table(configKind.id()).orElseThrow(() -> new ConfigException(configKind.id(),
        "the document needs a [" + configKind.id() + "] table"));
    String kind = header.requireString("type").trim();
    if (kind.isEmpty()) {
      throw header.error("type", "must not be empty");
    }
    NodeConfig section = root.table(kind)
        .orElseGet(() -> new NodeConfig(kind, JsonNodeFactory.instance.objectNode(), root.env()));
    String dialect = section.string("dialect").map(String::trim).orElse(null);
    return new PluginDocument(root, header, kind, dialect, section);
  }

  /**
   * The types a syncable follows: its section's {@code topic} or {@code topics}, required, each a
   * type id or {@code *} for all.
   */
  public Set<String> topics() {
    boolean one = section.has("topic");
    boolean many = section.has("topics");
    if (one && many) {
      throw section.error("topics", "cannot be combined with " + section.path() + ".topic");
    }
    if (!one && !many) {
      throw new ConfigException(section.path() + ".topic", section.path()
          + ".topic is required: the type (topic) this syncable follows, or \"*\" for all");
    }
    List<String> list = one ? List.of(section.requireString("topic")) : section.strings("topics");
    if (list.isEmpty()) {
      throw section.error("topics", "must name at least one type");
    }
    Set<String> out = new LinkedHashSet<>();
    for (String t : list) {
      String type = t.trim();
      if (!type.equals("*") && !io.committed.api.Entity.TYPE_ID_PATTERN.matcher(type).matches()) {
        throw section.error(one ? "topic" : "topics", "has an invalid type id '" + t + "'");
      }
      out.add(type);
    }
    return out;
  }
}
