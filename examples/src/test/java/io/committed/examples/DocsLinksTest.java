package io.committed.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every relative link in {@code README.md} and {@code docs/*.md} leads to a file or directory of the
 * repository, and a {@code #anchor} into a Markdown file to one of its headings (named as GitHub
 * names them). Links to other sites are not followed.
 */
class DocsLinksTest {
  private static final Pattern INLINE_LINK = Pattern.compile("\\]\\(\\s*<?([^)\\s>]+)>?(?:\\s+\"[^\"]*\")?\\s*\\)");
  private static final Pattern REFERENCE_LINK = Pattern.compile("^\\s{0,3}\\[[^\\]]+]:\\s*<?(\\S+?)>?(?:\\s+.*)?$");
  private static final Pattern CODE_SPAN = Pattern.compile("(`+)(?:(?!\\1).)+?\\1");
  private static final Pattern HEADING = Pattern.compile("^\\s{0,3}#{1,6}\\s+(.*?)\\s*#*\\s*$");
  private static final Pattern FENCE = Pattern.compile("^\\s{0,3}(```|~~~)");
  private static final Pattern SCHEME = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*:");

  @Test
  void everyRelativeLinkOfTheReadmeAndTheDocsResolves() throws IOException {
    Path root = Path.of(System.getProperty("committed.repo.root", "..")).toAbsolutePath().normalize();
    List<Path> pages = pages(root);
    assertThat(pages).as("README.md and docs/*.md under %s", root).hasSizeGreaterThan(1);
    assertThat(brokenLinks(root, pages)).as("broken links").isEmpty();
  }

  @Test
  void brokenLinksAreListedWithTheirPageAndLine(@TempDir Path root) throws IOException {
    Files.createDirectories(root.resolve("docs"));
    Files.writeString(root.resolve("README.md"), """
        # Title

        [ok](docs/a.md) [ok too](docs/a.md#the-a-section-x) [here](#title) [web](https://example.org/x)
        [gone](docs/missing.md)
        `[not a link](nowhere.md)`

        ```
        [not a link either](nowhere.md)
        ```
        [ref]: docs/absent.md
        """);
    Files.writeString(root.resolve("docs/a.md"), """
        # The `A` section: x

        [up](../README.md#title) [no such heading](../README.md#subtitle) [self](#nothing)
        """);
    assertThat(brokenLinks(root, pages(root))).containsExactly(
        "README.md:4: docs/missing.md (no such file)",
        "README.md:10: docs/absent.md (no such file)",
        "docs/a.md:3: ../README.md#subtitle (no heading 'subtitle' in README.md)",
        "docs/a.md:3: #nothing (no heading 'nothing' in docs/a.md)");
  }

  static List<Path> pages(Path root) throws IOException {
    List<Path> pages = new ArrayList<>();
    if (Files.exists(root.resolve("README.md"))) {
      pages.add(root.resolve("README.md"));
    }
    Path docs = root.resolve("docs");
    if (Files.isDirectory(docs)) {
      try (Stream<Path> files = Files.list(docs)) {
        files.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
      }
    }
    return pages;
  }

  /** The broken links of {@code pages}, as {@code page:line: target (why)}. */
  static List<String> brokenLinks(Path root, List<Path> pages) {
    Map<Path, Set<String>> anchors = new HashMap<>();
    List<String> broken = new ArrayList<>();
    for (Path page : pages) {
      List<String> lines = read(page);
      boolean inFence = false;
      for (int i = 0; i < lines.size(); i++) {
        String line = lines.get(i);
        if (FENCE.matcher(line).find()) {
          inFence = !inFence;
          continue;
        }
        if (inFence) {
          continue;
        }
        String text = CODE_SPAN.matcher(line).replaceAll("");
        List<String> targets = new ArrayList<>();
        Matcher inline = INLINE_LINK.matcher(text);
        while (inline.find()) {
          targets.add(inline.group(1));
        }
        Matcher reference = REFERENCE_LINK.matcher(text);
        if (reference.matches()) {
          targets.add(reference.group(1));
        }
        for (String target : targets) {
          String why = check(root, page, target, anchors);
          if (why != null) {
            broken.add(root.relativize(page).toString().replace('\\', '/') + ":" + (i + 1) + ": " + target
                + " (" + why + ")");
          }
        }
      }
    }
    return broken;
  }

  /** Why {@code target}, linked from {@code page}, is broken; null when it resolves or is not relative. */
  private static String check(Path root, Path page, String target, Map<Path, Set<String>> anchors) {
    if (SCHEME.matcher(target).find() || target.startsWith("//")) {
      return null;
    }
    int hash = target.indexOf('#');
    String path = hash < 0 ? target : target.substring(0, hash);
    String anchor = hash < 0 ? null : target.substring(hash + 1);
    Path file = path.isEmpty() ? page : page.getParent().resolve(decode(path)).normalize();
    if (!Files.exists(file)) {
      return "no such file";
    }
    if (anchor == null || anchor.isEmpty() || !file.toString().endsWith(".md")) {
      return null;
    }
    Set<String> known = anchors.computeIfAbsent(file, DocsLinksTest::headingAnchors);
    if (known.contains(decode(anchor).toLowerCase(Locale.ROOT))) {
      return null;
    }
    return "no heading '" + anchor + "' in " + root.relativize(file).toString().replace('\\', '/');
  }

  /** The anchors GitHub gives the headings of a Markdown file, duplicates numbered -1, -2, .... */
  static Set<String> headingAnchors(Path file) {
    Set<String> anchors = new HashSet<>();
    Map<String, Integer> seen = new HashMap<>();
    boolean inFence = false;
    for (String line : read(file)) {
      if (FENCE.matcher(line).find()) {
        inFence = !inFence;
        continue;
      }
      Matcher heading = HEADING.matcher(line);
      if (inFence || !heading.matches()) {
        continue;
      }
      String slug = slug(heading.group(1));
      int n = seen.merge(slug, 1, Integer::sum) - 1;
      anchors.add(n == 0 ? slug : slug + "-" + n);
    }
    return anchors;
  }

  /** GitHub's heading anchor: the text without link targets, lower case, punctuation dropped, spaces as hyphens. */
  static String slug(String heading) {
    String text = heading.replaceAll("!?\\[([^\\]]*)]\\([^)]*\\)", "$1").replaceAll("<[^>]+>", "");
    return text.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{M}\\p{N}\\p{Pc} -]", "").replace(' ', '-');
  }

  private static String decode(String s) {
    return java.net.URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  private static List<String> read(Path file) {
    try {
      return Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
