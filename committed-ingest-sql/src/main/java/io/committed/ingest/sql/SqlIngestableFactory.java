package io.committed.ingest.sql;

import io.committed.spi.IngestContext;
import io.committed.spi.Ingestable;
import io.committed.spi.IngestableFactory;
import io.committed.spi.PluginConfig;
import java.util.Objects;

/**
 * The shape every SQL change data capture factory shares: kind {@code sql:<dialect>}, settings
 * parsed from the {@code [sql]} section both when a config is validated and when a run is created,
 * so that a config the log accepts is one the ingestable can run.
 */
public abstract class SqlIngestableFactory implements IngestableFactory {
  private final String kind;

  /**
   * @param kind the factory's kind, {@code sql:} and the dialect
   * @throws IllegalArgumentException when {@code kind} does not start with {@code sql:}
   */
  protected SqlIngestableFactory(String kind) {
    if (!Objects.requireNonNull(kind, "kind").startsWith("sql:")) {
      throw new IllegalArgumentException("kind must be sql:<dialect>, was '" + kind + "'");
    }
    this.kind = kind;
  }

  @Override
  public final String kind() {
    return kind;
  }

  /** Checks the {@code [sql]} section of {@code document} as {@link #create} will parse it. */
  @Override
  public final void validate(PluginConfig document, PluginConfig section) {
    check(ingestableIdOf(document), section);
  }

  @Override
  public final Ingestable create(IngestContext context) {
    return create(context.ingestableId(), context.config(), context);
  }

  /**
   * Parses and checks the {@code [sql]} section, as {@link #create(String, PluginConfig, IngestContext)}
   * does. Called on the thread that defines the config; must not touch the source.
   *
   * @param ingestableId the ingestable's id (defaults such as slot names derive from it)
   * @throws io.committed.api.ConfigException naming the field at fault
   */
  protected abstract void check(String ingestableId, PluginConfig section);

  /**
   * A run's ingestable, from the {@code [sql]} section {@link #check} accepted. Called on the
   * ingest thread; must not touch the source (the run does).
   */
  protected abstract Ingestable create(String ingestableId, PluginConfig section, IngestContext context);

  /** The ingestable's id as a document being validated names it ({@code [ingestable] name}). */
  public static String ingestableIdOf(PluginConfig document) {
    return document.section("ingestable").flatMap(h -> h.string("name")).orElse("ingestable");
  }
}
