package io.committed.internal;

import io.committed.api.ConfigException;
import io.committed.spi.IngestableFactory;
import io.committed.spi.SyncableFactory;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The syncable and ingestable factories, found through {@link ServiceLoader} once at start plus
 * any given to the builder, indexed by kind.
 */
public final class Plugins {
  private final Map<String, List<SyncableFactory>> syncables;
  private final Map<String, List<IngestableFactory>> ingestables;

  public Plugins(ClassLoader loader, List<SyncableFactory> extraSyncables, List<IngestableFactory> extraIngestables) {
    List<SyncableFactory> s = new ArrayList<>(extraSyncables);
    ServiceLoader.load(SyncableFactory.class, loader).forEach(s::add);
    List<IngestableFactory> i = new ArrayList<>(extraIngestables);
    ServiceLoader.load(IngestableFactory.class, loader).forEach(i::add);
    this.syncables = index(s, SyncableFactory::kind);
    this.ingestables = index(i, IngestableFactory::kind);
  }

  private static <F> Map<String, List<F>> index(List<F> factories, Function<F, String> kind) {
    Map<String, List<F>> byKind = new TreeMap<>();
    for (F f : factories) {
      String k = kind.apply(f);
      if (k == null || k.isBlank()) {
        throw new ConfigException("plug-in factory " + f.getClass().getName() + " has no kind()");
      }
      byKind.computeIfAbsent(k.toLowerCase(Locale.ROOT), x -> new ArrayList<>()).add(f);
    }
    return byKind;
  }

  /** The kinds of syncables available, sorted. */
  public List<String> syncableKinds() {
    return List.copyOf(syncables.keySet());
  }

  /** The kinds of ingestables available, sorted. */
  public List<String> ingestableKinds() {
    return List.copyOf(ingestables.keySet());
  }

  /**
   * The syncable factory for {@code kind}, preferring {@code kind:dialect}.
   *
   * @param field the config field that named the kind, for the error
   * @throws ConfigException when none or several match; the message lists the kinds found
   */
  public SyncableFactory syncable(String field, String kind, String dialect) {
    return find(syncables, "syncable", field, kind, dialect, SyncableFactory.class);
  }

  /** The ingestable factory for {@code kind}, preferring {@code kind:dialect}. */
  public IngestableFactory ingestable(String field, String kind, String dialect) {
    return find(ingestables, "ingestable", field, kind, dialect, IngestableFactory.class);
  }

  private static <F> F find(Map<String, List<F>> byKind, String what, String field, String kind, String dialect,
      Class<F> spi) {
    String k = kind.toLowerCase(Locale.ROOT);
    List<F> found = null;
    if (dialect != null && !dialect.isBlank()) {
      found = byKind.get(k + ":" + dialect.toLowerCase(Locale.ROOT));
    }
    if (found == null) {
      found = byKind.get(k);
    }
    String wanted = dialect == null || dialect.isBlank() ? "'" + kind + "'" : "'" + kind + "' (dialect '" + dialect + "')";
    if (found == null) {
      throw new ConfigException(field, "no " + what + " of kind " + wanted + " is available; known kinds: "
          + (byKind.isEmpty() ? "none" : String.join(", ", byKind.keySet()))
          + ". Add the module that provides it to the class path (registered in META-INF/services/"
          + spi.getName() + ")");
    }
    if (found.size() > 1) {
      List<String> classes = new ArrayList<>();
      found.forEach(f -> classes.add(f.getClass().getName()));
      Collections.sort(classes);
      throw new ConfigException(field, "several " + what + " factories declare kind " + wanted + ": "
          + String.join(", ", classes) + "; remove all but one from the class path");
    }
    return found.get(0);
  }
}
