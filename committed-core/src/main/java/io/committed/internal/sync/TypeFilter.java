package io.committed.internal.sync;

import io.committed.api.Entity;
import io.committed.api.LogEntry;
import io.committed.api.Proposal;
import io.committed.internal.codec.EntryCodec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which entities a syncable receives: those of its types, or all when its types contain {@code *};
 * for {@code always-current} syncables, migrated to the current version of their type.
 */
public final class TypeFilter {
  public static final String ALL = "*";

  /** Migrates entity data between versions of a type. */
  public interface Migrator {
    int currentVersion(String type);

    /**
     * @throws RuntimeException when the data cannot be migrated; the entry is dead-lettered
     */
    byte[] migrate(String type, int fromVersion, int toVersion, byte[] data);
  }

  private final Set<String> types;
  private final boolean all;
  private final Migrator migrator;

  public TypeFilter(Set<String> types) {
    this(types, null);
  }

  /** A filter that also migrates entities to their type's current version when {@code migrator} is set. */
  public TypeFilter(Set<String> types, Migrator migrator) {
    this.types = Set.copyOf(types);
    this.all = types.contains(ALL);
    this.migrator = migrator;
  }

  public Set<String> types() {
    return types;
  }

  public boolean follows(String typeId) {
    return all || types.contains(typeId);
  }

  /**
   * The entry with only the followed entities, or null when it has none. Reads the type ids first,
   * so entries of other types are not decoded.
   */
  public LogEntry apply(long index, byte[] body) {
    if (!all) {
      boolean any = false;
      for (String t : EntryCodec.typeIds(body, 0, body.length)) {
        if (types.contains(t)) {
          any = true;
          break;
        }
      }
      if (!any) {
        return null;
      }
    }
    LogEntry entry = EntryCodec.decode(index, body);
    if (migrator != null) {
      entry = migrate(entry);
    }
    if (all) {
      return entry;
    }
    List<Entity> kept = new ArrayList<>(entry.entities().size());
    for (Entity e : entry.entities()) {
      if (types.contains(e.typeId())) {
        kept.add(e);
      }
    }
    if (kept.size() == entry.entities().size()) {
      return entry;
    }
    Map<String, Integer> versions = new HashMap<>(entry.typeVersions());
    versions.keySet().retainAll(types);
    return new LogEntry(index, entry.timestamp(), new Proposal(kept), versions);
  }

  private LogEntry migrate(LogEntry entry) {
    Map<String, Integer> versions = new HashMap<>(entry.typeVersions());
    boolean changed = false;
    List<Entity> out = new ArrayList<>(entry.entities().size());
    for (Entity e : entry.entities()) {
      int from = entry.typeVersion(e.typeId());
      int to = follows(e.typeId()) ? migrator.currentVersion(e.typeId()) : from;
      if (from > 0 && to > from) {
        changed = true;
        versions.put(e.typeId(), to);
        out.add(e.delete() ? e : Entity.upsert(e.typeId(), e.key(), migrator.migrate(e.typeId(), from, to, e.data())));
      } else {
        out.add(e);
      }
    }
    return changed ? new LogEntry(entry.index(), entry.timestamp(), new Proposal(out), versions) : entry;
  }
}
