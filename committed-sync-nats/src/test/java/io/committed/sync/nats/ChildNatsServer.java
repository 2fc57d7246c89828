package io.committed.sync.nats;

import io.committed.testkit.Await;
import io.committed.testkit.Ports;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A nats-server of the test's own, as a child process on a free port with its store in a
 * temporary directory: for tests that stop and restart the server (the shared one must stay up
 * for everyone else). Restarting keeps port and store.
 */
final class ChildNatsServer implements AutoCloseable {
  static final String BINARY = "/usr/sbin/nats-server";

  private final int port = Ports.free();
  private final Path dir;
  private final String config;
  private Process process;

  ChildNatsServer() throws IOException {
    this(null);
  }

  /** A server that also reads {@code config} (nats-server's config syntax), e.g. for users and permissions. */
  ChildNatsServer(String config) throws IOException {
    this.config = config;
    if (!Files.isExecutable(Path.of(BINARY))) {
      throw new AssertionError(BINARY + " is missing: install Debian's nats-server package (apt-get install"
          + " nats-server)");
    }
    dir = Files.createTempDirectory("committed-nats-");
  }

  String url() {
    return "nats://127.0.0.1:" + port;
  }

  ChildNatsServer start() throws IOException {
    List<String> command = new java.util.ArrayList<>(List.of(BINARY, "-a", "127.0.0.1", "-p", Integer.toString(port),
        "-js", "-sd", dir.resolve("store").toString()));
    if (config != null) {
      Path file = dir.resolve("server.conf");
      Files.writeString(file, config);
      command.add("-c");
      command.add(file.toString());
    }
    process = new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("server.log").toFile()))
        .start();
    Await.until("nats-server on port " + port + " accepts connections", Duration.ofSeconds(20), this::accepting);
    return this;
  }

  /** Stops the server (SIGTERM) and waits for it to exit. */
  void stop() throws InterruptedException {
    if (process != null) {
      process.destroy();
      if (!process.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
      }
      process = null;
    }
  }

  private boolean accepting() {
    if (process != null && !process.isAlive()) {
      throw new AssertionError("nats-server exited with " + process.exitValue() + "; see " + dir.resolve("server.log"));
    }
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 200);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  @Override
  public void close() throws Exception {
    stop();
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
