package io.committed.server.support;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** Runs one of the project's scripts to its end, as a user would, and keeps what it printed. */
public record ScriptRun(int exitCode, String output) {

  /** The script {@code name} of the repository's {@code scripts/}. */
  public static Path script(String name) {
    return Path.of(System.getProperty("committed.repo.root", ".."), "scripts", name);
  }

  /**
   * Runs {@code script} with bash, this JVM's environment less the variables {@code drop} names
   * plus {@code env}, and waits up to {@code seconds} for it to end (then kills it and its
   * children).
   *
   * @throws AssertionError when it does not end in time
   */
  public static ScriptRun run(Path script, Predicate<String> drop, Map<String, String> env, long seconds)
      throws Exception {
    ProcessBuilder pb = new ProcessBuilder("bash", script.toString()).redirectErrorStream(true);
    pb.environment().keySet().removeIf(drop);
    pb.environment().putAll(env);
    Process p = pb.start();
    try {
      CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> {
        try (var in = p.getInputStream()) {
          return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      });
      if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
        throw new AssertionError(script + " did not finish within " + seconds + " s");
      }
      return new ScriptRun(p.exitValue(), out.get(30, TimeUnit.SECONDS));
    } finally {
      p.descendants().forEach(ProcessHandle::destroy);
      p.toHandle().destroy();
      p.waitFor(30, TimeUnit.SECONDS);
    }
  }
}
