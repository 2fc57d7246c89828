package io.committed.raft;

import io.committed.api.ConfigException;
import io.committed.engine.EngineConfig;
import io.committed.engine.LogEngine;
import io.committed.engine.LogEngineFactory;
import java.util.ArrayList;
import java.util.List;

/**
 * The replicated engine, registered through {@code META-INF/services}: adding
 * {@code committed-raft} to the class path is all it takes. Needs {@code peers} (with this node's
 * own address), a {@code dataDir}, and the JVM flags of {@link #jvmFlags()}.
 */
public final class RaftEngineFactory implements LogEngineFactory {

  /** The JVM flags Chronicle Queue needs on JDK 17+, space-separated, as a launcher passes them. */
  public static String jvmFlags() {
    return "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/java.lang.reflect=ALL-UNNAMED"
        + " --add-exports=java.base/jdk.internal.ref=ALL-UNNAMED";
  }

  @Override
  public String name() {
    return "raft";
  }

  @Override
  public LogEngine create(EngineConfig config) {
    checkJvmFlags();
    if (config.dataDir() == null) {
      throw new ConfigException("dataDir", "the raft engine keeps its files in a data directory: set dataDir(...)");
    }
    if (config.selfAddress() == null) {
      throw new ConfigException("peers", "the raft engine needs this node's own replication address: peers must list"
          + " node " + config.nodeId() + " (e.g. peers(\"" + config.nodeId() + "=127.0.0.1:9021\"))");
    }
    System.setProperty("chronicle.analytics.disable", "true");
    return new RaftEngine(config, RaftSettings.parse(config.options()));
  }

  /** Fails with the flags to add when the JVM lacks what Chronicle Queue needs. */
  static void checkJvmFlags() {
    Module base = Object.class.getModule();
    Module us = RaftEngineFactory.class.getModule();
    List<String> missing = new ArrayList<>();
    if (!base.isExported("sun.nio.ch", us)) {
      missing.add("--add-exports=java.base/sun.nio.ch=ALL-UNNAMED");
    }
    if (!base.isOpen("java.lang.reflect", us)) {
      missing.add("--add-opens=java.base/java.lang.reflect=ALL-UNNAMED");
    }
    if (!base.isExported("jdk.internal.ref", us)) {
      missing.add("--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED");
    }
    if (!missing.isEmpty()) {
      throw new ConfigException("jvm", "the raft engine's event log (Chronicle Queue) needs these JVM flags, missing here: "
          + String.join(" ", missing) + " (all of them: " + jvmFlags() + "; in Maven, add them to the Surefire argLine)");
    }
  }
}
