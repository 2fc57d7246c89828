package io.committed.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The node's docs page lists the variables the node reads, in order, with their defaults. */
class NodeDocsTest {

  @Test
  void theVariablesTableOfTheNodePageIsTheNodes() throws Exception {
    Path page = Path.of(System.getProperty("committed.repo.root", ".."), "docs", "node.md");
    List<String> documented = new ArrayList<>();
    for (String line : Files.readAllLines(page, StandardCharsets.UTF_8)) {
      if (!line.startsWith("| `COMMITTED_")) {
        continue;
      }
      String[] cells = line.split("\\|");
      String defaultCell = cells[2].trim();
      String value = defaultCell.equals("—") ? "" : defaultCell.replace("`", "");
      for (String name : cells[1].split(",")) {
        documented.add(name.trim().replace("`", "") + "=" + value);
      }
    }
    List<String> read = new ArrayList<>();
    for (Map.Entry<String, String> v : ServerSettings.VARIABLES) {
      read.add(v.getKey() + "=" + v.getValue());
    }
    assertThat(documented).as("the variables table of %s", page).containsExactlyElementsOf(read);
  }
}
