package io.committed.server.support;

import io.committed.CommittedBuilder;
import io.committed.server.CommittedServer;
import io.committed.server.ServerSettings;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/** An in-process node on a free port with the in-memory engine and the test plug-ins. */
public final class TestNode implements AutoCloseable {
  private final CommittedServer server;
  private final ApiClient client;

  private TestNode(Map<String, String> env, Consumer<CommittedBuilder> customizer) {
    Map<String, String> all = new HashMap<>();
    all.put("COMMITTED_ENGINE", "memory");
    all.put("COMMITTED_API_ADDR", "127.0.0.1:0");
    all.putAll(env);
    server = CommittedServer.start(ServerSettings.fromEnvironment(all), b -> {
      b.syncableFactory(new TestSyncableFactory()).ingestableFactory(new TestIngestableFactory())
          .ingestableFactory(new TestIngestableFactory.Plain());
      customizer.accept(b);
    });
    client = new ApiClient(server.uri(), env.get("COMMITTED_API_TOKEN"));
  }

  public static TestNode start() {
    return new TestNode(Map.of(), b -> { });
  }

  public static TestNode start(Map<String, String> env) {
    return new TestNode(env, b -> { });
  }

  public static TestNode start(Map<String, String> env, Consumer<CommittedBuilder> customizer) {
    return new TestNode(env, customizer);
  }

  public CommittedServer server() {
    return server;
  }

  /** A client that sends the node's token, if it has one. */
  public ApiClient client() {
    return client;
  }

  @Override
  public void close() {
    server.close();
  }
}
