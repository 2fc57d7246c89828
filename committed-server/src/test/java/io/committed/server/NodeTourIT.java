package io.committed.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.committed.api.LogEntry;
import io.committed.server.support.TestNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The curl tour of {@code docs/node.md}, run verbatim by bash and curl against a node; the only
 * change is the address ({@code localhost:8080} becomes the test node's). Every output the page
 * shows (the {@code # {...}} and {@code # [...]} lines, {@code …} matching anything) must appear,
 * in order.
 */
class NodeTourIT {

  static String tour() throws Exception {
    Path page = Path.of(System.getProperty("committed.repo.root", ".."), "docs", "node.md");
    String text = Files.readString(page, StandardCharsets.UTF_8);
    int start = text.indexOf("<!-- tour:start -->");
    int end = text.indexOf("<!-- tour:end -->");
    assertThat(start).as("the tour's start marker in %s", page).isPositive();
    assertThat(end).isGreaterThan(start);
    String block = text.substring(start, end);
    return block.substring(block.indexOf("```bash\n") + 8, block.lastIndexOf("```"));
  }

  @Test
  void theTourWorksVerbatim() throws Exception {
    String tour = tour();
    try (TestNode node = TestNode.start()) {
      String script = tour.replace("localhost:8080", "127.0.0.1:" + node.server().port());
      Process bash = new ProcessBuilder("bash", "-euo", "pipefail", "-c", script).start();
      CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(bash.getErrorStream()));
      String out = read(bash.getInputStream());
      assertThat(bash.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(bash.exitValue()).as("the tour's exit code; stderr: %s", err.get()).isZero();

      List<String> expected = new ArrayList<>();
      for (String line : tour.split("\n")) {
        if (line.startsWith("# {") || line.startsWith("# [")) {
          expected.add(line.substring(2));
        }
      }
      assertThat(expected).hasSizeGreaterThanOrEqualTo(6);
      StringBuilder regex = new StringBuilder("(?s)");
      for (String e : expected) {
        StringBuilder one = new StringBuilder();
        for (String part : e.split("…", -1)) {
          if (one.length() > 0) {
            one.append(".*?");
          }
          one.append(Pattern.quote(part));
        }
        regex.append(".*?").append(one);
        assertThat(Pattern.compile("(?s).*" + one + ".*").matcher(out).matches())
            .as("the tour printed %s; it printed:%n%s", e, out).isTrue();
      }
      assertThat(Pattern.compile(regex + ".*").matcher(out).matches()).as("in order:%n%s", out).isTrue();

      LogEntry first = node.server().log().read(1, 1).get(0);
      assertThat(first.entities().get(0).dataAsString()).isEqualTo("{\"name\":\"kettle\",\"price\":24.50}");
      assertThat(node.server().log().lastIndex()).as("the refused write wrote nothing").isEqualTo(1);
    }
  }

  private static String read(java.io.InputStream in) {
    try (in) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
