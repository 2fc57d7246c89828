package io.committed.server.support;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The packaged node ({@code target/committed-server.jar}) run as a child process, as a user runs
 * it. Always {@link #close()} it: it is killed if still alive.
 */
public final class NodeProcess implements AutoCloseable {
  private static final Pattern LISTENING = Pattern.compile("committed: listening on (\\S+)");

  private final Process process;
  private final StringBuffer out = new StringBuffer();
  private final StringBuffer err = new StringBuffer();
  private final List<Thread> pumps = new ArrayList<>();

  private NodeProcess(Map<String, String> env, List<String> args) throws IOException {
    String jar = System.getProperty("committed.server.jar");
    if (jar == null || !Path.of(jar).toFile().isFile()) {
      throw new IllegalStateException("the packaged node is missing (" + jar + "): run the ITs through 'mvn verify'");
    }
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-jar", jar));
    cmd.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().keySet().removeIf(k -> k.startsWith("COMMITTED_"));
    pb.environment().putAll(env);
    process = pb.start();
    pumps.add(pump(process.getInputStream(), out, "stdout"));
    pumps.add(pump(process.getErrorStream(), err, "stderr"));
  }

  /** Starts {@code java -jar committed-server.jar args} with {@code env} (no inherited COMMITTED_ variables). */
  public static NodeProcess start(Map<String, String> env, String... args) throws IOException {
    return new NodeProcess(env, List.of(args));
  }

  private static Thread pump(InputStream in, StringBuffer into, String name) {
    Thread t = new Thread(() -> {
      byte[] buf = new byte[8192];
      try (in) {
        int n;
        while ((n = in.read(buf)) != -1) {
          into.append(new String(buf, 0, n, StandardCharsets.UTF_8));
        }
      } catch (IOException e) {
        // the process ended
      }
    }, "node-" + name);
    t.setDaemon(true);
    t.start();
    return t;
  }

  /** Waits for the node to listen and returns its base URI. */
  public URI awaitListening(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      Matcher m = LISTENING.matcher(out);
      if (m.find()) {
        return URI.create(m.group(1));
      }
      if (!process.isAlive()) {
        throw new AssertionError("the node exited with " + process.exitValue() + " before listening:\n" + err);
      }
      java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
    }
    throw new AssertionError("the node did not listen within " + timeout + ":\n" + err);
  }

  /**
   * Sends SIGTERM. Through the process handle: {@link Process#destroy()} would also close our ends
   * of its output pipes, losing what it writes while it shuts down.
   */
  public void terminate() {
    process.toHandle().destroy();
  }

  /** Waits for the exit; the exit code, or fails after {@code timeout}. */
  public int awaitExit(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError("the node did not exit within " + timeout + ":\n" + err);
    }
    for (Thread t : pumps) {
      t.join(TimeUnit.SECONDS.toMillis(10)); // the rest of the output
    }
    return process.exitValue();
  }

  public String stdout() {
    return out.toString();
  }

  public String stderr() {
    return err.toString();
  }

  public long pid() {
    return process.pid();
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroyForcibly();
      try {
        process.waitFor(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
