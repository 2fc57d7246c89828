package io.committed.testplugins;

import io.committed.engine.EngineConfig;
import io.committed.engine.EngineStatus;
import io.committed.engine.EventLog;
import io.committed.engine.LogEngine;
import io.committed.engine.LogEngineFactory;
import io.committed.engine.ReplicatedStateMachine;
import io.committed.engine.ApplyResult;
import io.committed.internal.memory.InMemoryEngine;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;

/**
 * An in-memory engine that, once {@link #deaf} is set, never answers a submission and leaves it
 * unanswered on close too: the worst an engine can do to a caller. Found through {@link #loader}.
 */
public final class DeafEngineFactory implements LogEngineFactory {
  /** When true, submissions get a future that nobody completes. */
  public static volatile boolean deaf;

  @Override
  public String name() {
    return "deaf";
  }

  @Override
  public LogEngine create(EngineConfig config) {
    InMemoryEngine inner = new InMemoryEngine(config);
    return new LogEngine() {
      @Override
      public EventLog eventLog() {
        return inner.eventLog();
      }

      @Override
      public void start(ReplicatedStateMachine stateMachine) {
        inner.start(stateMachine);
      }

      @Override
      public CompletableFuture<ApplyResult> submit(byte[] command) {
        return deaf ? new CompletableFuture<>() : inner.submit(command);
      }

      @Override
      public CompletableFuture<Void> readBarrier() {
        return inner.readBarrier();
      }

      @Override
      public void forgetCommandsThrough(long engineIndex) {
        inner.forgetCommandsThrough(engineIndex);
      }

      @Override
      public boolean isLeader() {
        return inner.isLeader();
      }

      @Override
      public EngineStatus status() {
        return inner.status();
      }

      @Override
      public void close() {
        inner.close();
      }
    };
  }

  /** A class loader (under this class's) in which this factory is the only log engine service. */
  public static ClassLoader loader(Path dir) {
    try {
      Path services = Files.createDirectories(dir.resolve("META-INF/services"));
      Files.writeString(services.resolve(LogEngineFactory.class.getName()), DeafEngineFactory.class.getName());
      return new URLClassLoader(new URL[] {dir.toUri().toURL()}, DeafEngineFactory.class.getClassLoader());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
