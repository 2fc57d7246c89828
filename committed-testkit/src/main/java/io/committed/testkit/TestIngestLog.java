package io.committed.testkit;

import io.committed.Committed;
import io.committed.CommittedBuilder;
import io.committed.CommittedLog;
import io.committed.spi.IngestContext;
import io.committed.spi.Ingestable;
import io.committed.spi.IngestableFactory;
import io.committed.spi.PluginConfig;
import io.committed.spi.SnapshottingIngestableFactory;
import io.committed.spi.SourcePosition;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.function.UnaryOperator;

/**
 * An in-memory log holding one ingestable's config, handing out {@link IngestContext}s for it:
 * for unit tests of an {@link IngestableFactory} and of the ingestables it creates, with the log's
 * real semantics (the source position committed with the data, redeliveries dropped by the
 * high-water mark, a failed proposal fencing the rest of its run) and no supervisor in the way.
 *
 * <pre>{@code
 * try (TestIngestLog t = TestIngestLog.builder(new MyIngestableFactory())
 *     .document("[ingestable]\ntype = \"my\"\n[my]\ntopic = \"orders\"\n")
 *     .type("orders")
 *     .start()) {
 *   TestIngestRun run = t.newRun();            // a run, as the supervisor starts one
 *   run.runInBackground(t.factory());          // create and run it on a thread of its own
 *   ... write to the source, then read t.log() ...
 *   run.stop(Duration.ofSeconds(10));
 * }
 * }</pre>
 *
 * <p>The config is defined in the log the way {@code ingestables().define} does, so the factory's
 * {@link IngestableFactory#validate} runs on it; the log's own supervisor then idles (it never
 * creates the ingestable): runs happen only through {@link #newRun}. Thread-safe.
 */
public final class TestIngestLog implements AutoCloseable {
  private final CommittedLog log;
  private final String ingestableId;
  private final IngestableFactory factory;
  private TestIngestRun current;

  private TestIngestLog(CommittedLog log, String ingestableId, IngestableFactory factory) {
    this.log = log;
    this.ingestableId = ingestableId;
    this.factory = factory;
  }

  /** A builder for a log whose ingestable is created by {@code factory}. */
  public static Builder builder(IngestableFactory factory) {
    return new Builder(Objects.requireNonNull(factory, "factory"));
  }

  /** The log: read what the runs committed, define more types, write other entries. */
  public CommittedLog log() {
    return log;
  }

  /** The ingestable's id. */
  public String ingestableId() {
    return ingestableId;
  }

  /** The factory given to the builder. */
  public IngestableFactory factory() {
    return factory;
  }

  /** The position the log holds for the ingestable: where a new run resumes; empty before the first. */
  public Optional<SourcePosition> position() {
    return log.ingest().status(ingestableId).position();
  }

  /**
   * A new run, as the supervisor starts one after a failure or a leader change. The run before it,
   * if still open, ends first as if its process had died: its later proposals fail and its thread
   * is interrupted (see {@link TestIngestRun#crash}).
   */
  public synchronized TestIngestRun newRun() {
    if (current != null) {
      current.crash(java.time.Duration.ZERO);
    }
    current = new TestIngestRun(log, ingestableId);
    return current;
  }

  /** Ends the current run (as {@link TestIngestRun#crash}) and closes the log. */
  @Override
  public synchronized void close() {
    if (current != null) {
      current.crash(java.time.Duration.ofSeconds(10));
    }
    log.close();
  }

  /** Settings of the log and its ingestable. */
  public static final class Builder {
    private final IngestableFactory factory;
    private String ingestableId = "test";
    private String document;
    private final List<String> types = new ArrayList<>();
    private UnaryOperator<String> environment = name -> null;
    private int maxProposalBytes;

    private Builder(IngestableFactory factory) {
      this.factory = factory;
    }

    /** The ingestable's id (default {@code test}). */
    public Builder ingestableId(String id) {
      if (id == null || id.isBlank()) {
        throw new IllegalArgumentException("ingestableId must not be blank");
      }
      this.ingestableId = id;
      return this;
    }

    /** The ingestable's config document, TOML or JSON, with its {@code [ingestable]} table. Required. */
    public Builder document(String document) {
      this.document = Objects.requireNonNull(document, "document");
      return this;
    }

    /** A type to define before the ingestable (with no schema); the ingestable writes to it. */
    public Builder type(String typeId) {
      types.add(Objects.requireNonNull(typeId, "typeId"));
      return this;
    }

    /** Where {@code ${VAR}} references of the document are looked up; null for an unset one. */
    public Builder environment(UnaryOperator<String> environment) {
      this.environment = Objects.requireNonNull(environment, "environment");
      return this;
    }

    /** Variables for {@code ${VAR}} references, as a map. */
    public Builder environment(Map<String, String> variables) {
      Map<String, String> copy = new HashMap<>(variables);
      return environment(copy::get);
    }

    /**
     * The largest proposal, in bytes (see {@link CommittedBuilder#maxProposalBytes}); a small one
     * makes larger source transactions go through the parts path.
     */
    public Builder maxProposalBytes(int bytes) {
      this.maxProposalBytes = bytes;
      return this;
    }

    /**
     * Starts the log, defines the types and the ingestable.
     *
     * @throws IllegalStateException when no document was given
     * @throws io.committed.api.ConfigException when the factory or the log refuses the document
     */
    public TestIngestLog start() {
      if (document == null) {
        throw new IllegalStateException("an ingestable document is required: call document(...)");
      }
      CommittedBuilder b = Committed.builder().inMemory().environment(environment)
          .classLoader(new ClassLoader(null) {}) // only this factory: none found on the class path
          .ingestableFactory(factory instanceof SnapshottingIngestableFactory s ? new IdleSnapshottingFactory(s)
              : new IdleFactory(factory));
      if (maxProposalBytes > 0) {
        b.maxProposalBytes(maxProposalBytes);
      }
      CommittedLog log = b.start();
      try {
        for (String t : types) {
          LogFixtures.defineTypes(log, t);
        }
        log.ingestables().define(ingestableId, document);
      } catch (RuntimeException e) {
        log.close();
        throw e;
      }
      return new TestIngestLog(log, ingestableId, factory);
    }
  }

  /**
   * Stands in for the user's factory in the log: the same kind and validation, but what it creates
   * only waits to be stopped, so that the log's supervisor does not run the ingestable itself.
   */
  private static class IdleFactory implements IngestableFactory {
    private final IngestableFactory factory;

    IdleFactory(IngestableFactory factory) {
      this.factory = factory;
    }

    @Override
    public String kind() {
      return factory.kind();
    }

    @Override
    public void validate(PluginConfig document, PluginConfig section) {
      factory.validate(document, section);
    }

    @Override
    public Ingestable create(IngestContext context) {
      return ctx -> new CountDownLatch(1).await(); // the supervisor interrupts it when it stops
    }
  }

  /**
   * The stand-in for a factory that takes snapshot requests: it checks them as the user's factory
   * does, so {@code log().ingest().requestSnapshot} answers as on a node.
   */
  private static final class IdleSnapshottingFactory extends IdleFactory implements SnapshottingIngestableFactory {
    private final SnapshottingIngestableFactory factory;

    IdleSnapshottingFactory(SnapshottingIngestableFactory factory) {
      super(factory);
      this.factory = factory;
    }

    @Override
    public List<String> checkSnapshotRequest(PluginConfig document, PluginConfig section,
        List<String> tables) {
      return factory.checkSnapshotRequest(document, section, tables);
    }
  }
}
