package io.committed.testplugins;

import io.committed.engine.EngineConfig;
import io.committed.engine.LogEngine;
import io.committed.engine.LogEngineFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * An engine factory that records the config the builder hands it and starts nothing: {@link
 * #create} throws {@link Captured}. Found through {@link #loader}, a class loader that lists it as
 * a {@code LogEngineFactory} service, so that other tests see no engine on the class path.
 */
public final class CapturingEngineFactory implements LogEngineFactory {

  /** Thrown by {@link #create}, carrying the config. */
  public static final class Captured extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient EngineConfig config;

    Captured(EngineConfig config) {
      super("captured", null, false, false);
      this.config = config;
    }

    public EngineConfig config() {
      return config;
    }
  }

  @Override
  public String name() {
    return "capturing";
  }

  @Override
  public LogEngine create(EngineConfig config) {
    throw new Captured(config);
  }

  /** A class loader (under this class's) in which this factory is the only log engine service. */
  public static ClassLoader loader(Path dir) {
    try {
      Path services = Files.createDirectories(dir.resolve("META-INF/services"));
      Files.writeString(services.resolve(LogEngineFactory.class.getName()), CapturingEngineFactory.class.getName());
      return new URLClassLoader(new URL[] {dir.toUri().toURL()}, CapturingEngineFactory.class.getClassLoader());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
